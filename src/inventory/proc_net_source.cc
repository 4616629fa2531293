#include "inventory/proc_net_source.h"

#include "util/file.h"


#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "util/text.h"

// A line of /proc/net/tcp (udp is the same up to the inode column):
//
//    sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//     0: 0100007F:AF15 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55714 …
//
// The kernel prints each 32-bit address word with %08X straight from memory,
// so the hex is the word in host byte order: 0100007F is 127.0.0.1 on a
// little-endian machine. Copying the parsed word back into memory restores the
// network-order bytes on any machine, for IPv4 and for each of IPv6's four
// words alike. Ports are printed after ntohs, so their hex is the port itself.

namespace portlens {
namespace {

// /proc files report a size of 0; read_text_file reads them to EOF. The cap
// keeps a runaway file from exhausting memory (a /proc/net/tcp line is 150
// bytes: this is over a million sockets).
constexpr size_t kMaxProcFileBytes = size_t{256} << 20;
// Bad values are quoted in errors; a garbage column could be arbitrarily long.
constexpr size_t kMaxQuotedBytes = 64;

// Indexes of the whitespace-separated columns we read.
enum Column : size_t { kSlot = 0, kLocal = 1, kRemote = 2, kState = 3, kQueues = 4, kUid = 7, kInode = 9 };
constexpr size_t kMinimumColumns = 10;

std::string_view column_name(size_t column) {
  switch (column) {
    case kSlot: return "sl";
    case kLocal: return "local_address";
    case kRemote: return "rem_address";
    case kState: return "st";
    case kQueues: return "tx_queue:rx_queue";
    case kUid: return "uid";
    case kInode: return "inode";
    default: return "?";
  }
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text, int base, size_t max_digits) {
  Number value{};
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<uint32_t> parse_hex(std::string_view text, size_t max_digits) {
  return parse_number<uint32_t>(text, 16, max_digits);
}

std::optional<std::array<uint8_t, 16>> parse_address(std::string_view hex, AddressFamily family) {
  size_t words = family == AddressFamily::ipv4 ? 1 : 4;
  if (hex.size() != words * 8) return std::nullopt;
  std::array<uint8_t, 16> address{};
  for (size_t i = 0; i < words; ++i) {
    auto word = parse_hex(hex.substr(i * 8, 8), 8);
    if (!word) return std::nullopt;
    std::memcpy(address.data() + i * 4, &*word, 4);  // host-order word back to memory: see the top
  }
  return address;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, AddressFamily family) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto address = parse_address(text.substr(0, colon), family);
  auto port = parse_hex(text.substr(colon + 1), 4);
  if (!address || !port) return std::nullopt;
  return Endpoint{*address, static_cast<uint16_t>(*port)};
}

std::optional<SocketState> parse_state(std::string_view text) {
  auto number = parse_hex(text, 2);
  if (!number || *number < static_cast<uint32_t>(SocketState::established) ||
      *number > static_cast<uint32_t>(SocketState::new_syn_recv)) {
    return std::nullopt;
  }
  return static_cast<SocketState>(*number);
}

bool parse_queues(std::string_view text, SocketRecord* record) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto send = parse_hex(text.substr(0, colon), 8);
  auto receive = parse_hex(text.substr(colon + 1), 8);
  if (!send || !receive) return false;
  record->send_queue = *send;
  record->receive_queue = *receive;
  return true;
}

bool parse_slot(std::string_view text) {
  return text.size() >= 2 && text.back() == ':' &&
         parse_number<uint32_t>(text.substr(0, text.size() - 1), 10, 10).has_value();
}

// Fills `record` from a line's columns; returns the first column that does not
// parse, or nullopt when all do.
std::optional<size_t> fill_record(const std::vector<std::string_view>& columns, AddressFamily family,
                                  SocketRecord* record) {
  if (!parse_slot(columns[kSlot])) return kSlot;
  auto local = parse_endpoint(columns[kLocal], family);
  if (!local) return kLocal;
  auto remote = parse_endpoint(columns[kRemote], family);
  if (!remote) return kRemote;
  auto state = parse_state(columns[kState]);
  if (!state) return kState;
  if (!parse_queues(columns[kQueues], record)) return kQueues;
  auto uid = parse_number<uint32_t>(columns[kUid], 10, 10);
  if (!uid) return kUid;
  auto inode = parse_number<uint64_t>(columns[kInode], 10, 20);
  if (!inode) return kInode;
  record->local = *local;
  record->remote = *remote;
  record->state = *state;
  record->uid = *uid;
  record->inode = *inode;
  return std::nullopt;
}

Result<SocketRecord> parse_line(const std::vector<std::string_view>& columns, Protocol protocol, AddressFamily family,
                                std::string_view file_name, size_t line_number) {
  if (columns.size() < kMinimumColumns) {
    return make_error(N_("{}: line {}: expected at least {} columns, found {}"), file_name, line_number,
                      kMinimumColumns, columns.size());
  }
  SocketRecord record;
  record.protocol = protocol;
  record.family = family;
  if (auto bad = fill_record(columns, family, &record)) {
    return make_error(N_("{}: line {}: bad {} '{}'"), file_name, line_number, column_name(*bad),
                      columns[*bad].substr(0, kMaxQuotedBytes));
  }
  return record;
}

}  // namespace

