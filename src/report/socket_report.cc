#include "report/socket_report.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "i18n/catalog.h"
#include "report/csv.h"
#include "report/json_text.h"
#include "report/sanitize.h"
#include "report/table.h"

// Every renderer here appends straight into the output buffer: a row is
// formatted without a std::string per cell, numbers go through
// fmt::format_int and IPv4 addresses are written by hand. At 41,000 sockets, strings per cell, their malloc and
// free and the copies between them took two thirds of `ls --no-process`.

namespace portlens {

namespace {

void append_number(std::string& out, uint64_t value) {
  fmt::format_int text(value);
  out.append(text.data(), text.size());
}

void append_number(std::string& out, int64_t value) {
  fmt::format_int text(value);
  out.append(text.data(), text.size());
}

/// address_text(), appended. IPv4 by hand: glibc's inet_ntop goes through
/// sprintf.
void append_address(std::string& out, AddressFamily family, const std::array<uint8_t, 16>& address) {
  char buffer[INET6_ADDRSTRLEN];
  char* end = buffer;
  if (family == AddressFamily::ipv4) {
    for (size_t i = 0; i < 4; ++i) {
      unsigned value = address[i];
      if (i > 0) *end++ = '.';
      if (value >= 100) *end++ = static_cast<char>('0' + value / 100);
      if (value >= 10) *end++ = static_cast<char>('0' + value / 10 % 10);
      *end++ = static_cast<char>('0' + value % 10);
    }
  } else if (inet_ntop(AF_INET6, address.data(), buffer, sizeof buffer) != nullptr) {
    end = buffer + std::strlen(buffer);
  } else {
    *end++ = '?';
  }
  out.append(buffer, end);
}

bool is_zero(AddressFamily family, const std::array<uint8_t, 16>& address) {
  size_t length = family == AddressFamily::ipv4 ? 4 : 16;
  for (size_t i = 0; i < length; ++i) {
    if (address[i] != 0) return false;
  }
  return true;
}

int decimal_digits(uint64_t value) {
  int digits = 1;
  while (value >= 10) value /= 10, ++digits;
  return digits;
}

/// The width of printable ASCII text (as terminal_safe leaves it); -1 for
/// anything else.
int plain_width(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return static_cast<int>(text.size());
}

/// terminal_safe(), appended; printable ASCII (nearly every name) is copied
/// as is without building a string. Returns whether it was: then the text
/// is as many columns wide as it is long.
bool append_terminal_safe(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      out += terminal_safe(text);
      return false;
    }
  }
  out.append(text);
  return true;
}

/// endpoint_text(), appended. Returns false when the text may be wider or
/// narrower than long (a host name that is not printable ASCII).
bool append_endpoint(std::string& out, AddressFamily family, const Endpoint& endpoint, bool wildcard_as_star,
                     const HostNames* host_names) {
  size_t start = out.size();
  bool plain = true;
  bool star = wildcard_as_star && is_zero(family, endpoint.address);
  bool brackets = family == AddressFamily::ipv6 && !star;
  if (brackets) out += '[';
  size_t address_start = out.size();
  if (star) {
    out += '*';
  } else {
    append_address(out, family, endpoint.address);
  }
  if (host_names != nullptr) {
    // A resolved name is outside input (DNS, /etc/hosts): shown sanitised.
    if (auto found = host_names->find(out.substr(address_start)); found != host_names->end()) {
      out.resize(start);
      plain = append_terminal_safe(out, found->second);
      brackets = false;
    }
  }
  if (brackets) out += ']';
  out += ':';
  if (endpoint.port == 0 && wildcard_as_star) {
    out += '*';
  } else {
    append_number(out, uint64_t{endpoint.port});
  }
  return plain;
}

}  // namespace

std::string endpoint_text(AddressFamily family, const Endpoint& endpoint, bool wildcard_as_star,
                          const HostNames* host_names) {
  std::string text;
  append_endpoint(text, family, endpoint, wildcard_as_star, host_names);
  return text;
}

