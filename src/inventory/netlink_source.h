#pragma once
// Sockets from the kernel's NETLINK_SOCK_DIAG interface (inet_diag), the way
// `ss` gets them: one SOCK_DIAG_BY_FAMILY dump request per (address family,
// protocol) and a stream of inet_diag_msg records back.
//
// Plain netlink sockets, no libmnl: a reply holds only two message types we
// care about (SOCK_DIAG_BY_FAMILY records, then NLMSG_DONE or NLMSG_ERROR), and
// we want the whole parser of those kernel bytes in our own code, where the
// fuzzer (fuzz/inet_diag_fuzz.cc) reaches every bounds check.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "inventory/socket_query.h"
#include "inventory/socket_record.h"
#include "util/error.h"

namespace portlens {

/// Why dump_sockets_netlink() failed, so the caller can choose a fallback.
enum class NetlinkFailure : uint8_t {
  /// The kernel or a sandbox refused sock_diag (EPERM, EACCES,
  /// EPROTONOSUPPORT, EAFNOSUPPORT, or ENOENT for a missing tcp_diag/udp_diag
  /// module). /proc/net may still answer: fall back to read_sockets_proc().
  refused,
  /// Anything else (an I/O error, a malformed reply): report it.
  failed,
};

/// Dumps the sockets `query` asks for, TCP before UDP and IPv4 before IPv6
/// within each. IPv6 sockets keep v4-mapped addresses (::ffff:a.b.c.d) as they
/// are, with family ipv6. On failure, `*failure` (when given) says whether
/// falling back to /proc makes sense.
Result<std::vector<SocketRecord>> dump_sockets_netlink(const SocketQuery& query, NetlinkFailure* failure = nullptr);

/// What `ls` and `audit` read sockets with: /proc/net when `use_proc`, else
/// netlink, falling back to /proc/net when netlink is refused — then
/// `*fell_back` (when given) receives netlink's error, for a notice.
Result<std::vector<SocketRecord>> read_sockets(const SocketQuery& query, bool use_proc,
                                               std::optional<Error>* fell_back = nullptr);

/// Parses the bytes of one or more netlink messages of a sock_diag dump reply
/// (typically one recv()), appending a record per inet_diag_msg to `*out`.
/// Sets `*done` when it meets NLMSG_DONE and stops there. Every length is
/// checked against the buffer: a truncated header, a length that runs past the
/// end, a record shorter than inet_diag_msg, an unknown family or state, or an
/// NLMSG_ERROR is an Error. For a kernel-reported error, `*kernel_errno` (when
/// given) receives its positive errno; it is left untouched otherwise.
/// Records parsed before an error stay in `*out`.
Status parse_inet_diag_messages(std::span<const uint8_t> bytes, Protocol protocol, std::vector<SocketRecord>* out,
                                bool* done, int* kernel_errno = nullptr);

}  // namespace portlens
