// `portlens scan` as a user runs it, against ground truth (root):
// tests/scan_netns.sh builds two named namespaces, a /24 on the target side
// with listeners on a few of its addresses, a dropped and a rejected address,
// real and hostile servers, and /etc/netns/NAME/hosts names; it prints each
// scenario's output. Every verdict below follows from that setup.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "netns_scenarios.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

using nlohmann::json;

using portlens_test::Scenario;

std::map<std::string, Scenario>& scenarios() {
  static std::map<std::string, Scenario> parsed;
  return parsed;
}

class ScanCliNetns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    std::string command = std::string("timeout 400 ") + PORTLENS_SOURCE_DIR + "/tests/scan_netns.sh " +
                          PORTLENS_BINARY + " 2>&1";
    bool ok = false;
    std::string out;
    scenarios() = portlens_test::run_scenarios(command, &ok, &out);
    ASSERT_TRUE(ok) << out;
  }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
  }

  static const Scenario& scenario(const std::string& name) {
    auto found = scenarios().find(name);
    if (found == scenarios().end()) {
      static Scenario missing;
      ADD_FAILURE() << "scenario " << name << " did not run";
      return missing;
    }
    return found->second;
  }

  static json document(const std::string& name) {
    const Scenario& s = scenario(name);
    EXPECT_EQ(s.exit_code, 0) << s.body;
    json doc = json::parse(s.body, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << s.body;
    return doc;
  }
};

/// "addr:port" → state, for every listed port.
std::map<std::string, std::string> listed_ports(const json& doc) {
  std::map<std::string, std::string> found;
  for (const json& host : doc["hosts"]) {
    for (const json& port : host["ports"]) {
      found[host["addr"].get<std::string>() + ":" + std::to_string(port["port"].get<int>())] =
          port["state"].get<std::string>() + "/" + port["reason"].get<std::string>();
    }
  }
  return found;
}

TEST_F(ScanCliNetns, SubnetTopPortsFindsExactlyTheListeners) {
  json doc = document("subnet-top-ports");
  ASSERT_TRUE(doc.contains("hosts"));
  EXPECT_EQ(doc["hosts"].size(), 256u);
  EXPECT_EQ(doc["stats"]["ports_per_host"], 100);
  auto found = listed_ports(doc);
  std::map<std::string, std::string> open;
  size_t dropped = 0, prohibited = 0;
  for (const auto& [where, verdict] : found) {
    if (verdict.starts_with("open")) open[where] = verdict;
    if (where.starts_with("10.214.1.50:")) dropped += verdict == "filtered/no-response";
    if (where.starts_with("10.214.1.60:")) prohibited += verdict == "filtered/admin-prohibited";
  }
  std::map<std::string, std::string> expected{{"10.214.1.7:80", "open/syn-ack"},
                                              {"10.214.1.100:22", "open/syn-ack"},
                                              {"10.214.1.200:443", "open/syn-ack"},
                                              {"10.214.1.254:3306", "open/syn-ack"}};
  EXPECT_EQ(open, expected);
  EXPECT_EQ(dropped, 100u);
  EXPECT_EQ(prohibited, 100u);
  EXPECT_EQ(found.size(), 204u);
  EXPECT_EQ(doc["stats"]["open"], 4);
  EXPECT_EQ(doc["stats"]["filtered"], 200);
  EXPECT_EQ(doc["stats"]["closed"], 256 * 100 - 204);
}

TEST_F(ScanCliNetns, PingSkipsAddressesThatDoNotExist) {
  json doc = document("ping");
  ASSERT_EQ(doc["hosts"].size(), 6u);
  std::set<std::string> up, down;
  for (const json& host : doc["hosts"]) (host["up"].get<bool>() ? up : down).insert(host["addr"].get<std::string>());
  EXPECT_EQ(up, (std::set<std::string>{"10.214.1.5", "10.214.1.6", "10.214.1.7", "10.214.1.8"}));
  EXPECT_EQ(down, (std::set<std::string>{"10.214.2.1", "10.214.2.2"}));
  EXPECT_EQ(listed_ports(doc), (std::map<std::string, std::string>{{"10.214.1.7:80", "open/syn-ack"}}));
  EXPECT_EQ(doc["stats"]["hosts_down"], 2);
}

