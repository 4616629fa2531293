#include "scan/target_spec.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace portlens {
namespace {

// The fixed reasons of "bad target '{}': {}", as the parser words them.
constexpr const char* kNotATarget = "not an IP address, network, address range or host name";
constexpr const char* kBadHostName =
    "not a valid host name (letters, digits and '-'; labels of 1-63 characters; 253 in all)";
constexpr const char* kOctetOutOfRange = "an octet is out of range (0-255)";
constexpr const char* kRangeReversed = "a range ends before it starts";
constexpr const char* kBadPrefix = "bad prefix length (0-32 for IPv4, 0-128 for IPv6)";
constexpr const char* kEmptyItem = "empty item between commas";
constexpr const char* kTooManyIntervals = "expands to too many separate ranges";
constexpr const char* kBadTarget = "bad target '{}': {}";
constexpr const char* kBadTargetInFile = "{}: line {}: bad target '{}': {}";
constexpr const char* kTooMany = "too many {} targets: {} addresses (the limit is {} per address family)";

Address v4(const char* text) {
  Address address{AddressFamily::ipv4, {}};
  EXPECT_EQ(inet_pton(AF_INET, text, address.bytes.data()), 1) << text;
  return address;
}

Address v6(const char* text) {
  Address address{AddressFamily::ipv6, {}};
  EXPECT_EQ(inet_pton(AF_INET6, text, address.bytes.data()), 1) << text;
  return address;
}

// A resolver that knows a few names and counts its calls; no DNS in tests.
struct FakeResolver {
  std::map<std::string, std::vector<Address>> names{
      {"db1.example.net", {v4("192.0.2.10"), v6("2001:db8::10")}},
      {"DB1.example.net", {v4("192.0.2.10"), v6("2001:db8::10")}},
      {"v4only.example.net", {v4("192.0.2.20"), v4("192.0.2.21")}},
      {"v6only.example.net", {v6("2001:db8::30")}},
      {"empty.example.net", {}},
      {"inside.example.net", {v4("10.0.0.7")}},
  };
  std::shared_ptr<int> calls = std::make_shared<int>(0);

  Resolver resolver() const {
    return [names = names, calls = calls](std::string_view host) -> Result<std::vector<Address>> {
      ++*calls;
      auto found = names.find(std::string(host));
      if (found == names.end()) return make_error("cannot resolve host name '{}': {}", host, "no such host (fake)");
      return found->second;
    };
  }
};

TargetOptions options_for(FamilyPreference family = FamilyPreference::any) {
  return TargetOptions{family, FakeResolver().resolver()};
}

std::string describe(const Error& error) {
  std::string text = error.msgid;
  for (const std::string& arg : error.args) text += " | " + arg;
  return text;
}

TargetSet parse_ok(std::string_view targets, std::string_view excludes = "",
                   FamilyPreference family = FamilyPreference::any) {
  auto set = parse_targets(targets, excludes, options_for(family));
  EXPECT_TRUE(set.ok()) << targets << ": " << (set.ok() ? "" : describe(set.error()));
  return set.ok() ? *set : TargetSet{};
}

Error parse_error(std::string_view targets, std::string_view excludes = "",
                  FamilyPreference family = FamilyPreference::any) {
  auto set = parse_targets(targets, excludes, options_for(family));
  EXPECT_FALSE(set.ok()) << targets;
  return set.ok() ? Error{} : set.error();
}

void expect_bad_target(std::string_view targets, const std::string& token, const std::string& why,
                       FamilyPreference family = FamilyPreference::any) {
  Error error = parse_error(targets, "", family);
  EXPECT_EQ(error.msgid, kBadTarget) << targets;
  EXPECT_EQ(error.args, (std::vector<std::string>{token, why})) << targets;
}

std::vector<std::string> range_texts(const TargetSet& set) {
  std::vector<std::string> texts;
  for (const AddressRange& range : set.ranges()) {
    texts.push_back(range.first == range.last ? address_text(range.first)
                                              : address_text(range.first) + "-" + address_text(range.last));
  }
  return texts;
}

std::vector<std::string> all_addresses(const TargetSet& set) {
  std::vector<std::string> texts;
  for (uint64_t i = 0; i < set.size(); ++i) texts.push_back(address_text(set.at(i)));
  return texts;
}

using Strings = std::vector<std::string>;

// --- forms ------------------------------------------------------------------

TEST(TargetSpec, SingleIpv4Address) {
  TargetSet set = parse_ok("10.0.0.1");
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.at(0), v4("10.0.0.1"));
  EXPECT_EQ(set.size(AddressFamily::ipv4), 1u);
  EXPECT_EQ(set.size(AddressFamily::ipv6), 0u);
}

TEST(TargetSpec, SingleIpv6Address) {
  TargetSet set = parse_ok("fd00::1");
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.at(0), v6("fd00::1"));
  EXPECT_EQ(parse_ok("::ffff:192.0.2.1").at(0), v6("::ffff:192.0.2.1"));
}

TEST(TargetSpec, Ipv4Network) {
  TargetSet set = parse_ok("10.0.0.0/24");
  EXPECT_EQ(set.size(), 256u);
  EXPECT_EQ(set.at(0), v4("10.0.0.0"));
  EXPECT_EQ(set.at(255), v4("10.0.0.255"));
  EXPECT_EQ(range_texts(set), Strings{"10.0.0.0-10.0.0.255"});
}

