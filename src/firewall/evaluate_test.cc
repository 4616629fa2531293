#include "firewall/evaluate.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace portlens::firewall {
namespace {

std::array<uint8_t, 16> addr(const char* text) {
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, text, bytes.data()) != 1) {
    EXPECT_EQ(inet_pton(AF_INET6, text, bytes.data()), 1) << text;
  }
  return bytes;
}

Match proto(uint8_t number) { return Match{.field = Field::l4proto, .protocols = {number}}; }
Match dport(uint16_t first, uint16_t last = 0) {
  return Match{.field = Field::dport, .ports = {{first, last == 0 ? first : last}}};
}
Match saddr(const char* address, int length, bool negated = false) {
  IpFamily family = std::string_view(address).find(':') == std::string_view::npos ? IpFamily::ipv4 : IpFamily::ipv6;
  return Match{.field = Field::saddr, .negated = negated, .addresses = {prefix_range(family, addr(address), length)}};
}
Match daddr(const char* address, int length) {
  IpFamily family = std::string_view(address).find(':') == std::string_view::npos ? IpFamily::ipv4 : IpFamily::ipv6;
  return Match{.field = Field::daddr, .addresses = {prefix_range(family, addr(address), length)}};
}
Match iif(const char* name, bool negated = false) {
  return Match{.field = Field::iifname, .negated = negated, .names = {name}};
}
Match ct(uint8_t states, bool negated = false) {
  return Match{.field = Field::ct_state, .negated = negated, .ct_states = states};
}
Match unmodeled(const char* text) { return Match{.field = Field::unmodeled, .text = text}; }

Rule rule(std::vector<Match> matches, Action action, std::string text, std::string target = {}) {
  static uint64_t handle = 1;
  return Rule{std::move(matches), action, std::move(target), std::move(text), handle++};
}

Chain base(std::string name, Action policy, std::vector<Rule> rules, int priority = 0, Hook hook = Hook::input) {
  return Chain{std::move(name), std::move(rules), hook, priority, "filter", policy};
}
Chain user(std::string name, std::vector<Rule> rules) { return Chain{std::move(name), std::move(rules)}; }

Ruleset inet(std::vector<Chain> chains, std::string family = "inet") {
  return Ruleset{{Table{Backend::nftables, std::move(family), "filter", std::move(chains)}}};
}

Probe tcp4(uint16_t port, const char* bound = nullptr) {
  Probe probe{IpFamily::ipv4, 6, port, std::nullopt};
  if (bound != nullptr) probe.address = addr(bound);
  return probe;
}
Probe tcp6(uint16_t port) { return Probe{IpFamily::ipv6, 6, port, std::nullopt}; }
Probe udp4(uint16_t port) { return Probe{IpFamily::ipv4, 17, port, std::nullopt}; }

TEST(FirewallEvaluate, NoFirewallExposesEverything) {
  Ruleset empty;
  EXPECT_FALSE(filters_input(empty, IpFamily::ipv4));
  Verdict verdict = evaluate(empty, tcp4(22));
  EXPECT_EQ(verdict.exposure, Exposure::exposed);
  EXPECT_FALSE(verdict.deciding);
  // An output-only chain filters nothing on the way in.
  Ruleset output = inet({base("output", Action::drop, {}, 0, Hook::output)});
  EXPECT_FALSE(filters_input(output, IpFamily::ipv4));
  EXPECT_EQ(evaluate(output, tcp4(22)).exposure, Exposure::exposed);
}

TEST(FirewallEvaluate, PortAcceptedBeforeDropPolicy) {
  Ruleset ruleset = inet({base("input", Action::drop,
                               {rule({ct(kCtEstablished | kCtRelated)}, Action::accept, "ct state established,related accept"),
                                rule({iif("lo")}, Action::accept, "iifname \"lo\" accept"),
                                rule({proto(6), dport(22)}, Action::accept, "tcp dport 22 accept")})});
  EXPECT_TRUE(filters_input(ruleset, IpFamily::ipv6));
  Verdict ssh = evaluate(ruleset, tcp4(22));
  EXPECT_EQ(ssh.exposure, Exposure::exposed);
  ASSERT_TRUE(ssh.deciding);
  EXPECT_EQ(ssh.deciding->text, "tcp dport 22 accept");
  EXPECT_EQ(rule_ref_text(*ssh.deciding), "nftables inet filter input: tcp dport 22 accept");

  Verdict web = evaluate(ruleset, tcp4(80));
  EXPECT_EQ(web.exposure, Exposure::blocked);
  ASSERT_TRUE(web.deciding);
  EXPECT_EQ(web.deciding->text, "policy drop");
  EXPECT_EQ(web.deciding->handle, 0u);
  EXPECT_FALSE(web.rejected);
  // The same port over UDP is not the TCP rule's business.
  EXPECT_EQ(evaluate(ruleset, udp4(22)).exposure, Exposure::blocked);
  // inet covers IPv6 as well.
  EXPECT_EQ(evaluate(ruleset, tcp6(22)).exposure, Exposure::exposed);
}

