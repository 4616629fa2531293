// `portlens audit` against ground truth: tests/audit_netns.sh starts real
// services (redis-server, sshd, socat listeners, a deleted program from /tmp,
// a process that calls itself sshd) in a network namespace of its own and
// loads real rulesets one after another (nft, iptables-nft, iptables-legacy);
// here every verdict and severity it reports is checked.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "netns_scenarios.h"

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

namespace {

using nlohmann::json;

using portlens_test::Scenario;

std::map<std::string, Scenario>& scenarios() {
  static std::map<std::string, Scenario> parsed;
  return parsed;
}

class AuditNetns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    std::string command = std::string("timeout 180 unshare -n ") + PORTLENS_SOURCE_DIR +
                          "/tests/audit_netns.sh " + PORTLENS_BINARY + " 2>&1";
    bool ok = false;
    std::string out;
    scenarios() = portlens_test::run_scenarios(command, &ok, &out);
    ASSERT_TRUE(ok) << out;
  }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces and rulesets";
  }

  static json document(const std::string& name) {
    auto found = scenarios().find(name);
    EXPECT_NE(found, scenarios().end()) << name;
    if (found == scenarios().end()) return json::object();
    EXPECT_EQ(found->second.exit_code, 0) << name;
    json parsed = json::parse(found->second.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << found->second.body;
    return parsed;
  }

  static const json* listener(const json& doc, const std::string& proto, int port) {
    for (const json& l : doc["listeners"]) {
      if (l["proto"] == proto && l["local"]["port"] == port) return &l;
    }
    ADD_FAILURE() << "no listener " << proto << "/" << port;
    return nullptr;
  }

  static std::string exposure(const json& doc, const std::string& proto, int port) {
    const json* l = listener(doc, proto, port);
    return l ? l->at("exposure").get<std::string>() : "";
  }

  /// Severity of the finding `id` on `port` (-1 for host-level), "" if absent.
  static std::string severity(const json& doc, const std::string& id, int port, const char* list = "findings") {
    for (const json& f : doc[list]) {
      if (f["id"] != id) continue;
      if (port < 0 ? f["local"].is_null() : (!f["local"].is_null() && f["local"]["port"] == port)) {
        return f["severity"];
      }
    }
    return "";
  }
};

TEST_F(AuditNetns, NoFirewallEverythingBoundBeyondLoopbackIsExposed) {
  json doc = document("no-firewall");
  for (int port : {22, 23, 4444, 6379, 8081, 31337, 40999}) EXPECT_EQ(exposure(doc, "tcp", port), "exposed") << port;
  EXPECT_EQ(exposure(doc, "udp", 69), "exposed");
  EXPECT_EQ(exposure(doc, "tcp", 5432), "exposed");
  EXPECT_EQ(exposure(doc, "tcp", 11211), "local-only");
  EXPECT_EQ(severity(doc, "PL-NO-FIREWALL", -1), "medium");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "high");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 5432), "high");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 11211), "info");
  EXPECT_EQ(severity(doc, "PL-CLEARTEXT-LOGIN", 23), "high");
  EXPECT_EQ(severity(doc, "PL-CLEARTEXT-LOGIN", 69), "high");
  EXPECT_EQ(severity(doc, "PL-MALWARE-PORT", 31337), "critical");
  EXPECT_EQ(severity(doc, "PL-UNKNOWN-SERVICE", 40999), "info");
  EXPECT_EQ(severity(doc, "PL-DELETED-EXECUTABLE", 4444), "high");
  EXPECT_EQ(severity(doc, "PL-WRITABLE-EXECUTABLE", 4444), "high");
  EXPECT_EQ(severity(doc, "PL-NAME-MISMATCH", 8081), "high");
  // Real programs are not accused: sshd, redis-server (a link to
  // redis-check-rdb on Debian) and socat match their executables.
  EXPECT_EQ(severity(doc, "PL-NAME-MISMATCH", 22), "");
  EXPECT_EQ(severity(doc, "PL-NAME-MISMATCH", 6379), "");
  EXPECT_EQ(severity(doc, "PL-NAME-MISMATCH", 31337), "");
  // ssh is medium risk: exposed on purpose, not a finding.
  EXPECT_EQ(severity(doc, "PL-RISKY-SERVICE", 22), "");
  const json* redis = listener(doc, "tcp", 6379);
  ASSERT_NE(redis, nullptr);
  ASSERT_EQ(redis->at("processes").size(), 1u);
  EXPECT_EQ(redis->at("processes")[0]["name"], "redis-server");
  EXPECT_EQ(doc["firewall"]["filters"]["ipv4"], false);
  EXPECT_EQ(doc["summary"]["findings"], doc["findings"].size());
}

