// run_scan on loopback: a real listener on 127.0.0.1, closed ports
// elsewhere, host groups forced small so several groups run.

#include "scan/scan_runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace portlens {
namespace {

struct Recorder : ScanWriter {
  int begins = 0, ends = 0;
  std::vector<HostReport> hosts;
  ScanTotals totals;
  void begin(const ScanInfo&) override { ++begins; }
  void host(const HostReport& host) override { hosts.push_back(host); }
  void end(const ScanTotals& t) override {
    ++ends;
    totals = t;
  }
};

class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(listen(fd_, 64), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackListener() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

ScanPlan loopback_plan(uint16_t listening) {
  auto targets = parse_targets("127.0.0.1-127.0.0.4", "", {});
  EXPECT_TRUE(targets.ok());
  ScanPlan plan;
  plan.targets = std::move(*targets);
  std::vector<uint16_t> ports{listening, static_cast<uint16_t>(listening == 65535 ? 65534 : listening + 1)};
  plan.ports = scan_ports_from_list(ports);
  plan.engine = *timing_template(4);
  plan.listed = {true, true, false};
  return plan;
}

TEST(ScanRunner, HostsPerGroupIsBoundedBothWays) {
  EXPECT_EQ(hosts_per_group(0, 65535), 4u);  // 2^18 / 65535
  EXPECT_EQ(hosts_per_group(0, 100), 2621u);
  EXPECT_EQ(hosts_per_group(0, 1), 4096u);  // never more than 4096 hosts at once
  EXPECT_EQ(hosts_per_group(10, 65535), 1u);
}

TEST(ScanRunner, EveryHostOnceInOrderWithExactCounts) {
  LoopbackListener listener;
  for (bool randomize : {true, false}) {
    ScanPlan plan = loopback_plan(listener.port());
    plan.randomize = randomize;
    plan.seed = 7;
    plan.group_probes = 2;  // one host per group: four groups
    Recorder recorder;
    int found = 0;
    ScanCallbacks callbacks;
    callbacks.writers = {&recorder};
    callbacks.note = [](PortVerdict& verdict) { verdict.service = "noted"; };
    callbacks.port_found = [&](const HostReport&, const PortVerdict&) { ++found; };
    ScanInfo info;
    auto totals = run_scan(plan, info, callbacks);
    ASSERT_TRUE(totals.ok());
    EXPECT_EQ(recorder.begins, 1);
    EXPECT_EQ(recorder.ends, 1);
    ASSERT_EQ(recorder.hosts.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(address_text(recorder.hosts[i].address), "127.0.0." + std::to_string(i + 1));
      EXPECT_EQ(recorder.hosts[i].up_reason, "user-set");
      ASSERT_EQ(recorder.hosts[i].ports.size(), 2u);  // open and closed are listed
      EXPECT_LT(recorder.hosts[i].ports[0].port, recorder.hosts[i].ports[1].port);
      EXPECT_EQ(recorder.hosts[i].ports[0].service, "noted");
    }
    // Only 127.0.0.1 has the listener (it is bound to that address).
    EXPECT_EQ(recorder.hosts[0].ports[0].state, PortState::open);
    EXPECT_EQ(recorder.hosts[0].count(PortState::open), 1u);
    EXPECT_EQ(recorder.hosts[1].count(PortState::closed), 2u);
    EXPECT_EQ(recorder.hosts[1].counts[1][static_cast<size_t>(ProbeReason::conn_refused)], 2u);
    EXPECT_EQ(found, 8);
    EXPECT_EQ(totals->ports[0], 1u);
    EXPECT_EQ(totals->ports[1], 7u);
    EXPECT_EQ(totals->hosts_up, 4u);
    EXPECT_EQ(totals->engine.probes, 8u);
    EXPECT_EQ(recorder.totals.ports[1], 7u);
  }
}

TEST(ScanRunner, UnlistedStatesAreCountedNotKept) {
  LoopbackListener listener;
  ScanPlan plan = loopback_plan(listener.port());
  plan.listed = {true, false, false};
  Recorder recorder;
  ScanCallbacks callbacks;
  callbacks.writers = {&recorder};
  auto totals = run_scan(plan, ScanInfo{}, callbacks);
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(recorder.hosts.size(), 4u);
  EXPECT_EQ(recorder.hosts[0].ports.size(), 1u);
  EXPECT_TRUE(recorder.hosts[1].ports.empty());
  EXPECT_EQ(recorder.hosts[1].count(PortState::closed), 2u);
}

TEST(ScanRunner, PingMarksHostsUpByTheirAnswer) {
  LoopbackListener listener;
  ScanPlan plan = loopback_plan(listener.port());
  plan.ping = true;
  plan.ping_ports = {listener.port()};
  Recorder recorder;
  ScanCallbacks callbacks;
  callbacks.writers = {&recorder};
  auto totals = run_scan(plan, ScanInfo{}, callbacks);
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(recorder.hosts.size(), 4u);
  EXPECT_EQ(recorder.hosts[0].up_reason, "syn-ack");
  EXPECT_EQ(recorder.hosts[1].up_reason, "conn-refused");  // a reset proves the host is there
  EXPECT_EQ(totals->hosts_up, 4u);
  EXPECT_EQ(totals->engine.probes, 8u);  // ping probes are not counted as scan probes
}

TEST(ScanRunner, ProgressReachesTheTotal) {
  LoopbackListener listener;
  ScanPlan plan = loopback_plan(listener.port());
  ScanProgress last;
  int calls = 0;
  ScanCallbacks callbacks;
  callbacks.progress = [&](const ScanProgress& progress) {
    last = progress;
    ++calls;
  };
  ASSERT_TRUE(run_scan(plan, ScanInfo{}, callbacks).ok());
  EXPECT_GE(calls, 1);
  EXPECT_EQ(last.done, 8u);
  EXPECT_EQ(last.total, 8u);
  EXPECT_EQ(last.open, 1u);
}

}  // namespace
}  // namespace portlens
