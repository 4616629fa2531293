#include "inventory/netlink_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "inventory/captured_sockets_test_data.h"
#include "inventory/proc_net_source.h"
#include "util/unique_fd.h"

namespace portlens {
namespace {

using Bytes = std::vector<uint8_t>;

template <size_t N>
Bytes bytes_of(const uint8_t (&array)[N]) {
  return Bytes(array, array + N);
}

// The captures hold host-order netlink headers from an x86-64 machine.
#define SKIP_UNLESS_LITTLE_ENDIAN()                           \
  if constexpr (std::endian::native != std::endian::little) { \
    GTEST_SKIP() << "captured bytes are little-endian";       \
  }

std::array<uint8_t, 16> ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }

Status parse(const Bytes& bytes, Protocol protocol, std::vector<SocketRecord>* out, bool* done,
             int* kernel_errno = nullptr) {
  return parse_inet_diag_messages(bytes, protocol, out, done, kernel_errno);
}

std::vector<SocketRecord> parse_ok(const Bytes& bytes, Protocol protocol) {
  std::vector<SocketRecord> records;
  bool done = false;
  Status status = parse(bytes, protocol, &records, &done);
  EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().msgid);
  EXPECT_TRUE(done);
  return records;
}

const SocketRecord* find_local_port(const std::vector<SocketRecord>& records, uint16_t port, SocketState state) {
  auto it = std::find_if(records.begin(), records.end(), [&](const SocketRecord& record) {
    return record.local.port == port && record.state == state;
  });
  return it == records.end() ? nullptr : &*it;
}

// One netlink message of `type` with `payload`, padded to 4 bytes.
Bytes message(uint16_t type, const Bytes& payload, std::optional<uint32_t> length_override = std::nullopt) {
  nlmsghdr header{};
  header.nlmsg_len = length_override.value_or(NLMSG_LENGTH(payload.size()));
  header.nlmsg_type = type;
  Bytes bytes(NLMSG_SPACE(payload.size()));
  std::memcpy(bytes.data(), &header, sizeof header);
  std::copy(payload.begin(), payload.end(), bytes.begin() + sizeof header);
  return bytes;
}

Bytes code_payload(int32_t code) {
  Bytes payload(sizeof code);
  std::memcpy(payload.data(), &code, sizeof code);
  return payload;
}

Bytes diag_payload(uint8_t family, uint8_t state) {
  inet_diag_msg diag{};
  diag.idiag_family = family;
  diag.idiag_state = state;
  Bytes payload(sizeof diag);
  std::memcpy(payload.data(), &diag, sizeof diag);
  return payload;
}

TEST(NetlinkSource, ParsesCapturedTcp4Dump) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(bytes_of(captured::kTcp4Dump), Protocol::tcp);
  ASSERT_EQ(records.size(), 11u);
  const SocketRecord& listener = records[0];
  EXPECT_EQ(listener.protocol, Protocol::tcp);
  EXPECT_EQ(listener.family, AddressFamily::ipv4);
  EXPECT_EQ(listener.state, SocketState::listen);
  EXPECT_EQ(listener.local.address, ipv4(127, 0, 0, 1));
  EXPECT_EQ(listener.local.port, 44821);
  EXPECT_EQ(listener.remote.address, ipv4(0, 0, 0, 0));
  EXPECT_EQ(listener.remote.port, 0);
  EXPECT_EQ(listener.inode, 55714u);
  EXPECT_EQ(listener.uid, 0u);
  EXPECT_EQ(listener.bound_interface, 0u);
}

TEST(NetlinkSource, ParsesOddTcpStatesAndQueues) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(bytes_of(captured::kTcp4Dump), Protocol::tcp);
  const SocketRecord* time_wait = find_local_port(records, 39780, SocketState::time_wait);
  ASSERT_NE(time_wait, nullptr);
  EXPECT_EQ(time_wait->remote.port, 44821);
  EXPECT_EQ(time_wait->inode, 0u);  // a time-wait socket has no file
  const SocketRecord* syn_sent = find_local_port(records, 53490, SocketState::syn_sent);
  ASSERT_NE(syn_sent, nullptr);
  EXPECT_EQ(syn_sent->remote.port, 51083);
  EXPECT_EQ(syn_sent->inode, 55724u);
  const SocketRecord* close_wait = find_local_port(records, 44821, SocketState::close_wait);
  ASSERT_NE(close_wait, nullptr);
  EXPECT_EQ(close_wait->remote.port, 39786);
  EXPECT_NE(find_local_port(records, 39786, SocketState::fin_wait2), nullptr);
  const SocketRecord* unread = find_local_port(records, 44821, SocketState::established);
  ASSERT_NE(unread, nullptr);
  EXPECT_EQ(unread->remote.port, 39770);
  EXPECT_EQ(unread->receive_queue, 100u);
}

