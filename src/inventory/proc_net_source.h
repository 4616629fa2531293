#pragma once
// The fallback socket source: the text tables of /proc/net/{tcp,tcp6,udp,udp6},
// for when netlink sock_diag is refused (see NetlinkFailure::refused). They
// carry what `ls` needs except the bound interface (always 0 here), and the
// kernel formats them line by line, so reading them is much slower than a dump.

#include <string>
#include <string_view>
#include <vector>

#include "inventory/socket_query.h"
#include "inventory/socket_record.h"
#include "util/error.h"

namespace portlens {

/// "tcp", "tcp6", "udp" or "udp6": the file under /proc/net for a table.
std::string_view proc_net_file_name(Protocol protocol, AddressFamily family);

/// Parses the whole text of one /proc/net table. Addresses are hex words in
/// the kernel's byte order, ports and queues hex, uid and inode decimal; the
/// "sl local_address …" header and empty lines are skipped. Any other line that
/// does not parse is an Error naming `file_name` (default: the table's name)
/// and the line number. Returns every record: the caller filters.
Result<std::vector<SocketRecord>> parse_proc_net(std::string_view text, Protocol protocol, AddressFamily family,
                                                 std::string_view file_name = {});

/// Reads the tables `query` asks for from `proc_net_dir`, TCP before UDP and
/// IPv4 before IPv6 within each, keeping the states in query.state_mask. A
/// missing table (a kernel without IPv6) contributes no sockets, not an Error.
Result<std::vector<SocketRecord>> read_sockets_proc(const SocketQuery& query,
                                                    const std::string& proc_net_dir = "/proc/net");

/// How many TCP and UDP sockets the calling thread's network namespace holds,
/// from /proc/net/sockstat and sockstat6 ("inuse" plus TCP "tw"): a hint for
/// reserving memory before a dump, 0 when unreadable. Never an error.
size_t socket_count_hint(const std::string& proc_net_dir = "/proc/net");

/// The counting part of socket_count_hint(), for tests: sums the numbers after
/// "inuse" and "tw" on the TCP, TCP6, UDP and UDP6 lines of sockstat text.
size_t parse_sockstat_count(std::string_view text);

}  // namespace portlens
