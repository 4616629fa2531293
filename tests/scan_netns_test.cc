// The connect engine against ground truth it cannot see (root): two network
// namespaces joined by a veth pair. The target namespace has listeners on
// random ports over the whole range and an nftables ruleset that drops some
// ports, rejects some with ICMP admin-prohibited and some with a TCP reset,
// and throws away 3% of everything arriving on the veth. The scanner
// namespace sweeps all 65535 ports (IPv4, IPv6) or 3000 of them under
// RLIMIT_NOFILE 64, and every verdict must match what the rules imply.
//
// Both namespaces are anonymous: each belongs to a child process made with
// unshare(CLONE_NEWNET) that dies with the test (PR_SET_PDEATHSIG, alarm), so
// the namespaces, the veth pair and the ruleset vanish even if the test
// crashes. Nothing is sent outside them; nothing is created in the test's
// own namespace.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "scan/connect_engine.h"

namespace portlens {
namespace {

constexpr const char* kTargetV4 = "10.213.0.1";
constexpr const char* kScannerV4 = "10.213.0.2";
constexpr const char* kTargetV6 = "fd21:3::1";
constexpr const char* kScannerV6 = "fd21:3::2";

/// What the scanner child leaves in shared memory for each port.
struct Verdict {
  uint8_t state = 0xff;
  uint8_t reason = 0xff;
  uint8_t deliveries = 0;
};

struct SharedResults {
  Verdict ports[65536];
  uint64_t elapsed_ms = 0;
  uint64_t retries = 0;
  uint64_t resource_backoffs = 0;
  int status = -1;  // 0 once the scan returned normally
};

/// The ports each rule covers, chosen at random per run.
struct GroundTruth {
  std::set<uint16_t> listening, dropped, prohibited, reset;

  bool host_times_out = false;  // the dropped ports outlive the host timeout
  bool lossy = true;            // 3% of everything arriving at the target is dropped

  std::pair<PortState, ProbeReason> expected(uint16_t port) const {
    if (dropped.contains(port)) {
      return {PortState::filtered, host_times_out ? ProbeReason::host_timeout : ProbeReason::no_response};
    }
    if (prohibited.contains(port)) return {PortState::filtered, ProbeReason::admin_prohibited};
    if (reset.contains(port)) return {PortState::closed, ProbeReason::conn_refused};
    if (listening.contains(port)) return {PortState::open, ProbeReason::syn_ack};
    return {PortState::closed, ProbeReason::conn_refused};
  }
};

std::string port_set(const std::set<uint16_t>& ports) {
  std::string text;
  for (uint16_t port : ports) text += (text.empty() ? "" : ", ") + std::to_string(port);
  return "{ " + text + " }";
}

GroundTruth random_truth(unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> any_port(1, 65535);
  GroundTruth truth;
  std::set<uint16_t> used;
  auto draw = [&](std::set<uint16_t>& into, size_t count) {
    while (into.size() < count) {
      auto port = static_cast<uint16_t>(any_port(random));
      if (used.insert(port).second) into.insert(port);
    }
  };
  draw(truth.listening, 40);
  draw(truth.dropped, 12);
  draw(truth.prohibited, 10);
  draw(truth.reset, 10);
  // The firewall wins over a listener: put listeners behind some rules too.
  auto it = truth.listening.begin();
  truth.dropped.insert(*it++);
  truth.prohibited.insert(*it++);
  truth.reset.insert(*it++);
  return truth;
}

int run_shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string in_namespace(pid_t owner, const std::string& script) {
  return "nsenter --net=/proc/" + std::to_string(owner) + "/ns/net -- sh -ec '" + script + "' >&2";
}

void die_with_parent() {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  alarm(120);
}

int open_listener(int family, uint16_t port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage storage{};
  socklen_t length;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    length = sizeof *in;
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    length = sizeof *in6;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(fd, 64) != 0) return -1;
  return fd;
}

/// The target child: its own namespace, listeners on every listening port
/// (v4 and v6), then it waits to be killed.
[[noreturn]] void serve_target(const GroundTruth& truth, int ready) {
  die_with_parent();
  if (unshare(CLONE_NEWNET) != 0) _exit(2);
  for (uint16_t port : truth.listening) {
    if (open_listener(AF_INET, port) < 0 || open_listener(AF_INET6, port) < 0) _exit(3);
  }
  char byte = 1;
  if (write(ready, &byte, 1) != 1) _exit(4);
  while (true) pause();
}

struct ScanPlan {
  AddressFamily family = AddressFamily::ipv4;
  std::vector<uint16_t> ports;
  long fd_limit = 0;  // 0: leave the limit alone
  std::chrono::milliseconds host_timeout{0};
  std::chrono::milliseconds rtt_timeout{0};  // 0: the preset's initial and minimum RTT timeouts
};

/// The scanner child: its own namespace, waits for `go`, scans, writes the
/// verdicts to shared memory.
[[noreturn]] void serve_scanner(const ScanPlan& plan, int ready, int go, SharedResults* shared) {
  die_with_parent();
  if (unshare(CLONE_NEWNET) != 0) _exit(2);
  char byte = 1;
  if (write(ready, &byte, 1) != 1 || read(go, &byte, 1) != 1) _exit(4);
  if (plan.fd_limit > 0) {
    rlimit limit{static_cast<rlim_t>(plan.fd_limit), static_cast<rlim_t>(plan.fd_limit)};
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(5);
  }
  ConnectProbe base;
  base.family = plan.family;
  if (plan.family == AddressFamily::ipv4) {
    inet_pton(AF_INET, kTargetV4, base.address.data());
  } else {
    inet_pton(AF_INET6, kTargetV6, base.address.data());
  }
  size_t next = 0;
  auto source = [&]() -> std::optional<ConnectProbe> {
    if (next == plan.ports.size()) return std::nullopt;
    ConnectProbe probe = base;
    probe.port = plan.ports[next++];
    return probe;
  };
  auto sink = [&](const ProbeResult& result) {
    Verdict& verdict = shared->ports[result.probe.port];
    verdict.state = static_cast<uint8_t>(result.state);
    verdict.reason = static_cast<uint8_t>(result.reason);
    if (verdict.deliveries < 255) ++verdict.deliveries;
  };
  EngineOptions options = timing_template(4).value();  // 7 attempts: 3% loss never hides a port
  options.host_timeout = plan.host_timeout;
  if (plan.rtt_timeout.count() > 0) options.initial_rtt_timeout = options.min_rtt_timeout = plan.rtt_timeout;
  Result<EngineStats> stats = run_connect_scan(options, source, sink);
  if (!stats.ok()) _exit(6);
  shared->elapsed_ms = static_cast<uint64_t>(stats->elapsed.count());
  shared->retries = stats->retries;
  shared->resource_backoffs = stats->resource_backoffs;
  shared->status = 0;
  _exit(0);
}

class ScanNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
    seed_ = static_cast<unsigned>(std::random_device{}());
    truth_ = random_truth(seed_);
    void* memory = mmap(nullptr, sizeof(SharedResults), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(memory, MAP_FAILED);
    shared_ = new (memory) SharedResults();
  }