TEST(FirewallEvaluate, ConntrackStateNewIsWhatAConnectionAttemptHas) {
  Ruleset only_established = inet({base("input", Action::drop, {rule({ct(kCtEstablished)}, Action::accept, "a")})});
  EXPECT_EQ(evaluate(only_established, tcp4(22)).exposure, Exposure::blocked);
  Ruleset new_accepted = inet({base("input", Action::drop, {rule({ct(kCtNew), dport(22)}, Action::accept, "b")})});
  EXPECT_EQ(evaluate(new_accepted, tcp4(22)).exposure, Exposure::exposed);
  Ruleset invalid_dropped = inet({base("input", Action::accept, {rule({ct(kCtInvalid)}, Action::drop, "c")})});
  EXPECT_EQ(evaluate(invalid_dropped, tcp4(22)).exposure, Exposure::exposed);
  Ruleset not_established = inet({base("input", Action::accept, {rule({ct(kCtEstablished, true)}, Action::drop, "d")})});
  EXPECT_EQ(evaluate(not_established, tcp4(22)).exposure, Exposure::blocked);
}

TEST(FirewallEvaluate, SourceRestrictionIsRestricted) {
  Ruleset ruleset = inet({base("input", Action::drop,
                               {rule({proto(6), dport(6379), saddr("10.0.0.0", 8)}, Action::accept, "redis"),
                                rule({proto(6), dport(22), saddr("192.168.1.0", 24)}, Action::accept, "ssh lan"),
                                rule({proto(6), dport(22), saddr("fd00::", 8)}, Action::accept, "ssh ula")})});
  Verdict redis = evaluate(ruleset, tcp4(6379));
  EXPECT_EQ(redis.exposure, Exposure::restricted);
  EXPECT_EQ(redis.only_from, std::vector<std::string>{"ip saddr 10.0.0.0/8"});
  ASSERT_TRUE(redis.deciding);
  EXPECT_EQ(redis.deciding->text, "policy drop");
  // An IPv6 source range does not let IPv4 packets in, and the reverse.
  Verdict ssh4 = evaluate(ruleset, tcp4(22));
  EXPECT_EQ(ssh4.exposure, Exposure::restricted);
  EXPECT_EQ(ssh4.only_from, std::vector<std::string>{"ip saddr 192.168.1.0/24"});
  Verdict ssh6 = evaluate(ruleset, tcp6(22));
  EXPECT_EQ(ssh6.only_from, std::vector<std::string>{"ip6 saddr fd00::/8"});
  EXPECT_EQ(evaluate(ruleset, tcp6(6379)).exposure, Exposure::blocked);
}

TEST(FirewallEvaluate, NegatedSourceDropLeavesTheExceptionIn) {
  Ruleset ruleset = inet({base("input", Action::accept,
                               {rule({proto(6), dport(22), saddr("192.168.0.0", 16, true)}, Action::drop, "not lan")})});
  Verdict verdict = evaluate(ruleset, tcp4(22));
  EXPECT_EQ(verdict.exposure, Exposure::restricted);
  EXPECT_EQ(verdict.only_from, std::vector<std::string>{"ip saddr 192.168.0.0/16"});
  ASSERT_TRUE(verdict.deciding);
  EXPECT_EQ(verdict.deciding->text, "not lan");
  EXPECT_EQ(evaluate(ruleset, tcp4(23)).exposure, Exposure::exposed);
}

TEST(FirewallEvaluate, SourceSetsNarrowAlongTheWay) {
  // Accepted for 10.0.0.0/8 in a user chain that drops 10.66.0.0/16 first.
  Ruleset ruleset = inet({base("input", Action::drop,
                               {rule({saddr("10.0.0.0", 8)}, Action::jump, "jump trusted", "trusted")}),
                          user("trusted", {rule({saddr("10.66.0.0", 16)}, Action::drop, "guests"),
                                           rule({saddr("172.16.0.0", 12)}, Action::accept, "never for 10/8"),
                                           rule({saddr("10.0.0.0", 8)}, Action::accept, "always for 10/8")})});
  Verdict verdict = evaluate(ruleset, tcp4(8080));
  EXPECT_EQ(verdict.exposure, Exposure::restricted);
  EXPECT_EQ(verdict.only_from, std::vector<std::string>{"ip saddr 10.0.0.0/8"});
}

