#include "firewall/nft_json.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "firewall/nft_json_test_data.h"
#include "util/text.h"

namespace portlens::firewall {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;



std::string ct_state_text(uint8_t bits) { return fmt::format("{}", fmt::join(ct_state_names(bits), "|")); }

// Every member of a match, so comparing the description compares the match:
// "!dport 22,8000-8080", "nfproto ipv4", "unmodeled <limit rate 10/second>".
std::string describe(const Match& match) {
  std::vector<std::string> values;
  for (IpFamily family : match.families) values.push_back(family == IpFamily::ipv4 ? "ipv4" : "ipv6");
  for (uint8_t protocol : match.protocols) values.push_back(std::to_string(protocol));
  for (PortRange range : match.ports) {
    values.push_back(range.first == range.last ? std::to_string(range.first)
                                               : fmt::format("{}-{}", range.first, range.last));
  }
  for (const AddressRange& range : match.addresses) values.push_back(range_text(range));
  for (const std::string& name : match.names) values.push_back(name);
  if (match.ct_states != 0) values.push_back(ct_state_text(match.ct_states));
  return fmt::format("{}{}{}{}{}{}", match.negated ? "!" : "", field_name(match.field), values.empty() ? "" : " ",
                     fmt::join(values, ","), match.text.empty() ? "" : " <" + match.text + ">", "");
}

// "l4proto 6; dport 22 => accept", "=> jump web".
std::string describe(const Rule& rule) {
  std::vector<std::string> matches;
  for (const Match& match : rule.matches) matches.push_back(describe(match));
  std::string out = fmt::format("{}", fmt::join(matches, "; "));
  if (!out.empty()) out += " ";
  out += "=> " + std::string(action_name(rule.action));
  if (!rule.target.empty()) out += " " + rule.target;
  return out;
}

std::vector<std::string> describe(const Chain& chain) {
  std::vector<std::string> rules;
  for (const Rule& rule : chain.rules) rules.push_back(describe(rule));
  return rules;
}

std::vector<std::string> texts(const Chain& chain) {
  std::vector<std::string> out;
  for (const Rule& rule : chain.rules) out.push_back(rule.text);
  return out;
}

std::vector<uint64_t> handles(const Chain& chain) {
  std::vector<uint64_t> out;
  for (const Rule& rule : chain.rules) out.push_back(rule.handle);
  return out;
}

Ruleset parse_ok(std::string_view json) {
  auto ruleset = parse_nft_json(json);
  EXPECT_TRUE(ruleset.ok()) << (ruleset.ok() ? ""
                                             : fmt::format("{} {}", ruleset.error().msgid,
                                                           fmt::join(ruleset.error().args, " | ")));
  return ruleset.ok() ? *ruleset : Ruleset{};
}

Error parse_error(std::string_view json) {
  auto ruleset = parse_nft_json(json);
  EXPECT_FALSE(ruleset.ok()) << json;
  return ruleset.ok() ? Error{} : ruleset.error();
}

const Table& table_of(const Ruleset& ruleset, std::string_view family, std::string_view name) {
  for (const Table& table : ruleset.tables) {
    if (table.family == family && table.name == name) return table;
  }
  ADD_FAILURE() << "no table " << family << " " << name;
  static const Table kMissing;
  return kMissing;
}

const Chain& chain_of(const Table& table, std::string_view name) {
  if (const Chain* chain = table.find_chain(name)) return *chain;
  ADD_FAILURE() << "no chain " << name << " in " << table.family << " " << table.name;
  static const Chain kMissing;
  return kMissing;
}

// A one-table, one-chain document with the given statements as its only rule.
std::string single_rule(std::string_view family, std::string_view statements, std::string_view declarations = "") {
  return fmt::format(
      R"({{"nftables": [{{"table": {{"family": "{0}", "name": "t"}}}}, {2}
        {{"chain": {{"family": "{0}", "table": "t", "name": "c"}}}},
        {{"rule": {{"family": "{0}", "table": "t", "chain": "c", "handle": 7, "expr": [{1}]}}}}]}})",
      family, statements, declarations);
}

const Rule& only_rule(const Ruleset& ruleset) {
  static const Rule kMissing;
  if (ruleset.tables.size() != 1 || ruleset.tables[0].chains.size() != 1 ||
      ruleset.tables[0].chains[0].rules.size() != 1) {
    ADD_FAILURE() << "expected exactly one rule";
    return kMissing;
  }
  return ruleset.tables[0].chains[0].rules[0];
}

std::string describe_single(std::string_view statements, std::string_view family = "inet",
                            std::string_view declarations = "") {
  return describe(only_rule(parse_ok(single_rule(family, statements, declarations))));
}

constexpr std::string_view kTcpDport = R"({"payload": {"protocol": "tcp", "field": "dport"}})";
constexpr std::string_view kCtState = R"({"ct": {"key": "state"}})";

std::string match_json(std::string_view op, std::string_view left, std::string_view right) {
  return fmt::format(R"({{"match": {{"op": "{}", "left": {}, "right": {}}}}}, {{"accept": null}})", op, left, right);
}

// ---------------------------------------------------------------- recorded rulesets