  void TearDown() override {
    for (pid_t child : {scanner_, target_}) {
      if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
      }
    }
    if (shared_ != nullptr) munmap(shared_, sizeof(SharedResults));
  }

  static bool wait_ready(int fd) {
    char byte = 0;
    bool ok = read(fd, &byte, 1) == 1;
    close(fd);
    return ok;
  }

  /// Starts both children, wires the namespaces, loads the ruleset, runs the
  /// scan, and waits for it (bounded by the children's alarm).
  void scan(const ScanPlan& plan) {
    int target_ready[2], scanner_ready[2], go[2];
    ASSERT_EQ(pipe(target_ready), 0);
    ASSERT_EQ(pipe(scanner_ready), 0);
    ASSERT_EQ(pipe(go), 0);
    target_ = fork();
    if (target_ == 0) serve_target(truth_, target_ready[1]);
    close(target_ready[1]);
    scanner_ = fork();
    if (scanner_ == 0) serve_scanner(plan, scanner_ready[1], go[0], shared_);
    close(scanner_ready[1]);
    close(go[0]);
    ASSERT_TRUE(wait_ready(target_ready[0])) << "target namespace child failed";
    ASSERT_TRUE(wait_ready(scanner_ready[0])) << "scanner namespace child failed";
    ASSERT_EQ(run_shell(in_namespace(target_, target_setup())), 0);
    ASSERT_EQ(run_shell(in_namespace(scanner_, scanner_setup())), 0);
    ASSERT_EQ(run_shell(in_namespace(target_, "nft -f -") + " <<'EOF'\n" + ruleset() + "\nEOF"), 0);
    char byte = 1;
    ASSERT_EQ(write(go[1], &byte, 1), 1);
    close(go[1]);
    int status = 0;
    ASSERT_EQ(waitpid(scanner_, &status, 0), scanner_);
    scanner_ = -1;
    ASSERT_TRUE(WIFEXITED(status)) << "scanner killed by signal " << WTERMSIG(status);
    ASSERT_EQ(WEXITSTATUS(status), 0);
    ASSERT_EQ(shared_->status, 0);
  }

  std::string target_setup() const {
    std::string scanner_ns = "/proc/" + std::to_string(scanner_) + "/ns/net";
    return "ip link set lo up; "
           "ip link add pl-target type veth peer name pl-scanner netns " + scanner_ns + "; "
           "ip link set pl-target up; "
           "ip addr add " + std::string(kTargetV4) + "/24 dev pl-target; "
           "ip -6 addr add " + std::string(kTargetV6) + "/64 dev pl-target nodad; "
           // The ICMP answers must not be rate limited, or admin-prohibited
           // ports would look silent.
           "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0; "
           "sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null || true";
  }

  static std::string scanner_setup() {
    return "ip link set lo up; ip link set pl-scanner up; "
           "ip addr add " + std::string(kScannerV4) + "/24 dev pl-scanner; "
           "ip -6 addr add " + std::string(kScannerV6) + "/64 dev pl-scanner nodad";
  }

  std::string ruleset() const {
    return "table inet scantest {\n"
           "  chain input {\n"
           "    type filter hook input priority 0; policy accept;\n"
           + std::string(truth_.lossy ? "    iifname \"pl-target\" numgen random mod 100 < 3 drop\n" : "") +
           "    tcp dport " + port_set(truth_.dropped) + " drop\n"
           "    tcp dport " + port_set(truth_.prohibited) + " reject with icmpx type admin-prohibited\n"
           "    tcp dport " + port_set(truth_.reset) + " reject with tcp reset\n"
           "  }\n"
           "}";
  }

  /// Every scanned port delivered once with the verdict the rules imply.
  void expect_ground_truth(const ScanPlan& plan) {
    SCOPED_TRACE("seed " + std::to_string(seed_));
    int wrong = 0;
    for (uint16_t port : plan.ports) {
      const Verdict& verdict = shared_->ports[port];
      auto [state, reason] = truth_.expected(port);
      bool right = verdict.deliveries == 1 && verdict.state == static_cast<uint8_t>(state) &&
                   verdict.reason == static_cast<uint8_t>(reason);
      if (!right && ++wrong <= 20) {
        ADD_FAILURE() << "port " << port << ": delivered " << int(verdict.deliveries)
                      << " times, state " << int(verdict.state) << " reason "
                      << int(verdict.reason) << "; expected " << state_name(state) << "/"
                      << reason_name(reason);
      }
    }
    EXPECT_EQ(wrong, 0);
    std::printf("scanned %zu ports in %llu ms, %llu retries, %llu resource back-offs\n",
                plan.ports.size(), static_cast<unsigned long long>(shared_->elapsed_ms),
                static_cast<unsigned long long>(shared_->retries),
                static_cast<unsigned long long>(shared_->resource_backoffs));
  }

  ScanPlan full_range(AddressFamily family) const {
    ScanPlan plan;
    plan.family = family;
    for (uint32_t port = 1; port <= 65535; ++port) plan.ports.push_back(static_cast<uint16_t>(port));
    return plan;
  }

  unsigned seed_ = 0;
  GroundTruth truth_;
  SharedResults* shared_ = nullptr;
  pid_t target_ = -1, scanner_ = -1;
};

