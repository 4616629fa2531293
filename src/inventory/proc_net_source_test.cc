#include "inventory/proc_net_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "inventory/captured_sockets_test_data.h"
#include "util/unique_fd.h"

namespace portlens {
namespace {

// The captured text comes from an x86-64 machine: addresses are printed as
// host-order words, so 127.0.0.1 reads 0100007F there and 7F000001 on a
// big-endian machine.
#define SKIP_UNLESS_LITTLE_ENDIAN()                           \
  if constexpr (std::endian::native != std::endian::little) { \
    GTEST_SKIP() << "captured text is little-endian";         \
  }

std::vector<SocketRecord> parse_ok(std::string_view text, Protocol protocol, AddressFamily family) {
  auto records = parse_proc_net(text, protocol, family);
  EXPECT_TRUE(records.ok()) << (records.ok() ? "" : records.error().msgid + " " + records.error().args.at(1));
  return records.ok() ? *records : std::vector<SocketRecord>{};
}

Error parse_error(std::string_view text, Protocol protocol = Protocol::tcp,
                  AddressFamily family = AddressFamily::ipv4) {
  auto records = parse_proc_net(text, protocol, family);
  EXPECT_FALSE(records.ok()) << text;
  return records.ok() ? Error{} : records.error();
}

std::string text_of(const SocketRecord& record, const Endpoint& endpoint) {
  return address_text(record.family, endpoint.address) + ":" + std::to_string(endpoint.port);
}

constexpr std::string_view kListenLine =
    "   0: 0100007F:AF15 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55714 1 "
    "00000000efea6575 100 0 0 10 0\n";

TEST(ProcNetSource, ParsesCapturedTcp) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(captured::kProcTcp, Protocol::tcp, AddressFamily::ipv4);
  ASSERT_EQ(records.size(), 11u);
  EXPECT_EQ(records[0].protocol, Protocol::tcp);
  EXPECT_EQ(records[0].family, AddressFamily::ipv4);
  EXPECT_EQ(records[0].state, SocketState::listen);
  EXPECT_EQ(text_of(records[0], records[0].local), "127.0.0.1:44821");
  EXPECT_EQ(text_of(records[0], records[0].remote), "0.0.0.0:0");
  EXPECT_EQ(records[0].inode, 55714u);
  EXPECT_EQ(records[1].receive_queue, 1u);  // a listener's rx_queue is its accept backlog
  EXPECT_EQ(records[2].receive_queue, 100u);
}

TEST(ProcNetSource, ParsesOddTcpStates) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(captured::kProcTcp, Protocol::tcp, AddressFamily::ipv4);
  ASSERT_EQ(records.size(), 11u);
  EXPECT_EQ(records[3].state, SocketState::close_wait);
  EXPECT_EQ(text_of(records[3], records[3].remote), "127.0.0.1:39786");
  EXPECT_EQ(records[6].state, SocketState::time_wait);  // a shorter line: no queue details
  EXPECT_EQ(text_of(records[6], records[6].local), "127.0.0.1:39780");
  EXPECT_EQ(records[6].inode, 0u);
  EXPECT_EQ(records[7].state, SocketState::fin_wait2);
  EXPECT_EQ(records[9].state, SocketState::syn_sent);
  EXPECT_EQ(records[9].send_queue, 1u);  // the SYN
  EXPECT_EQ(records[9].remote.port, 51083);
}

TEST(ProcNetSource, ParsesCapturedTcp6WithMappedAddress) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> records = parse_ok(captured::kProcTcp6, Protocol::tcp, AddressFamily::ipv6);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].family, AddressFamily::ipv6);
  EXPECT_EQ(text_of(records[0], records[0].local), "::1:58843");
  std::array<uint8_t, 16> loopback6{};
  loopback6[15] = 1;
  EXPECT_EQ(records[0].local.address, loopback6);
  EXPECT_EQ(text_of(records[1], records[1].local), "::ffff:127.0.0.1:39802");
  EXPECT_EQ(text_of(records[1], records[1].remote), "::ffff:127.0.0.1:44821");
  EXPECT_EQ(records[1].state, SocketState::established);
  EXPECT_TRUE(is_loopback(records[1].family, records[1].local.address));
}

