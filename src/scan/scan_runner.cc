// run_scan: host groups, ping, engine, banners, writers. See scan_runner.h.

#include "scan/scan_runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include <string>

#include "scan/permutation.h"

namespace portlens {

namespace {

using Clock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

/// Hosts in a group at most, whatever the port count: bounds the memory of
/// one group (a HostReport is a few hundred bytes) for wide, shallow scans.
constexpr uint64_t kMostHostsPerGroup = 4096;

ConnectProbe probe_for(const Address& address, uint16_t port) {
  ConnectProbe probe;
  probe.family = address.family;
  probe.address = address.bytes;
  probe.port = port;
  return probe;
}

/// TargetSet order (IPv4 first, then IPv6, ascending bytes in each), so a
/// group's hosts are sorted and a verdict finds its host by binary search.
bool address_less(const Address& a, const Address& b) {
  if (a.family != b.family) return a.family < b.family;
  return std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) < 0;
}

size_t host_of(const std::vector<HostReport>& hosts, const ConnectProbe& probe) {
  Address address{probe.family, probe.address};
  auto found = std::lower_bound(hosts.begin(), hosts.end(), address,
                                [](const HostReport& host, const Address& a) { return address_less(host.address, a); });
  return static_cast<size_t>(found - hosts.begin());
}

void add_stats(EngineStats& total, const EngineStats& part) {
  total.open += part.open;
  total.closed += part.closed;
  total.filtered += part.filtered;
  total.probes += part.probes;
  total.connects += part.connects;
  total.retries += part.retries;
  total.resource_backoffs += part.resource_backoffs;
  total.max_in_flight = std::max(total.max_in_flight, part.max_in_flight);
  total.elapsed += part.elapsed;
}

/// A different permutation for every group of one run, all fixed by --seed.
uint64_t group_seed(uint64_t seed, uint64_t first_host) { return seed ^ (first_host * 0x9E3779B97F4A7C15ull); }

class Runner {
 public:
  Runner(const ScanPlan& plan, const ScanCallbacks& callbacks) : plan_(plan), callbacks_(callbacks) {}

  Result<ScanTotals> run(const ScanInfo& info);

 private:
  Status ping(std::vector<HostReport>& hosts);
  Status scan_group(std::vector<HostReport>& hosts, const std::vector<size_t>& live, uint64_t first_host);
  void read_banners(std::vector<HostReport>& hosts);
  void record(HostReport& host, const ProbeResult& result);
  void report_progress(bool force);

  const ScanPlan& plan_;
  const ScanCallbacks& callbacks_;
  ScanTotals totals_;
  ScanProgress progress_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_progress_{};
  std::map<std::pair<AddressFamily, std::array<uint8_t, 16>>, std::string> names_;
};

Result<ScanTotals> Runner::run(const ScanInfo& info) {
  for (ScanWriter* writer : callbacks_.writers) writer->begin(info);
  for (const ResolvedHost& resolved : plan_.targets.resolved_hosts()) {
    for (const Address& address : resolved.addresses) names_.try_emplace({address.family, address.bytes}, resolved.name);
  }
  const uint64_t host_count = plan_.targets.size();
  const uint32_t port_count = plan_.ports.count;
  progress_.total = host_count * port_count;
  const uint64_t group = hosts_per_group(plan_.group_probes, port_count);

  for (uint64_t first = 0; first < host_count; first += group) {
    const uint64_t size = std::min(group, host_count - first);
    std::vector<HostReport> hosts(size);
    for (uint64_t i = 0; i < size; ++i) {
      HostReport& host = hosts[i];
      host.address = plan_.targets.at(first + i);
      if (auto name = names_.find({host.address.family, host.address.bytes}); name != names_.end()) {
        host.name = name->second;
      }
      host.up_reason = "user-set";
      host.start = SystemClock::now();
    }
    if (plan_.ping) {
      if (auto pinged = ping(hosts); !pinged) return pinged.error();
    }
    std::vector<size_t> live;
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (hosts[i].up) live.push_back(i);
    }
    progress_.total -= (hosts.size() - live.size()) * uint64_t{port_count};
    if (auto scanned = scan_group(hosts, live, first); !scanned) return scanned.error();
    for (HostReport& host : hosts) {
      std::sort(host.ports.begin(), host.ports.end(),
                [](const PortVerdict& a, const PortVerdict& b) { return a.port < b.port; });
    }
    if (plan_.banners) read_banners(hosts);
    for (HostReport& host : hosts) {
      host.end = SystemClock::now();
      (host.up ? totals_.hosts_up : totals_.hosts_down) += 1;
      if (plan_.banners && callbacks_.port_found) {
        for (const PortVerdict& verdict : host.ports) callbacks_.port_found(host, verdict);
      }
      for (ScanWriter* writer : callbacks_.writers) writer->host(host);
    }
  }
  report_progress(true);
  totals_.end = SystemClock::now();
  totals_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
  for (ScanWriter* writer : callbacks_.writers) writer->end(totals_);
  return totals_;
}

/// A host is up when any ping port answers, open or closed: a reset proves
/// the host is there as well as a handshake does. ICMP errors and silence
/// leave it down, as nmap's unprivileged ping would.
Status Runner::ping(std::vector<HostReport>& hosts) {
  const auto& ports = plan_.ping_ports;
  for (HostReport& host : hosts) {
    host.up = false;
    host.up_reason = "no-response";
  }
  if (ports.empty()) return Ok{};
  uint64_t next = 0;
  const uint64_t total = hosts.size() * ports.size();
  ProbeSource source = [&]() -> std::optional<ConnectProbe> {
    if (next >= total) return std::nullopt;
    uint64_t index = next++;
    return probe_for(hosts[index % hosts.size()].address, ports[index / hosts.size()]);
  };
  ResultSink sink = [&](const ProbeResult& result) {
    HostReport& host = hosts[host_of(hosts, result.probe)];
    if (result.state == PortState::open) {
      host.up = true;
      host.up_reason = "syn-ack";
    } else if (result.state == PortState::closed && !host.up) {
      host.up = true;
      host.up_reason = "conn-refused";
    }
  };
  auto stats = run_connect_scan(plan_.engine, source, sink);
  if (!stats) return stats.error();
  return Ok{};
}

