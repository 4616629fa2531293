#include "inventory/netlink_source.h"

#include "inventory/proc_net_source.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "util/unique_fd.h"

namespace portlens {
namespace {

// The kernel sizes dump chunks to the reader's buffer but caps them near
// 32 KiB; twice that leaves room and still costs nothing on the heap.
constexpr size_t kReceiveBufferBytes = 64 * 1024;
// A dump of tens of thousands of sockets takes milliseconds; a reply that never
// comes must not hang the command.
constexpr time_t kReceiveTimeoutSeconds = 10;

struct DumpRequest {
  nlmsghdr header;
  inet_diag_req_v2 body;
};
static_assert(sizeof(DumpRequest) == NLMSG_LENGTH(sizeof(inet_diag_req_v2)), "no padding expected");

bool is_refusal(int error_number) {
  switch (error_number) {
    case EPERM:
    case EACCES:
    case EPROTONOSUPPORT:
    case EAFNOSUPPORT:
    case ENOENT:  // no sock_diag handler for this family or protocol (module not loaded)
      return true;
    default: return false;
  }
}

// Kernel errors arrive negated; anything else (0 aside) is a malformed reply.
int errno_from_netlink(int32_t code) { return code < 0 && code != INT_MIN ? -code : EPROTO; }

Error kernel_error(int32_t code, int* kernel_errno) {
  int error_number = errno_from_netlink(code);
  if (kernel_errno != nullptr) *kernel_errno = error_number;
  return make_error(N_("the kernel answered the sock_diag request with an error: {}"), std::strerror(error_number));
}

Result<AddressFamily> family_from_diag(uint8_t family) {
  if (family == AF_INET) return AddressFamily::ipv4;
  if (family == AF_INET6) return AddressFamily::ipv6;
  return make_error(N_("sock_diag reply has unexpected address family {}"), family);
}

Result<SocketState> state_from_number(unsigned number) {
  if (number < static_cast<unsigned>(SocketState::established) ||
      number > static_cast<unsigned>(SocketState::new_syn_recv)) {
    return make_error(N_("sock_diag reply has unknown socket state {}"), number);
  }
  return static_cast<SocketState>(number);
}

// inet_diag_sockid holds ports in network order and addresses as __be32[4];
// an IPv4 address is only the first word.
Endpoint endpoint_from_diag(AddressFamily family, const __be32 (&address)[4], __be16 port) {
  Endpoint endpoint;
  size_t length = family == AddressFamily::ipv4 ? 4 : 16;
  std::memcpy(endpoint.address.data(), address, length);
  endpoint.port = ntohs(port);
  return endpoint;
}

Status append_record(std::span<const uint8_t> payload, Protocol protocol, std::vector<SocketRecord>* out) {
  if (payload.size() < sizeof(inet_diag_msg)) {
    return make_error(N_("sock_diag record is too short: {} bytes, expected at least {}"), payload.size(),
                      sizeof(inet_diag_msg));
  }
  inet_diag_msg message;
  std::memcpy(&message, payload.data(), sizeof message);  // the buffer need not be aligned
  auto family = family_from_diag(message.idiag_family);
  if (!family) return family.error();
  auto state = state_from_number(message.idiag_state);
  if (!state) return state.error();
  SocketRecord record;
  record.protocol = protocol;
  record.family = *family;
  record.state = *state;
  record.local = endpoint_from_diag(*family, message.id.idiag_src, message.id.idiag_sport);
  record.remote = endpoint_from_diag(*family, message.id.idiag_dst, message.id.idiag_dport);
  record.inode = message.idiag_inode;
  record.uid = message.idiag_uid;
  record.receive_queue = message.idiag_rqueue;
  record.send_queue = message.idiag_wqueue;
  record.bound_interface = message.id.idiag_if;
  // Attributes follow the message, 4-byte aligned. Only INET_DIAG_SKV6ONLY
  // is read (the kernel sends it for every IPv6 socket); a truncated or odd
  // attribute ends the walk: attributes are extras, never an error.
  size_t offset = NLMSG_ALIGN(sizeof(inet_diag_msg));
  while (offset + sizeof(rtattr) <= payload.size()) {
    rtattr attribute;
    std::memcpy(&attribute, payload.data() + offset, sizeof attribute);
    if (attribute.rta_len < sizeof(rtattr) || attribute.rta_len > payload.size() - offset) break;
    if (attribute.rta_type == INET_DIAG_SKV6ONLY && attribute.rta_len >= sizeof(rtattr) + 1) {
      record.v6_only = payload[offset + RTA_LENGTH(0)] != 0;
    }
    offset += RTA_ALIGN(attribute.rta_len);
  }
  out->push_back(record);
  return Ok{};
}

// NLMSG_ERROR and NLMSG_DONE both start with an int error code; for DONE it is
// how a dump that failed half-way reports it.
Result<int32_t> leading_code(std::span<const uint8_t> payload) {
  int32_t code = 0;
  if (payload.size() < sizeof code) {
    return make_error(N_("netlink error message is too short: {} bytes"), payload.size());
  }
  std::memcpy(&code, payload.data(), sizeof code);
  return code;
}

Status parse_message(const nlmsghdr& header, std::span<const uint8_t> payload, Protocol protocol,
                     std::vector<SocketRecord>* out, bool* done, int* kernel_errno) {
  switch (header.nlmsg_type) {
    case SOCK_DIAG_BY_FAMILY: return append_record(payload, protocol, out);
    case NLMSG_NOOP: return Ok{};
    case NLMSG_DONE:
      *done = true;
      if (payload.size() < sizeof(int32_t)) return Ok{};  // old kernels send no code
      [[fallthrough]];
    case NLMSG_ERROR: {
      auto code = leading_code(payload);
      if (!code) return code.error();
      if (*code != 0) return kernel_error(*code, kernel_errno);
      return Ok{};  // an acknowledgement, or a clean DONE
    }
    default: return make_error(N_("sock_diag reply has unexpected netlink message type {}"), header.nlmsg_type);
  }
}

}  // namespace

Status parse_inet_diag_messages(std::span<const uint8_t> bytes, Protocol protocol, std::vector<SocketRecord>* out,
                                bool* done, int* kernel_errno) {
  *done = false;
  size_t offset = 0;
  while (offset < bytes.size() && !*done) {
    std::span<const uint8_t> rest = bytes.subspan(offset);
    nlmsghdr header;
    if (rest.size() < sizeof header) {
      return make_error(N_("netlink message header is truncated: {} bytes left"), rest.size());
    }
    std::memcpy(&header, rest.data(), sizeof header);
    if (header.nlmsg_len < sizeof header || header.nlmsg_len > rest.size()) {
      return make_error(N_("netlink message length {} does not fit the {} bytes left"), header.nlmsg_len, rest.size());
    }
    std::span<const uint8_t> payload = rest.subspan(sizeof header, header.nlmsg_len - sizeof header);
    Status status = parse_message(header, payload, protocol, out, done, kernel_errno);
    if (!status) return status;
    // Messages are padded to 4 bytes; the last one's padding may be missing.
    size_t aligned = (size_t{header.nlmsg_len} + NLMSG_ALIGNTO - 1) & ~size_t{NLMSG_ALIGNTO - 1};
    offset += std::min(aligned, rest.size());
  }
  return Ok{};
}

namespace {

// Records why the dump stopped; returns the error for a one-line `return`.
Error failure_for(int error_number, NetlinkFailure* failure, Error error) {
  *failure = is_refusal(error_number) ? NetlinkFailure::refused : NetlinkFailure::failed;
  return error;
}

Result<UniqueFd> open_sock_diag(NetlinkFailure* failure) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd) {
    int error_number = errno;
    return failure_for(error_number, failure,
                       make_error(N_("cannot open a netlink sock_diag socket: {}"), std::strerror(error_number)));
  }
  timeval timeout{kReceiveTimeoutSeconds, 0};
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
    int error_number = errno;
    return failure_for(error_number, failure,
                       make_error(N_("cannot open a netlink sock_diag socket: {}"), std::strerror(error_number)));
  }
  return fd;
}

