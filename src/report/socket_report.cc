#include "report/socket_report.h"

#include <fmt/format.h>

#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "i18n/catalog.h"
#include "report/csv.h"
#include "report/json_text.h"
#include "report/sanitize.h"
#include "report/table.h"

namespace portlens {

std::string endpoint_text(AddressFamily family, const Endpoint& endpoint, bool wildcard_as_star,
                          const HostNames* host_names) {
  std::string address = wildcard_as_star && is_wildcard(family, endpoint.address)
                            ? "*"
                            : address_text(family, endpoint.address);
  std::string port = endpoint.port == 0 && wildcard_as_star ? "*" : std::to_string(endpoint.port);
  if (host_names != nullptr) {
    // A resolved name is outside input (DNS, /etc/hosts): shown sanitised.
    if (auto found = host_names->find(address); found != host_names->end()) {
      return terminal_safe(found->second) + ":" + port;
    }
  }
  if (family == AddressFamily::ipv6 && address != "*") return fmt::format("[{}]:{}", address, port);
  return address + ":" + port;
}

namespace {

using Json = nlohmann::ordered_json;

void append_processes(std::string& out, std::span<const ProcessInfo* const> owners) {
  for (size_t i = 0; i < owners.size(); ++i) {
    if (i > 0) out += ',';
    fmt::format_to(std::back_inserter(out), "{}/{}", owners[i]->pid, terminal_safe(owners[i]->name));
  }
}

std::string users_text(const SocketRow& row, std::span<const ProcessInfo* const> owners) {
  if (owners.empty()) return std::to_string(row.socket->uid);
  return terminal_safe(owners.front()->user);
}

void append_endpoint_json(std::string& out, AddressFamily family, const Endpoint& endpoint,
                          const HostNames* host_names) {
  std::string address = address_text(family, endpoint.address);
  fmt::format_to(std::back_inserter(out), "{{\"addr\": \"{}\", \"port\": {}", address, endpoint.port);
  if (host_names != nullptr) {
    auto found = host_names->find(address);
    out += ", \"name\": ";
    if (found == host_names->end()) out += "null";
    else append_json_string(out, found->second);
  }
  out += '}';
}

/// One socket as a single-line JSON object (the schema in docs/json.md).
void append_socket_json(std::string& out, const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  fmt::format_to(std::back_inserter(out), "{{\"proto\": \"{}\", \"family\": \"{}\", \"state\": \"{}\", \"local\": ",
                 protocol_name(socket.protocol), socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6",
                 state_name(socket.state));
  append_endpoint_json(out, socket.family, socket.local, options.host_names);
  out += ", \"remote\": ";
  append_endpoint_json(out, socket.family, socket.remote, options.host_names);
  fmt::format_to(std::back_inserter(out), ", \"inode\": {}, \"uid\": {}, \"recv_q\": {}, \"send_q\": {}, \"processes\": [",
                 socket.inode, socket.uid, socket.receive_queue, socket.send_queue);
  for (size_t i = 0; i < owners.size(); ++i) {
    const ProcessInfo& process = *owners[i];
    if (i > 0) out += ", ";
    fmt::format_to(std::back_inserter(out), "{{\"pid\": {}, \"name\": ", process.pid);
    append_json_string(out, process.name);
    out += ", \"user\": ";
    append_json_string(out, process.user);
    if (options.command_line) out += ", \"cmdline\": ", append_json_string(out, process.command_line);
    if (options.executable) out += ", \"exe\": ", append_json_string(out, process.executable);
    out += '}';
  }
  out += "], \"service\": ";
  if (note.service.empty()) out += "null";
  else append_json_string(out, note.service);
  fmt::format_to(std::back_inserter(out), ", \"service_port\": {}, \"risk\": ", row.service_port);
  if (row.show_risk && note.has_risk) {
    fmt::format_to(std::back_inserter(out), "\"{}\"", risk_name(note.risk));
  } else {
    out += "null";
  }
  out += '}';
}

std::string dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

void fill_cells(std::vector<std::string>& cells, const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  auto owners = options.lookup.owners_of(row);
  auto note = options.lookup.note_of(row);
  Language language = options.base.language;
  cells.clear();
  std::string proto(protocol_name(socket.protocol));
  if (socket.family == AddressFamily::ipv6) proto += '6';
  cells.push_back(std::move(proto));
  cells.emplace_back(state_name(socket.state));
  cells.push_back(endpoint_text(socket.family, socket.local, true, options.host_names));
  cells.push_back(endpoint_text(socket.family, socket.remote, true, options.host_names));
  if (!options.numeric) cells.push_back(note.service.empty() ? "-" : terminal_safe(note.service));
  cells.push_back(row.show_risk && note.has_risk
                      ? options.base.style.risk(note.risk, std::string(risk_label(note.risk, language)))
                      : std::string());
  if (options.owners_known) {
    cells.emplace_back();
    append_processes(cells.back(), owners);
  }
  cells.push_back(users_text(row, owners));
  const ProcessInfo* first = owners.empty() ? nullptr : owners.front();
  if (options.executable) cells.push_back(first ? terminal_safe(first->executable) : std::string());
  if (options.command_line) cells.push_back(first ? terminal_safe(first->command_line) : std::string());
}

std::vector<std::string> table_headers(const SocketReportOptions& options) {
  Language language = options.base.language;
  auto tr = [&](const char* msgid) { return std::string(translate(msgid, language)); };
  std::vector<std::string> headers = {tr(N_("PROTO")), tr(N_("STATE")), tr(N_("LOCAL")), tr(N_("PEER"))};
  if (!options.numeric) headers.push_back(tr(N_("SERVICE")));
  headers.push_back(tr(N_("RISK")));
  if (options.owners_known) headers.push_back(tr(N_("PROCESS")));
  headers.push_back(tr(N_("USER")));
  if (options.executable) headers.push_back(tr(N_("EXECUTABLE")));
  if (options.command_line) headers.push_back(tr(N_("COMMAND")));
  return headers;
}

}  // namespace

void write_socket_table(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                        OutputSink& sink) {
  // Two passes instead of a stored table: measure, then lay out. A big
  // table (41k sockets) is measured in two halves, one per core, and laid
  // out in alternating blocks by two threads (see below). Everything the
  // cells read is read-only by then (the knowledge base's index is built
  // before the threads start).
  constexpr size_t kParallelRows = 8192;
  std::vector<std::string> headers = table_headers(options);
  TableLayout layout;
  layout.measure(headers);
  size_t half = rows.size() >= kParallelRows ? rows.size() / 2 : rows.size();
  if (!rows.empty()) options.lookup.note_of(rows.front());
  auto measure = [&](TableLayout& into, size_t first, size_t last) {
    std::vector<std::string> cells;
    for (size_t i = first; i < last; ++i) {
      fill_cells(cells, rows[i], options);
      into.measure(cells);
    }
  };
  TableLayout second;
  std::optional<std::thread> helper;
  if (half < rows.size()) helper.emplace(measure, std::ref(second), half, rows.size());
  measure(layout, 0, half);
  if (helper) {
    helper->join();
    layout.merge(second);
  }

  // Lay out: blocks of rows alternate between this thread, which writes
  // its blocks straight to the output, and the helper, which fills one of
  // two slots that this thread copies out in order. At most two blocks wait,
  // so memory stays flat whatever the table's size.
  ChunkWriter writer(sink);
  layout.append_line(writer.buffer(), headers, options.base.width);
  constexpr size_t kBlockRows = 2048;
  size_t blocks = (rows.size() + kBlockRows - 1) / kBlockRows;
  auto lay_out = [&](std::string& out, size_t block, std::vector<std::string>& cells) {
    size_t last = std::min(rows.size(), (block + 1) * kBlockRows);
    for (size_t i = block * kBlockRows; i < last; ++i) {
      fill_cells(cells, rows[i], options);
      layout.append_line(out, cells, options.base.width);
    }
  };
  struct Slot {
    std::string text;
    bool ready = false;
  };
  std::array<Slot, 2> slots;
  std::mutex mutex;
  std::condition_variable changed;
  bool parallel = half < rows.size();
  if (parallel) {
    helper.emplace([&] {
      std::vector<std::string> cells;
      for (size_t block = 1; block < blocks; block += 2) {
        Slot& slot = slots[(block / 2) % slots.size()];
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return !slot.ready; });
        }
        slot.text.clear();
        lay_out(slot.text, block, cells);
        {
          std::lock_guard lock(mutex);
          slot.ready = true;
        }
        changed.notify_all();
      }
    });
  }
  std::vector<std::string> cells;
  for (size_t block = 0; block < blocks; ++block) {
    if (!parallel || block % 2 == 0) {
      lay_out(writer.buffer(), block, cells);
    } else {
      Slot& slot = slots[(block / 2) % slots.size()];
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return slot.ready; });
      }
      writer.buffer() += slot.text;
      {
        std::lock_guard lock(mutex);
        slot.ready = false;
      }
      changed.notify_all();
    }
    writer.maybe_flush();
  }
  if (helper) helper->join();
}