TEST(NetlinkSource, ParsesCapturedTcp6DumpWithMappedAddress) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(bytes_of(captured::kTcp6Dump), Protocol::tcp);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].family, AddressFamily::ipv6);
  EXPECT_EQ(records[0].state, SocketState::listen);
  EXPECT_EQ(address_text(records[0].family, records[0].local.address), "::1");
  EXPECT_EQ(records[0].local.port, 58843);
  EXPECT_EQ(records[0].inode, 55715u);
  EXPECT_EQ(records[1].family, AddressFamily::ipv6);  // kept as the kernel reports it
  EXPECT_EQ(address_text(records[1].family, records[1].local.address), "::ffff:127.0.0.1");
  EXPECT_EQ(address_text(records[1].family, records[1].remote.address), "::ffff:127.0.0.1");
  EXPECT_EQ(records[1].remote.port, 44821);
  EXPECT_TRUE(is_loopback(records[1].family, records[1].local.address));
}

TEST(NetlinkSource, ParsesCapturedUdpDumps) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> udp4 = parse_ok(bytes_of(captured::kUdp4Dump), Protocol::udp);
  ASSERT_EQ(udp4.size(), 1u);
  EXPECT_EQ(udp4[0].protocol, Protocol::udp);
  EXPECT_EQ(udp4[0].state, SocketState::established);  // connected
  EXPECT_EQ(udp4[0].local.port, 56456);
  EXPECT_EQ(udp4[0].remote.port, 34275);
  std::vector<SocketRecord> udp6 = parse_ok(bytes_of(captured::kUdp6Dump), Protocol::udp);
  ASSERT_EQ(udp6.size(), 2u);
  EXPECT_EQ(udp6[0].state, SocketState::close);  // unconnected
  EXPECT_EQ(address_text(udp6[0].family, udp6[0].local.address), "::ffff:127.0.0.1");
  EXPECT_EQ(udp6[0].local.port, 34275);
  EXPECT_EQ(udp6[0].receive_queue, 0x340u);  // the 5-byte datagram plus its skb overhead
  EXPECT_EQ(udp6[0].inode, 55727u);
  EXPECT_EQ(address_text(udp6[1].family, udp6[1].local.address), "::1");
}

TEST(NetlinkSource, KeepsParsingAcrossReceivesUntilDone) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  Bytes dump = bytes_of(captured::kTcp4Dump);
  size_t first_message = NLMSG_ALIGN(reinterpret_cast<const nlmsghdr*>(captured::kTcp4Dump)->nlmsg_len);
  std::vector<SocketRecord> records;
  bool done = true;
  ASSERT_TRUE(parse(Bytes(dump.begin(), dump.begin() + first_message), Protocol::tcp, &records, &done).ok());
  EXPECT_FALSE(done);
  EXPECT_EQ(records.size(), 1u);
  ASSERT_TRUE(parse(Bytes(dump.begin() + first_message, dump.end()), Protocol::tcp, &records, &done).ok());
  EXPECT_TRUE(done);
  EXPECT_EQ(records.size(), 11u);
}