TEST(NftJson, FirewalldLikeTable) {
  Ruleset ruleset = parse_ok(recorded::kFirewalldLike);
  ASSERT_EQ(ruleset.tables.size(), 1u);
  const Table& table = ruleset.tables[0];
  EXPECT_EQ(table.backend, Backend::nftables);
  EXPECT_EQ(table.family, "inet");
  EXPECT_EQ(table.name, "firewalld");
  EXPECT_FALSE(table.uses_xtables);
  ASSERT_EQ(table.chains.size(), 2u);

  const Chain& input = table.chains[0];
  EXPECT_EQ(input.name, "filter_INPUT");
  EXPECT_EQ(input.hook, Hook::input);
  EXPECT_EQ(input.priority, 10);  // "filter + 10", printed as a number
  EXPECT_EQ(input.type, "filter");
  EXPECT_EQ(input.policy, Action::drop);
  EXPECT_THAT(describe(input), ElementsAre("ct_state established|related => accept",  //
                                           "ct_state invalid => drop",                //
                                           "iifname lo => accept",                    //
                                           "=> jump filter_IN_public",                //
                                           "=> reject"));
  EXPECT_THAT(texts(input),
              ElementsAre("ct state established,related accept", "ct state invalid drop", "iifname \"lo\" accept",
                          "jump filter_IN_public", "reject with icmpx admin-prohibited"));
  EXPECT_THAT(handles(input), ElementsAre(3u, 4u, 5u, 6u, 7u));

  const Chain& zone = table.chains[1];
  EXPECT_EQ(zone.name, "filter_IN_public");
  EXPECT_EQ(zone.hook, Hook::none);
  EXPECT_EQ(zone.type, "");
  EXPECT_EQ(zone.policy, Action::accept);
  EXPECT_THAT(
      describe(zone),
      ElementsAre("l4proto 6; dport 22,80 => accept", "nfproto ipv4; saddr 10.0.0.0/8; l4proto 6; dport 6379 => accept",
                  "nfproto ipv6; saddr fd00::/8; l4proto 17; dport 53 => accept", "l4proto 1,58 => accept"));
  EXPECT_THAT(texts(zone),
              ElementsAre("tcp dport { 22, 80 } accept", "ip saddr 10.0.0.0/8 tcp dport 6379 accept",
                          "ip6 saddr fd00::/8 udp dport 53 accept", "meta l4proto { icmp, ipv6-icmp } accept"));
  EXPECT_THAT(handles(zone), ElementsAre(9u, 10u, 11u, 13u));
}

TEST(NftJson, NamedSetsAreResolvedInTheirTable) {
  Ruleset ruleset = parse_ok(recorded::kNamedSets);
  ASSERT_EQ(ruleset.tables.size(), 1u);
  const Chain& input = chain_of(ruleset.tables[0], "input");
  EXPECT_EQ(input.policy, Action::drop);
  EXPECT_THAT(
      describe(input),
      ElementsAre(
          "l4proto 6; dport 22,8000-8080,9100 => accept",
          "nfproto ipv4; saddr 10.0.0.0/8,172.16.0.1-172.16.0.9,192.168.1.10 => accept",
          "nfproto ipv6; saddr 2001:db8::1,fd00::/8; l4proto 17; dport 22,8000-8080,9100 => accept",
          // a concatenated key is not modelled, but what its payloads imply is
          "nfproto ipv4; l4proto 6; unmodeled <ip saddr . tcp dport @pairs> => accept",
          "l4proto 6; dport 22,80 => accept",  // "ssh", "http" as printed without -S
          "iifname eth*,lo => accept",
          // the named verdict map, one rule per element
          "l4proto 6; dport 25 => accept", "l4proto 6; dport 110 => drop",
          "nfproto ipv4; !daddr 10.0.0.0/8,172.16.0.1-172.16.0.9,192.168.1.10; l4proto 6; !sport 1-1023 => drop"));
  EXPECT_THAT(texts(input),
              ElementsAre("tcp dport @ports accept", "ip saddr @trusted4 accept",
                          "ip6 saddr @trusted6 udp dport @ports accept", "ip saddr . tcp dport @pairs accept",
                          "tcp dport @svc accept", "iifname @ifs accept", "tcp dport vmap @portv { 25 : accept }",
                          "tcp dport vmap @portv { 110 : drop }", "ip daddr != @trusted4 tcp sport != 1-1023 drop"));
  EXPECT_THAT(handles(input), ElementsAre(9u, 10u, 11u, 12u, 13u, 14u, 15u, 15u, 16u));
}

TEST(NftJson, AnonymousVerdictMapsBecomeOneRulePerElement) {
  Ruleset ruleset = parse_ok(recorded::kVerdictMaps);
  ASSERT_EQ(ruleset.tables.size(), 1u);
  const Table& table = ruleset.tables[0];
  EXPECT_THAT(describe(chain_of(table, "web")), ElementsAre("nfproto ipv4; saddr 192.0.2.0/24 => accept", "=> return"));
  const Chain& input = chain_of(table, "input");
  EXPECT_EQ(input.hook, Hook::input);
  EXPECT_EQ(input.priority, 0);
  EXPECT_EQ(input.policy, Action::drop);
  EXPECT_THAT(describe(input),
              ElementsAre("ct_state invalid => drop", "ct_state established => accept", "ct_state related => accept",
                          "iifname lo => accept",  // iif "lo"
                          "l4proto 6; dport 22 => accept", "l4proto 6; dport 80 => jump web",
                          "l4proto 6; dport 443 => goto web", "l4proto 6; dport 8080-8090 => drop",
                          "l4proto 17; dport 53 => accept",  // the printed rule lost its `meta l4proto udp`
                          "nfproto ipv4; saddr 198.51.100.1; l4proto 6; dport 1000-2000,3000 => accept",
                          "ct_state new; l4proto 6; dport 25 => none",  // continue
                          "l4proto 17; dport 514 => drop",              // counter and log change nothing
                          "nfproto ipv4; l4proto 6 => accept",          // ip protocol tcp
                          "nfproto ipv6; l4proto 17 => accept",         // ip6 nexthdr udp
                          "dport 4789 => accept",                       // th: any transport protocol
                          "nfproto ipv4 => accept",                     // meta protocol ip
                          "ct_state established|related => accept",     // == { established, related }
                          "!ct_state established => drop",              //
                          "ct_state new|untracked => accept"));         // & (new | untracked) != 0
  EXPECT_THAT(texts(input),
              ElementsAre("ct state vmap { invalid : drop }", "ct state vmap { established : accept }",
                          "ct state vmap { related : accept }", "iif \"lo\" accept", "tcp dport vmap { 22 : accept }",
                          "tcp dport vmap { 80 : jump web }", "tcp dport vmap { 443 : goto web }",
                          "tcp dport vmap { 8080-8090 : drop }", "udp dport vmap { 53 : accept }",
                          "ip saddr 198.51.100.1 tcp dport { 1000-2000, 3000 } accept",
                          "ct state new tcp dport 25 continue", "udp dport 514 counter log prefix \"syslog \" drop",
                          "ip protocol tcp accept", "ip6 nexthdr udp accept", "th dport 4789 accept",
                          "meta protocol ip accept", "ct state { established, related } accept",
                          "ct state != established drop", "ct state new,untracked accept"));
  EXPECT_THAT(handles(input),
              ElementsAre(6u, 6u, 6u, 7u, 9u, 9u, 9u, 9u, 11u, 13u, 14u, 15u, 16u, 17u, 18u, 19u, 21u, 22u, 23u));
}

