#pragma once
// The order in which `portlens scan` visits its (address, port) pairs: a keyed
// bijection over [0, n), so probes are spread across hosts and ports instead
// of hammering one host, without keeping a list of what was sent. The essay
// is at the top of permutation.cc.

#include <array>
#include <cstdint>

namespace portlens {

class Permutation {
 public:
  /// A pseudo-random bijection of [0, n) chosen by `seed`; n >= 1, any uint64_t.
  Permutation(uint64_t n, uint64_t seed);

  /// The bijection i -> i (--no-randomize).
  static Permutation identity(uint64_t n);

  /// The position i is sent to; i < size(). Allocates nothing: on average
  /// under two passes of the network, 8 multiplications each.
  uint64_t operator()(uint64_t i) const;

  uint64_t size() const { return size_; }
  bool is_identity() const { return identity_; }

 private:
  uint64_t feistel(uint64_t value) const;

  uint64_t size_;
  bool identity_ = false;
  unsigned low_bits_ = 1;  ///< The Feistel network's low part; the high part has the rest of the domain's bits.
  uint64_t low_mask_ = 1;
  uint64_t high_mask_ = 1;
  std::array<uint64_t, 4> round_keys_{};
};

}  // namespace portlens
