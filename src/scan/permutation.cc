#include "scan/permutation.h"

#include <algorithm>
#include <bit>
#include <cassert>

// A bijection over [0, n) from a block cipher on a slightly larger domain.
//
// A scan of 256 hosts × 1000 ports is 256,000 (address, port) pairs; sending
// them in index order would hit one host with a thousand probes in a row,
// which looks like (and is treated as) a flood. Shuffling a list of the pairs
// would cost memory proportional to the scan. Instead the scanner walks
// i = 0, 1, 2, … and probes pair P(i), where P is a permutation of [0, n)
// computed on the fly.
//
// Feistel network. Split a w-bit value into a high part L and a low part R
// (w/2 bits each, or one more in L when w is odd) and apply four rounds that
// alternate
//     L ^= F_k(R)      then      R ^= F_k(L)
// where F_k is any function of the other part and the round key k, cut to the
// width of the part it changes. Whatever F is, each round is undone by
// applying it again (x ^ y ^ y = x), so the whole network is a bijection of
// [0, 2^w). With a good mixing F, four rounds make the order look random (the
// Luby-Rackoff construction; with equal halves the alternation is the
// textbook swap-and-xor Feistel with the swaps left out). F here is a 64-bit
// multiply-xorshift mixer of the part plus k.
//
// Cycle walking. The network permutes [0, 2^w), but n is rarely a power of
// two. Take the smallest w with 2^w >= n, so 2^w < 2n. For i < n apply the
// network, and apply it again while the result is >= n. Following the
// network's cycle from i, the first value below n is reached before i itself
// comes round again; and walking the cycle backwards from that value, through
// values >= n only, leads to i alone. So distinct i reach distinct values: a
// bijection of [0, n). Since less than half of the domain lies outside
// [0, n), the expected number of passes is under two. (Odd widths are why the
// parts may differ by a bit: with equal halves only even w, the domain could
// be nearly 4n and the walks twice as long.)
//
// Worked example: n = 10. The smallest w with 2^w >= 10 is 4 (16 values,
// parts of 2 bits). If the network sends 3 -> 12 -> 14 -> 7, then P(3) = 7:
// 12 and 14 are outside [0, 10) and are stepped over.

namespace portlens {
namespace {

// splitmix64: spreads a seed into well-mixed round keys.
uint64_t next_key(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The round function: a 64-bit finalizer (in the style of MurmurHash3's fmix64).
uint64_t mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> 33;
  return value;
}

}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed) : size_(n) {
  assert(n >= 1);
  // Bits of the largest value, n - 1; at least 2 so that both parts have a bit.
  unsigned bits = std::max(2u, static_cast<unsigned>(std::bit_width(n - 1)));
  low_bits_ = bits / 2;
  low_mask_ = (uint64_t{1} << low_bits_) - 1;
  high_mask_ = (uint64_t{1} << (bits - low_bits_)) - 1;  // bits - low_bits_ <= 32: no shift by 64
  uint64_t state = seed;
  for (uint64_t& key : round_keys_) key = next_key(&state);
}

Permutation Permutation::identity(uint64_t n) {
  Permutation permutation(n, 0);
  permutation.identity_ = true;
  return permutation;
}

uint64_t Permutation::feistel(uint64_t value) const {
  uint64_t high = value >> low_bits_;
  uint64_t low = value & low_mask_;
  high ^= mix(low + round_keys_[0]) & high_mask_;
  low ^= mix(high + round_keys_[1]) & low_mask_;
  high ^= mix(low + round_keys_[2]) & high_mask_;
  low ^= mix(high + round_keys_[3]) & low_mask_;
  return (high << low_bits_) | low;
}

uint64_t Permutation::operator()(uint64_t i) const {
  assert(i < size_);
  if (identity_) return i;
  uint64_t value = feistel(i);
  while (value >= size_) value = feistel(value);  // cycle walking: see the top of the file
  return value;
}

}  // namespace portlens