TEST(NftJson, IptablesNftTablesUseXtables) {
  Ruleset ruleset = parse_ok(recorded::kIptablesNft);
  ASSERT_EQ(ruleset.tables.size(), 3u);
  const Table& filter = table_of(ruleset, "ip", "filter");
  EXPECT_TRUE(filter.uses_xtables);
  EXPECT_EQ(filter.backend, Backend::nftables);  // iptables-nft's tables are nft tables
  const Chain& input = chain_of(filter, "INPUT");
  EXPECT_EQ(input.policy, Action::drop);
  EXPECT_THAT(
      describe(input),
      ElementsAre("iifname lo => accept",  //
                  "unmodeled <xt match conntrack> => accept",
                  "unmodeled <xt match conntrack> => drop",  // -m state
                  "l4proto 6; unmodeled <xt match multiport> => accept",
                  "saddr 10.0.0.0/8; l4proto 6; dport 8080 => accept",  // an ip table: no nfproto
                  "l4proto 17; dport 53 => accept", "l4proto 6; unmodeled <xt match addrtype>; dport 9000 => accept",
                  "l4proto 6; unmodeled <xt match recent> => drop",
                  "l4proto 6; dport 2222; unmodeled <limit rate 5/minute> => accept",
                  "=> jump LOGDROP",  //
                  "l4proto 1 => reject"));
  EXPECT_EQ(texts(input)[4], "ip saddr 10.0.0.0/8 tcp dport 8080 counter accept");
  EXPECT_EQ(texts(input)[10], "meta l4proto icmp counter xt target REJECT");
  EXPECT_THAT(describe(chain_of(filter, "LOGDROP")), ElementsAre("=> none", "=> drop"));  // xt target LOG

  const Table& nat = table_of(ruleset, "ip", "nat");
  EXPECT_TRUE(nat.uses_xtables);
  const Chain& prerouting = chain_of(nat, "PREROUTING");
  EXPECT_EQ(prerouting.hook, Hook::prerouting);
  EXPECT_EQ(prerouting.priority, -100);
  EXPECT_EQ(prerouting.type, "nat");
  EXPECT_EQ(prerouting.policy, Action::accept);
  EXPECT_THAT(describe(prerouting), ElementsAre("l4proto 6; dport 80 => unmodeled"));  // xt target REDIRECT

  const Table& filter6 = table_of(ruleset, "ip6", "filter");
  EXPECT_TRUE(filter6.uses_xtables);
  EXPECT_THAT(describe(chain_of(filter6, "INPUT")), ElementsAre("l4proto 6; !dport 22 => reject"));
}

TEST(NftJson, ChainsOfEveryFamilyAndHook) {
  Ruleset ruleset = parse_ok(recorded::kMixedFamilies);
  ASSERT_EQ(ruleset.tables.size(), 6u);
  const Chain& raw = chain_of(table_of(ruleset, "ip", "raw"), "prerouting");
  EXPECT_EQ(raw.hook, Hook::prerouting);
  EXPECT_EQ(raw.priority, -300);
  EXPECT_THAT(describe(raw), ElementsAre("l4proto 17; dport 4500 => unmodeled",  // notrack
                                         "l4proto 6; sport 53 => accept"));
  EXPECT_THAT(texts(raw), ElementsAre("udp dport 4500 notrack", "tcp sport 53 accept"));

  const Table& nat = table_of(ruleset, "ip", "nat");
  EXPECT_THAT(describe(chain_of(nat, "prerouting")),
              ElementsAre("l4proto 6; dport 8080 => unmodeled", "l4proto 6; dport 8081 => unmodeled"));
  EXPECT_THAT(texts(chain_of(nat, "prerouting")),
              ElementsAre("tcp dport 8080 dnat to 10.0.0.2:80", "tcp dport 8081 redirect to :80"));
  const Chain& postrouting = chain_of(nat, "postrouting");
  EXPECT_EQ(postrouting.hook, Hook::postrouting);
  EXPECT_EQ(postrouting.priority, 100);
  EXPECT_THAT(describe(postrouting), ElementsAre("unmodeled <oifname \"eth0\"> => unmodeled"));
  EXPECT_THAT(texts(postrouting), ElementsAre("oifname \"eth0\" masquerade"));

  const Chain& ingress = chain_of(table_of(ruleset, "netdev", "ingress_t"), "ingress");
  EXPECT_EQ(ingress.hook, Hook::ingress);
  EXPECT_EQ(ingress.priority, -500);
  EXPECT_THAT(describe(ingress), ElementsAre("nfproto ipv4; saddr 203.0.113.0/24 => drop"));

  const Chain& bridge = chain_of(table_of(ruleset, "bridge", "br"), "forward");
  EXPECT_EQ(bridge.hook, Hook::forward);
  EXPECT_EQ(bridge.priority, -200);
  EXPECT_THAT(describe(bridge), ElementsAre("nfproto ipv6; saddr ::1 => drop"));

  const Table& mangle = table_of(ruleset, "inet", "mangle_t");
  EXPECT_EQ(chain_of(mangle, "pre").priority, -150);
  EXPECT_THAT(describe(chain_of(mangle, "pre")),
              ElementsAre("nfproto ipv6 => accept", "nfproto ipv4; saddr 1.2.3.4; daddr 5.6.7.8 => accept"));
  const Chain& out = chain_of(mangle, "out");
  EXPECT_EQ(out.hook, Hook::output);
  EXPECT_EQ(out.type, "route");
  EXPECT_EQ(out.priority, 50);
  EXPECT_THAT(out.rules, IsEmpty());
}

