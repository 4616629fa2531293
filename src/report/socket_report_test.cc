#include "report/socket_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "i18n/catalog.h"
#include "report/csv.h"
#include "report/json_text.h"
#include "report/sanitize.h"
#include "report/table.h"

namespace portlens {
namespace {

// Big tables are measured and laid out in two passes; the lines must come
// out complete, once each, in row order, and the columns must line up as in
// a small table.
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

// The renderers write every row straight into the output buffer. What they
// must write is defined by the renderers they replaced, which built a
// std::string per cell from the library's plain helpers (address_text,
// terminal_safe, csv_row, TextTable). Those are kept below as the reference,
// and both must give the same bytes for every kind of socket, owner and
// option.
namespace reference {

std::string endpoint(AddressFamily family, const Endpoint& endpoint, const HostNames* host_names) {
  std::string address = is_wildcard(family, endpoint.address) ? "*" : address_text(family, endpoint.address);
  std::string port = endpoint.port == 0 ? "*" : std::to_string(endpoint.port);
  if (host_names != nullptr) {
    if (auto found = host_names->find(address); found != host_names->end()) {
      return terminal_safe(found->second) + ":" + port;
    }
  }
  if (family == AddressFamily::ipv6 && address != "*") return fmt::format("[{}]:{}", address, port);
  return address + ":" + port;
}

std::vector<std::string> cells(const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  std::vector<std::string> cells;
  cells.push_back(std::string(protocol_name(socket.protocol)) + (socket.family == AddressFamily::ipv6 ? "6" : ""));
  cells.emplace_back(state_name(socket.state));
  cells.push_back(endpoint(socket.family, socket.local, options.host_names));
  cells.push_back(endpoint(socket.family, socket.remote, options.host_names));
  if (!options.numeric) cells.push_back(note.service.empty() ? "-" : terminal_safe(note.service));
  cells.push_back(row.show_risk && note.has_risk
                      ? options.base.style.risk(note.risk, std::string(risk_label(note.risk, options.base.language)))
                      : std::string());
  if (options.owners_known) {
    std::string processes;
    for (size_t i = 0; i < owners.size(); ++i) {
      if (i > 0) processes += ',';
      processes += fmt::format("{}/{}", owners[i]->pid, terminal_safe(owners[i]->name));
    }
    cells.push_back(processes);
  }
  cells.push_back(owners.empty() ? std::to_string(socket.uid) : terminal_safe(owners.front()->user));
  const ProcessInfo* first = owners.empty() ? nullptr : owners.front();
  if (options.executable) cells.push_back(first ? terminal_safe(first->executable) : std::string());
  if (options.command_line) cells.push_back(first ? terminal_safe(first->command_line) : std::string());
  return cells;
}

std::string table(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  auto tr = [&](const char* msgid) { return std::string(translate(msgid, options.base.language)); };
  std::vector<std::string> headers = {tr(N_("PROTO")), tr(N_("STATE")), tr(N_("LOCAL")), tr(N_("PEER"))};
  if (!options.numeric) headers.push_back(tr(N_("SERVICE")));
  headers.push_back(tr(N_("RISK")));
  if (options.owners_known) headers.push_back(tr(N_("PROCESS")));
  headers.push_back(tr(N_("USER")));
  if (options.executable) headers.push_back(tr(N_("EXECUTABLE")));
  if (options.command_line) headers.push_back(tr(N_("COMMAND")));
  TextTable table(headers);
  for (const SocketRow& row : rows) table.add_row(cells(row, options));
  return table.render(options.base.width);
}

std::string csv(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  std::string out = csv_row({"proto", "family", "state", "local_addr", "local_port", "remote_addr", "remote_port",
                             "inode", "uid", "service", "risk", "pids", "processes", "user"});
  for (const SocketRow& row : rows) {
    const SocketRecord& socket = *row.socket;
    auto owners = options.lookup.owners_of(row);
    auto note = options.lookup.note_of(row);
    std::string pids, names;
    for (const ProcessInfo* process : owners) {
      if (!pids.empty()) pids += ';', names += ';';
      pids += std::to_string(process->pid);
      names += process->name;
    }
    out += csv_row({std::string(protocol_name(socket.protocol)), socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6",
                    std::string(state_name(socket.state)), address_text(socket.family, socket.local.address),
                    std::to_string(socket.local.port), address_text(socket.family, socket.remote.address),
                    std::to_string(socket.remote.port), std::to_string(socket.inode), std::to_string(socket.uid),
                    std::string(note.service), row.show_risk && note.has_risk ? std::string(risk_name(note.risk)) : "",
                    pids, names, owners.empty() ? "" : owners.front()->user});
  }
  return out;
}

void append_endpoint_json(std::string& out, AddressFamily family, const Endpoint& endpoint,
                          const HostNames* host_names) {
  std::string address = address_text(family, endpoint.address);
  out += fmt::format("{{\"addr\": \"{}\", \"port\": {}", address, endpoint.port);
  if (host_names != nullptr) {
    auto found = host_names->find(address);
    out += ", \"name\": ";
    if (found == host_names->end()) out += "null";
    else append_json_string(out, found->second);
  }
  out += '}';
}

std::string json_object(const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  std::string out = fmt::format("{{\"proto\": \"{}\", \"family\": \"{}\", \"state\": \"{}\", \"local\": ",
                                protocol_name(socket.protocol),
                                socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6", state_name(socket.state));
  append_endpoint_json(out, socket.family, socket.local, options.host_names);
  out += ", \"remote\": ";
  append_endpoint_json(out, socket.family, socket.remote, options.host_names);
  out += fmt::format(", \"inode\": {}, \"uid\": {}, \"recv_q\": {}, \"send_q\": {}, \"processes\": [", socket.inode,
                     socket.uid, socket.receive_queue, socket.send_queue);
  for (size_t i = 0; i < owners.size(); ++i) {
    if (i > 0) out += ", ";
    out += fmt::format("{{\"pid\": {}, \"name\": ", owners[i]->pid);
    append_json_string(out, owners[i]->name);
    out += ", \"user\": ";
    append_json_string(out, owners[i]->user);
    if (options.command_line) out += ", \"cmdline\": ", append_json_string(out, owners[i]->command_line);
    if (options.executable) out += ", \"exe\": ", append_json_string(out, owners[i]->executable);
    out += '}';
  }
  out += "], \"service\": ";
  if (note.service.empty()) out += "null";
  else append_json_string(out, note.service);
  out += fmt::format(", \"service_port\": {}, \"risk\": ", row.service_port);
  out += row.show_risk && note.has_risk ? fmt::format("\"{}\"", risk_name(note.risk)) : "null";
  return out + '}';
}

std::string json(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  std::string out = "{\"sockets\": [";
  for (size_t i = 0; i < rows.size(); ++i) out += (i == 0 ? "\n  " : ",\n  ") + json_object(rows[i], options);
  return out + (rows.empty() ? "]}\n" : "\n]}\n");
}

std::string ndjson(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  std::string out;
  for (const SocketRow& row : rows) out += json_object(row, options) + '\n';
  return out;
}

}  // namespace reference

/// Processes with hostile names in a fake /proc: escapes, a bell, a bidi
/// override, invalid UTF-8, Chinese, CSV and JSON metacharacters.
class FakeOwners {
 public:
  FakeOwners() {
    char pattern[] = "/tmp/portlens-report-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return;
    root_ = pattern;
    add(100, "evil\x1b[2J\x07", "sh\0-c\0echo \x1b[31mred\0", "/usr/bin/ev,il", {1, 2});
    add(200, "服务器,\"q\"", "/opt/服务/srv\0--flag\0", "/opt/服务/srv", {1});
    add(300, "bad\xff\xfe\xe2\x80\xae" "rtl", "", "", {3});
    add(400, "plain", "plain\0", "/bin/plain", {4, 5});
    add(500, "semi;colon\nnl", "a\tb\0", "/bin/x\x1b", {5});
  }
  ~FakeOwners() {
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

  OwnerMap collect() const {
    OwnerOptions options;
    options.proc_root = root_;
    options.same_network_namespace_only = false;
    options.command_line = true;
    options.executable = true;
    auto map = collect_owners(options);
    EXPECT_TRUE(map.ok());
    return map.ok() ? std::move(*map) : OwnerMap();
  }

 private:
  template <size_t N>
  void add(int pid, const std::string& comm, const char (&command_line)[N], const std::string& executable,
           std::vector<uint64_t> inodes) {
    std::string directory = root_ + "/" + std::to_string(pid);
    std::filesystem::create_directories(directory + "/fd");
    std::ofstream(directory + "/comm", std::ios::binary) << comm << '\n';
    std::ofstream(directory + "/cmdline", std::ios::binary) << std::string(command_line, N - 1);
    if (!executable.empty()) {
      EXPECT_EQ(::symlink(executable.c_str(), (directory + "/exe").c_str()), 0);
    }
    int fd = 3;
    for (uint64_t inode : inodes) {
      std::string link = directory + "/fd/" + std::to_string(fd++);
      EXPECT_EQ(::symlink(("socket:[" + std::to_string(inode) + "]").c_str(), link.c_str()), 0);
    }
  }

  std::string root_;
};

std::array<uint8_t, 16> v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }

std::array<uint8_t, 16> v6(std::initializer_list<uint8_t> bytes) {
  std::array<uint8_t, 16> address{};
  std::copy(bytes.begin(), bytes.end(), address.begin());
  return address;
}

SocketRecord record(Protocol protocol, AddressFamily family, SocketState state, std::array<uint8_t, 16> local,
                    uint16_t local_port, std::array<uint8_t, 16> remote, uint16_t remote_port, uint64_t inode) {
  SocketRecord socket;
  socket.protocol = protocol;
  socket.family = family;
  socket.state = state;
  socket.local = {local, local_port};
  socket.remote = {remote, remote_port};
  socket.inode = inode;
  socket.uid = static_cast<uint32_t>(inode * 977);
  socket.receive_queue = static_cast<uint32_t>(inode * 13);
  socket.send_queue = static_cast<uint32_t>(inode * 7);
  return socket;
}

std::vector<SocketRecord> varied_sockets() {
  using P = Protocol;
  using F = AddressFamily;
  using S = SocketState;
  auto loopback = v4(127, 0, 0, 1), any = v4(0, 0, 0, 0);
  auto any6 = v6({}), loopback6 = v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  auto mapped = v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1});
  auto link_local = v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55});
  auto documentation = v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1});
  auto compatible = v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4, 5});
  std::vector<SocketRecord> sockets = {
      record(P::tcp, F::ipv4, S::listen, loopback, 22, any, 0, 1),
      record(P::tcp, F::ipv4, S::established, loopback, 22, loopback, 53392, 2),
      record(P::tcp, F::ipv4, S::listen, any, 6379, any, 0, 3),
      record(P::tcp, F::ipv6, S::listen, any6, 80, any6, 0, 4),
      record(P::tcp, F::ipv6, S::listen, loopback6, 631, any6, 0, 5),
      record(P::udp, F::ipv4, S::close, any, 53, any, 0, 6),
      record(P::udp, F::ipv6, S::established, mapped, 5353, link_local, 443, 0),
      record(P::tcp, F::ipv4, S::time_wait, v4(10, 0, 0, 1), 61234, v4(255, 255, 255, 255), 65535, 0),
      record(P::tcp, F::ipv4, S::syn_sent, v4(192, 168, 100, 200), 40000, v4(8, 8, 8, 8), 61235, 7),
      record(P::tcp, F::ipv6, S::close_wait, documentation, 61236, compatible, 1, 8),
      record(P::udp, F::ipv4, S::close, v4(1, 2, 3, 4), 0, any, 0, 9),
      record(P::tcp, F::ipv4, S::fin_wait1, loopback, 3389, v4(100, 10, 1, 0), 9, 10),
      record(P::tcp, F::ipv4, S::fin_wait2, loopback, 23, loopback, 24, 11),
      record(P::tcp, F::ipv4, S::last_ack, loopback, 445, loopback, 25, 12),
      record(P::tcp, F::ipv4, S::closing, loopback, 21, loopback, 26, 13),
      record(P::tcp, F::ipv4, S::syn_recv, loopback, 8080, loopback, 27, 14),
      record(P::tcp, F::ipv6, S::new_syn_recv, loopback6, 61237, mapped, 28, 15),
  };
  sockets[7].uid = 4294967295u;
  sockets[8].inode = 18446744073709551615u;
  return sockets;
}

