#pragma once
// One kernel socket as the inventory sees it, whichever source it came from
// (netlink sock_diag or /proc/net/*). Plain data: no process information here
// (that is proc_owners' job) and no knowledge-base annotation (report's).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/protocol.h"

namespace portlens {

enum class AddressFamily : uint8_t { ipv4 = 4, ipv6 = 6 };

/// Kernel TCP state numbers (include/net/tcp_states.h); UDP sockets use
/// established (connected) and close (unconnected, shown as "unconn").
enum class SocketState : uint8_t {
  established = 1,
  syn_sent = 2,
  syn_recv = 3,
  fin_wait1 = 4,
  fin_wait2 = 5,
  time_wait = 6,
  close = 7,
  close_wait = 8,
  last_ack = 9,
  listen = 10,
  closing = 11,
  new_syn_recv = 12,
};

/// ss's names: "estab", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
/// "time-wait", "unconn" (close), "close-wait", "last-ack", "listen",
/// "closing", "syn-recv" (new_syn_recv too).
std::string_view state_name(SocketState state);
/// The inverse for --state; also accepts "close" for the close state.
std::optional<SocketState> parse_state_name(std::string_view name);

struct Endpoint {
  /// Address in network byte order; IPv4 uses the first 4 bytes.
  std::array<uint8_t, 16> address{};
  uint16_t port = 0;  ///< Host byte order.
};

struct SocketRecord {
  Protocol protocol = Protocol::tcp;
  AddressFamily family = AddressFamily::ipv4;
  SocketState state = SocketState::close;
  Endpoint local;
  Endpoint remote;
  uint64_t inode = 0;  ///< 0 for sockets without one (time-wait, request sockets).
  uint32_t uid = 0;
  uint32_t receive_queue = 0;
  uint32_t send_queue = 0;
  uint32_t bound_interface = 0;  ///< SO_BINDTODEVICE ifindex, 0 when unbound.
  /// IPv6 socket with IPV6_V6ONLY (netlink only; /proc does not say, so a
  /// wildcard IPv6 socket from /proc is taken to accept IPv4 too).
  bool v6_only = false;
};

/// "0.0.0.0", "::", "::ffff:127.0.0.1", "fe80::1" — inet_ntop's form.
std::string address_text(AddressFamily family, const std::array<uint8_t, 16>& address);
/// "ipv4" / "ipv6", as the JSON outputs name a family.
std::string_view family_name(AddressFamily family);
/// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool is_loopback(AddressFamily family, const std::array<uint8_t, 16>& address);
/// True for an IPv6 address of the form ::ffff:a.b.c.d (IPv4-mapped).
bool is_v4_mapped(AddressFamily family, const std::array<uint8_t, 16>& address);
/// True for 0.0.0.0 and ::.
bool is_wildcard(AddressFamily family, const std::array<uint8_t, 16>& address);

}  // namespace portlens