TEST(NftJson, FibPkttypeLimitsAndComparisons) {
  Ruleset ruleset = parse_ok(recorded::kMixedFamilies);
  const Chain& input = chain_of(table_of(ruleset, "ip6", "filter"), "input");
  EXPECT_EQ(input.priority, -5);
  EXPECT_THAT(describe(input),
              ElementsAre("daddr ff02::1 => accept",  // an ip6 table: no nfproto
                          "pkttype broadcast,multicast => drop",
                          "daddr_type local; l4proto 6; dport 22; unmodeled <limit rate 10/second> => accept",
                          "!daddr_type local,broadcast => drop",  //
                          "l4proto 6; dport 23 => reject",        //
                          "unmodeled <meta mark 1> => accept",    //
                          "iifname lo => accept",                 //
                          "l4proto 17; !dport 53; sport 1024-65535 => drop",
                          "l4proto 6; dport 0-1023 => drop",  // tcp dport < 1024
                          "unmodeled <limit rate over 100/second> => drop",
                          "!l4proto 6 => drop",  //
                          "l4proto 6; unmodeled <tcp flags syn>; dport 81 => accept",
                          "l4proto 6; dport 82; ct_state new; unmodeled <limit rate 3/minute> => accept"));
  EXPECT_THAT(texts(input),
              ElementsAre("ip6 daddr ff02::1 accept", "meta pkttype { broadcast, multicast } drop",
                          "fib daddr type local tcp dport 22 limit rate 10/second accept",
                          "fib daddr type != { local, broadcast } drop", "tcp dport 23 reject with tcp reset",
                          "meta mark 1 accept", "iif \"lo\" accept", "udp dport != 53 udp sport 1024-65535 drop",
                          "tcp dport < 1024 drop", "limit rate over 100/second drop", "meta l4proto != tcp drop",
                          "tcp flags syn tcp dport 81 accept",
                          "tcp dport 82 ct state new limit rate 3/minute log prefix \"x\" accept"));
}

TEST(NftJson, MatchVariants) {
  Ruleset ruleset = parse_ok(recorded::kMatchVariants);
  const Table& table = table_of(ruleset, "inet", "t");
  EXPECT_THAT(
      describe(chain_of(table, "c")),
      ElementsAre(
          "nfproto ipv4; saddr 10.0.0.1-10.0.0.5 => accept",  //
          "iifname eth* => accept",                           // a prefix wildcard, kept as nft wrote it
          "!iifname lo => drop",                              //
          "iifname lo,eth0 => accept",
          "nfproto ipv4; saddr 10.0.0.0/8,192.168.0.0/16; l4proto 6; dport 22,443 => accept",
          "nfproto ipv4; l4proto 6; unmodeled <ip saddr . tcp dport { 10.0.0.1 . 22, 10.0.0.2 . 80 }> => accept",
          "nfproto ipv4; l4proto 6; unmodeled <ip saddr . tcp dport 10.0.0.1 . 22> => accept",
          "ct_state established|related => accept",         // ct state @st
          "nfproto ipv4; saddr 10.9.9.8,10.9.9.9 => drop",  // elements with timeouts
          "l4proto 6; dport 22,23 => accept",               // elements with counters
          "nfproto ipv4; saddr 10.0.0.0/8 => jump c",       // a named verdict map of prefixes
          "nfproto ipv4; saddr 192.168.0.1 => goto c",      //
          "l4proto 6; dport 22 => accept",                  // add @dyn { ip saddr } changes nothing
          "l4proto 6,17; dport 53 => accept",               //
          "l4proto 136; dport 9 => accept",                 // udplite
          "l4proto 132; dport 9 => accept",                 // sctp
          "l4proto 33; dport 9 => accept",                  // dccp
          "unmodeled <ct status dnat> => accept",           //
          "iifname lo => accept",                           // meta iifname
          "nfproto ipv4; saddr 10.0.0.0/8; !saddr 10.1.0.0/16 => accept",
          "nfproto ipv4; !l4proto 6,17 => drop",  //
          "nfproto ipv4,ipv6 => accept",          //
          "l4proto 6; dport 22; ct_state new|untracked => accept", "!ct_state established|related => drop",
          "nfproto ipv6; daddr fe80::/64; l4proto 17; dport 546 => accept",
          "=> none",                                     // counter comment "hello"
          "l4proto 6; dport 9999; l4proto 6 => accept",  // the explicit match stays
          "l4proto 6; dport 1 => jump c2",               //
          "nfproto ipv4; saddr 1.1.1.1 => return",       //
          "l4proto 6; dport 2 => goto c2",               //
          "=> reject", "=> reject", "=> reject", "=> drop"));
  const Chain& c = chain_of(table, "c");
  EXPECT_EQ(c.rules[12].text, "tcp dport 22 add @dyn { ip saddr } accept");
  EXPECT_EQ(c.rules[25].text, "counter comment \"hello\"");
  EXPECT_EQ(c.rules[30].text, "reject with icmpx port-unreachable");
  EXPECT_EQ(c.rules[32].text, "reject with icmpv6 admin-prohibited");

  // Added with `nft add rule`: the forms nft prints for masks and `&` tests.
  EXPECT_THAT(describe(chain_of(table, "c2")),
              ElementsAre("unmodeled <ct state established|related> => accept",  // == all bits at once
                          "unmodeled <ct state & established,related == established,related> => accept",
                          "!ct_state established => accept",            // ct state & established == 0
                          "unmodeled <quota over 10 mbytes> => drop",   //
                          "l4proto 6; dport 22 => accept",              // `meta l4proto tcp` only once
                          "nfproto ipv4; saddr 10.1.0.0/16 => accept",  //
                          "l4proto 6; dport 1024-65535; sport 1024-65535 => accept"));
  EXPECT_EQ(chain_of(table, "c2").rules[6].text, "tcp dport >= 1024 tcp sport > 1023 accept");
}