TEST(FirewallEvaluate, LoopbackInterfaceIsNotTheOutside) {
  Ruleset ruleset = inet({base("input", Action::drop, {rule({iif("lo")}, Action::accept, "lo")})});
  EXPECT_EQ(evaluate(ruleset, tcp4(22)).exposure, Exposure::blocked);
  Ruleset not_lo = inet({base("input", Action::accept, {rule({iif("lo", true), dport(22)}, Action::drop, "x")})});
  EXPECT_EQ(evaluate(not_lo, tcp4(22)).exposure, Exposure::blocked);
  Ruleset lan = inet({base("input", Action::drop, {rule({iif("eth1"), dport(22)}, Action::accept, "lan")})});
  Verdict verdict = evaluate(lan, tcp4(22));
  EXPECT_EQ(verdict.exposure, Exposure::restricted);
  EXPECT_EQ(verdict.only_from, std::vector<std::string>{"iifname \"eth1\""});
}

TEST(FirewallEvaluate, JumpReturnAndGoto) {
  Ruleset ruleset = inet({base("input", Action::drop,
                               {rule({proto(6)}, Action::jump, "jump tcp_in", "tcp_in"),
                                rule({dport(53)}, Action::accept, "dns after return"),
                                rule({dport(80)}, Action::go_to, "goto web", "web"),
                                rule({dport(80)}, Action::accept, "never reached after goto")}),
                          user("tcp_in", {rule({dport(53)}, Action::return_, "back"),
                                          rule({dport(22)}, Action::accept, "ssh")}),
                          user("web", {rule({saddr("203.0.113.0", 24)}, Action::reject, "bad net")})});
  EXPECT_EQ(evaluate(ruleset, tcp4(22)).exposure, Exposure::exposed);
  Verdict dns = evaluate(ruleset, tcp4(53));
  EXPECT_EQ(dns.exposure, Exposure::exposed);
  EXPECT_EQ(dns.deciding->text, "dns after return");
  // goto web: falling off web's end returns to input's caller: the policy.
  Verdict web = evaluate(ruleset, tcp4(80));
  EXPECT_EQ(web.exposure, Exposure::blocked);
  EXPECT_EQ(web.deciding->text, "policy drop");
}

TEST(FirewallEvaluate, RejectIsBlockedAndSaysSo) {
  Ruleset ruleset = inet({base("input", Action::accept, {rule({dport(23)}, Action::reject, "tcp dport 23 reject")})});
  Verdict verdict = evaluate(ruleset, tcp4(23));
  EXPECT_EQ(verdict.exposure, Exposure::blocked);
  EXPECT_TRUE(verdict.rejected);
  EXPECT_EQ(verdict.deciding->text, "tcp dport 23 reject");
}

TEST(FirewallEvaluate, EveryBaseChainMustAccept) {
  // nft: accept ends one base chain; the next one (higher priority number) still runs.
  Ruleset ruleset{{Table{Backend::nftables, "inet", "a", {base("in_a", Action::accept, {rule({}, Action::accept, "all")}, 0)}},
                   Table{Backend::iptables_legacy, "ip", "filter",
                         {base("INPUT", Action::accept, {rule({proto(6), dport(25)}, Action::drop, "-p tcp --dport 25 -j DROP")}, 10)}},
                   Table{Backend::nftables, "ip", "raw",
                         {base("pre", Action::accept, {rule({dport(26)}, Action::drop, "raw drop")}, -300, Hook::prerouting)}}}};
  Verdict smtp = evaluate(ruleset, tcp4(25));
  EXPECT_EQ(smtp.exposure, Exposure::blocked);
  EXPECT_EQ(smtp.deciding->backend, Backend::iptables_legacy);
  EXPECT_EQ(evaluate(ruleset, tcp4(26)).exposure, Exposure::blocked);
  EXPECT_EQ(evaluate(ruleset, tcp4(27)).exposure, Exposure::exposed);
  // The ip tables do not see IPv6 packets.
  EXPECT_EQ(evaluate(ruleset, tcp6(25)).exposure, Exposure::exposed);
}