std::vector<SocketRow> rows_of(const std::vector<SocketRecord>& sockets) {
  std::vector<SocketRow> rows;
  for (const SocketRecord& socket : sockets) {
    bool serves = socket.state == SocketState::listen ||
                  (socket.protocol == Protocol::udp && socket.state == SocketState::close);
    rows.push_back({&socket, serves || socket.remote.port == 0 ? socket.local.port : socket.remote.port, serves});
  }
  return rows;
}

/// Service names from a services file, as a user could write them.
KnowledgeBase base_with_hostile_services() {
  ExtraKnowledge extra;
  auto service = [](std::string name, uint16_t port) {
    ServiceName entry;
    entry.name = std::move(name);
    entry.port = entry.last_port = port;
    entry.protocols = bit(Protocol::tcp) | bit(Protocol::udp);
    return entry;
  };
  extra.system_services = {service("evil,\"svc\"\x1b[31m", 61234), service("服务", 61235),
                           service("bidi\xe2\x80\xaeok\xff", 61236), service("line\r\nbreak", 61237)};
  return KnowledgeBase(std::move(extra));
}

template <typename Render>
std::string render(Render write, const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  StringSink sink;
  write(rows, options, sink);
  return sink.text();
}

TEST(SocketReport, RenderersWriteWhatStringPerCellRenderersWrote) {
  FakeOwners fake;
  OwnerMap owners = fake.collect();
  ASSERT_EQ(owners.owners_of(1).size(), 2u);
  ASSERT_EQ(owners.owners_of(3)[0]->name, "bad\xff\xfe\xe2\x80\xaertl");
  KnowledgeBase base = base_with_hostile_services();
  ASSERT_EQ(base.quick_note(61235, Protocol::tcp).service, "服务");
  std::vector<SocketRecord> sockets = varied_sockets();
  std::vector<SocketRow> rows = rows_of(sockets);
  HostNames names = {{"127.0.0.1", "localhost"}, {"::1", "evil\x1b[2Jname"}, {"10.0.0.1", "主机"}, {"*", "star"}};
  int compared = 0;
  for (int bits = 0; bits < 128; ++bits) {
    bool numeric = bits & 1, owners_known = bits & 2, extra_columns = bits & 4, colour = bits & 8;
    Language language = bits & 16 ? Language::zh : Language::en;
    const HostNames* host_names = bits & 32 ? &names : nullptr;
    for (int width : {0, 40, 75, 200}) {
      SocketReportOptions options{{language, Style(colour), width},
                                  {owners_known ? &owners : nullptr, &base},
                                  host_names,
                                  numeric,
                                  owners_known,
                                  extra_columns,
                                  extra_columns};
      if (bits & 64) options.executable = false;
      SCOPED_TRACE(testing::Message() << "option bits " << bits << ", width " << width);
      ASSERT_EQ(render(write_socket_table, rows, options), reference::table(rows, options));
      ASSERT_EQ(render(write_socket_csv, rows, options), reference::csv(rows, options));
      ASSERT_EQ(render(write_socket_json, rows, options), reference::json(rows, options));
      ASSERT_EQ(render(write_socket_ndjson, rows, options), reference::ndjson(rows, options));
      // Alone in its table, each row's own widths decide the columns:
      // those measured without formatting must be the formatted ones.
      for (const SocketRow& row : rows) {
        std::vector<SocketRow> one = {row};
        ASSERT_EQ(render(write_socket_table, one, options), reference::table(one, options));
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 512);
}

TEST(SocketReport, EmptyListings) {
  KnowledgeBase base;
  SocketReportOptions options{{Language::en, Style(false), 80}, {nullptr, &base}, nullptr, false, false, false, false};
  std::vector<SocketRow> none;
  EXPECT_EQ(render(write_socket_table, none, options), reference::table(none, options));
  EXPECT_EQ(render(write_socket_json, none, options), "{\"sockets\": []}\n");
  EXPECT_EQ(render(write_socket_ndjson, none, options), "");
  EXPECT_EQ(render(write_socket_csv, none, options),
            "proto,family,state,local_addr,local_port,remote_addr,remote_port,inode,uid,service,risk,pids,processes,"
            "user\r\n");
}

TEST(SocketReport, EndpointText) {
  std::vector<SocketRecord> sockets = varied_sockets();
  HostNames names = {{"127.0.0.1", "localhost"}, {"fe80::211:22ff:fe33:4455", "\x1b]0;t\x07"}};
  for (const SocketRecord& socket : sockets) {
    for (const Endpoint* endpoint : {&socket.local, &socket.remote}) {
      for (const HostNames* host_names : {static_cast<const HostNames*>(nullptr), static_cast<const HostNames*>(&names)}) {
        EXPECT_EQ(endpoint_text(socket.family, *endpoint, true, host_names),
                  reference::endpoint(socket.family, *endpoint, host_names));
      }
    }
  }
  Endpoint wildcard6{};
  EXPECT_EQ(endpoint_text(AddressFamily::ipv6, wildcard6, false), "[::]:0");
  EXPECT_EQ(endpoint_text(AddressFamily::ipv6, wildcard6, true), "*:*");
  Endpoint named{v4(127, 0, 0, 1), 22};
  EXPECT_EQ(endpoint_text(AddressFamily::ipv4, named, true, &names), "localhost:22");
  Endpoint hostile{v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55}), 443};
  EXPECT_EQ(endpoint_text(AddressFamily::ipv6, hostile, true, &names), "\\x1b]0;t\\x07:443");
}

}  // namespace
}  // namespace portlens