TEST(NftJson, StatefulStatementsAndEmptySets) {
  Ruleset ruleset = parse_ok(recorded::kStatefulStatements);
  const Table& table = table_of(ruleset, "inet", "x");
  EXPECT_THAT(describe(chain_of(table, "c")),
              ElementsAre("l4proto 6; dport 22 => accept",  // a one-element set
                                                            // an empty (dynamic) set lists nothing to compare with
                          "nfproto ipv4; unmodeled <ip saddr @empty> => drop", "l4proto 6; dport 7 => accept",
                          "unmodeled <meta mark 1> => none",  //
                          "iifname lo; ct_state established => accept",
                          "l4proto 1; unmodeled <icmp type echo-request> => accept",
                          "l4proto 58; unmodeled <icmpv6 type nd-neighbor-solicit> => accept",
                          "l4proto 6; nfproto ipv4; saddr 10.0.0.1 => reject",
                          "unmodeled <meter m { ip saddr limit rate 10/second }> => accept",
                          "unmodeled <ct count over 5> => drop",  //
                          "l4proto 6; dport 22; ct_state new => none"));
  EXPECT_THAT(texts(chain_of(table, "c")),
              ElementsAre("tcp dport @one accept", "ip saddr @empty drop", "tcp dport 7 accept",
                          "meta mark 1 meta mark set 2 ct mark set meta mark",
                          "iifname \"lo\" ct state vmap { established : accept }", "icmp type echo-request accept",
                          "icmpv6 type nd-neighbor-solicit accept",
                          "meta l4proto tcp ip saddr 10.0.0.1 log prefix \"a b\" counter reject with tcp reset",
                          "meter m { ip saddr limit rate 10/second } accept", "ct count over 5 drop",
                          "tcp dport 22 ct state new update @empty { ip saddr }"));
  const Chain& nat = chain_of(table, "n");
  EXPECT_THAT(describe(nat), ElementsAre("l4proto 6; dport 80 => unmodeled"));
  EXPECT_THAT(texts(nat), ElementsAre("tcp dport 80 dnat to tcp dport map @m2"));
}

TEST(NftJson, ServiceAndProtocolNames) {
  Ruleset ruleset = parse_ok(recorded::kServiceNames);
  const Chain& input = chain_of(table_of(ruleset, "inet", "svc"), "input");
  EXPECT_THAT(describe(input), ElementsAre("l4proto 6; dport 22,53 => accept", "l4proto 17; dport 53 => accept",
                                           "l4proto 6; dport 80,443,8443 => accept", "l4proto 47,50 => accept"));
  EXPECT_THAT(texts(input), ElementsAre("tcp dport { ssh, domain } accept", "udp dport domain accept",
                                        "tcp dport @web accept", "meta l4proto { gre, esp } accept"));
}

TEST(NftJson, VerdictMapElementsWithStateKeepTheirKeys) {
  Ruleset ruleset = parse_ok(recorded::kMapElementsWithState);
  const Chain& input = chain_of(table_of(ruleset, "inet", "m"), "i");
  EXPECT_THAT(describe(input), ElementsAre("l4proto 6; dport 22 => accept", "l4proto 6; dport 23 => drop",
                                           "l4proto 6; dport 80 => accept"));
  EXPECT_THAT(texts(input), ElementsAre("tcp dport vmap @v { 22 : accept }", "tcp dport vmap @v { 23 : drop }",
                                        "tcp dport vmap @c { 80 : accept }"));
  EXPECT_THAT(handles(input), ElementsAre(4u, 4u, 5u));
}

// ---------------------------------------------------------------- forms built by hand

TEST(NftJson, UnknownNamesLeaveTheMatchUnmodeled) {
  EXPECT_EQ(describe_single(match_json("==", kTcpDport, R"("no-such-service")")),
            "l4proto 6; unmodeled <tcp dport no-such-service> => accept");
  EXPECT_EQ(describe_single(match_json("==", R"({"meta": {"key": "l4proto"}})", R"("no-such-protocol")")),
            "unmodeled <meta l4proto no-such-protocol> => accept");
  EXPECT_EQ(describe_single(match_json("==", R"({"meta": {"key": "protocol"}})", R"({"set": ["ip", "arp"]})")),
            "unmodeled <meta protocol { ip, arp }> => accept");
  EXPECT_EQ(describe_single(match_json("==", kCtState, R"("bogus")")), "unmodeled <ct state bogus> => accept");
}

TEST(NftJson, ValuesOutOfRangeOrOfTheWrongFamilyAreUnmodeled) {
  EXPECT_EQ(describe_single(match_json("==", kTcpDport, "70000")), "l4proto 6; unmodeled <tcp dport 70000> => accept");
  EXPECT_EQ(describe_single(match_json("==", kTcpDport, R"({"range": [90, 80]})")),
            "l4proto 6; unmodeled <tcp dport 90-80> => accept");
  EXPECT_EQ(describe_single(match_json("==", R"({"payload": {"protocol": "ip", "field": "saddr"}})", R"("::1")")),
            "nfproto ipv4; unmodeled <ip saddr ::1> => accept");
  EXPECT_EQ(describe_single(match_json("==", R"({"payload": {"protocol": "ip", "field": "saddr"}})",
                                       R"({"prefix": {"addr": "10.0.0.0", "len": 33}})")),
            "nfproto ipv4; unmodeled <ip saddr 10.0.0.0/33> => accept");
  EXPECT_EQ(describe_single(match_json("<", kTcpDport, "0")), "l4proto 6; unmodeled <tcp dport < 0> => accept");
  EXPECT_EQ(describe_single(match_json(">", kTcpDport, "1023")), "l4proto 6; dport 1024-65535 => accept");
}