TEST(ProcNetSource, ParsesCapturedUdp) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  std::vector<SocketRecord> udp = parse_ok(captured::kProcUdp, Protocol::udp, AddressFamily::ipv4);
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(udp[0].protocol, Protocol::udp);
  EXPECT_EQ(udp[0].state, SocketState::established);
  EXPECT_EQ(text_of(udp[0], udp[0].remote), "127.0.0.1:34275");
  std::vector<SocketRecord> udp6 = parse_ok(captured::kProcUdp6, Protocol::udp, AddressFamily::ipv6);
  ASSERT_EQ(udp6.size(), 2u);
  EXPECT_EQ(udp6[0].state, SocketState::close);
  EXPECT_EQ(state_name(udp6[0].state), "unconn");
  EXPECT_EQ(text_of(udp6[0], udp6[0].local), "::ffff:127.0.0.1:34275");
  EXPECT_EQ(udp6[0].receive_queue, 0x340u);
  EXPECT_EQ(udp6[0].inode, 55727u);
  EXPECT_EQ(text_of(udp6[1], udp6[1].local), "::1:56327");
}

// The hex is the host-order word: building the line from the word this machine
// stores for 10.1.2.3 must give 10.1.2.3 back, whatever the byte order.
TEST(ProcNetSource, ReadsAddressWordsInHostOrder) {
  uint32_t word = 0;
  const uint8_t bytes[4] = {10, 1, 2, 3};
  std::memcpy(&word, bytes, 4);
  char line[160];
  std::snprintf(line, sizeof line, "0: %08X:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 7",
                word);
  std::vector<SocketRecord> records = parse_ok(line, Protocol::tcp, AddressFamily::ipv4);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(text_of(records[0], records[0].local), "10.1.2.3:22");
  EXPECT_EQ(records[0].uid, 1000u);
  EXPECT_EQ(records[0].inode, 7u);
}

TEST(ProcNetSource, SkipsHeaderAndBlankLines) {
  EXPECT_TRUE(parse_ok("", Protocol::tcp, AddressFamily::ipv4).empty());
  EXPECT_TRUE(parse_ok("  sl  local_address rem_address\n\n   \n", Protocol::tcp, AddressFamily::ipv4).empty());
}

TEST(ProcNetSource, GarbageLineNamesFileAndLine) {
  Error error = parse_error(std::string("  sl  local_address\n") + std::string(kListenLine) + "hello world\n");
  EXPECT_EQ(error.msgid, "{}: line {}: expected at least {} columns, found {}");
  EXPECT_EQ(error.args, (std::vector<std::string>{"tcp", "3", "10", "2"}));
}

TEST(ProcNetSource, UsesTheGivenFileName) {
  auto records = parse_proc_net("x\n", Protocol::udp, AddressFamily::ipv6, "/proc/net/udp6");
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.error().args.at(0), "/proc/net/udp6");
}

// Replaces the `column`-th whitespace-separated field of kListenLine.
std::string listen_line_with(size_t column, std::string_view value) {
  std::string line(kListenLine);
  size_t start = 0;
  for (size_t i = 0; i <= column; ++i) {
    start = line.find_first_not_of(' ', start);
    if (i < column) start = line.find(' ', start);
  }
  size_t end = line.find_first_of(" \n", start);
  return line.replace(start, end - start, value);
}

TEST(ProcNetSource, RejectsBadColumns) {
  struct Case {
    size_t column;
    std::string_view value;
    std::string_view name;
  };
  const Case cases[] = {
      {0, "0", "sl"},
      {0, "x:", "sl"},
      {1, "0100007G:AF15", "local_address"},
      {1, "0100007F", "local_address"},
      {1, "100007F:AF15", "local_address"},
      {1, "0100007F:1AF15", "local_address"},
      {1, "0100007F:-1", "local_address"},
      {1, "0x00007F:AF15", "local_address"},
      {2, "00000000:", "rem_address"},
      {3, "00", "st"},
      {3, "0D", "st"},
      {3, "ZZ", "st"},
      {3, "00A", "st"},
      {4, "00000000", "tx_queue:rx_queue"},
      {4, "00000000:1000000000", "tx_queue:rx_queue"},
      {7, "-1", "uid"},
      {7, "4294967296", "uid"},
      {9, "55714x", "inode"},
      {9, "+1", "inode"},
  };
  for (const Case& c : cases) {
    std::string line = listen_line_with(c.column, c.value);
    Error error = parse_error(line);
    EXPECT_EQ(error.msgid, "{}: line {}: bad {} '{}'") << line;
    EXPECT_EQ(error.args, (std::vector<std::string>{"tcp", "1", std::string(c.name), std::string(c.value)})) << line;
  }
}

TEST(ProcNetSource, RejectsAnIpv4AddressInAnIpv6Table) {
  Error error = parse_error(kListenLine, Protocol::tcp, AddressFamily::ipv6);
  EXPECT_EQ(error.args.at(0), "tcp6");
  EXPECT_EQ(error.args.at(2), "local_address");
}