// The same sockets seen through both sources must be the same sockets.
TEST(NetlinkSource, AgreesWithProcCaptureOfTheSameSockets) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  using Key = std::tuple<Protocol, AddressFamily, SocketState, std::array<uint8_t, 16>, uint16_t,
                         std::array<uint8_t, 16>, uint16_t, uint64_t, uint32_t>;
  auto keys = [](const std::vector<SocketRecord>& records, std::set<Key>* out) {
    for (const SocketRecord& r : records) {
      out->insert({r.protocol, r.family, r.state, r.local.address, r.local.port, r.remote.address, r.remote.port,
                   r.inode, r.uid});
    }
  };
  std::set<Key> from_netlink, from_proc;
  keys(parse_ok(bytes_of(captured::kTcp4Dump), Protocol::tcp), &from_netlink);
  keys(parse_ok(bytes_of(captured::kTcp6Dump), Protocol::tcp), &from_netlink);
  keys(parse_ok(bytes_of(captured::kUdp4Dump), Protocol::udp), &from_netlink);
  keys(parse_ok(bytes_of(captured::kUdp6Dump), Protocol::udp), &from_netlink);
  keys(*parse_proc_net(captured::kProcTcp, Protocol::tcp, AddressFamily::ipv4), &from_proc);
  keys(*parse_proc_net(captured::kProcTcp6, Protocol::tcp, AddressFamily::ipv6), &from_proc);
  keys(*parse_proc_net(captured::kProcUdp, Protocol::udp, AddressFamily::ipv4), &from_proc);
  keys(*parse_proc_net(captured::kProcUdp6, Protocol::udp, AddressFamily::ipv6), &from_proc);
  EXPECT_EQ(from_netlink.size(), 16u);
  EXPECT_EQ(from_netlink, from_proc);
}

TEST(NetlinkSource, EveryTruncationIsAnErrorOrStopsAtAMessageBoundary) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  Bytes dump = bytes_of(captured::kTcp6Dump);
  for (size_t length = 0; length < dump.size(); ++length) {
    std::vector<SocketRecord> records;
    bool done = false;
    Status status = parse(Bytes(dump.begin(), dump.begin() + length), Protocol::tcp, &records, &done);
    bool boundary = length == 0 || length == 132 || length == 256;
    EXPECT_EQ(status.ok(), boundary) << "length " << length;
    EXPECT_FALSE(done) << "length " << length;
  }
}

TEST(NetlinkSource, RejectsTruncatedHeader) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records;
  bool done = false;
  Status status = parse(Bytes(captured::kTcp4Dump, captured::kTcp4Dump + 10), Protocol::tcp, &records, &done);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().msgid, "netlink message header is truncated: {} bytes left");
  EXPECT_EQ(status.error().args.at(0), "10");
}

TEST(NetlinkSource, RejectsLengthBeyondBuffer) {
  Bytes bytes = message(SOCK_DIAG_BY_FAMILY, diag_payload(AF_INET, 10), 4096);
  std::vector<SocketRecord> records;
  bool done = false;
  Status status = parse(bytes, Protocol::tcp, &records, &done);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().msgid, "netlink message length {} does not fit the {} bytes left");
  EXPECT_EQ(status.error().args.at(0), "4096");
  EXPECT_TRUE(records.empty());
}

TEST(NetlinkSource, RejectsLengthShorterThanItsHeader) {
  // A length below 16 would otherwise never advance the walk.
  for (uint32_t length : {0u, 4u, 15u}) {
    std::vector<SocketRecord> records;
    bool done = false;
    EXPECT_FALSE(parse(message(NLMSG_NOOP, {}, length), Protocol::tcp, &records, &done).ok()) << length;
  }
}

TEST(NetlinkSource, RejectsShortInetDiagMessage) {
  Bytes payload = diag_payload(AF_INET, 10);
  payload.resize(40);
  std::vector<SocketRecord> records;
  bool done = false;
  Status status = parse(message(SOCK_DIAG_BY_FAMILY, payload), Protocol::tcp, &records, &done);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().msgid, "sock_diag record is too short: {} bytes, expected at least {}");
  EXPECT_EQ(status.error().args, (std::vector<std::string>{"40", std::to_string(sizeof(inet_diag_msg))}));
}

TEST(NetlinkSource, RejectsUnknownFamilyStateAndType) {
  std::vector<SocketRecord> records;
  bool done = false;
  EXPECT_FALSE(parse(message(SOCK_DIAG_BY_FAMILY, diag_payload(AF_UNIX, 10)), Protocol::tcp, &records, &done).ok());
  EXPECT_FALSE(parse(message(SOCK_DIAG_BY_FAMILY, diag_payload(AF_INET, 0)), Protocol::tcp, &records, &done).ok());
  EXPECT_FALSE(parse(message(SOCK_DIAG_BY_FAMILY, diag_payload(AF_INET, 13)), Protocol::tcp, &records, &done).ok());
  EXPECT_FALSE(parse(message(NLMSG_OVERRUN, {}), Protocol::tcp, &records, &done).ok());
  EXPECT_TRUE(records.empty());
}