TEST(NftJson, CtStateFlagsAndNumbers) {
  // The kernel's bits: 2 established, 8 new.
  EXPECT_EQ(describe_single(match_json("in", kCtState, "10")), "ct_state established|new => accept");
  EXPECT_EQ(describe_single(match_json("in", kCtState, R"({"|": ["new", "related"]})")),
            "ct_state related|new => accept");
  EXPECT_EQ(describe_single(match_json("==", kCtState, R"(["new"])")), "ct_state new => accept");
  EXPECT_EQ(describe_single(match_json("==", kCtState, R"(["new", "related"])")),
            "unmodeled <ct state new,related> => accept");
  EXPECT_EQ(describe_single(match_json("!=", kCtState, R"(["new", "related"])")),
            "unmodeled <ct state != new,related> => accept");
  EXPECT_EQ(describe_single(match_json("!", kCtState, R"(["invalid", "untracked"])")),
            "!ct_state invalid|untracked => accept");
  EXPECT_EQ(describe_single(match_json("in", R"({"ct": {"key": "state", "dir": "original"}})", R"("new")")),
            "unmodeled <ct original state new> => accept");
}

TEST(NftJson, InterfaceIndexesAreUnmodeled) {
  EXPECT_EQ(describe_single(match_json("==", R"({"meta": {"key": "iif"}})", "1")), "unmodeled <iif 1> => accept");
}

TEST(NftJson, FibWithMoreThanDaddrIsUnmodeled) {
  EXPECT_EQ(
      describe_single(match_json("==", R"({"fib": {"result": "type", "flags": ["daddr", "iif"]}})", R"("LOCAL")")),
      "unmodeled <fib daddr . iif type LOCAL> => accept");
  EXPECT_EQ(describe_single(match_json("==", R"({"fib": {"result": "type", "flags": "daddr"}})", R"("LOCAL")")),
            "daddr_type local => accept");
}

TEST(NftJson, JumpWithoutATargetIsUnmodeled) {
  Ruleset ruleset = parse_ok(single_rule("inet", R"({"jump": {}})"));
  const Rule& rule = only_rule(ruleset);
  EXPECT_EQ(rule.action, Action::unmodeled);
  EXPECT_EQ(rule.target, "");
  EXPECT_EQ(describe_single(R"({"goto": {"target": ""}})"), "=> unmodeled");
}

TEST(NftJson, StatementsAfterAVerdictNeverRun) {
  EXPECT_EQ(describe_single(R"({"accept": null}, {"limit": {"rate": 1, "per": "second"}}, {"drop": null})"),
            "=> accept");
}

TEST(NftJson, AnUnmodeledVerdictIsNotOverriddenByALaterOne) {
  EXPECT_EQ(describe_single(R"({"queue": {"num": 1}}, {"accept": null})"), "=> unmodeled");
}

TEST(NftJson, UnknownStatementsAreConditionsTheEvaluatorCannotCheck) {
  EXPECT_EQ(describe_single(R"({"brand-new": {"x": 1}}, {"accept": null})"), "unmodeled <brand-new 1> => accept");
  EXPECT_EQ(describe_single(R"({"a": 1, "b": 2}, {"accept": null})"), "unmodeled <1 2> => accept");
  EXPECT_EQ(describe_single(R"({"match": {"op": "=="}}, {"accept": null})"), "unmodeled <match ==> => accept");
  // nothing to spell in nft syntax: the JSON is the evidence
  EXPECT_EQ(describe_single(R"({"": null}, {}, {"accept": null})"),
            "unmodeled <{\"\":null}>; unmodeled <{}> => accept");
  EXPECT_EQ(describe_single(R"({"vmap": {"key": {"meta": {"key": "mark"}}, "data": {"set": [null]}}})"),
            "unmodeled <null> => unmodeled");
}

TEST(NftJson, VerdictMapsThatCannotBeResolved) {
  std::string unknown_map = R"({"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@nope"}})";
  EXPECT_EQ(describe_single(unknown_map), "l4proto 6; unmodeled <tcp dport vmap @nope> => unmodeled");
  std::string data_map = R"({"map": {"family": "inet", "table": "t", "name": "m", "map": "ipv4_addr",
                                     "elem": [[80, "10.0.0.1"]]}},)";
  EXPECT_EQ(describe_single(R"({"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@m"}})",
                            "inet", data_map),
            "l4proto 6; unmodeled <tcp dport vmap @m> => unmodeled");
  EXPECT_EQ(describe_single(R"({"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}},
                                         "data": {"set": [[22]]}}})"),
            "l4proto 6; unmodeled <22> => unmodeled");
}

TEST(NftJson, AnEmptyVerdictMapMakesNoRule) {
  std::string empty_map = R"({"map": {"family": "inet", "table": "t", "name": "m", "map": "verdict"}},)";
  Ruleset ruleset = parse_ok(single_rule(
      "inet", R"({"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@m"}})", empty_map));
  ASSERT_EQ(ruleset.tables.size(), 1u);
  EXPECT_THAT(ruleset.tables[0].chains.at(0).rules, IsEmpty());
}

TEST(NftJson, SetsHoldNoReferences) {
  std::string itself = R"({"set": {"family": "inet", "table": "t", "name": "s", "elem": ["@s", 22]}},)";
  EXPECT_EQ(describe_single(match_json("==", kTcpDport, R"("@s")"), "inet", itself),
            "l4proto 6; unmodeled <tcp dport @s> => accept");
}

TEST(NftJson, SetsOfOtherTablesAreNotVisible) {
  std::string elsewhere = R"({"table": {"family": "ip", "name": "t"}},
      {"set": {"family": "ip", "table": "t", "name": "s", "elem": [22]}},)";
  Ruleset ruleset = parse_ok(single_rule("inet", match_json("==", kTcpDport, R"("@s")"), elsewhere));
  const Chain& chain = chain_of(table_of(ruleset, "inet", "t"), "c");
  EXPECT_THAT(describe(chain), ElementsAre("l4proto 6; unmodeled <tcp dport @s> => accept"));
}

