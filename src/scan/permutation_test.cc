#include "scan/permutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace portlens {
namespace {

constexpr uint64_t kSeeds[] = {0, 1, 0x9e3779b97f4a7c15ULL, 20240601};

// Every output is in range and no output repeats: a bijection of [0, n).
void expect_bijection(uint64_t n, uint64_t seed) {
  Permutation permutation(n, seed);
  std::vector<bool> seen(n, false);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t value = permutation(i);
    ASSERT_LT(value, n) << "n=" << n << " seed=" << seed << " i=" << i;
    ASSERT_FALSE(seen[value]) << "n=" << n << " seed=" << seed << " i=" << i;
    seen[value] = true;
  }
}

TEST(Permutation, IsABijectionForEverySmallN) {
  for (uint64_t seed : kSeeds) {
    for (uint64_t n = 1; n <= 2000; ++n) expect_bijection(n, seed);
  }
}

TEST(Permutation, IsABijectionAroundPowersOfTwo) {
  for (uint64_t n : {4095u, 4096u, 4097u, 16383u, 16384u, 16385u, 65536u, 65537u, 100000u}) {
    expect_bijection(n, 7);
  }
}

TEST(Permutation, SizeOneMapsToZero) {
  EXPECT_EQ(Permutation(1, 123)(0), 0u);
  EXPECT_EQ(Permutation(1, 123).size(), 1u);
}

TEST(Permutation, IdentityModeKeepsTheOrder) {
  Permutation identity = Permutation::identity(1000);
  EXPECT_TRUE(identity.is_identity());
  EXPECT_EQ(identity.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(identity(i), i);
  EXPECT_EQ(Permutation::identity(uint64_t{1} << 40)((uint64_t{1} << 40) - 1), (uint64_t{1} << 40) - 1);
}

TEST(Permutation, ShufflesAndDependsOnTheSeed) {
  const uint64_t n = 1000;
  Permutation first(n, 1), second(n, 2), again(n, 1);
  EXPECT_FALSE(first.is_identity());
  size_t fixed_points = 0, same_as_other_seed = 0;
  for (uint64_t i = 0; i < n; ++i) {
    EXPECT_EQ(first(i), again(i));
    if (first(i) == i) ++fixed_points;
    if (first(i) == second(i)) ++same_as_other_seed;
  }
  // A random permutation has about one fixed point; allow plenty of slack.
  EXPECT_LT(fixed_points, 20u);
  EXPECT_LT(same_as_other_seed, 20u);
}

TEST(Permutation, SpreadsNeighboursApart) {
  // Consecutive probes should not go to consecutive positions (one host's ports).
  Permutation permutation(256 * 1000, 42);
  size_t adjacent = 0;
  for (uint64_t i = 0; i + 1 < 10000; ++i) {
    uint64_t a = permutation(i), b = permutation(i + 1);
    if ((a > b ? a - b : b - a) < 1000) ++adjacent;
  }
  EXPECT_LT(adjacent, 200u);  // about 1% expected
}

// Sorted outputs of many inputs, checked for range and repeats.
void expect_no_collisions(const Permutation& permutation, const std::vector<uint64_t>& inputs) {
  std::vector<uint64_t> outputs;
  outputs.reserve(inputs.size());
  for (uint64_t i : inputs) {
    uint64_t value = permutation(i);
    ASSERT_LT(value, permutation.size()) << i;
    outputs.push_back(value);
  }
  std::sort(outputs.begin(), outputs.end());
  EXPECT_EQ(std::adjacent_find(outputs.begin(), outputs.end()), outputs.end());
}

TEST(Permutation, LargeNHasNoCollisionsInSamples) {
  const uint64_t n = (uint64_t{1} << 32) + 7;  // just past a power of two: the longest cycle walks
  Permutation permutation(n, 99);
  std::vector<uint64_t> inputs;
  for (uint64_t i = 0; i < (1u << 20); ++i) inputs.push_back(i);                      // the start
  for (uint64_t i = n - (1u << 20); i < n; ++i) inputs.push_back(i);                  // the end
  for (uint64_t i = 0; i < (1u << 20); ++i) inputs.push_back((1u << 20) + i * 4093);  // strided through the middle
  expect_no_collisions(permutation, inputs);
}

TEST(Permutation, WorksUpTo2To48AndBeyond) {
  for (uint64_t n : {(uint64_t{1} << 48), (uint64_t{1} << 48) + 1, (uint64_t{1} << 63) + 12345, ~uint64_t{0}}) {
    Permutation permutation(n, 3);
    std::vector<uint64_t> inputs;
    for (uint64_t i = 0; i < 50000; ++i) inputs.push_back(i);
    for (uint64_t i = 0; i < 50000; ++i) inputs.push_back(n - 1 - i);
    expect_no_collisions(permutation, inputs);
  }
}

}  // namespace
}  // namespace portlens
