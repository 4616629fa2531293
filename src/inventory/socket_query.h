#pragma once
// What a caller asks a socket source for: protocols, address families and
// states. Both sources (netlink sock_diag and the /proc/net fallback) take the
// same query, so `ls` can switch between them without translating options.

#include <cstdint>

#include "inventory/socket_record.h"
#include "net/protocol.h"

namespace portlens {

/// The bit for one state in SocketQuery::state_mask: 1 << state number, the
/// layout the kernel's inet_diag idiag_states field uses.
constexpr uint32_t state_bit(SocketState state) { return uint32_t{1} << static_cast<uint32_t>(state); }

/// Every state a socket source reports (1 established … 12 new_syn_recv).
/// Bit 0 is unused; bit 13 (bound-inactive, Linux 6.5+) is left out on purpose:
/// those are bound ports nobody listens on, and SocketState has no name for them.
inline constexpr uint32_t kAllSocketStates = 0x1FFE;

struct SocketQuery {
  /// tcp and/or udp; sctp is ignored. kAnyProtocol (0) means tcp and udp.
  ProtocolSet protocols = bit(Protocol::tcp) | bit(Protocol::udp);
  bool ipv4 = true;
  bool ipv6 = true;
  /// state_bit() of each wanted state. The kernel filters by it, so a narrow
  /// mask (only listen) makes the dump itself cheaper, not just the output.
  uint32_t state_mask = kAllSocketStates;
};

/// True when the query asks for `protocol` (tcp or udp).
constexpr bool wants_protocol(const SocketQuery& query, Protocol protocol) {
  if (protocol != Protocol::tcp && protocol != Protocol::udp) return false;
  return query.protocols == kAnyProtocol || contains(query.protocols, protocol);
}

constexpr bool wants_family(const SocketQuery& query, AddressFamily family) {
  return family == AddressFamily::ipv4 ? query.ipv4 : query.ipv6;
}

/// True when `state` is in `mask`. A request socket (new_syn_recv) counts as
/// syn_recv, as the kernel counts it: asking for syn-recv must find both.
constexpr bool wants_state(uint32_t mask, SocketState state) {
  if ((mask & state_bit(state)) != 0) return true;
  return state == SocketState::new_syn_recv && (mask & state_bit(SocketState::syn_recv)) != 0;
}

}  // namespace portlens