TEST(TargetSpec, NetworkIgnoresHostBits) {
  EXPECT_EQ(range_texts(parse_ok("10.0.0.77/24")), Strings{"10.0.0.0-10.0.0.255"});
  EXPECT_EQ(range_texts(parse_ok("fd00::1234/120")), Strings{"fd00::1200-fd00::12ff"});
}

TEST(TargetSpec, Ipv4NetworkEdges) {
  EXPECT_EQ(parse_ok("10.0.0.9/32").size(), 1u);
  TargetSet everything = parse_ok("0.0.0.0/0");  // 2^32 is at the limit, not over it
  EXPECT_EQ(everything.size(), uint64_t{1} << 32);
  EXPECT_EQ(everything.at((uint64_t{1} << 32) - 1), v4("255.255.255.255"));
}

TEST(TargetSpec, Ipv4SlashEightIsFine) {
  TargetSet set = parse_ok("10.0.0.0/8");
  EXPECT_EQ(set.size(), 16777216u);
  EXPECT_EQ(set.range_count(), 1u);
  EXPECT_EQ(set.at(16777215), v4("10.255.255.255"));
}

TEST(TargetSpec, Ipv6Network) {
  TargetSet set = parse_ok("fd00::/120");
  EXPECT_EQ(set.size(), 256u);
  EXPECT_EQ(set.at(0), v6("fd00::"));
  EXPECT_EQ(set.at(255), v6("fd00::ff"));
  EXPECT_EQ(parse_ok("fd00::5/128").size(), 1u);
  TargetSet largest = parse_ok("fd00::/96");  // exactly 2^32
  EXPECT_EQ(largest.size(), uint64_t{1} << 32);
  EXPECT_EQ(largest.at((uint64_t{1} << 32) - 1), v6("fd00::ffff:ffff"));
}

TEST(TargetSpec, OctetRanges) {
  TargetSet set = parse_ok("10.0.0-3.1-20");
  EXPECT_EQ(set.size(), 80u);
  EXPECT_EQ(range_texts(set),
            (Strings{"10.0.0.1-10.0.0.20", "10.0.1.1-10.0.1.20", "10.0.2.1-10.0.2.20", "10.0.3.1-10.0.3.20"}));
  EXPECT_EQ(set.at(0), v4("10.0.0.1"));
  EXPECT_EQ(set.at(19), v4("10.0.0.20"));
  EXPECT_EQ(set.at(20), v4("10.0.1.1"));
  EXPECT_EQ(set.at(79), v4("10.0.3.20"));
}

TEST(TargetSpec, OctetLists) {
  EXPECT_EQ(all_addresses(parse_ok("192.168.1,3.5")), (Strings{"192.168.1.5", "192.168.3.5"}));
  EXPECT_EQ(all_addresses(parse_ok("10.0.0.1,3,5-6")), (Strings{"10.0.0.1", "10.0.0.3", "10.0.0.5", "10.0.0.6"}));
  EXPECT_EQ(all_addresses(parse_ok("10.1,2.3.4")), (Strings{"10.1.3.4", "10.2.3.4"}));
  EXPECT_EQ(all_addresses(parse_ok("10,11.0.0.1")), (Strings{"10.0.0.1", "11.0.0.1"}));
}

TEST(TargetSpec, OctetListsAndRangesCombine) {
  TargetSet set = parse_ok("10.0-1,5.2.1,3");
  EXPECT_EQ(all_addresses(set), (Strings{"10.0.2.1", "10.0.2.3", "10.1.2.1", "10.1.2.3", "10.5.2.1", "10.5.2.3"}));
}

// Octet patterns against plain nested loops over the octets they name.
TEST(TargetSpec, OctetPatternsMatchNestedLoops) {
  struct Case {
    const char* pattern;
    std::vector<std::pair<int, int>> octets[4];  // runs per octet
  };
  const Case cases[] = {
      {"10.0-1,3.2,4-5.0-1,250-", {{{10, 10}}, {{0, 1}, {3, 3}}, {{2, 2}, {4, 5}}, {{0, 1}, {250, 255}}}},
      {"1,3.*.7.9-10", {{{1, 1}, {3, 3}}, {{0, 255}}, {{7, 7}}, {{9, 10}}}},
      {"0.255.0-2,1-4.*", {{{0, 0}}, {{255, 255}}, {{0, 4}}, {{0, 255}}}},
      {"5-6.7.*.0-1,9", {{{5, 6}}, {{7, 7}}, {{0, 255}}, {{0, 1}, {9, 9}}}},
      {"5.6,8.7.*", {{{5, 5}}, {{6, 6}, {8, 8}}, {{7, 7}}, {{0, 255}}}},
  };
  for (const Case& c : cases) {
    TargetSet set = parse_ok(c.pattern);
    uint64_t index = 0;
    bool in_order = true;
    for (auto [a0, a1] : c.octets[0])
      for (int a = a0; a <= a1; ++a)
        for (auto [b0, b1] : c.octets[1])
          for (int b = b0; b <= b1; ++b)
            for (auto [c0, c1] : c.octets[2])
              for (int cc = c0; cc <= c1; ++cc)
                for (auto [d0, d1] : c.octets[3])
                  for (int d = d0; d <= d1; ++d) {
                    std::string text = fmt::format("{}.{}.{}.{}", a, b, cc, d);
                    in_order = in_order && index < set.size() && set.at(index) == v4(text.c_str());
                    ++index;
                  }
    EXPECT_TRUE(in_order) << c.pattern;
    EXPECT_EQ(set.size(), index) << c.pattern;
  }
}