TEST(NetlinkSource, ReportsKernelErrorWithItsErrno) {
  std::vector<SocketRecord> records;
  bool done = false;
  int kernel_errno = 0;
  Status status = parse(message(NLMSG_ERROR, code_payload(-ENOENT)), Protocol::udp, &records, &done, &kernel_errno);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(kernel_errno, ENOENT);
  EXPECT_EQ(status.error().msgid, "the kernel answered the sock_diag request with an error: {}");
  EXPECT_EQ(status.error().args.at(0), std::strerror(ENOENT));
}

// The kernel's whole reply (captured as for captured_sockets_test_data.h) to a
// dump request for protocol 99, which has no diag handler: not NLMSG_ERROR but
// NLMSG_DONE carrying -ENOENT, the way a missing udp_diag module answers too.
TEST(NetlinkSource, ReportsMissingDiagHandlerFromDone) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  const Bytes reply = {0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x07, 0x00,
                       0x00, 0x00, 0xff, 0x63, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff};
  std::vector<SocketRecord> records;
  bool done = false;
  int kernel_errno = 0;
  EXPECT_FALSE(parse(reply, Protocol::udp, &records, &done, &kernel_errno).ok());
  EXPECT_TRUE(done);
  EXPECT_EQ(kernel_errno, ENOENT);
}

TEST(NetlinkSource, ReportsDumpThatFailedHalfWay) {
  Bytes bytes = message(SOCK_DIAG_BY_FAMILY, diag_payload(AF_INET, 10));
  Bytes done_with_error = message(NLMSG_DONE, code_payload(-EINTR));
  bytes.insert(bytes.end(), done_with_error.begin(), done_with_error.end());
  std::vector<SocketRecord> records;
  bool done = false;
  int kernel_errno = 0;
  EXPECT_FALSE(parse(bytes, Protocol::tcp, &records, &done, &kernel_errno).ok());
  EXPECT_EQ(kernel_errno, EINTR);
  EXPECT_EQ(records.size(), 1u);
}

TEST(NetlinkSource, AcceptsAcknowledgementAndDoneWithoutCode) {
  Bytes bytes = message(NLMSG_ERROR, code_payload(0));
  Bytes done_message = message(NLMSG_DONE, {});
  bytes.insert(bytes.end(), done_message.begin(), done_message.end());
  std::vector<SocketRecord> records;
  bool done = false;
  EXPECT_TRUE(parse(bytes, Protocol::tcp, &records, &done).ok());
  EXPECT_TRUE(done);
}

TEST(NetlinkSource, AcceptsUnpaddedLastMessage) {
  Bytes payload = diag_payload(AF_INET, 10);
  payload.push_back(0xAB);  // an odd length, as an attribute might leave it
  Bytes bytes = message(SOCK_DIAG_BY_FAMILY, payload);
  bytes.resize(NLMSG_LENGTH(payload.size()));
  std::vector<SocketRecord> records;
  bool done = false;
  EXPECT_TRUE(parse(bytes, Protocol::tcp, &records, &done).ok());
  EXPECT_EQ(records.size(), 1u);
}

// --- live kernel

struct Listener {
  UniqueFd fd;
  uint16_t port = 0;
  uint64_t inode = 0;
};

