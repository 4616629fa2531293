#include "knowledge/top_ports.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "knowledge/embedded.h"
#include "knowledge/knowledge_base.h"
#include "util/file.h"
#include "util/toml.h"

namespace portlens {
namespace {

TEST(TopPorts, StartsWithTheHandRankedHead) {
  std::vector<uint16_t> top = top_tcp_ports(5);
  EXPECT_EQ(top, (std::vector<uint16_t>{80, 443, 22, 21, 25}));
  auto head = top_tcp_head();
  ASSERT_GE(head.size(), 150u);
  std::vector<uint16_t> whole_head = top_tcp_ports(head.size());
  EXPECT_TRUE(std::equal(head.begin(), head.end(), whole_head.begin(), whole_head.end()));
}

TEST(TopPorts, CompiledHeadIsTheDataFile) {
  std::string path = std::string(PORTLENS_SOURCE_DIR) + "/data/top-ports.toml";
  auto text = read_text_file(path);
  ASSERT_TRUE(text.ok()) << path;
  auto table = parse_toml(*text, path);
  ASSERT_TRUE(table.ok());
  const toml::array* list = table->get_as<toml::array>("tcp");
  ASSERT_NE(list, nullptr);
  std::vector<uint16_t> in_file;
  for (const toml::node& node : *list) in_file.push_back(static_cast<uint16_t>(node.value_or(0)));
  auto head = top_tcp_head();
  EXPECT_EQ(in_file, std::vector<uint16_t>(head.begin(), head.end()));
}

TEST(TopPorts, AllPortsAreAPermutationOfOneTo65535) {
  std::vector<uint16_t> all = top_tcp_ports(65535);
  ASSERT_EQ(all.size(), 65535u);
  std::vector<uint16_t> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint16_t> expected(65535);
  std::iota(expected.begin(), expected.end(), uint16_t{1});
  EXPECT_EQ(sorted, expected);  // so no duplicates, and no port 0
  EXPECT_EQ(std::find(all.begin(), all.end(), 0), all.end());
}

TEST(TopPorts, ClampsAndHandlesZero) {
  EXPECT_TRUE(top_tcp_ports(0).empty());
  EXPECT_EQ(top_tcp_ports(65536).size(), 65535u);
  EXPECT_EQ(top_tcp_ports(static_cast<size_t>(-1)), top_tcp_ports(65535));
}

TEST(TopPorts, EveryTopNIsAPrefixOfTheNextOne) {
  std::vector<uint16_t> all = top_tcp_ports(65535);
  size_t head = top_tcp_head().size();
  for (size_t n : {size_t{1}, size_t{2}, size_t{20}, size_t{100}, head - 1, head, head + 1, head + 2,
                   size_t{1000}, size_t{6000}, size_t{10000}, size_t{40000}, size_t{65534}}) {
    SCOPED_TRACE(n);
    std::vector<uint16_t> top = top_tcp_ports(n), next = top_tcp_ports(n + 1);
    ASSERT_EQ(top.size(), n);
    ASSERT_EQ(next.size(), n + 1);
    EXPECT_TRUE(std::equal(top.begin(), top.end(), next.begin()));
    EXPECT_TRUE(std::equal(next.begin(), next.end(), all.begin()));
  }
}

// The tail rule, checked through a different path than the one that builds
// it: the knowledge base's quick index says whether a port has a curated
// entry (it has a risk) or only a name. With the permutation test, tiers that
// never go back and ascending ports inside each tier pin the whole tail.
TEST(TopPorts, TailIsCuratedThenIanaThenTheRestEachAscending) {
  KnowledgeBase base;
  auto tier = [&](uint16_t port) {
    KnowledgeBase::QuickNote note = base.quick_note(port, Protocol::tcp);
    return note.has_risk ? 0 : !note.service.empty() ? 1 : 2;
  };
  std::vector<uint16_t> all = top_tcp_ports(65535);
  size_t head = top_tcp_head().size();
  size_t tier_sizes[3] = {0, 0, 0};
  for (size_t i = head + 1; i < all.size(); ++i) {
    int before = tier(all[i - 1]), here = tier(all[i]);
    ASSERT_LE(before, here) << all[i - 1] << " before " << all[i];
    if (before == here) {
      ASSERT_LT(all[i - 1], all[i]) << "tier " << here;
    }
  }
  for (size_t i = head; i < all.size(); ++i) ++tier_sizes[tier(all[i])];
  EXPECT_GT(tier_sizes[0], 100u);   // curated ports the head does not rank
  EXPECT_GT(tier_sizes[1], 4000u);  // IANA names
  EXPECT_GT(tier_sizes[2], 40000u);
}

TEST(TopPorts, IsFastEnoughForEveryPort) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(top_tcp_ports(65535).size(), 65535u);
  auto elapsed = std::chrono::steady_clock::now() - start;
  // A few ms per call is the budget; sanitizer builds are ~10x slower.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 1000);
}

}  // namespace
}  // namespace portlens
