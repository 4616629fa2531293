#include "report/socket_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace portlens {
namespace {

// Big tables are laid out by two threads in alternating blocks; the lines
// must still come out complete, once each, in row order, and the columns
// must line up as in a small table.
TEST(SocketReport, BigTableKeepsRowOrderAndColumns) {
  std::vector<SocketRecord> sockets(20011);
  for (size_t i = 0; i < sockets.size(); ++i) {
    SocketRecord& socket = sockets[i];
    socket.state = SocketState::listen;
    socket.local.address = {127, 0, 0, 1};
    socket.local.port = static_cast<uint16_t>(1000 + i);
    socket.inode = i + 1;
  }
  // A wide address late in the table must widen the column for every row.
  sockets.back().family = AddressFamily::ipv6;
  sockets.back().local.address = {0xfd, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
  std::vector<SocketRow> rows;
  for (const SocketRecord& socket : sockets) rows.push_back({&socket, socket.local.port, true});
  KnowledgeBase base;
  SocketReportOptions options{{Language::en, Style(false), 200}, {nullptr, &base}, nullptr, true, false, false, false};
  StringSink sink;
  write_socket_table(rows, options, sink);
  std::istringstream lines(sink.text());
  std::string line;
  std::getline(lines, line);
  size_t peer_column = line.find("PEER");
  ASSERT_NE(peer_column, std::string::npos);
  size_t count = 0;
  while (std::getline(lines, line)) {
    const SocketRecord& socket = sockets[count];
    std::string local = endpoint_text(socket.family, socket.local, true);
    ASSERT_EQ(line.find(local), line.find(socket.family == AddressFamily::ipv6 ? "[" : "127.")) << count;
    ASSERT_EQ(line.find("*:*"), peer_column) << "line " << count << ": " << line;
    ++count;
  }
  EXPECT_EQ(count, rows.size());
}

}  // namespace
}  // namespace portlens
