// The connect engine against the real kernel on 127.0.0.1: ports with our
// own listeners must come out open, ports we just closed must come out
// closed, every probe exactly once — also with only 64 descriptors.

#include "scan/connect_engine.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "util/unique_fd.h"

namespace portlens {
namespace {

ConnectProbe loopback_probe(uint16_t port) {
  ConnectProbe probe;
  probe.address = {127, 0, 0, 1};
  probe.port = port;
  return probe;
}

/// A bound TCP socket on 127.0.0.1 with a kernel-chosen port.
UniqueFd bound_socket(uint16_t* port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd || bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return {};
  socklen_t length = sizeof address;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

UniqueFd listener(uint16_t* port) {
  UniqueFd fd = bound_socket(port);
  if (fd && listen(fd.get(), 64) != 0) return {};
  return fd;
}

/// Ports that were free a moment ago: bound, noted, closed. Nothing listens
/// there afterwards (nothing else in the test binary listens).
std::set<uint16_t> closed_ports(size_t count, const std::set<uint16_t>& avoid) {
  std::set<uint16_t> ports;
  for (size_t tries = 0; ports.size() < count && tries < count * 4; ++tries) {
    uint16_t port = 0;
    UniqueFd fd = bound_socket(&port);
    if (fd && !avoid.contains(port)) ports.insert(port);
  }
  return ports;
}

struct ScanOutcome {
  std::map<uint16_t, ProbeResult> results;
  int duplicates = 0;
  EngineStats stats;
  bool ok = false;
};

ScanOutcome scan_ports(const std::vector<uint16_t>& ports, const EngineOptions& options) {
  ScanOutcome outcome;
  size_t next = 0;
  auto source = [&]() -> std::optional<ConnectProbe> {
    if (next == ports.size()) return std::nullopt;
    return loopback_probe(ports[next++]);
  };
  auto sink = [&](const ProbeResult& result) {
    if (!outcome.results.emplace(result.probe.port, result).second) ++outcome.duplicates;
  };
  Result<EngineStats> stats = run_connect_scan(options, source, sink);
  outcome.ok = stats.ok();
  if (stats.ok()) outcome.stats = *stats;
  return outcome;
}

EngineOptions fast_options() {
  EngineOptions options = timing_template(4).value();
  options.max_retries = 3;
  return options;
}

TEST(ConnectEngine, OpenAndClosedPortsOnLoopback) {
  std::vector<UniqueFd> listeners;
  std::set<uint16_t> open;
  for (int i = 0; i < 8; ++i) {
    uint16_t port = 0;
    listeners.push_back(listener(&port));
    ASSERT_TRUE(listeners.back());
    open.insert(port);
  }
  std::set<uint16_t> closed = closed_ports(50, open);
  ASSERT_GE(closed.size(), 40u);
  std::vector<uint16_t> ports(open.begin(), open.end());
  ports.insert(ports.end(), closed.begin(), closed.end());

  ScanOutcome outcome = scan_ports(ports, fast_options());
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.duplicates, 0);
  ASSERT_EQ(outcome.results.size(), ports.size());
  for (uint16_t port : open) {
    const ProbeResult& result = outcome.results.at(port);
    EXPECT_EQ(result.state, PortState::open) << port;
    EXPECT_EQ(reason_name(result.reason), "syn-ack") << port;
    EXPECT_EQ(result.attempts, 1);
  }
  for (uint16_t port : closed) {
    const ProbeResult& result = outcome.results.at(port);
    EXPECT_EQ(result.state, PortState::closed) << port;
    EXPECT_EQ(reason_name(result.reason), "conn-refused") << port;
  }
  EXPECT_EQ(outcome.stats.open, open.size());
  EXPECT_EQ(outcome.stats.closed, closed.size());
  EXPECT_EQ(outcome.stats.filtered, 0u);
  EXPECT_EQ(outcome.stats.probes, ports.size());
  EXPECT_EQ(outcome.stats.retries, 0u);
}

TEST(ConnectEngine, RateCapSpacesConnects) {
  std::set<uint16_t> closed = closed_ports(20, {});
  std::vector<uint16_t> ports(closed.begin(), closed.end());
  EngineOptions options = fast_options();
  options.max_rate = 100;  // 20 probes, bucket of 5: at least ~150 ms
  ScanOutcome outcome = scan_ports(ports, options);
  ASSERT_TRUE(outcome.ok);
  EXPECT_EQ(outcome.results.size(), ports.size());
  EXPECT_GE(outcome.stats.elapsed.count(), 100);
  EXPECT_LT(outcome.stats.elapsed.count(), 2000);
}

TEST(ConnectEngine, EmptySourceEndsAtOnce) {
  ScanOutcome outcome = scan_ports({}, fast_options());
  ASSERT_TRUE(outcome.ok);
  EXPECT_TRUE(outcome.results.empty());
  EXPECT_EQ(outcome.stats.probes, 0u);
}

// In a child, so the lowered limit does not leak into the other tests: 2000
// ports, 64 descriptors. Exit status 0 means every check passed; the child
// prints what failed.
int scan_under_small_fd_limit() {
  rlimit limit{64, 64};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 10;
  std::vector<UniqueFd> listeners;
  std::set<uint16_t> open;
  for (int i = 0; i < 10; ++i) {
    uint16_t port = 0;
    listeners.push_back(listener(&port));
    if (!listeners.back()) return 11;
    open.insert(port);
  }
  // 2000 consecutive ports above the open ones' neighbourhood: whatever is not ours is closed
  // unless another process listens there, which we check first with our own connect.
  std::vector<uint16_t> ports(open.begin(), open.end());
  for (uint32_t port = 20000; ports.size() < 2000 && port < 65536; ++port) {
    if (!open.contains(static_cast<uint16_t>(port))) ports.push_back(static_cast<uint16_t>(port));
  }
  ScanOutcome outcome = scan_ports(ports, fast_options());
  if (!outcome.ok) return 12;
  if (outcome.duplicates != 0 || outcome.results.size() != ports.size()) return 13;
  int wrong = 0;
  for (uint16_t port : ports) {
    const ProbeResult& result = outcome.results.at(port);
    bool want_open = open.contains(port);
    if (want_open && result.state != PortState::open) ++wrong;
    // Another program may listen in 20000..22000 on this machine; it would be open.
    if (!want_open && result.state == PortState::filtered) ++wrong;
  }
  if (wrong != 0) {
    std::fprintf(stderr, "%d wrong verdicts\n", wrong);
    return 14;
  }
  if (outcome.stats.max_in_flight > 64) return 15;
  return 0;
}

// Same limit, but the caller itself grabs all but 4 free descriptors while
// the scan runs (the engine sized its window before): connects then fail with
// EMFILE and must be retried later, not lost.
int scan_while_descriptors_vanish() {
  rlimit limit{64, 64};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 20;
  uint16_t open_port = 0;
  UniqueFd open_listener = listener(&open_port);
  if (!open_listener) return 21;
  std::vector<uint16_t> ports;
  for (uint32_t port = 20000; ports.size() < 1500; ++port) ports.push_back(static_cast<uint16_t>(port));
  ports.push_back(open_port);
  // At the 100th probe every free descriptor is taken; a thread gives them
  // back 100 ms later. (Loopback answers arrive inside connect(), so the
  // engine holds almost no descriptor of its own: only a full hoard starves
  // it.) The thread is started first: starting one while no descriptor is
  // free trips the sanitizers, which open /proc files for their checks.
  std::vector<UniqueFd> hoard;
  std::mutex hoard_mutex;
  std::atomic<bool> hoarded{false}, finished{false};
  std::thread releaser([&] {
    while (!hoarded && !finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (finished) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(hoard_mutex);
    hoard.clear();
  });
  size_t next = 0;
  std::map<uint16_t, ProbeResult> results;
  int duplicates = 0;
  auto source = [&]() -> std::optional<ConnectProbe> {
    if (next == 100) {
      std::lock_guard lock(hoard_mutex);
      for (int fd; (fd = dup(0)) >= 0;) hoard.emplace_back(fd);
      hoarded = true;
    }
    if (next == ports.size()) return std::nullopt;
    return loopback_probe(ports[next++]);
  };
  auto sink = [&](const ProbeResult& result) {
    if (!results.emplace(result.probe.port, result).second) ++duplicates;
  };
  Result<EngineStats> stats = run_connect_scan(fast_options(), source, sink);
  finished = true;
  releaser.join();
  if (!stats.ok()) return 22;
  if (duplicates != 0 || results.size() != ports.size()) return 23;
  if (stats->resource_backoffs == 0) return 24;
  if (results.at(open_port).state != PortState::open) return 25;
  for (const auto& [port, result] : results) {
    if (result.state == PortState::filtered) return 26;
  }
  return 0;
}

int exit_code_of(int (*body)()) {
  pid_t child = fork();
  if (child == 0) _exit(body());
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(ConnectEngine, TwoThousandPortsWithSixtyFourDescriptors) {
  EXPECT_EQ(exit_code_of(scan_under_small_fd_limit), 0);
}

TEST(ConnectEngine, RunningOutOfDescriptorsSlowsDownWithoutLosingProbes) {
  EXPECT_EQ(exit_code_of(scan_while_descriptors_vanish), 0);
}

TEST(ConnectEngine, ErrorsMapToNmapReasons) {
  auto reason = [](int error_number, std::optional<IcmpReport> icmp = std::nullopt) {
    return std::string(reason_name(classify_connect_error(error_number, icmp).second));
  };
  EXPECT_EQ(reason(ECONNREFUSED), "conn-refused");
  EXPECT_EQ(classify_connect_error(ECONNREFUSED, std::nullopt).first, PortState::closed);
  EXPECT_EQ(reason(EHOSTUNREACH), "host-unreach");
  EXPECT_EQ(reason(ENETUNREACH), "net-unreach");
  EXPECT_EQ(reason(EACCES), "admin-prohibited");
  EXPECT_EQ(reason(EPERM), "admin-prohibited");
  // IPv4 folds "administratively prohibited" (type 3 code 13) into EHOSTUNREACH.
  EXPECT_EQ(reason(EHOSTUNREACH, IcmpReport{false, 3, 13}), "admin-prohibited");
  EXPECT_EQ(reason(EHOSTUNREACH, IcmpReport{false, 3, 1}), "host-unreach");
  EXPECT_EQ(reason(ECONNREFUSED, IcmpReport{false, 3, 3}), "port-unreach");
  EXPECT_EQ(classify_connect_error(ECONNREFUSED, IcmpReport{false, 3, 3}).first, PortState::filtered);
  EXPECT_EQ(reason(EACCES, IcmpReport{true, 1, 1}), "admin-prohibited");
  EXPECT_EQ(reason(ENETUNREACH, IcmpReport{true, 1, 0}), "net-unreach");
  EXPECT_EQ(reason(EHOSTUNREACH, IcmpReport{true, 1, 3}), "host-unreach");
  EXPECT_EQ(reason(EHOSTUNREACH, IcmpReport{false, 11, 0}), "time-exceeded");
}

TEST(EngineOptions, DefaultsAndTemplatesAreValid) {
  EXPECT_TRUE(validate(EngineOptions{}).ok());
  for (int level = 0; level <= 5; ++level) {
    Result<EngineOptions> options = timing_template(level);
    ASSERT_TRUE(options.ok()) << level;
    EXPECT_TRUE(validate(*options).ok()) << level;
  }
  EXPECT_FALSE(timing_template(-1).ok());
  EXPECT_FALSE(timing_template(6).ok());
  EXPECT_EQ(timing_template(6).error().args.at(0), "6");
}

TEST(EngineOptions, ValidationNamesTheOption) {
  auto first_argument = [](EngineOptions options) {
    Status status = validate(options);
    return status.ok() ? std::string() : status.error().args.at(0);
  };
  EngineOptions options;
  options.max_retries = -1;
  EXPECT_EQ(first_argument(options), "--max-retries");
  options = {};
  options.max_parallelism = 0;
  EXPECT_EQ(first_argument(options), "--max-parallelism");
  options = {};
  options.min_rtt_timeout = std::chrono::milliseconds(500);
  options.max_rtt_timeout = std::chrono::milliseconds(100);
  EXPECT_EQ(first_argument(options), "--min-rtt-timeout");
  options = {};
  options.min_host_parallelism = 10;
  options.max_host_parallelism = 5;
  EXPECT_EQ(first_argument(options), "--min-parallelism");
  options = {};
  options.max_rate = -1;
  EXPECT_EQ(first_argument(options), "--max-rate");
  options = {};
  options.host_timeout = std::chrono::milliseconds(-1);
  EXPECT_EQ(first_argument(options), "--host-timeout");
  EngineOptions bad;
  bad.max_retries = -1;
  EXPECT_FALSE(run_connect_scan(
                   bad, [] { return std::optional<ConnectProbe>(); }, [](const ProbeResult&) {})
                   .ok());
}

TEST(EngineOptions, TemplatesGrowMoreAggressive) {
  // 0 means "no cap" for the rate and "never" for the host timeout.
  auto rate = [](const EngineOptions& options) { return options.max_rate == 0 ? 1e18 : options.max_rate; };
  auto host_timeout = [](const EngineOptions& options) {
    return options.host_timeout.count() == 0 ? INT64_MAX : options.host_timeout.count();
  };
  for (int level = 1; level <= 5; ++level) {
    EngineOptions slower = timing_template(level - 1).value();
    EngineOptions faster = timing_template(level).value();
    SCOPED_TRACE(level);
    EXPECT_GE(faster.max_parallelism, slower.max_parallelism);
    EXPECT_GE(faster.min_host_parallelism, slower.min_host_parallelism);
    EXPECT_GE(faster.max_host_parallelism, slower.max_host_parallelism);
    EXPECT_LE(faster.initial_rtt_timeout, slower.initial_rtt_timeout);
    EXPECT_LE(faster.min_rtt_timeout, slower.min_rtt_timeout);
    EXPECT_LE(faster.max_rtt_timeout, slower.max_rtt_timeout);
    EXPECT_LE(faster.max_retries, slower.max_retries);
    EXPECT_GE(rate(faster), rate(slower));
    EXPECT_LE(host_timeout(faster), host_timeout(slower));
  }
}

}  // namespace
}  // namespace portlens