namespace {

using Json = nlohmann::ordered_json;

/// Rows come sorted, their records stay in the kernel's order: at 41k
/// sockets (several MiB of records) nearly every record a renderer reads is
/// a cache miss, and waiting for them one at a time took most of a row's
/// time. Asking for the records a few rows ahead lets the misses overlap.
void prefetch_ahead(const std::vector<SocketRow>& rows, size_t i) {
  constexpr size_t kRowsAhead = 8;
  if (i + kRowsAhead >= rows.size()) return;
  const char* record = reinterpret_cast<const char*>(rows[i + kRowsAhead].socket);
  __builtin_prefetch(record);
  __builtin_prefetch(record + sizeof(SocketRecord) - 1);  // it may straddle two lines
}

/// "pid/name,pid/name"; returns whether all of it is printable ASCII.
bool append_processes(std::string& out, std::span<const ProcessInfo* const> owners) {
  bool plain = true;
  for (size_t i = 0; i < owners.size(); ++i) {
    if (i > 0) out += ',';
    append_number(out, int64_t{owners[i]->pid});
    out += '/';
    plain &= append_terminal_safe(out, owners[i]->name);
  }
  return plain;
}

void append_endpoint_json(std::string& out, AddressFamily family, const Endpoint& endpoint,
                          const HostNames* host_names) {
  out += "{\"addr\": \"";
  size_t address_start = out.size();
  append_address(out, family, endpoint.address);
  size_t address_end = out.size();
  out += "\", \"port\": ";
  append_number(out, uint64_t{endpoint.port});
  if (host_names != nullptr) {
    auto found = host_names->find(out.substr(address_start, address_end - address_start));
    out += ", \"name\": ";
    if (found == host_names->end()) {
      out += "null";
    } else {
      append_json_string(out, found->second);
    }
  }
  out += '}';
}

void append_process_json(std::string& out, const ProcessInfo& process, const SocketReportOptions& options) {
  out += "{\"pid\": ";
  append_number(out, int64_t{process.pid});
  out += ", \"name\": ";
  append_json_string(out, process.name);
  out += ", \"user\": ";
  append_json_string(out, process.user);
  if (options.command_line) out += ", \"cmdline\": ", append_json_string(out, process.command_line);
  if (options.executable) out += ", \"exe\": ", append_json_string(out, process.executable);
  out += '}';
}

/// One socket as a single-line JSON object (the schema in docs/json.md).
void append_socket_json(std::string& out, const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  out += "{\"proto\": \"";
  out += protocol_name(socket.protocol);
  out += socket.family == AddressFamily::ipv4 ? "\", \"family\": \"ipv4\", \"state\": \""
                                               : "\", \"family\": \"ipv6\", \"state\": \"";
  out += state_name(socket.state);
  out += "\", \"local\": ";
  append_endpoint_json(out, socket.family, socket.local, options.host_names);
  out += ", \"remote\": ";
  append_endpoint_json(out, socket.family, socket.remote, options.host_names);
  out += ", \"inode\": ";
  append_number(out, socket.inode);
  out += ", \"uid\": ";
  append_number(out, uint64_t{socket.uid});
  out += ", \"recv_q\": ";
  append_number(out, uint64_t{socket.receive_queue});
  out += ", \"send_q\": ";
  append_number(out, uint64_t{socket.send_queue});
  out += ", \"processes\": [";
  for (size_t i = 0; i < owners.size(); ++i) {
    if (i > 0) out += ", ";
    append_process_json(out, *owners[i], options);
  }
  out += "], \"service\": ";
  if (note.service.empty()) {
    out += "null";
  } else {
    append_json_string(out, note.service);
  }
  out += ", \"service_port\": ";
  append_number(out, uint64_t{row.service_port});
  out += ", \"risk\": ";
  if (row.show_risk && note.has_risk) {
    out += '"';
    out += risk_name(note.risk);
    out += '"';
  } else {
    out += "null";
  }
  out += '}';
}

std::string dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

/// The cells of one table row, one after another in a buffer reused from
/// row to row (once it has grown, formatting a row allocates nothing), and
/// their display widths.
class RowText {
 public:
  static constexpr size_t kMaxCells = 10;