TEST(TargetSpec, StarAndOpenEndedOctets) {
  EXPECT_EQ(range_texts(parse_ok("10.0.0.*")), Strings{"10.0.0.0-10.0.0.255"});
  EXPECT_EQ(range_texts(parse_ok("10.0.*.*")), Strings{"10.0.0.0-10.0.255.255"});
  EXPECT_EQ(range_texts(parse_ok("10.0-1.*.*")), Strings{"10.0.0.0-10.1.255.255"});
  EXPECT_EQ(range_texts(parse_ok("10.0.0.-5")), Strings{"10.0.0.0-10.0.0.5"});
  EXPECT_EQ(range_texts(parse_ok("10.0.0.250-")), Strings{"10.0.0.250-10.0.0.255"});
  EXPECT_EQ(range_texts(parse_ok("10.0.0.-")), Strings{"10.0.0.0-10.0.0.255"});
  EXPECT_EQ(range_texts(parse_ok("*.*.*.*")), Strings{"0.0.0.0-255.255.255.255"});
}

TEST(TargetSpec, OctetPatternsStayRangesNotAddresses) {
  TargetSet set = parse_ok("10.*.*.1");  // .1 of every /24 in 10/8
  EXPECT_EQ(set.size(), 65536u);
  EXPECT_EQ(set.range_count(), 65536u);
  EXPECT_EQ(set.at(1), v4("10.0.1.1"));
  EXPECT_EQ(set.at(65535), v4("10.255.255.1"));
  TargetSet wide = parse_ok("10.0-255.*.*");
  EXPECT_EQ(wide.range_count(), 1u);
}

TEST(TargetSpec, LeadingZerosAreDecimal) { EXPECT_EQ(parse_ok("010.0.0.010").at(0), v4("10.0.0.10")); }

TEST(TargetSpec, WholeAddressRanges) {
  TargetSet set = parse_ok("10.0.0.250-10.0.1.4");
  EXPECT_EQ(set.size(), 11u);
  EXPECT_EQ(set.at(6), v4("10.0.1.0"));
  TargetSet ipv6 = parse_ok("fd00::fffe-fd00::1:1");
  EXPECT_EQ(ipv6.size(), 4u);
  EXPECT_EQ(all_addresses(ipv6), (Strings{"fd00::fffe", "fd00::ffff", "fd00::1:0", "fd00::1:1"}));
}

TEST(TargetSpec, SeparatorsAreCommasAndWhitespace) {
  TargetSet set = parse_ok("10.0.0.1,10.0.0.2 10.0.0.3\t10.0.0.4\n10.0.0.5 , 10.0.0.6\r\n");
  EXPECT_EQ(set.size(), 6u);
  EXPECT_EQ(range_texts(set), Strings{"10.0.0.1-10.0.0.6"});
}

TEST(TargetSpec, CommasBetweenNamesAndAddresses) {
  TargetSet set = parse_ok("10.0.0.1,inside.example.net,fd00::1,10.0.0.3");
  EXPECT_EQ(all_addresses(set), (Strings{"10.0.0.1", "10.0.0.3", "10.0.0.7", "fd00::1"}));
}

TEST(TargetSpec, HostNameStandsForAllItsAddresses) {
  TargetSet set = parse_ok("db1.example.net");
  EXPECT_EQ(all_addresses(set), (Strings{"192.0.2.10", "2001:db8::10"}));
  ASSERT_EQ(set.resolved_hosts().size(), 1u);
  EXPECT_EQ(set.resolved_hosts()[0].name, "db1.example.net");
  EXPECT_EQ(set.resolved_hosts()[0].addresses, (std::vector<Address>{v4("192.0.2.10"), v6("2001:db8::10")}));
}

TEST(TargetSpec, HostNameSyntax) {
  std::string label63(63, 'a');
  std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(name253.size(), 253u);
  FakeResolver fake;
  fake.names[name253] = {v4("192.0.2.99")};
  fake.names["a-b.example"] = {v4("192.0.2.98")};
  fake.names[name253 + "."] = {v4("192.0.2.99")};  // rooted names reach the resolver as given
  fake.names["v4only.example.net."] = {v4("192.0.2.20")};
  TargetOptions options{FamilyPreference::any, fake.resolver()};
  EXPECT_TRUE(parse_targets(name253, "", options).ok());
  EXPECT_TRUE(parse_targets(name253 + ".", "", options).ok());  // a rooted name
  EXPECT_TRUE(parse_targets("a-b.example", "", options).ok());
  EXPECT_TRUE(parse_targets("v4only.example.net.", "", options).ok());
  expect_bad_target(name253 + "c", name253.substr(0, 128), kBadHostName);  // quoted up to 128 bytes
  expect_bad_target(std::string(64, 'a') + ".example", std::string(64, 'a') + ".example", kBadHostName);
  expect_bad_target("-a.example", "-a.example", kBadHostName);
  expect_bad_target("a-.example", "a-.example", kBadHostName);
  expect_bad_target("a..example", "a..example", kBadHostName);
  expect_bad_target("exa_mple.net", "exa_mple.net", kNotATarget);
  expect_bad_target("host!", "host!", kNotATarget);
  expect_bad_target("[::1]", "[::1]", kNotATarget);
  expect_bad_target("db1.example.net/24", "db1.example.net/24", kNotATarget);
}