TEST(FirewallEvaluate, UnmodeledMatchMakesUnknownOnlyWhenItDecides) {
  Ruleset accept_then_drop = inet({base("input", Action::drop,
                                        {rule({unmodeled("meta mark 0x1"), dport(22)}, Action::accept, "marked")})});
  Verdict unknown = evaluate(accept_then_drop, tcp4(22));
  EXPECT_EQ(unknown.exposure, Exposure::unknown);
  EXPECT_EQ(unknown.unknown_reason, UnknownReason::unmodeled_match);
  EXPECT_EQ(unknown.deciding->text, "marked");
  EXPECT_EQ(evaluate(accept_then_drop, tcp4(23)).exposure, Exposure::blocked);

  Ruleset limited = inet({base("input", Action::drop,
                               {rule({unmodeled("limit rate over 10/second")}, Action::drop, "flood"),
                                rule({dport(22)}, Action::accept, "ssh")})});
  EXPECT_EQ(evaluate(limited, tcp4(22)).exposure, Exposure::exposed);
}

TEST(FirewallEvaluate, UnmodeledVerdictsAndBrokenChainsAreUnknown) {
  Ruleset queued = inet({base("input", Action::accept, {rule({dport(22)}, Action::unmodeled, "queue num 1")})});
  Verdict queue = evaluate(queued, tcp4(22));
  EXPECT_EQ(queue.exposure, Exposure::unknown);
  EXPECT_EQ(queue.unknown_reason, UnknownReason::unmodeled_action);
  Ruleset missing = inet({base("input", Action::accept, {rule({}, Action::jump, "jump nowhere", "nowhere")})});
  EXPECT_EQ(evaluate(missing, tcp4(1)).unknown_reason, UnknownReason::missing_chain);
  Ruleset loop = inet({base("input", Action::accept, {rule({}, Action::jump, "jump a", "a")}),
                       user("a", {rule({}, Action::jump, "jump b", "b")}), user("b", {rule({}, Action::jump, "jump a", "a")})});
  Verdict looped = evaluate(loop, tcp4(1));
  EXPECT_EQ(looped.exposure, Exposure::unknown);
  EXPECT_EQ(looped.unknown_reason, UnknownReason::too_complex);
}

TEST(FirewallEvaluate, DestinationAddress) {
  Ruleset ruleset = inet({base("input", Action::drop, {rule({daddr("192.0.2.10", 32), dport(22)}, Action::accept, "one")})});
  EXPECT_EQ(evaluate(ruleset, tcp4(22, "192.0.2.10")).exposure, Exposure::exposed);
  EXPECT_EQ(evaluate(ruleset, tcp4(22, "192.0.2.11")).exposure, Exposure::blocked);
  Verdict wildcard = evaluate(ruleset, tcp4(22));
  EXPECT_EQ(wildcard.exposure, Exposure::restricted);
  EXPECT_EQ(wildcard.only_from, std::vector<std::string>{"ip daddr 192.0.2.10"});
}

TEST(FirewallEvaluate, ManyForksStayBounded) {
  // 200 source-restricted accepts, each a fork: still an answer, quickly.
  std::vector<Rule> rules;
  for (int i = 0; i < 200; ++i) {
    std::string net = fmt::format("10.{}.0.0", i);
    rules.push_back(rule({saddr(net.c_str(), 16)}, Action::jump, "jump x", "x"));
  }
  Ruleset ruleset = inet({base("input", Action::drop, std::move(rules)),
                          user("x", {rule({dport(22)}, Action::accept, "ssh")})});
  Verdict verdict = evaluate(ruleset, tcp4(22));
  EXPECT_EQ(verdict.exposure, Exposure::restricted);
  EXPECT_EQ(verdict.only_from.size(), 200u);
  EXPECT_EQ(evaluate(ruleset, tcp4(80)).exposure, Exposure::blocked);
}

TEST(FirewallEvaluate, RangeText) {
  EXPECT_EQ(range_text(prefix_range(IpFamily::ipv4, addr("10.1.2.3"), 8)), "10.0.0.0/8");
  EXPECT_EQ(range_text(prefix_range(IpFamily::ipv4, addr("10.1.2.3"), 32)), "10.1.2.3");
  EXPECT_EQ(range_text(prefix_range(IpFamily::ipv6, addr("2001:db8::1"), 32)), "2001:db8::/32");
  AddressRange odd{IpFamily::ipv4, addr("10.0.0.1"), addr("10.0.0.9")};
  EXPECT_EQ(range_text(odd), "10.0.0.1-10.0.0.9");
  EXPECT_TRUE(range_contains(odd, IpFamily::ipv4, addr("10.0.0.5")));
  EXPECT_FALSE(range_contains(odd, IpFamily::ipv4, addr("10.0.0.10")));
  EXPECT_FALSE(range_contains(odd, IpFamily::ipv6, addr("::")));
}

}  // namespace
}  // namespace portlens::firewall
