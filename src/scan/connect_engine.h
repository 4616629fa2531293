#pragma once
// The TCP connect engine of `portlens scan` (nmap -sT style, no privileges):
// many non-blocking connect() calls in flight under one epoll, each probe
// ending in exactly one verdict with the reason the kernel gave for it.
//
// The engine knows nothing about target syntax: it pulls probes one at a time
// from a callback (so a /8 sweep never becomes a list) and hands each verdict
// to another callback as soon as it is known. Memory grows with the number of
// probes in flight, never with the number of targets. See connect_engine.cc
// for the timing and congestion essay.

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "inventory/socket_record.h"  // AddressFamily
#include "util/error.h"

namespace portlens {

/// One TCP port on one address to probe.
struct ConnectProbe {
  AddressFamily family = AddressFamily::ipv4;
  std::array<uint8_t, 16> address{};  ///< Network byte order; IPv4 uses the first 4 bytes.
  uint16_t port = 0;
  bool operator==(const ConnectProbe&) const = default;
};

/// nmap's three states for a connect scan.
enum class PortState : uint8_t { open, closed, filtered };

/// Why a probe got its state; reason_name() gives nmap's spelling.
enum class ProbeReason : uint8_t {
  syn_ack,           ///< open: the handshake completed.
  conn_refused,      ///< closed: the host answered with a TCP reset.
  no_response,       ///< filtered: nothing came back after every attempt.
  host_unreach,      ///< filtered: ICMP host unreachable (or no ARP/ND answer).
  net_unreach,       ///< filtered: ICMP network unreachable or no route.
  admin_prohibited,  ///< filtered: ICMP administratively prohibited, or a local firewall (EPERM/EACCES).
  port_unreach,      ///< filtered: ICMP port unreachable (a TCP port never sends one itself).
  proto_unreach,     ///< filtered: ICMP protocol unreachable.
  time_exceeded,     ///< filtered: ICMP time exceeded on the way.
  host_timeout,      ///< filtered: the host ran out of its --host-timeout before this probe ended.
  local_error,       ///< filtered: this machine could not send the probe (see error_number).
};

/// "syn-ack", "conn-refused", "no-response", "host-unreach", ...
std::string_view reason_name(ProbeReason reason);
/// "open", "closed", "filtered".
std::string_view state_name(PortState state);

/// The verdict for one probe, delivered once per probe pulled.
struct ProbeResult {
  ConnectProbe probe;
  PortState state = PortState::filtered;
  ProbeReason reason = ProbeReason::no_response;
  int error_number = 0;              ///< errno behind the reason (0 for open/no-response).
  uint8_t attempts = 0;              ///< connect() calls made, 1..max_retries+1 (0 if none was possible).
  std::chrono::microseconds rtt{0};  ///< Of the answered attempt; 0 when nothing answered.
};

/// Tuning of one run. timing_template() fills these the way -T0..-T5 do.
struct EngineOptions {
  int max_parallelism = 1000;                           ///< Probes in flight overall (also capped by the fd limit).
  int min_host_parallelism = 1;                         ///< A host's congestion window never shrinks below this.
  int max_host_parallelism = 1000;                      ///< Nor grows above this.
  std::chrono::milliseconds initial_rtt_timeout{1000};  ///< Before a host has answered anything.
  std::chrono::milliseconds min_rtt_timeout{100};
  std::chrono::milliseconds max_rtt_timeout{10000};
  int max_retries = 2;                        ///< New connect() attempts after a silent one.
  double max_rate = 0;                        ///< Connect attempts started per second overall; 0 = no cap.
  std::chrono::milliseconds host_timeout{0};  ///< Give up on a host this long after its first probe; 0 = never.
};

/// Checks ranges and orderings; the Error names the offending option in its
/// command-line spelling (--max-retries, --min-rtt-timeout, ...).
Status validate(const EngineOptions& options);

/// -T0 (paranoid) .. -T5 (insane). Each step is at least as aggressive as the
/// one before in every field. Error for a level outside 0..5.
Result<EngineOptions> timing_template(int level);

/// What a run did.
struct EngineStats {
  uint64_t open = 0, closed = 0, filtered = 0;
  uint64_t probes = 0;             ///< Probes pulled (= results delivered).
  uint64_t connects = 0;           ///< connect() attempts started, retries included.
  uint64_t retries = 0;            ///< Attempts after the first for a probe.
  uint64_t resource_backoffs = 0;  ///< Times EMFILE/ENFILE/ENOBUFS/EADDRNOTAVAIL shrank the window.
  int max_in_flight = 0;           ///< The window the fd limit allowed at the start.
  std::chrono::milliseconds elapsed{0};
};

/// Next probe, or nullopt when there are no more. Called only when the engine
/// has room, so it may compute probes lazily.
using ProbeSource = std::function<std::optional<ConnectProbe>()>;
/// Called once per probe, in completion order, from the calling thread.
using ResultSink = std::function<void(const ProbeResult&)>;

/// Scans until the source is exhausted and every probe has a verdict. Raises
/// RLIMIT_NOFILE's soft limit to the hard limit first. Fails only when the
/// options are invalid or epoll cannot be created; running out of file
/// descriptors, buffers or local ports slows the scan down instead.
Result<EngineStats> run_connect_scan(const EngineOptions& options, const ProbeSource& source, const ResultSink& sink);

/// The verdict for a connect() error, given the ICMP type and code read from
/// the socket's error queue when there was one. Exposed for tests.
struct IcmpReport {
  bool ipv6 = false;
  uint8_t type = 0;
  uint8_t code = 0;
};
std::pair<PortState, ProbeReason> classify_connect_error(int error_number, std::optional<IcmpReport> icmp);

/// The socket address of a probe's target; returns its length. Shared with
/// the banner grabber, which connects to the same targets.
socklen_t fill_sockaddr(const ConnectProbe& probe, sockaddr_storage* storage);

/// EMFILE, ENFILE, ENOBUFS, ENOMEM, EADDRNOTAVAIL, EAGAIN: this machine ran
/// short of something; the probe itself is fine and can wait for a retry.
bool is_resource_error(int error_number);

}  // namespace portlens