TEST(TargetSpec, ResolvesEachNameOnce) {
  FakeResolver fake;
  auto set = parse_targets("db1.example.net db1.example.net DB1.example.net", "db1.example.net",
                           TargetOptions{FamilyPreference::any, fake.resolver()});
  EXPECT_FALSE(set.ok());  // everything excluded; the point is the count
  EXPECT_EQ(*fake.calls, 1);
}

TEST(TargetSpec, ListsEachHostNameOnceAsFirstSpelled) {
  TargetSet set = parse_ok("DB1.example.net 10.0.0.1 db1.example.net db1.example.net.");
  ASSERT_EQ(set.resolved_hosts().size(), 1u);
  EXPECT_EQ(set.resolved_hosts()[0].name, "DB1.example.net");
  EXPECT_EQ(set.size(), 3u);
}

TEST(TargetSpec, DuplicatesAndOverlapsAreMerged) {
  TargetSet set = parse_ok("10.0.0.0/24 10.0.0.5 10.0.0.128/25 10.0.1.0/24 10.0.0.1-10.0.0.9 inside.example.net");
  EXPECT_EQ(set.size(), 512u);
  EXPECT_EQ(range_texts(set), Strings{"10.0.0.0-10.0.1.255"});
  TargetSet ipv6 = parse_ok("fd00::/120 fd00::1 fd00::100-fd00::1ff fd00::/121");
  EXPECT_EQ(range_texts(ipv6), Strings{"fd00::-fd00::1ff"});
}

TEST(TargetSpec, AdjacentRangesJoin) {
  EXPECT_EQ(range_texts(parse_ok("10.0.0.0/25 10.0.0.128/25")), Strings{"10.0.0.0-10.0.0.255"});
  EXPECT_EQ(range_texts(parse_ok("10.0.0.1 10.0.0.3")), (Strings{"10.0.0.1", "10.0.0.3"}));
}

TEST(TargetSpec, IterationOrderIsIpv4ThenIpv6Ascending) {
  TargetSet set = parse_ok("fd00::2 10.0.0.9 fd00::1 10.0.0.1 ::1 255.255.255.255");
  EXPECT_EQ(all_addresses(set), (Strings{"10.0.0.1", "10.0.0.9", "255.255.255.255", "::1", "fd00::1", "fd00::2"}));
}

TEST(TargetSpec, ContainsMatchesTheRanges) {
  TargetSet set = parse_ok("10.0.0.0/30 fd00::/126 10.0.0.8");
  EXPECT_TRUE(set.contains(v4("10.0.0.0")));
  EXPECT_TRUE(set.contains(v4("10.0.0.3")));
  EXPECT_FALSE(set.contains(v4("10.0.0.4")));
  EXPECT_TRUE(set.contains(v4("10.0.0.8")));
  EXPECT_FALSE(set.contains(v4("9.255.255.255")));
  EXPECT_TRUE(set.contains(v6("fd00::3")));
  EXPECT_FALSE(set.contains(v6("fd00::4")));
  EXPECT_FALSE(set.contains(v6("::a00:0")));  // 10.0.0.0's value, in the other family
}

// --- excludes ---------------------------------------------------------------

TEST(TargetSpec, ExcludesAreSubtracted) {
  TargetSet set = parse_ok("10.0.0.0/24", "10.0.0.0/26,10.0.0.200 10.0.1.0/24");
  EXPECT_EQ(set.size(), 191u);
  EXPECT_EQ(range_texts(set), (Strings{"10.0.0.64-10.0.0.199", "10.0.0.201-10.0.0.255"}));
  EXPECT_FALSE(set.contains(v4("10.0.0.200")));
  EXPECT_FALSE(set.contains(v4("10.0.0.63")));
  EXPECT_EQ(set.at(0), v4("10.0.0.64"));
  EXPECT_EQ(set.at(136), v4("10.0.0.201"));
}

TEST(TargetSpec, SlashEightMinusSlashSixteenStaysLazy) {
  TargetSet set = parse_ok("10.0.0.0/8", "10.1.0.0/16");
  EXPECT_EQ(set.size(), 16711680u);
  EXPECT_EQ(set.range_count(), 2u);
  EXPECT_EQ(set.at(0), v4("10.0.0.0"));
  EXPECT_EQ(set.at(65535), v4("10.0.255.255"));
  EXPECT_EQ(set.at(65536), v4("10.2.0.0"));
  EXPECT_EQ(set.at(16711679), v4("10.255.255.255"));
  EXPECT_FALSE(set.contains(v4("10.1.2.3")));
}

TEST(TargetSpec, ExcludesInOctetAndIpv6Forms) {
  EXPECT_EQ(all_addresses(parse_ok("10.0.0.1-5", "10.0.0.2,4")), (Strings{"10.0.0.1", "10.0.0.3", "10.0.0.5"}));
  EXPECT_EQ(range_texts(parse_ok("fd00::/120", "fd00::10-fd00::ff")), Strings{"fd00::-fd00::f"});
}