DumpRequest make_request(AddressFamily family, Protocol protocol, uint32_t state_mask, uint32_t sequence) {
  DumpRequest request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = sequence;
  request.body.sdiag_family = family == AddressFamily::ipv4 ? AF_INET : AF_INET6;
  request.body.sdiag_protocol = protocol == Protocol::tcp ? IPPROTO_TCP : IPPROTO_UDP;
  request.body.idiag_states = state_mask;  // the kernel filters; see SocketQuery::state_mask
  return request;
}

Status send_request(int fd, const DumpRequest& request, NetlinkFailure* failure) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;  // nl_pid 0: the kernel
  ssize_t sent = retry_on_eintr([&] {
    return ::sendto(fd, &request, sizeof request, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
  });
  if (sent == static_cast<ssize_t>(sizeof request)) return Ok{};
  int error_number = sent < 0 ? errno : EMSGSIZE;
  return failure_for(error_number, failure,
                     make_error(N_("cannot send a netlink sock_diag request: {}"), std::strerror(error_number)));
}

// One datagram into `buffer`; returns its size, or 0 for a datagram to ignore
// (any sender but the kernel may not speak for it).
Result<size_t> receive_datagram(int fd, std::vector<uint8_t>& buffer, NetlinkFailure* failure) {
  sockaddr_nl sender{};
  iovec part{buffer.data(), buffer.size()};
  msghdr message{};
  message.msg_name = &sender;
  message.msg_namelen = sizeof sender;
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  ssize_t got = retry_on_eintr([&] { return ::recvmsg(fd, &message, 0); });
  if (got < 0) {
    int error_number = errno;
    return failure_for(error_number, failure,
                       make_error(N_("cannot receive a netlink sock_diag reply: {}"), std::strerror(error_number)));
  }
  if ((message.msg_flags & MSG_TRUNC) != 0) {
    return make_error(N_("a netlink sock_diag reply did not fit in {} bytes"), buffer.size());
  }
  if (got == 0) return make_error(N_("the netlink sock_diag reply ended before NLMSG_DONE"));
  return sender.nl_pid == 0 ? static_cast<size_t>(got) : size_t{0};
}