Listener listen_on_loopback() {
  Listener listener;
  listener.fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(::bind(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(listener.fd.get(), 4), 0);
  EXPECT_EQ(::getsockname(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  listener.port = ntohs(address.sin_port);
  struct stat info {};
  EXPECT_EQ(::fstat(listener.fd.get(), &info), 0);
  listener.inode = info.st_ino;
  return listener;
}

Result<std::vector<SocketRecord>> dump_or_skip(const SocketQuery& query, bool* refused) {
  NetlinkFailure failure = NetlinkFailure::failed;
  auto sockets = dump_sockets_netlink(query, &failure);
  *refused = !sockets.ok() && failure == NetlinkFailure::refused;
  return sockets;
}

TEST(NetlinkSource, LiveListenerShowsUpInBothSources) {
  Listener listener = listen_on_loopback();
  SocketQuery query;
  query.protocols = bit(Protocol::tcp);
  query.ipv6 = false;
  query.state_mask = state_bit(SocketState::listen);
  bool refused = false;
  auto sockets = dump_or_skip(query, &refused);
  if (refused) GTEST_SKIP() << "sock_diag refused here: " << sockets.error().args.at(0);
  ASSERT_TRUE(sockets.ok()) << sockets.error().msgid;
  for (const SocketRecord& record : *sockets) EXPECT_EQ(record.state, SocketState::listen);  // kernel filter
  const SocketRecord* found = find_local_port(*sockets, listener.port, SocketState::listen);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->local.address, ipv4(127, 0, 0, 1));
  EXPECT_EQ(found->inode, listener.inode);
  EXPECT_EQ(found->uid, ::geteuid());
  auto from_proc = read_sockets_proc(query);
  ASSERT_TRUE(from_proc.ok()) << from_proc.error().msgid;
  const SocketRecord* in_proc = find_local_port(*from_proc, listener.port, SocketState::listen);
  ASSERT_NE(in_proc, nullptr);
  EXPECT_EQ(in_proc->inode, listener.inode);
}

TEST(NetlinkSource, LiveMappedUdpSocketStaysIpv6) {
  UniqueFd fd(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) GTEST_SKIP() << "no IPv6 here";
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:127.0.0.1", &address.sin6_addr), 1);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  SocketQuery query;
  query.protocols = bit(Protocol::udp);
  bool refused = false;
  auto sockets = dump_or_skip(query, &refused);
  if (refused) GTEST_SKIP() << "sock_diag refused here";
  ASSERT_TRUE(sockets.ok()) << sockets.error().msgid;
  const SocketRecord* found = find_local_port(*sockets, ntohs(address.sin6_port), SocketState::close);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->protocol, Protocol::udp);
  EXPECT_EQ(found->family, AddressFamily::ipv6);
  EXPECT_EQ(address_text(found->family, found->local.address), "::ffff:127.0.0.1");
}

// IPV6_V6ONLY comes in an attribute after the message; audit needs it to
// know whether a wildcard IPv6 socket takes IPv4 connections too.
TEST(NetlinkSource, LiveIpv6OnlyFlag) {
  uint16_t ports[2] = {0, 0};
  UniqueFd fds[2];
  for (int only = 0; only < 2; ++only) {
    fds[only] = UniqueFd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fds[only]) GTEST_SKIP() << "no IPv6 here";
    int flag = only;
    ASSERT_EQ(::setsockopt(fds[only].get(), IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag), 0);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_any;  // a specific address makes the kernel set V6ONLY itself
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fds[only].get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fds[only].get(), 1), 0);
    ASSERT_EQ(::getsockname(fds[only].get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    ports[only] = ntohs(address.sin6_port);
  }
  SocketQuery query;
  query.protocols = bit(Protocol::tcp);
  query.ipv4 = false;
  query.state_mask = state_bit(SocketState::listen);
  bool refused = false;
  auto sockets = dump_or_skip(query, &refused);
  if (refused) GTEST_SKIP() << "sock_diag refused here";
  ASSERT_TRUE(sockets.ok()) << sockets.error().msgid;
  const SocketRecord* dual = find_local_port(*sockets, ports[0], SocketState::listen);
  const SocketRecord* only = find_local_port(*sockets, ports[1], SocketState::listen);
  ASSERT_NE(dual, nullptr);
  ASSERT_NE(only, nullptr);
  EXPECT_FALSE(dual->v6_only);
  EXPECT_TRUE(only->v6_only);
}

// seccomp makes socket(AF_NETLINK, …) fail with EPERM in a child, as a
// container's profile would; the failure must say "refused" so ls falls back.
TEST(NetlinkSource, RefusedSocketIsReportedAsRefused) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(2);
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) ::_exit(2);
    NetlinkFailure failure = NetlinkFailure::failed;
    auto sockets = dump_sockets_netlink(SocketQuery{}, &failure);
    ::_exit(!sockets.ok() && failure == NetlinkFailure::refused ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "cannot install a seccomp filter here";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace portlens