TEST(TargetSpec, ExcludeHostNamesAreResolved) {
  EXPECT_EQ(all_addresses(parse_ok("10.0.0.6-8", "inside.example.net")), (Strings{"10.0.0.6", "10.0.0.8"}));
  Error error = parse_error("10.0.0.1", "nosuch.example.net");
  EXPECT_EQ(error.msgid, "cannot resolve host name '{}': {}");
}

TEST(TargetSpec, ExcludesOfTheOtherFamilyAreIgnored) {
  EXPECT_EQ(parse_ok("10.0.0.1", "fd00::/64 v6only.example.net", FamilyPreference::ipv4_only).size(), 1u);
  EXPECT_EQ(parse_ok("fd00::1", "10.0.0.0/8 v4only.example.net", FamilyPreference::ipv6_only).size(), 1u);
  Error error = parse_error("10.0.0.1", "fd77:::2", FamilyPreference::ipv4_only);  // still checked
  EXPECT_EQ(error.args, (Strings{"fd77:::2", kNotATarget}));
}

TEST(TargetSpec, ExcludedHostsAreNotListedAsResolved) {
  TargetSet set = parse_ok("10.0.0.0/24", "inside.example.net");
  EXPECT_TRUE(set.resolved_hosts().empty());
}

// --- families ---------------------------------------------------------------

TEST(TargetSpec, Ipv4OnlyRefusesIpv6Literals) {
  const char* why = "an IPv6 target, but the scan is limited to IPv4 (-4)";
  expect_bad_target("10.0.0.1 fd00::1", "fd00::1", why, FamilyPreference::ipv4_only);
  expect_bad_target("fd00::/120", "fd00::/120", why, FamilyPreference::ipv4_only);
  expect_bad_target("fd00::1-fd00::9", "fd00::1-fd00::9", why, FamilyPreference::ipv4_only);
}

TEST(TargetSpec, Ipv6OnlyRefusesIpv4Literals) {
  const char* why = "an IPv4 target, but the scan is limited to IPv6 (-6)";
  expect_bad_target("10.0.0.1", "10.0.0.1", why, FamilyPreference::ipv6_only);
  expect_bad_target("10.0.0.0/8", "10.0.0.0/8", why, FamilyPreference::ipv6_only);
  expect_bad_target("10.0.0.1-5", "10.0.0.1-5", why, FamilyPreference::ipv6_only);
}

TEST(TargetSpec, HostNamesKeepTheWantedFamily) {
  EXPECT_EQ(all_addresses(parse_ok("db1.example.net", "", FamilyPreference::ipv4_only)), Strings{"192.0.2.10"});
  EXPECT_EQ(all_addresses(parse_ok("db1.example.net", "", FamilyPreference::ipv6_only)), Strings{"2001:db8::10"});
  TargetSet set = parse_ok("db1.example.net", "", FamilyPreference::ipv4_only);
  ASSERT_EQ(set.resolved_hosts().size(), 1u);
  EXPECT_EQ(set.resolved_hosts()[0].addresses, std::vector<Address>{v4("192.0.2.10")});
}

TEST(TargetSpec, HostWithoutTheWantedFamilyIsAnError) {
  expect_bad_target("v6only.example.net", "v6only.example.net", "the host has no IPv4 address",
                    FamilyPreference::ipv4_only);
  expect_bad_target("v4only.example.net", "v4only.example.net", "the host has no IPv6 address",
                    FamilyPreference::ipv6_only);
  expect_bad_target("empty.example.net", "empty.example.net", "the host has no address");
}

// --- errors -----------------------------------------------------------------

TEST(TargetSpec, BadPrefixLength) {
  expect_bad_target("10.0.0.1/33", "10.0.0.1/33", kBadPrefix);
  expect_bad_target("fd00::/129", "fd00::/129", kBadPrefix);
  expect_bad_target("10.0.0.0/", "10.0.0.0/", kBadPrefix);
  expect_bad_target("10.0.0.0/x", "10.0.0.0/x", kBadPrefix);
  expect_bad_target("10.0.0.0/-1", "10.0.0.0/-1", kBadPrefix);
  expect_bad_target("10.0.0.0/0024", "10.0.0.0/0024", kBadPrefix);
  expect_bad_target("/24", "/24", kNotATarget);
  expect_bad_target("10.0.0-1.0/24", "10.0.0-1.0/24", kNotATarget);
  expect_bad_target("10.0.0.0/24/8", "10.0.0.0/24/8", kNotATarget);
}

TEST(TargetSpec, BadOctets) {
  expect_bad_target("999.1.1.1", "999.1.1.1", kOctetOutOfRange);
  expect_bad_target("10.0.0-300.1", "10.0.0-300.1", kOctetOutOfRange);
  expect_bad_target("10.0.0.1,256", "10.0.0.1,256", kOctetOutOfRange);
  expect_bad_target("10.0.0.99999999999999999999", "10.0.0.99999999999999999999", kOctetOutOfRange);
  expect_bad_target("999.0.0.0/8", "999.0.0.0/8", kOctetOutOfRange);
}

TEST(TargetSpec, ReversedRanges) {
  expect_bad_target("10.0.5-1.1", "10.0.5-1.1", kRangeReversed);
  expect_bad_target("10.0.0.9-10.0.0.1", "10.0.0.9-10.0.0.1", kRangeReversed);
  expect_bad_target("fd00::9-fd00::1", "fd00::9-fd00::1", kRangeReversed);
}