Status receive_dump(int fd, Protocol protocol, std::vector<uint8_t>& buffer, std::vector<SocketRecord>* out,
                    NetlinkFailure* failure) {
  bool done = false;
  while (!done) {
    auto got = receive_datagram(fd, buffer, failure);
    if (!got) return got.error();
    int kernel_errno = 0;
    Status parsed = parse_inet_diag_messages({buffer.data(), *got}, protocol, out, &done, &kernel_errno);
    if (!parsed) return failure_for(kernel_errno, failure, parsed.error());
  }
  return Ok{};
}

}  // namespace

Result<std::vector<SocketRecord>> dump_sockets_netlink(const SocketQuery& query, NetlinkFailure* failure) {
  NetlinkFailure unused = NetlinkFailure::failed;
  if (failure == nullptr) failure = &unused;
  *failure = NetlinkFailure::failed;
  auto fd = open_sock_diag(failure);
  if (!fd) return fd.error();
  std::vector<uint8_t> buffer(kReceiveBufferBytes);
  std::vector<SocketRecord> sockets;
  // Reserving what /proc/net/sockstat counts avoids the vector's doubling,
  // whose copy would otherwise set the peak memory of a 41k-socket dump.
  sockets.reserve(socket_count_hint() + 64);
  uint32_t sequence = 0;
  for (Protocol protocol : {Protocol::tcp, Protocol::udp}) {
    if (!wants_protocol(query, protocol)) continue;
    for (AddressFamily family : {AddressFamily::ipv4, AddressFamily::ipv6}) {
      if (!wants_family(query, family)) continue;
      // Dumps run one after another on one socket, each read to its NLMSG_DONE,
      // so no reply of an earlier dump can be mistaken for this one's.
      Status sent = send_request(fd->get(), make_request(family, protocol, query.state_mask, ++sequence), failure);
      if (!sent) return sent.error();
      Status received = receive_dump(fd->get(), protocol, buffer, &sockets, failure);
      if (!received) return received.error();
    }
  }
  return sockets;
}

Result<std::vector<SocketRecord>> read_sockets(const SocketQuery& query, bool use_proc,
                                               std::optional<Error>* fell_back) {
  if (use_proc) return read_sockets_proc(query);
  NetlinkFailure failure = NetlinkFailure::failed;
  auto sockets = dump_sockets_netlink(query, &failure);
  if (sockets || failure != NetlinkFailure::refused) return sockets;
  if (fell_back != nullptr) *fell_back = sockets.error();
  return read_sockets_proc(query);
}

}  // namespace portlens
