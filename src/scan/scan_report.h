#pragma once
// What `portlens scan` found, in the shape every output format reads: the
// run's parameters, then one HostReport per scanned address, then totals.
//
// A scan is run in host groups (at most a few thousand addresses at a time,
// as nmap does), and each group's hosts are handed to the writers as soon as
// the group is done. Writers therefore stream: memory stays flat however many
// targets there are, and a HostReport holds only the ports whose state the
// user asked to see (--states, default open) plus counts of the rest.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/risk.h"
#include "net/port_spec.h"
#include "scan/connect_engine.h"
#include "scan/target_spec.h"

namespace portlens {

inline constexpr size_t kPortStateCount = 3;     ///< open, closed, filtered
inline constexpr size_t kProbeReasonCount = 11;  ///< ProbeReason's values

/// What a server said and what we make of it (--banners / -sV).
struct ServiceIdentity {
  std::string banner;      ///< The first bytes the service sent, exact (may hold any byte), capped in length.
  std::string service;     ///< "ssh", "http", "redis", ...; empty when the reply matched no rule.
  std::string product;     ///< "OpenSSH", "Redis", ...; may be empty.
  std::string version;     ///< "9.2p1"; may be empty.
  std::string extra_info;  ///< "protocol 2.0", "Debian"; may be empty.
  bool tls = false;        ///< The port answered a TLS ClientHello with a handshake or alert record.
};

/// One port of one host, in a state the user asked to see.
struct PortVerdict {
  uint16_t port = 0;
  PortState state = PortState::filtered;
  ProbeReason reason = ProbeReason::no_response;
  uint8_t attempts = 0;
  std::chrono::microseconds rtt{0};
  std::string_view service;  ///< Knowledge base name for the port (tcp); may be empty. Lives as long as the KnowledgeBase.
  bool has_risk = false;
  Risk risk = Risk::info;
  std::optional<ServiceIdentity> identity;  ///< Only with --banners and only for open ports.
};

/// Everything about one scanned address.
struct HostReport {
  Address address;
  std::string name;            ///< The host name the user typed for this address; empty for literal addresses.
  bool up = true;              ///< False only when --ping found nothing answering; such hosts have no ports.
  std::string_view up_reason;  ///< nmap's spelling: "user-set" (no --ping), "syn-ack", "conn-refused", "no-response".
  std::vector<PortVerdict> ports;  ///< The listed states only, by port.
  /// Verdicts per state and reason for every port probed, listed or not.
  std::array<std::array<uint32_t, kProbeReasonCount>, kPortStateCount> counts{};
  std::chrono::system_clock::time_point start, end;

  uint32_t count(PortState state) const;
};

/// The run's parameters, known before the first probe.
struct ScanInfo {
  std::string command_line;  ///< argv joined with spaces, for -oX's args and -oG's header.
  std::chrono::system_clock::time_point start;
  std::vector<PortRange> ports;  ///< As scanned, merged and sorted.
  uint32_t port_count = 0;
  uint64_t host_count = 0;
  std::array<bool, kPortStateCount> listed{true, false, false};  ///< --states, by PortState.
  bool banners = false;
  std::string version;    ///< portlens's version.
};

/// Totals when the run ends.
struct ScanTotals {
  std::chrono::system_clock::time_point end;
  std::chrono::milliseconds elapsed{0};
  uint64_t hosts_up = 0, hosts_down = 0;
  std::array<uint64_t, kPortStateCount> ports{};  ///< Verdicts per state over all hosts.
  EngineStats engine;                             ///< Summed over the host groups.
};

/// One output format. begin() once, host() once per scanned host (up or
/// down) in target order within each group, end() once.
class ScanWriter {
 public:
  virtual ~ScanWriter() = default;
  virtual void begin(const ScanInfo& info) = 0;
  virtual void host(const HostReport& host) = 0;
  virtual void end(const ScanTotals& totals) = 0;
};

inline uint32_t HostReport::count(PortState state) const {
  uint32_t total = 0;
  for (uint32_t n : counts[static_cast<size_t>(state)]) total += n;
  return total;
}

}  // namespace portlens