TEST(TargetSpec, MalformedAddresses) {
  expect_bad_target("fd77:::2", "fd77:::2", kNotATarget);
  expect_bad_target("fe80::1%eth0", "fe80::1%eth0", kNotATarget);
  expect_bad_target("10.0.0", "10.0.0", kNotATarget);
  expect_bad_target("1.2.3.4.5", "1.2.3.4.5", kNotATarget);
  expect_bad_target("10..0.1", "10..0.1", kNotATarget);
  expect_bad_target("10.0.0.1-2-3", "10.0.0.1-2-3", kNotATarget);
  expect_bad_target("10.0.0.1,5.6", "10.0.0.1,5.6", kNotATarget);
  expect_bad_target("7", "7", kNotATarget);
  expect_bad_target("fd00::1-fd00::2-fd00::3", "fd00::1-fd00::2-fd00::3", kNotATarget);
  expect_bad_target("fd00::1-10.0.0.1", "fd00::1-10.0.0.1", kNotATarget);
}

TEST(TargetSpec, EmptyList) {
  Error error = parse_error("");
  EXPECT_EQ(error.msgid, "the target list is empty");
  EXPECT_TRUE(error.args.empty());
  EXPECT_EQ(parse_error(" \t\n ").msgid, "the target list is empty");
  EXPECT_EQ(parse_error("", "10.0.0.1").msgid, "the target list is empty");  // excludes are not targets
}

TEST(TargetSpec, EmptyItems) {
  expect_bad_target("a,,b", "a,,b", kEmptyItem);
  expect_bad_target("10.0.0.1 10.0.0.2,", "10.0.0.2,", kEmptyItem);
  expect_bad_target(",10.0.0.1", ",10.0.0.1", kEmptyItem);
  expect_bad_target("10.0.0.1 , , 10.0.0.2", "10.0.0.1 , , 10.0.0.2", kEmptyItem);
  expect_bad_target("10.0.0.1, ,10.0.0.2 10.0.0.3", "10.0.0.1, ,10.0.0.2", kEmptyItem);
  expect_bad_target(" , ", " , ", kEmptyItem);
}

TEST(TargetSpec, UnresolvableNamePassesTheResolverErrorThrough) {
  Error error = parse_error("10.0.0.1 nosuch.example.net");
  EXPECT_EQ(error.msgid, "cannot resolve host name '{}': {}");
  EXPECT_EQ(error.args, (Strings{"nosuch.example.net", "no such host (fake)"}));
}

TEST(TargetSpec, TooManyIpv6Addresses) {
  Error error = parse_error("fd00::/64");
  EXPECT_EQ(error.msgid, kTooMany);
  EXPECT_EQ(error.args, (Strings{"IPv6", "18446744073709551616", "4294967296"}));
  EXPECT_EQ(parse_error("fd00::/95").args, (Strings{"IPv6", "8589934592", "4294967296"}));
  EXPECT_EQ(parse_error("fd00::/96 fd01::/96").args, (Strings{"IPv6", "8589934592", "4294967296"}));
  EXPECT_EQ(parse_error("::/0").args, (Strings{"IPv6", "340282366920938463463374607431768211456", "4294967296"}));
  EXPECT_EQ(parse_error("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").args.at(1),
            "340282366920938463463374607431768211455");
}

TEST(TargetSpec, LimitCountsWhatRemainsAfterExcludes) {
  TargetSet set = parse_ok("fd00::/95", "fd00::1:0:0/96");
  EXPECT_EQ(set.size(), uint64_t{1} << 32);
  EXPECT_EQ(set.at(0), v6("fd00::"));
  EXPECT_EQ(set.at((uint64_t{1} << 32) - 1), v6("fd00::ffff:ffff"));
  TargetSet both = parse_ok("0.0.0.0/0 fd00::/96");  // 2^32 per family, 2^33 in all
  EXPECT_EQ(both.size(), uint64_t{1} << 33);
  EXPECT_EQ(both.at(uint64_t{1} << 32), v6("fd00::"));
}

TEST(TargetSpec, OctetPatternThatExpandsTooFar) {
  expect_bad_target("*.*.*.1", "*.*.*.1", kTooManyIntervals);
  expect_bad_target(
      "10.*.*.1,3 1.*.*.1,3 2.*.*.1,3 3.*.*.1,3 4.*.*.1,3 5.*.*.1,3 6.*.*.1,3 7.*.*.1,3 8.*.*.1,3 "
      "9.*.*.1,3 11.*.*.1,3 12.*.*.1,3 13.*.*.1,3 14.*.*.1,3 15.*.*.1,3 16.*.*.1,3 17.*.*.1,3 "
      "18.*.*.1,3 19.*.*.1,3 20.*.*.1,3 21.*.*.1,3 22.*.*.1,3 23.*.*.1,3 24.*.*.1,3 25.*.*.1,3 "
      "26.*.*.1,3 27.*.*.1,3 28.*.*.1,3 29.*.*.1,3 30.*.*.1,3 31.*.*.1,3 32.*.*.1,3 33.*.*.1,3",
      "33.*.*.1,3", kTooManyIntervals);
}

TEST(TargetSpec, EverythingExcluded) {
  Error error = parse_error("10.0.0.0/24", "10.0.0.0/16");
  EXPECT_EQ(error.msgid, "every target is excluded");
  EXPECT_TRUE(error.args.empty());
}