/// Engines to run side by side for one group. The kernel's share of a
/// connect scan (socket, SYN out, reset in, close) is most of its time and is
/// charged to the core that calls connect(), so a second engine on a second
/// core nearly halves a sweep. Not for slow presets, tiny groups or a small
/// descriptor limit (each engine sizes its window from that limit).
unsigned engine_threads(const EngineOptions& options, uint64_t probes) {
  unsigned cores = std::thread::hardware_concurrency();
  rlimit limit{};
  if (cores < 2 || probes < 4096 || options.max_parallelism < 100) return 1;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max < 4096) return 1;
  return 2;
}

Status Runner::scan_group(std::vector<HostReport>& hosts, const std::vector<size_t>& live, uint64_t first_host) {
  const uint32_t port_count = plan_.ports.count;
  const uint64_t total = live.size() * uint64_t{port_count};
  if (total == 0) return Ok{};
  Permutation order =
      plan_.randomize ? Permutation(total, group_seed(plan_.seed, first_host)) : Permutation::identity(total);
  const unsigned threads = engine_threads(plan_.engine, total);
  std::mutex mutex;  // record() and the callbacks run one at a time
  // Engine `part` of `threads` takes every threads-th probe of the order.
  auto run_part = [&](unsigned part) -> Result<EngineStats> {
    uint64_t next = part;
    ProbeSource source = [&, next]() mutable -> std::optional<ConnectProbe> {
      if (next >= total) return std::nullopt;
      uint64_t index = order(next);
      next += threads;
      return probe_for(hosts[live[index / port_count]].address,
                       plan_.ports.at(static_cast<uint32_t>(index % port_count)));
    };
    ResultSink sink = [&](const ProbeResult& result) {
      std::unique_lock lock(mutex, std::defer_lock);
      if (threads > 1) lock.lock();
      record(hosts[host_of(hosts, result.probe)], result);
    };
    EngineOptions options = plan_.engine;
    options.max_parallelism = std::max(1, options.max_parallelism / static_cast<int>(threads));
    options.max_host_parallelism = std::max(options.min_host_parallelism,
                                            options.max_host_parallelism / static_cast<int>(threads));
    options.max_rate /= threads;
    return run_connect_scan(options, source, sink);
  };
  std::optional<Result<EngineStats>> second;
  std::thread helper;
  if (threads > 1) helper = std::thread([&] { second = run_part(1); });
  auto first = run_part(0);
  if (helper.joinable()) helper.join();
  for (auto* outcome : {&first, second ? &*second : nullptr}) {
    if (outcome == nullptr) continue;
    if (!*outcome) return outcome->error();
    add_stats(totals_.engine, **outcome);
  }
  return Ok{};
}

void Runner::record(HostReport& host, const ProbeResult& result) {
  const auto state = static_cast<size_t>(result.state);
  host.counts[state][static_cast<size_t>(result.reason)] += 1;
  totals_.ports[state] += 1;
  progress_.done += 1;
  if (result.state == PortState::open) progress_.open += 1;
  if (plan_.listed[state]) {
    PortVerdict verdict;
    verdict.port = result.probe.port;
    verdict.state = result.state;
    verdict.reason = result.reason;
    verdict.attempts = result.attempts;
    verdict.rtt = result.rtt;
    if (callbacks_.note) callbacks_.note(verdict);
    host.ports.push_back(std::move(verdict));
    if (!plan_.banners && callbacks_.port_found) callbacks_.port_found(host, host.ports.back());
  }
  report_progress(false);
}

void Runner::read_banners(std::vector<HostReport>& hosts) {
  std::vector<ConnectProbe> targets;
  std::vector<PortVerdict*> verdicts;
  for (HostReport& host : hosts) {
    for (PortVerdict& verdict : host.ports) {
      if (verdict.state != PortState::open) continue;
      targets.push_back(probe_for(host.address, verdict.port));
      verdicts.push_back(&verdict);
    }
  }
  if (targets.empty()) return;
  std::vector<ServiceIdentity> identities = grab_banners(targets, plan_.banner_options);
  for (size_t i = 0; i < verdicts.size() && i < identities.size(); ++i) {
    verdicts[i]->identity = std::move(identities[i]);
  }
}

void Runner::report_progress(bool force) {
  if (!callbacks_.progress) return;
  // Checking the clock costs little next to a connect(); every 64 verdicts
  // keeps it off the fast path of a loopback sweep.
  if (!force && (progress_.done & 63) != 0) return;
  Clock::time_point now = Clock::now();
  if (!force && now - last_progress_ < std::chrono::milliseconds(250)) return;
  last_progress_ = now;
  progress_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
  callbacks_.progress(progress_);
}

}  // namespace

uint64_t hosts_per_group(uint64_t group_probes, uint32_t port_count) {
  if (group_probes == 0) group_probes = kGroupProbes;
  return std::clamp<uint64_t>(group_probes / std::max<uint32_t>(port_count, 1), 1, kMostHostsPerGroup);
}

Result<ScanTotals> run_scan(const ScanPlan& plan, const ScanInfo& info, const ScanCallbacks& callbacks) {
  Runner runner(plan, callbacks);
  return runner.run(info);
}

}  // namespace portlens