  std::string& text() { return text_; }
  void clear() { text_.clear(), count_ = 0; }
  /// Closes the cell appended to text() since the previous one. A `plain`
  /// cell (printable ASCII: addresses, numbers, most names) is as wide as
  /// it is long; any other is measured.
  void end_cell(bool plain = true) {
    size_t start = count_ == 0 ? 0 : ends_[count_ - 1];
    std::string_view cell = std::string_view(text_).substr(start);
    widths_[count_] = plain ? static_cast<int>(cell.size()) : visible_width(cell);
    ends_[count_++] = text_.size();
  }
  std::span<const std::string_view> cells() {
    size_t start = 0;
    for (size_t i = 0; i < count_; ++i) {
      cells_[i] = std::string_view(text_).substr(start, ends_[i] - start);
      start = ends_[i];
    }
    return std::span<const std::string_view>(cells_.data(), count_);
  }
  std::span<const int> widths() const { return std::span<const int>(widths_.data(), count_); }

 private:
  std::string text_;
  std::array<size_t, kMaxCells> ends_{};
  std::array<int, kMaxCells> widths_{};
  std::array<std::string_view, kMaxCells> cells_{};
  size_t count_ = 0;
};

/// What the table shows of a row, and its headers. Translation and colour
/// are looked up once here, not once per row.
class SocketTableCells {
 public:
  explicit SocketTableCells(const SocketReportOptions& options) : options_(options) {
    for (Risk risk : kRisks) {
      std::string& cell = risk_cells_[static_cast<size_t>(risk)];
      cell = options.base.style.risk(risk, std::string(risk_label(risk, options.base.language)));
      risk_plain_[static_cast<size_t>(risk)] = visible_width(cell) == static_cast<int>(cell.size());
    }
  }

  std::vector<std::string> headers() const {
    Language language = options_.base.language;
    auto tr = [&](const char* msgid) { return std::string(translate(msgid, language)); };
    std::vector<std::string> headers = {tr(N_("PROTO")), tr(N_("STATE")), tr(N_("LOCAL")), tr(N_("PEER"))};
    if (!options_.numeric) headers.push_back(tr(N_("SERVICE")));
    headers.push_back(tr(N_("RISK")));
    if (options_.owners_known) headers.push_back(tr(N_("PROCESS")));
    headers.push_back(tr(N_("USER")));
    if (options_.executable) headers.push_back(tr(N_("EXECUTABLE")));
    if (options_.command_line) headers.push_back(tr(N_("COMMAND")));
    return headers;
  }

  /// The widths format() gives the row's cells, computed without writing
  /// them: measuring a big table then costs a fraction of laying it out.
  /// Returns how many cells, or 0 when a cell needs its text to be measured
  /// (IPv6 and host names, names that are not printable ASCII, colour).
  size_t quick_widths(const SocketRow& row, std::array<int, RowText::kMaxCells>& widths) const {
    const SocketRecord& socket = *row.socket;
    auto owners = options_.lookup.owners_of(row);
    auto note = options_.lookup.note_of(row);
    size_t count = 0;
    widths[count++] = static_cast<int>(protocol_name(socket.protocol).size()) + (socket.family == AddressFamily::ipv6);
    widths[count++] = static_cast<int>(state_name(socket.state).size());
    widths[count++] = endpoint_width(socket.family, socket.local);
    widths[count++] = endpoint_width(socket.family, socket.remote);
    if (!options_.numeric) widths[count++] = note.service.empty() ? 1 : plain_width(note.service);
    bool risk = row.show_risk && note.has_risk;
    widths[count++] = !risk ? 0 : risk_plain_[static_cast<size_t>(note.risk)]
                                      ? static_cast<int>(risk_cells_[static_cast<size_t>(note.risk)].size())
                                      : -1;
    if (options_.owners_known) {
      int width = owners.empty() ? 0 : static_cast<int>(owners.size()) - 1;  // commas
      for (const ProcessInfo* process : owners) {
        int name = plain_width(process->name);
        width = name < 0 ? -1 : width + decimal_digits(static_cast<uint64_t>(process->pid)) + 1 + name;
        if (width < 0 || process->pid < 0) return 0;
      }
      widths[count++] = width;
    }
    widths[count++] = owners.empty() ? decimal_digits(socket.uid) : plain_width(owners.front()->user);
    const ProcessInfo* first = owners.empty() ? nullptr : owners.front();
    if (options_.executable) widths[count++] = first == nullptr ? 0 : plain_width(first->executable);
    if (options_.command_line) widths[count++] = first == nullptr ? 0 : plain_width(first->command_line);
    for (size_t i = 0; i < count; ++i) {
      if (widths[i] < 0) return 0;
    }
    return count;
  }