TEST_F(ScanCliNetns, HostNamesComeFromTheNamespacesHostsFile) {
  json doc = document("names");
  std::map<std::string, std::string> names;
  for (const json& host : doc["hosts"]) names[host["addr"]] = host.value("name", "");
  EXPECT_EQ(names, (std::map<std::string, std::string>{
                       {"10.214.1.7", "web.lab"}, {"10.214.1.100", "shell.lab"}, {"fd22:4::1", "web.lab"}}));
  EXPECT_EQ(listed_ports(doc), (std::map<std::string, std::string>{{"10.214.1.7:80", "open/syn-ack"},
                                                                    {"10.214.1.100:22", "open/syn-ack"},
                                                                    {"fd22:4::1:80", "open/syn-ack"}}));
  json v4 = document("names-v4");
  ASSERT_EQ(v4["hosts"].size(), 1u);
  EXPECT_EQ(v4["hosts"][0]["addr"], "10.214.1.7");

  const Scenario& unknown = scenario("unknown-name");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.body;
  EXPECT_NE(unknown.body.find("nosuch.lab"), std::string::npos) << unknown.body;
}

TEST_F(ScanCliNetns, BannersAreExactInJsonAndHarmlessOnATerminal) {
  json doc = document("banners");
  ASSERT_EQ(doc["hosts"].size(), 1u);
  std::map<int, json> ports;
  for (const json& port : doc["hosts"][0]["ports"]) ports[port["port"]] = port;
  ASSERT_TRUE(ports.contains(8000) && ports.contains(7000)) << doc.dump();
  EXPECT_EQ(ports[8000]["identity"]["service"], "http");
  EXPECT_NE(ports[8000]["banner"].get<std::string>().find("SimpleHTTP"), std::string::npos);
  // The hostile greeting survives byte for byte in banner_hex (it has a C1 byte and a NUL).
  std::string hostile = "220 evil\x1b]0;owned\x07\x1b[2J\xe2\x80\xae";
  std::string hex;
  for (unsigned char c : hostile) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
  ASSERT_TRUE(ports[7000].contains("banner_hex")) << ports[7000].dump();
  EXPECT_TRUE(ports[7000]["banner_hex"].get<std::string>().starts_with(hex + "9b00")) << ports[7000].dump();

  const Scenario& text = scenario("banners-text");
  EXPECT_EQ(text.exit_code, 0) << text.body;
  EXPECT_EQ(text.body.find('\x1b'), std::string::npos) << "an escape byte reached the terminal";
  EXPECT_EQ(text.body.find('\x07'), std::string::npos);
  EXPECT_EQ(text.body.find("\xe2\x80\xae"), std::string::npos) << "a bidi override reached the terminal";
  EXPECT_NE(text.body.find("\\x1b]0;owned"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("SimpleHTTP"), std::string::npos) << text.body;
}

TEST_F(ScanCliNetns, XmlValidatesAgainstNmapsDtdAndNdiffReadsIt) {
  EXPECT_EQ(scenario("xml-a").exit_code, 0) << scenario("xml-a").body;
  EXPECT_EQ(scenario("xml-b").exit_code, 0) << scenario("xml-b").body;
  const Scenario& valid = scenario("xml-valid");
  EXPECT_EQ(valid.exit_code, 0) << valid.body;
  const Scenario& diff = scenario("ndiff");
  EXPECT_EQ(diff.exit_code, 1) << diff.body;  // ndiff: 1 = the scans differ
  EXPECT_NE(diff.body.find("10.214.1.7"), std::string::npos) << diff.body;
  EXPECT_NE(diff.body.find("+443/tcp"), std::string::npos) << diff.body;
  const Scenario& grepable = scenario("grepable");
  EXPECT_NE(grepable.body.find("Host: 10.214.1.7 ()\tPorts: 80/open/tcp//http///, 443/open/tcp//https///"),
            std::string::npos)
      << grepable.body;
}

TEST_F(ScanCliNetns, LowFileLimitLosesNoPort) {
  json doc = document("low-fd-limit");
  auto found = listed_ports(doc);
  size_t dropped = 0, prohibited = 0;
  std::map<std::string, std::string> open;
  for (const auto& [where, verdict] : found) {
    if (verdict.starts_with("open")) open[where] = verdict;
    dropped += where.starts_with("10.214.1.50:") && verdict == "filtered/no-response";
    prohibited += where.starts_with("10.214.1.60:") && verdict == "filtered/admin-prohibited";
  }
  EXPECT_EQ(open, (std::map<std::string, std::string>{{"10.214.1.7:80", "open/syn-ack"}}));
  EXPECT_EQ(dropped, 400u);
  EXPECT_EQ(prohibited, 400u);
  EXPECT_EQ(doc["stats"]["probes"], 1200);
}

}  // namespace