TEST_F(ScanNetns, EveryIpv4PortMatchesTheRules) {
  ScanPlan plan = full_range(AddressFamily::ipv4);
  scan(plan);
  expect_ground_truth(plan);
}

TEST_F(ScanNetns, EveryIpv6PortMatchesTheRules) {
  ScanPlan plan = full_range(AddressFamily::ipv6);
  scan(plan);
  expect_ground_truth(plan);
}

TEST_F(ScanNetns, SixtyFourDescriptorsStillGiveExactVerdicts) {
  ScanPlan plan;
  plan.fd_limit = 64;
  std::set<uint16_t> ports;
  for (const auto* rule : {&truth_.listening, &truth_.dropped, &truth_.prohibited, &truth_.reset}) {
    ports.insert(rule->begin(), rule->end());
  }
  for (uint32_t port = 1; ports.size() < 3000; ++port) ports.insert(static_cast<uint16_t>(port));
  plan.ports.assign(ports.begin(), ports.end());
  scan(plan);
  expect_ground_truth(plan);
}

// Without random loss (a port lost three times in a row looks exactly like a
// dropped one for four attempts), a dropped port needs four silent attempts
// of 600 ms, 2.4 s, to be given up: the 1.5 s host timeout ends it first,
// while every other port is answered at once and keeps its verdict.
TEST_F(ScanNetns, HostTimeoutEndsTheSilentPorts) {
  ScanPlan plan;
  plan.host_timeout = std::chrono::milliseconds(1500);
  plan.rtt_timeout = std::chrono::milliseconds(600);
  truth_.lossy = false;
  std::set<uint16_t> ports;
  for (const auto* rule : {&truth_.listening, &truth_.dropped, &truth_.prohibited, &truth_.reset}) {
    ports.insert(rule->begin(), rule->end());
  }
  for (uint32_t port = 1; ports.size() < 1000; ++port) ports.insert(static_cast<uint16_t>(port));
  plan.ports.assign(ports.begin(), ports.end());
  truth_.host_times_out = true;
  scan(plan);
  expect_ground_truth(plan);
  EXPECT_LT(shared_->elapsed_ms, 2500u);
}

}  // namespace
}  // namespace portlens