TEST(NftJson, RulesMayComeBeforeTheirChainAndSets) {
  Ruleset ruleset = parse_ok(R"({"nftables": [
      {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": "@s"}},
        {"drop": null}]}},
      {"set": {"family": "ip", "table": "t", "name": "s", "elem": [53]}},
      {"chain": {"family": "ip", "table": "t", "name": "c", "hook": "input", "prio": "filter", "policy": "drop"}},
      {"table": {"family": "ip", "name": "t"}}]})");
  const Chain& chain = chain_of(table_of(ruleset, "ip", "t"), "c");
  EXPECT_THAT(describe(chain), ElementsAre("l4proto 17; dport 53 => drop"));
  EXPECT_EQ(chain.rules.at(0).handle, 0u);  // none given
}

TEST(NftJson, DeclarationsListedTwiceKeepTheFirst) {
  Ruleset ruleset = parse_ok(R"({"nftables": [
      {"table": {"family": "ip", "name": "t"}},
      {"chain": {"family": "ip", "table": "t", "name": "c", "hook": "input", "prio": 5}},
      {"table": {"family": "ip", "name": "t"}},
      {"chain": {"family": "ip", "table": "t", "name": "c"}},
      {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"accept": null}]}}]})");
  ASSERT_EQ(ruleset.tables.size(), 1u);
  ASSERT_EQ(ruleset.tables[0].chains.size(), 1u);
  EXPECT_EQ(ruleset.tables[0].chains[0].priority, 5);
  EXPECT_THAT(describe(ruleset.tables[0].chains[0]), ElementsAre("=> accept"));
}

TEST(NftJson, PrioritiesByName) {
  auto priority = [](std::string_view family, std::string_view prio) {
    Ruleset ruleset = parse_ok(fmt::format(
        R"({{"nftables": [{{"table": {{"family": "{0}", "name": "t"}}}},
            {{"chain": {{"family": "{0}", "table": "t", "name": "c", "hook": "input", "prio": {1}}}}}]}})",
        family, prio));
    return ruleset.tables.empty() || ruleset.tables[0].chains.empty() ? 12345 : ruleset.tables[0].chains[0].priority;
  };
  EXPECT_EQ(priority("inet", R"("raw")"), -300);
  EXPECT_EQ(priority("inet", R"("mangle")"), -150);
  EXPECT_EQ(priority("ip", R"("dstnat")"), -100);
  EXPECT_EQ(priority("inet", R"("filter")"), 0);
  EXPECT_EQ(priority("inet", R"("security")"), 50);
  EXPECT_EQ(priority("ip", R"("srcnat")"), 100);
  EXPECT_EQ(priority("inet", R"("filter + 10")"), 10);
  EXPECT_EQ(priority("inet", R"("filter-5")"), -5);
  EXPECT_EQ(priority("inet", R"("-300")"), -300);
  EXPECT_EQ(priority("bridge", R"("filter")"), -200);
  EXPECT_EQ(priority("bridge", R"("dstnat")"), -300);
  EXPECT_EQ(priority("inet", "-2147483648"), INT32_MIN);
}

TEST(NftJson, TextIsBoundedAndCutBetweenCharacters) {
  std::string comment;
  for (int i = 0; i < 400; ++i) comment += "é";
  Ruleset ruleset = parse_ok(fmt::format(R"({{"nftables": [{{"table": {{"family": "ip", "name": "t"}}}},
      {{"chain": {{"family": "ip", "table": "t", "name": "c"}}}},
      {{"rule": {{"family": "ip", "table": "t", "chain": "c", "comment": "{}", "expr": [{{"accept": null}}]}}}}]}})",
                                         comment));
  const Rule& rule = only_rule(ruleset);
  EXPECT_LE(rule.text.size(), 303u);
  EXPECT_TRUE(rule.text.starts_with("accept comment \"éé"));
  EXPECT_TRUE(rule.text.ends_with("…"));
  EXPECT_TRUE(is_valid_utf8(rule.text));
}

TEST(NftJson, UnmodeledTextIsBounded) {
  std::string elements;
  for (int i = 0; i < 2000; ++i) elements += fmt::format(R"({}{{"concat": ["10.0.0.1", {}]}})", i ? ", " : "", i);
  Ruleset ruleset =
      parse_ok(single_rule("inet", match_json("==",
                                              R"({"concat": [{"payload": {"protocol": "ip", "field": "saddr"}}, )"
                                              R"({"payload": {"protocol": "tcp", "field": "dport"}}]})",
                                              fmt::format(R"({{"set": [{}]}})", elements))));
  const Rule& rule = only_rule(ruleset);
  ASSERT_EQ(rule.matches.size(), 3u);
  EXPECT_LE(rule.matches[2].text.size(), 303u);
  EXPECT_TRUE(rule.matches[2].text.starts_with("ip saddr . tcp dport { 10.0.0.1 . 0, 10.0.0.1 . 1, "));
  EXPECT_TRUE(rule.matches[2].text.ends_with("…"));
  EXPECT_LE(rule.text.size(), 303u);
}

TEST(NftJson, EmptyRuleset) {
  // What nft 1.0.6 prints for a ruleset without tables.
  Ruleset ruleset = parse_ok(R"({"nftables": [{"metainfo": {"version": "1.0.6", )"
                             R"("release_name": "Lester Gooch #5", "json_schema_version": 1}}]})");
  EXPECT_THAT(ruleset.tables, IsEmpty());
}

// ---------------------------------------------------------------- errors

TEST(NftJson, NotJson) {
  Error error = parse_error("");
  EXPECT_EQ(error.msgid, "nft JSON: syntax error at byte {}");
  EXPECT_THAT(error.args, ElementsAre("1"));
  EXPECT_THAT(parse_error("[1,]").args, ElementsAre("4"));
  EXPECT_THAT(parse_error("nft: command not found").args, ElementsAre("2"));  // "n" could start null
  // nft 1.0.6 prints a dormant table's flags as `"flags": ` and nothing more.
  error = parse_error(R"({"nftables": [{"table": {"family": "inet", "name": "d", "handle": 1, "flags": )"
                      "\n");
  EXPECT_EQ(error.msgid, "nft JSON: syntax error at byte {}");
  EXPECT_THAT(error.args, ElementsAre("80"));
}

TEST(NftJson, NestingIsBounded) {
  std::string deep(100000, '[');
  Error error = parse_error(deep);
  EXPECT_EQ(error.msgid, "nft JSON: nested deeper than {} levels at byte {}");
  EXPECT_THAT(error.args, ElementsAre("64", "65"));
  // brackets inside strings do not count
  std::string bracket_string = R"({"nftables": [], "x": ")" + std::string(100, '[') + R"(\"["})";
  EXPECT_THAT(parse_ok(bracket_string).tables, IsEmpty());
}