// --- files --------------------------------------------------------------------

TEST(TargetSpec, TargetFile) {
  TargetSetBuilder builder(options_for());
  ASSERT_TRUE(builder
                  .add_target_file("# scan list\n10.0.0.1\n\n10.0.0.2 10.0.0.3, 10.0.0.4 # lab\r\n"
                                   "  db1.example.net\t# the database\n# 10.9.9.9\nfd00::1",
                                   "hosts.txt")
                  .ok());
  auto set = std::move(builder).build();
  ASSERT_TRUE(set.ok()) << describe(set.error());
  EXPECT_EQ(all_addresses(*set),
            (Strings{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "192.0.2.10", "2001:db8::10", "fd00::1"}));
}

TEST(TargetSpec, TargetFileErrorsNameFileAndLine) {
  TargetSetBuilder builder(options_for());
  auto added =
      builder.add_target_file("10.0.0.1\n# comment\n\n10.0.0.2 10.0.0.3 # ok\n10.0.0.4 10.0.0.1/33\n", "hosts.txt");
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().msgid, kBadTargetInFile);
  EXPECT_EQ(added.error().args, (Strings{"hosts.txt", "5", "10.0.0.1/33", kBadPrefix}));
}

TEST(TargetSpec, TargetFileEmptyItemAndFamilyErrors) {
  TargetSetBuilder builder(options_for(FamilyPreference::ipv4_only));
  auto empty_item = builder.add_target_file("10.0.0.1\n10.0.0.2,,10.0.0.3\n", "list");
  ASSERT_FALSE(empty_item.ok());
  EXPECT_EQ(empty_item.error().args, (Strings{"list", "2", "10.0.0.2,,10.0.0.3", kEmptyItem}));
  auto family = builder.add_target_file("v6only.example.net\n", "list");
  ASSERT_FALSE(family.ok());
  EXPECT_EQ(family.error().args, (Strings{"list", "1", "v6only.example.net", "the host has no IPv4 address"}));
}

TEST(TargetSpec, FileOfCommentsOnlyIsAnEmptyList) {
  TargetSetBuilder builder(options_for());
  ASSERT_TRUE(builder.add_target_file("# nothing yet\n\n   \n", "hosts.txt").ok());
  auto set = std::move(builder).build();
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().msgid, "the target list is empty");
}

