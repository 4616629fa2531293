#pragma once
// Sets of unsigned integers kept as sorted, disjoint closed intervals: the
// arithmetic behind scan targets (an address family is a range of integers)
// and scan ports. Header-only because it is a template over the word type:
// uint32_t for IPv4 and ports, Uint128 for IPv6.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace portlens {

__extension__ typedef unsigned __int128 Uint128;  // GCC and clang; __extension__ keeps -Wpedantic quiet

template <typename Word>
struct Interval {
  Word first = 0;
  Word last = 0;  ///< Inclusive: [first, last]; first <= last.
  bool operator==(const Interval&) const = default;
};

/// Sorts `intervals` and merges the ones that overlap or touch, so that every
/// value is held once and consecutive intervals leave a gap between them.
template <typename Word>
void normalize_intervals(std::vector<Interval<Word>>* intervals) {
  if (intervals->empty()) return;
  auto by_first = [](const Interval<Word>& a, const Interval<Word>& b) { return a.first < b.first; };
  // Octet patterns expand in order, and address lists are often sorted already.
  if (!std::is_sorted(intervals->begin(), intervals->end(), by_first)) {
    std::sort(intervals->begin(), intervals->end(), by_first);
  }
  size_t kept = 0;
  for (size_t i = 1; i < intervals->size(); ++i) {
    Interval<Word>& current = (*intervals)[kept];
    const Interval<Word>& next = (*intervals)[i];
    // `current.last + 1` would wrap at the top of the word: test the top first.
    if (current.last == std::numeric_limits<Word>::max() || next.first <= current.last + 1) {
      current.last = std::max(current.last, next.last);
    } else {
      (*intervals)[++kept] = next;
    }
  }
  intervals->resize(kept + 1);
}

/// `from` without the values of `removed`; both must be normalized, and so is
/// the result. One pass over both lists.
template <typename Word>
std::vector<Interval<Word>> subtract_intervals(const std::vector<Interval<Word>>& from,
                                               const std::vector<Interval<Word>>& removed) {
  std::vector<Interval<Word>> out;
  size_t first_relevant = 0;
  for (const Interval<Word>& interval : from) {
    while (first_relevant < removed.size() && removed[first_relevant].last < interval.first) ++first_relevant;
    Word start = interval.first;
    bool rest_remains = true;
    for (size_t k = first_relevant; k < removed.size() && removed[k].first <= interval.last; ++k) {
      if (removed[k].first > start) out.push_back({start, static_cast<Word>(removed[k].first - 1)});
      if (removed[k].last >= interval.last) {
        rest_remains = false;
        break;
      }
      start = std::max(start, static_cast<Word>(removed[k].last + 1));  // no wrap: last < interval.last
    }
    if (rest_remains) out.push_back({start, interval.last});
  }
  return out;
}

/// Number of values in normalized `intervals`, saturating at the largest
/// Uint128: the whole IPv6 space (2^128 values) counts as 2^128 - 1.
template <typename Word>
Uint128 count_values(const std::vector<Interval<Word>>& intervals) {
  constexpr Uint128 kMax = ~Uint128{0};
  Uint128 total = 0;
  for (const Interval<Word>& interval : intervals) {
    Uint128 span = Uint128{interval.last} - Uint128{interval.first};  // size - 1: cannot wrap
    if (span == kMax || total > kMax - span - 1) return kMax;
    total += span + 1;
  }
  return total;
}

}  // namespace portlens