std::string_view proc_net_file_name(Protocol protocol, AddressFamily family) {
  bool ipv4 = family == AddressFamily::ipv4;
  if (protocol == Protocol::udp) return ipv4 ? "udp" : "udp6";
  return ipv4 ? "tcp" : "tcp6";
}

Result<std::vector<SocketRecord>> parse_proc_net(std::string_view text, Protocol protocol, AddressFamily family,
                                                 std::string_view file_name) {
  if (file_name.empty()) file_name = proc_net_file_name(protocol, family);
  std::vector<SocketRecord> records;
  size_t line_number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    std::vector<std::string_view> columns = split_whitespace(line);
    if (columns.empty() || columns[0] == "sl") continue;  // blank, or the header
    auto record = parse_line(columns, protocol, family, file_name, line_number);
    if (!record) return record.error();
    records.push_back(*record);
  }
  return records;
}


Result<std::vector<SocketRecord>> read_sockets_proc(const SocketQuery& query, const std::string& proc_net_dir) {
  std::vector<SocketRecord> sockets;
  for (Protocol protocol : {Protocol::tcp, Protocol::udp}) {
    if (!wants_protocol(query, protocol)) continue;
    for (AddressFamily family : {AddressFamily::ipv4, AddressFamily::ipv6}) {
      if (!wants_family(query, family)) continue;
      std::string path = proc_net_dir + "/" + std::string(proc_net_file_name(protocol, family));
      auto text = read_text_file_if_exists(path, kMaxProcFileBytes);
      if (!text) return text.error();
      if (!text->has_value()) continue;  // no such table: e.g. IPv6 disabled
      auto records = parse_proc_net(**text, protocol, family, path);
      if (!records) return records.error();
      for (const SocketRecord& record : *records) {
        if (wants_state(query.state_mask, record.state)) sockets.push_back(record);
      }
    }
  }
  return sockets;
}

size_t parse_sockstat_count(std::string_view text) {
  size_t total = 0;
  for (std::string_view line : split(text, '\n')) {
    bool wanted = line.starts_with("TCP:") || line.starts_with("TCP6:") || line.starts_with("UDP:") ||
                  line.starts_with("UDP6:");
    if (!wanted) continue;
    std::vector<std::string_view> words = split_whitespace(line);
    for (size_t i = 1; i + 1 < words.size(); ++i) {
      if (words[i] != "inuse" && words[i] != "tw") continue;
      size_t value = 0;
      for (char c : words[i + 1]) {
        if (c < '0' || c > '9' || value > 100'000'000) break;
        value = value * 10 + static_cast<size_t>(c - '0');
      }
      total += value;
    }
  }
  return std::min<size_t>(total, 50'000'000);
}

size_t socket_count_hint(const std::string& proc_net_dir) {
  size_t total = 0;
  for (const char* name : {"/sockstat", "/sockstat6"}) {
    auto text = read_text_file_if_exists(proc_net_dir + name, kMaxProcFileBytes);
    if (text && text->has_value()) total += parse_sockstat_count(**text);
  }
  return total;
}

}  // namespace portlens