void write_socket_json(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                       OutputSink& sink) {
  ChunkWriter writer(sink);
  writer.buffer() += "{\"sockets\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    writer.buffer() += i == 0 ? "\n  " : ",\n  ";
    append_socket_json(writer.buffer(), rows[i], options);
    writer.maybe_flush();
  }
  writer.buffer() += rows.empty() ? "]}\n" : "\n]}\n";
}

void write_socket_ndjson(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                         OutputSink& sink) {
  ChunkWriter writer(sink);
  for (const SocketRow& row : rows) {
    append_socket_json(writer.buffer(), row, options);
    writer.buffer() += '\n';
    writer.maybe_flush();
  }
}

void write_socket_csv(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                      OutputSink& sink) {
  ChunkWriter writer(sink);
  writer.buffer() += csv_row({"proto", "family", "state", "local_addr", "local_port", "remote_addr",
                              "remote_port", "inode", "uid", "service", "risk", "pids", "processes", "user"});
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
    writer.buffer() += csv_row({std::string(protocol_name(socket.protocol)),
                                socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6",
                                std::string(state_name(socket.state)), address_text(socket.family, socket.local.address),
                                std::to_string(socket.local.port), address_text(socket.family, socket.remote.address),
                                std::to_string(socket.remote.port), std::to_string(socket.inode),
                                std::to_string(socket.uid), std::string(note.service),
                                row.show_risk && note.has_risk ? std::string(risk_name(note.risk)) : "",
                                pids, names, owners.empty() ? "" : owners.front()->user});
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