TEST_F(AuditNetns, NftablesRulesetDecidesEachPort) {
  json doc = document("nftables");
  EXPECT_EQ(doc["firewall"]["filters"]["ipv4"], true);
  EXPECT_EQ(severity(doc, "PL-NO-FIREWALL", -1), "");
  EXPECT_EQ(exposure(doc, "tcp", 22), "exposed");
  const json* ssh = listener(doc, "tcp", 22);
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->at("evidence")["rule"], "tcp dport 22 accept");
  EXPECT_EQ(ssh->at("evidence")["chain"], "input");
  // Redis: only 10.0.0.0/8 gets in.
  const json* redis = listener(doc, "tcp", 6379);
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->at("exposure"), "restricted");
  EXPECT_EQ(redis->at("evidence")["only_from"], json::array({"ip saddr 10.0.0.0/8"}));
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "medium");
  // Telnet rejected, TFTP dropped: reported low, never as exposed.
  const json* telnet = listener(doc, "tcp", 23);
  ASSERT_NE(telnet, nullptr);
  EXPECT_EQ(telnet->at("exposure"), "blocked");
  EXPECT_EQ(telnet->at("evidence")["rejected"], true);
  EXPECT_EQ(severity(doc, "PL-CLEARTEXT-LOGIN", 23), "low");
  EXPECT_EQ(exposure(doc, "udp", 69), "blocked");
  EXPECT_EQ(severity(doc, "PL-CLEARTEXT-LOGIN", 69), "low");
  // The trojan port falls to the drop policy.
  const json* trojan = listener(doc, "tcp", 31337);
  ASSERT_NE(trojan, nullptr);
  EXPECT_EQ(trojan->at("exposure"), "blocked");
  EXPECT_EQ(trojan->at("evidence")["rule"], "policy drop");
  EXPECT_EQ(severity(doc, "PL-MALWARE-PORT", 31337), "medium");
  // PostgreSQL over IPv6, accepted in a user chain for fd00::/8 only.
  const json* postgres = listener(doc, "tcp", 5432);
  ASSERT_NE(postgres, nullptr);
  EXPECT_EQ(postgres->at("exposure"), "restricted");
  EXPECT_EQ(postgres->at("evidence")["only_from"], json::array({"ip6 saddr fd00::/8"}));
  // A named set opens 8081 and 40999.
  EXPECT_EQ(exposure(doc, "tcp", 8081), "exposed");
  EXPECT_EQ(exposure(doc, "tcp", 40999), "exposed");
  EXPECT_EQ(severity(doc, "PL-UNKNOWN-SERVICE", 40999), "info");
  EXPECT_EQ(exposure(doc, "tcp", 4444), "blocked");
  // Process anomalies do not depend on the firewall.
  EXPECT_EQ(severity(doc, "PL-DELETED-EXECUTABLE", 4444), "high");
}