  void format(const SocketRow& row, RowText& into) const {
    const SocketRecord& socket = *row.socket;
    auto owners = options_.lookup.owners_of(row);
    auto note = options_.lookup.note_of(row);
    std::string& out = into.text();
    into.clear();
    out += protocol_name(socket.protocol);
    if (socket.family == AddressFamily::ipv6) out += '6';
    into.end_cell();
    out += state_name(socket.state);
    into.end_cell();
    into.end_cell(append_endpoint(out, socket.family, socket.local, true, options_.host_names));
    into.end_cell(append_endpoint(out, socket.family, socket.remote, true, options_.host_names));
    if (!options_.numeric) {
      bool plain = true;
      if (note.service.empty()) {
        out += '-';
      } else {
        plain = append_terminal_safe(out, note.service);
      }
      into.end_cell(plain);
    }
    if (row.show_risk && note.has_risk) {
      out += risk_cells_[static_cast<size_t>(note.risk)];
      into.end_cell(risk_plain_[static_cast<size_t>(note.risk)]);
    } else {
      into.end_cell();
    }
    if (options_.owners_known) into.end_cell(append_processes(out, owners));
    if (owners.empty()) {
      append_number(out, uint64_t{socket.uid});
      into.end_cell();
    } else {
      into.end_cell(append_terminal_safe(out, owners.front()->user));
    }
    const ProcessInfo* first = owners.empty() ? nullptr : owners.front();
    if (options_.executable) into.end_cell(first == nullptr || append_terminal_safe(out, first->executable));
    if (options_.command_line) into.end_cell(first == nullptr || append_terminal_safe(out, first->command_line));
  }

 private:
  /// append_endpoint()'s width for wildcards and IPv4 without host names; else -1.
  int endpoint_width(AddressFamily family, const Endpoint& endpoint) const {
    if (options_.host_names != nullptr) return -1;
    int port = endpoint.port == 0 ? 1 : decimal_digits(endpoint.port);
    if (is_zero(family, endpoint.address)) return 2 + port;  // "*:22"
    if (family != AddressFamily::ipv4) return -1;
    int address = 3;  // dots
    for (size_t i = 0; i < 4; ++i) address += decimal_digits(endpoint.address[i]);
    return address + 1 + port;
  }

  const SocketReportOptions& options_;
  std::array<std::string, std::size(kRisks)> risk_cells_;
  std::array<bool, std::size(kRisks)> risk_plain_{};
};

}  // namespace

void write_socket_table(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                        OutputSink& sink) {
  // Two passes instead of a stored table, so memory stays flat: measure
  // every row (mostly without formatting it), then format and lay it out.
  SocketTableCells table(options);
  std::vector<std::string> headers = table.headers();
  TableLayout layout;
  layout.measure(headers);
  RowText row_text;
  std::array<int, RowText::kMaxCells> widths{};
  for (size_t i = 0; i < rows.size(); ++i) {
    prefetch_ahead(rows, i);
    if (size_t count = table.quick_widths(rows[i], widths); count > 0) {
      layout.measure(std::span<const int>(widths.data(), count));
    } else {
      table.format(rows[i], row_text);
      layout.measure(row_text.widths());
    }
  }
  ChunkWriter writer(sink);
  layout.append_line(writer.buffer(), headers, options.base.width);
  for (size_t i = 0; i < rows.size(); ++i) {
    prefetch_ahead(rows, i);
    table.format(rows[i], row_text);
    layout.append_line(writer.buffer(), row_text.cells(), row_text.widths(), options.base.width);
    writer.maybe_flush();
  }
}

void write_socket_json(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                       OutputSink& sink) {
  ChunkWriter writer(sink);
  writer.buffer() += "{\"sockets\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    prefetch_ahead(rows, i);
    writer.buffer() += i == 0 ? "\n  " : ",\n  ";
    append_socket_json(writer.buffer(), rows[i], options);
    writer.maybe_flush();
  }
  writer.buffer() += rows.empty() ? "]}\n" : "\n]}\n";
}