TEST(NftJson, WrongShapes) {
  auto path_of = [](std::string_view json) {
    Error error = parse_error(json);
    EXPECT_EQ(error.msgid, "nft JSON: {} is missing or not valid") << json;
    return error.args.empty() ? std::string() : error.args[0];
  };
  EXPECT_EQ(path_of("[]"), "nftables");
  EXPECT_EQ(path_of(R"({"nftables": {}})"), "nftables");
  EXPECT_EQ(path_of(R"({"nft": []})"), "nftables");
  EXPECT_EQ(path_of(R"({"nftables": [1]})"), "nftables[0]");
  EXPECT_EQ(path_of(R"({"nftables": [{}]})"), "nftables[0]");
  EXPECT_EQ(path_of(R"({"nftables": [{"metainfo": {}}, {"table": 5}]})"), "nftables[1].table");
  EXPECT_EQ(path_of(R"({"nftables": [{"table": {"family": "inet"}}]})"), "nftables[0].table.name");
  EXPECT_EQ(path_of(R"({"nftables": [{"table": {"family": 2, "name": "t"}}]})"), "nftables[0].table.family");
  std::string table = R"({"table": {"family": "ip", "name": "t"}}, )";
  auto chain = [&](std::string_view properties) {
    return R"({"nftables": [)" + table + R"({"chain": {"family": "ip", "table": "t", "name": "c", )" +
           std::string(properties) + "}}]}";
  };
  EXPECT_EQ(path_of(chain(R"("hook": 1)")), "nftables[1].chain.hook");
  EXPECT_EQ(path_of(chain(R"("hook": "input", "type": 0)")), "nftables[1].chain.type");
  EXPECT_EQ(path_of(chain(R"("hook": "input", "prio": "bogus")")), "nftables[1].chain.prio");
  EXPECT_EQ(path_of(chain(R"("hook": "input", "prio": 1.5)")), "nftables[1].chain.prio");
  EXPECT_EQ(path_of(chain(R"("hook": "input", "prio": 4294967296)")), "nftables[1].chain.prio");
  EXPECT_EQ(path_of(chain(R"("hook": "input", "policy": "reject")")), "nftables[1].chain.policy");
  std::string declared = table + R"({"chain": {"family": "ip", "table": "t", "name": "c"}}, )";
  auto rule = [&](std::string_view properties) {
    return R"({"nftables": [)" + declared + R"({"rule": {"family": "ip", "table": "t", "chain": "c", )" +
           std::string(properties) + "}}]}";
  };
  EXPECT_EQ(path_of(rule(R"("handle": 1)")), "nftables[2].rule.expr");
  EXPECT_EQ(path_of(rule(R"("expr": {})")), "nftables[2].rule.expr");
  EXPECT_EQ(path_of(rule(R"("expr": [{"accept": null}, "drop"])")), "nftables[2].rule.expr[1]");
  EXPECT_EQ(path_of(rule(R"("expr": [], "handle": -1)")), "nftables[2].rule.handle");
  EXPECT_EQ(path_of(rule(R"("expr": [], "comment": 1)")), "nftables[2].rule.comment");
  EXPECT_EQ(
      path_of(R"({"nftables": [)" + table + R"({"set": {"family": "ip", "table": "t", "name": "s", "elem": 1}}]})"),
      "nftables[1].set.elem");
}

TEST(NftJson, ReferencesToUndefinedTablesAndChains) {
  Error error = parse_error(R"({"nftables": [{"chain": {"family": "inet", "table": "nope", "name": "c"}}]})");
  EXPECT_EQ(error.msgid, "nft JSON: {} refers to {}, which is not defined");
  EXPECT_THAT(error.args, ElementsAre("nftables[0].chain", "table inet nope"));
  error = parse_error(R"({"nftables": [{"table": {"family": "inet", "name": "t"}},
      {"rule": {"family": "inet", "table": "t", "chain": "nope", "expr": []}}]})");
  EXPECT_THAT(error.args, ElementsAre("nftables[1].rule", "chain inet t nope"));
  error = parse_error(R"({"nftables": [{"table": {"family": "inet", "name": "t"}},
      {"map": {"family": "ip", "table": "t", "name": "m"}}]})");
  EXPECT_THAT(error.args, ElementsAre("nftables[1].map", "table ip t"));
}

TEST(NftJson, GarbageDoesNotCrash) {
  for (std::string_view garbage :
       {"null", "{}", R"({"nftables": null})", R"({"nftables": [null]})", R"({"nftables": [{"rule": []}]})",
        "\"\\ud800\"", "{\"nftables\": [\xff]}", "1e999999", "[[[[]]]]]]]]"}) {
    EXPECT_FALSE(parse_nft_json(garbage).ok()) << garbage;
  }
  // Statements of every kind with bodies of the wrong type: no error, only
  // unmodeled matches that say what they are.
  for (std::string_view body : {"null", "1", "\"x\"", "[]", "{}", R"([[[[1]]]])"}) {
    for (std::string_view kind : {"match", "vmap", "xt", "limit", "reject", "jump", "meter", "set", "payload"}) {
      Ruleset ruleset = parse_ok(single_rule("inet", fmt::format(R"({{"{}": {}}}, {{"accept": null}})", kind, body)));
      for (const Match& match : only_rule(ruleset).matches) EXPECT_FALSE(match.text.empty()) << kind << body;
    }
  }
}

}  // namespace
}  // namespace portlens::firewall