TEST(ProcNetSource, QuotesAtMostSixtyFourBytesOfABadValue) {
  Error error = parse_error(listen_line_with(1, std::string(1000, 'Z')));
  EXPECT_EQ(error.args.at(3).size(), 64u);
}

// --- reading a directory of tables

class ProcNetDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("portlens-proc-net-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  void write(const std::string& name, std::string_view text) { std::ofstream(directory_ / name) << text; }
  std::string path() const { return directory_.string(); }

  std::filesystem::path directory_;
};

TEST_F(ProcNetDirectory, MissingTablesAreNotErrors) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  write("tcp", captured::kProcTcp);
  write("udp6", captured::kProcUdp6);
  auto sockets = read_sockets_proc(SocketQuery{}, path());
  ASSERT_TRUE(sockets.ok()) << sockets.error().msgid;
  ASSERT_EQ(sockets->size(), 13u);
  EXPECT_EQ(sockets->front().protocol, Protocol::tcp);  // tcp before udp
  EXPECT_EQ(sockets->back().protocol, Protocol::udp);
  EXPECT_EQ(sockets->back().family, AddressFamily::ipv6);
}

TEST_F(ProcNetDirectory, FiltersByQuery) {
  SKIP_UNLESS_LITTLE_ENDIAN();
  write("tcp", captured::kProcTcp);
  write("tcp6", captured::kProcTcp6);
  write("udp", captured::kProcUdp);
  write("udp6", captured::kProcUdp6);
  SocketQuery listening;
  listening.state_mask = state_bit(SocketState::listen);
  auto sockets = read_sockets_proc(listening, path());
  ASSERT_TRUE(sockets.ok());
  EXPECT_EQ(sockets->size(), 3u);
  for (const SocketRecord& record : *sockets) EXPECT_EQ(record.state, SocketState::listen);
  SocketQuery udp6_only;
  udp6_only.protocols = bit(Protocol::udp);
  udp6_only.ipv4 = false;
  sockets = read_sockets_proc(udp6_only, path());
  ASSERT_TRUE(sockets.ok());
  EXPECT_EQ(sockets->size(), 2u);
}

TEST_F(ProcNetDirectory, MalformedTableNamesItsPath) {
  write("tcp", "  sl  local_address\n   0: nonsense\n");
  auto sockets = read_sockets_proc(SocketQuery{}, path());
  ASSERT_FALSE(sockets.ok());
  EXPECT_EQ(sockets.error().args.at(0), path() + "/tcp");
  EXPECT_EQ(sockets.error().args.at(1), "2");
}

TEST_F(ProcNetDirectory, RefusesADirectoryInPlaceOfATable) {
  std::filesystem::create_directory(directory_ / "tcp");
  auto sockets = read_sockets_proc(SocketQuery{}, path());
  ASSERT_FALSE(sockets.ok());
  EXPECT_EQ(sockets.error().msgid, "cannot read {}: not a regular file");
}

TEST(ProcNetSource, LiveListenerShowsUpWithItsInode) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd.get(), 4), 0);
  ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  struct stat info {};
  ASSERT_EQ(::fstat(fd.get(), &info), 0);
  auto sockets = read_sockets_proc(SocketQuery{});
  ASSERT_TRUE(sockets.ok()) << sockets.error().msgid;
  auto found = std::find_if(sockets->begin(), sockets->end(), [&](const SocketRecord& record) {
    return record.protocol == Protocol::tcp && record.local.port == ntohs(address.sin_port);
  });
  ASSERT_NE(found, sockets->end());
  EXPECT_EQ(found->state, SocketState::listen);
  EXPECT_EQ(text_of(*found, found->local), "127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  EXPECT_EQ(found->inode, info.st_ino);
}

TEST(SocketCountHint, SumsInuseAndTimeWaitOfTcpAndUdp) {
  EXPECT_EQ(parse_sockstat_count("sockets: used 9\nTCP: inuse 40000 orphan 0 tw 12 alloc 40001 mem 214\n"
                                 "UDP: inuse 1000 mem 0\nUDPLITE: inuse 5\nRAW: inuse 0\n"),
            41012u);
  EXPECT_EQ(parse_sockstat_count("TCP6: inuse 3\nUDP6: inuse 2\n"), 5u);
  EXPECT_EQ(parse_sockstat_count("garbage\nTCP: inuse\n"), 0u);
  EXPECT_GT(socket_count_hint() + 1, 0u);  // readable here; never an error
}

}  // namespace
}  // namespace portlens