TEST_F(AuditNetns, IptablesNftWithXtMatchesIsReadBackAsIptablesRules) {
  json doc = document("iptables-nft");
  EXPECT_EQ(exposure(doc, "tcp", 6379), "exposed");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "high");
  const json* redis = listener(doc, "tcp", 6379);
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->at("evidence")["backend"], "iptables-nft");
  EXPECT_EQ(exposure(doc, "tcp", 22), "exposed");
  EXPECT_EQ(exposure(doc, "tcp", 23), "blocked");
  // Accepted in a user chain for 192.168.0.0/16 only, after the RETURN the rest is dropped.
  const json* trojan = listener(doc, "tcp", 31337);
  ASSERT_NE(trojan, nullptr);
  EXPECT_EQ(trojan->at("exposure"), "restricted");
  EXPECT_EQ(trojan->at("evidence")["only_from"], json::array({"ip saddr 192.168.0.0/16"}));
  EXPECT_EQ(severity(doc, "PL-MALWARE-PORT", 31337), "high");
  EXPECT_EQ(exposure(doc, "tcp", 40999), "blocked");
  // IPv4 rules only: the IPv6 listener stays exposed, and that is a finding.
  EXPECT_EQ(exposure(doc, "tcp", 5432), "exposed");
  EXPECT_EQ(doc["firewall"]["filters"]["ipv4"], true);
  EXPECT_EQ(doc["firewall"]["filters"]["ipv6"], false);
  EXPECT_EQ(severity(doc, "PL-NO-FIREWALL", -1), "medium");
}

TEST_F(AuditNetns, IptablesLegacyRulesCount) {
  json doc = document("iptables-legacy");
  const json* redis = listener(doc, "tcp", 6379);
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->at("exposure"), "blocked");
  EXPECT_EQ(redis->at("evidence")["backend"], "iptables-legacy");
  EXPECT_EQ(redis->at("evidence")["rule"], "-p tcp -m tcp --dport 6379 -j DROP");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "low");
  EXPECT_EQ(exposure(doc, "tcp", 22), "exposed");
}

TEST_F(AuditNetns, UnmodeledMatchThatDecidesIsUnknown) {
  json doc = document("unmodeled");
  const json* redis = listener(doc, "tcp", 6379);
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->at("exposure"), "unknown");
  EXPECT_EQ(redis->at("evidence")["unknown_reason"], "unmodeled-match");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "medium");
  EXPECT_EQ(exposure(doc, "tcp", 22), "blocked");
}

TEST_F(AuditNetns, AllowFileBaselineAndFailOn) {
  json allowed = document("allowed");
  EXPECT_EQ(severity(allowed, "PL-EXPOSED-DATABASE", 6379), "");
  EXPECT_EQ(severity(allowed, "PL-EXPOSED-DATABASE", 6379, "suppressed"), "high");
  ASSERT_EQ(allowed["expired_allowances"].size(), 1u);
  EXPECT_EQ(allowed["expired_allowances"][0]["expires"], "2000-01-01");
  // The expired allowance no longer hides the trojan port.
  EXPECT_EQ(severity(allowed, "PL-MALWARE-PORT", 31337), "critical");
  // The baseline saved with the allow file in force holds everything but redis.
  json baseline = document("baseline");
  ASSERT_EQ(baseline["findings"].size(), 1u);
  EXPECT_EQ(baseline["findings"][0]["id"], "PL-EXPOSED-DATABASE");
  EXPECT_EQ(baseline["summary"]["in_baseline"], allowed["findings"].size());
  ASSERT_TRUE(scenarios().count("fail-on"));
  EXPECT_EQ(scenarios()["fail-on"].exit_code, 3);
  ASSERT_TRUE(scenarios().count("bad-allow"));
  EXPECT_EQ(scenarios()["bad-allow"].exit_code, 2);
  const std::string& error = scenarios()["bad-allow-stderr"].body;
  EXPECT_NE(error.find("bad.toml:1:1: an [[allow]] needs a reason"), std::string::npos) << error;
  EXPECT_NE(scenarios()["allowed-stderr"].body.find("expired on 2000-01-01"), std::string::npos);
}

TEST_F(AuditNetns, UnprivilegedSaysUnknownNeverSafe) {
  json doc = document("unprivileged");
  EXPECT_EQ(doc["firewall"]["readable"], false);
  EXPECT_EQ(exposure(doc, "tcp", 6379), "unknown");
  EXPECT_EQ(exposure(doc, "tcp", 11211), "local-only");
  EXPECT_EQ(severity(doc, "PL-EXPOSED-DATABASE", 6379), "medium");
  EXPECT_EQ(severity(doc, "PL-NO-FIREWALL", -1), "");
  const std::string& warnings = scenarios()["unprivileged-stderr"].body;
  EXPECT_NE(warnings.find("exposure beyond loopback is shown as unknown"), std::string::npos) << warnings;
}

}  // namespace