void write_socket_ndjson(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                         OutputSink& sink) {
  ChunkWriter writer(sink);
  for (size_t i = 0; i < rows.size(); ++i) {
    prefetch_ahead(rows, i);
    append_socket_json(writer.buffer(), rows[i], options);
    writer.buffer() += '\n';
    writer.maybe_flush();
  }
}

namespace {

/// One CSV row of write_socket_csv. `scratch` is reused for the joined
/// process names, which are quoted as one field.
void append_socket_csv(std::string& out, const SocketRow& row, const SocketReportOptions& options,
                       std::string& scratch) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  // Names, numbers and addresses never need quoting; only text from outside
  // (service names from user files, process and user names) goes through
  // append_csv_field.
  out += protocol_name(socket.protocol);
  out += socket.family == AddressFamily::ipv4 ? ",ipv4," : ",ipv6,";
  out += state_name(socket.state);
  out += ',';
  append_address(out, socket.family, socket.local.address);
  out += ',';
  append_number(out, uint64_t{socket.local.port});
  out += ',';
  append_address(out, socket.family, socket.remote.address);
  out += ',';
  append_number(out, uint64_t{socket.remote.port});
  out += ',';
  append_number(out, socket.inode);
  out += ',';
  append_number(out, uint64_t{socket.uid});
  out += ',';
  append_csv_field(out, note.service);
  out += ',';
  if (row.show_risk && note.has_risk) out += risk_name(note.risk);
  out += ',';
  scratch.clear();
  for (size_t i = 0; i < owners.size(); ++i) {
    if (i > 0) out += ';', scratch += ';';
    append_number(out, int64_t{owners[i]->pid});
    scratch += owners[i]->name;
  }
  out += ',';
  append_csv_field(out, scratch);
  out += ',';
  if (!owners.empty()) append_csv_field(out, owners.front()->user);
  out += "\r\n";
}

}  // namespace

void write_socket_csv(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                      OutputSink& sink) {
  ChunkWriter writer(sink);
  writer.buffer() += csv_row({"proto", "family", "state", "local_addr", "local_port", "remote_addr",
                              "remote_port", "inode", "uid", "service", "risk", "pids", "processes", "user"});
  std::string scratch;
  for (size_t i = 0; i < rows.size(); ++i) {
    prefetch_ahead(rows, i);
    append_socket_csv(writer.buffer(), rows[i], options, scratch);
    writer.maybe_flush();
  }
}

std::string render_socket_summary(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                                  bool as_json) {
  std::map<std::string, size_t> by_protocol, by_state, by_process;
  for (const SocketRow& row : rows) {
    std::string proto(protocol_name(row.socket->protocol));
    if (row.socket->family == AddressFamily::ipv6) proto += "6";
    ++by_protocol[proto];
    ++by_state[std::string(state_name(row.socket->state))];
    auto owners = options.lookup.owners_of(row);
    if (owners.empty()) continue;
    ++by_process[owners.front()->name];
  }
  if (as_json) {
    Json json = {{"total", rows.size()}, {"by_proto", by_protocol}, {"by_state", by_state},
                 {"by_process", by_process}};
    return dump(Json{{"summary", json}}, 2) + "\n";
  }
  Language language = options.base.language;
  std::string out = fmt::format("{} {}\n", translate(N_("Total sockets:"), language), rows.size());
  auto section = [&](const char* title, const std::map<std::string, size_t>& counts) {
    out += fmt::format("{}\n", translate(title, language));
    std::vector<std::pair<size_t, std::string>> sorted;
    for (const auto& [name, count] : counts) sorted.emplace_back(count, name);
    std::sort(sorted.rbegin(), sorted.rend());
    for (size_t i = 0; i < sorted.size() && i < 15; ++i) {
      out += fmt::format("  {:>7}  {}\n", sorted[i].first, terminal_safe(sorted[i].second));
    }
  };
  section(N_("By protocol:"), by_protocol);
  section(N_("By state:"), by_state);
  if (options.owners_known) section(N_("By process (top 15):"), by_process);
  return out;
}

}  // namespace portlens
