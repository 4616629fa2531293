#pragma once
// One `portlens scan` run from targets to reports: host groups, the optional
// ping phase, the connect engine, banners, and the hand-over to writers.
//
// Hosts are taken in groups of consecutive targets (at most kGroupProbes
// probes a group, as nmap's host groups). Inside a group the (host, port)
// pairs are visited in the order of a keyed permutation, so probes are spread
// over hosts and ports; --no-randomize visits host by host, port by port.
// When a group ends its hosts are final: the writers get them and the memory
// is reused, so a /16 costs what one group costs.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "scan/banner_grab.h"
#include "scan/connect_engine.h"
#include "scan/scan_report.h"
#include "scan/target_spec.h"

namespace portlens {

struct ScanPlan {
  TargetSet targets;
  ScanPorts ports;
  EngineOptions engine;
  bool randomize = true;
  uint64_t seed = 0;
  /// --ping: before scanning a group, connect to these ports on every host and
  /// skip hosts where nothing answered (neither syn-ack nor reset).
  bool ping = false;
  std::vector<uint16_t> ping_ports{80, 443, 22, 445};
  bool banners = false;
  BannerOptions banner_options;
  std::array<bool, kPortStateCount> listed{true, false, false};
  /// Probes per host group; 0 picks the default (kGroupProbes).
  uint64_t group_probes = 0;
};

inline constexpr uint64_t kGroupProbes = uint64_t{1} << 18;

struct ScanProgress {
  uint64_t done = 0;   ///< Verdicts so far (ping probes not counted).
  uint64_t total = 0;  ///< Probes the run will make if every host is up.
  uint64_t open = 0;
  std::chrono::milliseconds elapsed{0};
};

struct ScanCallbacks {
  /// Fills in the knowledge base's service name and risk for a port.
  std::function<void(PortVerdict&)> note;
  /// A port in a listed state, final: as soon as its verdict is known, or
  /// after its group's banners were read when banners were asked for.
  std::function<void(const HostReport&, const PortVerdict&)> port_found;
  /// At most a few times a second while probes complete.
  std::function<void(const ScanProgress&)> progress;
  /// Each host once, when its group is done (every writer in turn).
  std::vector<ScanWriter*> writers;
};

/// Runs the whole scan. Fails only when the engine cannot start (bad
/// options, no epoll); everything a network does is a verdict.
Result<ScanTotals> run_scan(const ScanPlan& plan, const ScanInfo& info, const ScanCallbacks& callbacks);

/// How many hosts go into one group for `port_count` ports per host.
uint64_t hosts_per_group(uint64_t group_probes, uint32_t port_count);

}  // namespace portlens