TEST(TargetSpec, ExcludeFile) {
  TargetSetBuilder builder(options_for());
  ASSERT_TRUE(builder.add_targets("10.0.0.0/28").ok());
  ASSERT_TRUE(builder.add_target_file("10.0.0.100\n", "more.txt").ok());
  ASSERT_TRUE(builder.add_excludes("10.0.0.0").ok());
  ASSERT_TRUE(builder.add_exclude_file("# gateways\n10.0.0.1\n10.0.0.2-10.0.0.13 # printers\n", "skip.txt").ok());
  auto bad = builder.add_exclude_file("10.0.0.1\n10.0.0.300\n", "skip.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().args, (Strings{"skip.txt", "2", "10.0.0.300", kOctetOutOfRange}));
  auto set = std::move(builder).build();
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(all_addresses(*set), (Strings{"10.0.0.14", "10.0.0.15", "10.0.0.100"}));
}

TEST(TargetSpec, SystemResolverReadsNumericHostsWithoutDns) {
  // getaddrinfo parses numeric text itself: no name service is asked.
  auto ipv4 = resolve_host_name("127.0.0.1");
  ASSERT_TRUE(ipv4.ok()) << describe(ipv4.error());
  EXPECT_EQ(*ipv4, std::vector<Address>{v4("127.0.0.1")});
  auto ipv6 = resolve_host_name("::1");
  ASSERT_TRUE(ipv6.ok()) << describe(ipv6.error());
  EXPECT_EQ(*ipv6, std::vector<Address>{v6("::1")});
}

TEST(TargetSpec, AddressText) {
  EXPECT_EQ(address_text(v4("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(address_text(v6("fd00::1")), "fd00::1");
}

// --- ports ------------------------------------------------------------------

ServiceLookup fake_services() {
  return [](std::string_view name) -> std::optional<std::vector<uint16_t>> {
    if (name == "http") return std::vector<uint16_t>{80};
    if (name == "https") return std::vector<uint16_t>{443};
    if (name == "http-alt") return std::vector<uint16_t>{8080};
    if (name == "sip") return std::vector<uint16_t>{5061, 5060};
    if (name == "nothing") return std::vector<uint16_t>{};
    return std::nullopt;
  };
}

ScanPorts ports_ok(std::string_view text) {
  auto ports = parse_scan_ports(text, fake_services());
  EXPECT_TRUE(ports.ok()) << text << ": " << (ports.ok() ? "" : describe(ports.error()));
  return ports.ok() ? *ports : ScanPorts{};
}

Error ports_error(std::string_view text) {
  auto ports = parse_scan_ports(text, fake_services());
  EXPECT_FALSE(ports.ok()) << text;
  return ports.ok() ? Error{} : ports.error();
}

TEST(ScanPorts, List) {
  ScanPorts ports = ports_ok("22,80,443");
  EXPECT_EQ(ports.ranges, (std::vector<PortRange>{{22, 22}, {80, 80}, {443, 443}}));
  EXPECT_EQ(ports.count, 3u);
  EXPECT_EQ(ports.at(0), 22);
  EXPECT_EQ(ports.at(2), 443);
}

TEST(ScanPorts, Ranges) {
  ScanPorts ports = ports_ok("1-1024");
  EXPECT_EQ(ports.ranges, (std::vector<PortRange>{{1, 1024}}));
  EXPECT_EQ(ports.count, 1024u);
  EXPECT_EQ(ports.at(1023), 1024);
}

TEST(ScanPorts, AllPorts) {
  for (std::string_view text : {"-", "1-65535", " - "}) {
    ScanPorts ports = ports_ok(text);
    EXPECT_EQ(ports.ranges, (std::vector<PortRange>{{1, 65535}})) << text;
    EXPECT_EQ(ports.count, 65535u);
    EXPECT_FALSE(ports.contains(0));
  }
}

TEST(ScanPorts, PortZeroOnlyWhenWritten) {
  EXPECT_EQ(ports_ok("0").ranges, (std::vector<PortRange>{{0, 0}}));
  ScanPorts all = ports_ok("0-65535");
  EXPECT_EQ(all.count, 65536u);
  EXPECT_EQ(all.at(0), 0);
  EXPECT_EQ(all.at(65535), 65535);
  EXPECT_EQ(ports_ok("0,-").count, 65536u);
}

TEST(ScanPorts, OpenEndedRanges) {
  EXPECT_EQ(ports_ok("-1024").ranges, (std::vector<PortRange>{{1, 1024}}));
  EXPECT_EQ(ports_ok("60000-").ranges, (std::vector<PortRange>{{60000, 65535}}));
}

TEST(ScanPorts, DuplicatesAndOverlapsMerge) {
  ScanPorts ports = ports_ok("80,80,79-81,22,1-5,6-10, 443 ,8-12");
  EXPECT_EQ(ports.ranges, (std::vector<PortRange>{{1, 12}, {22, 22}, {79, 81}, {443, 443}}));
  EXPECT_EQ(ports.count, 17u);
  EXPECT_EQ(ports.at(12), 22);
  EXPECT_EQ(ports.at(13), 79);
  EXPECT_EQ(ports.at(16), 443);
}

TEST(ScanPorts, ServiceNames) {
  ScanPorts ports = ports_ok("https,22,http,sip,http-alt,80");
  EXPECT_EQ(ports.ranges, (std::vector<PortRange>{{22, 22}, {80, 80}, {443, 443}, {5060, 5061}, {8080, 8080}}));
  EXPECT_EQ(ports.count, 6u);
}

TEST(ScanPorts, Contains) {
  ScanPorts ports = ports_ok("22,100-200");
  EXPECT_TRUE(ports.contains(22));
  EXPECT_TRUE(ports.contains(100));
  EXPECT_TRUE(ports.contains(200));
  EXPECT_FALSE(ports.contains(21));
  EXPECT_FALSE(ports.contains(99));
  EXPECT_FALSE(ports.contains(201));
}

TEST(ScanPorts, OutOfRange) {
  Error error = ports_error("0-70000");
  EXPECT_EQ(error.msgid, "port {} is out of range (0-65535)");
  EXPECT_EQ(error.args, Strings{"70000"});
  EXPECT_EQ(ports_error("65536").args, Strings{"65536"});
}

TEST(ScanPorts, EmptyList) {
  EXPECT_EQ(ports_error("").msgid, "the port list is empty");
  EXPECT_EQ(ports_error("  ").msgid, "the port list is empty");
}

TEST(ScanPorts, EmptyItem) {
  Error error = ports_error("22,,80");
  EXPECT_EQ(error.msgid, "empty item in port list '{}'");
  EXPECT_EQ(error.args, Strings{"22,,80"});
  EXPECT_EQ(ports_error("22,").args, Strings{"22,"});
}

TEST(ScanPorts, UnknownServiceName) {
  Error error = ports_error("22,nosuch");
  EXPECT_EQ(error.msgid, "'{}' is not a port, a port range or a known service name");
  EXPECT_EQ(error.args, Strings{"nosuch"});
  EXPECT_EQ(ports_error("nothing").args, Strings{"nothing"});  // a lookup with no ports
  auto without_lookup = parse_scan_ports("http", ServiceLookup{});
  ASSERT_FALSE(without_lookup.ok());
  EXPECT_EQ(without_lookup.error().args, Strings{"http"});
}

TEST(ScanPorts, ReversedRange) {
  Error error = ports_error("100-1");
  EXPECT_EQ(error.msgid, "port range '{}' ends before it starts");
  EXPECT_EQ(error.args, Strings{"100-1"});
}

TEST(ScanPorts, Malformed) {
  EXPECT_EQ(ports_error("1-2-3").msgid, "'{}' is not a port or a port range (FIRST-LAST)");
  EXPECT_EQ(ports_error("1-2-3").args, Strings{"1-2-3"});
  EXPECT_EQ(ports_error("--").msgid, "'{}' is not a port or a port range (FIRST-LAST)");
  EXPECT_EQ(ports_error("1 -2").msgid, "'{}' is not a port or a port range (FIRST-LAST)");
  EXPECT_EQ(ports_error("22/tcp").msgid, "'{}' is not a port number");
  EXPECT_EQ(ports_error("+5").msgid, "'{}' is not a port number");
}

}  // namespace
}  // namespace portlens
