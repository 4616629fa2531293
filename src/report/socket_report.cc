#include "report/socket_report.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "i18n/catalog.h"
#include "report/csv.h"
#include "report/sanitize.h"
#include "report/table.h"

namespace portlens {

std::string endpoint_text(AddressFamily family, const Endpoint& endpoint, bool wildcard_as_star) {
  std::string address = wildcard_as_star && is_wildcard(family, endpoint.address)
                            ? "*"
                            : address_text(family, endpoint.address);
  std::string port = endpoint.port == 0 && wildcard_as_star ? "*" : std::to_string(endpoint.port);
  if (family == AddressFamily::ipv6 && address != "*") return fmt::format("[{}]:{}", address, port);
  return address + ":" + port;
}

namespace {

using Json = nlohmann::ordered_json;

std::string processes_text(const SocketRow& row) {
  std::string out;
  for (const ProcessInfo* process : row.owners) {
    if (!out.empty()) out += ",";
    out += fmt::format("{}/{}", process->pid, terminal_safe(process->name));
  }
  return out;
}

std::string users_text(const SocketRow& row) {
  if (row.owners.empty()) return std::to_string(row.socket->uid);
  return terminal_safe(row.owners.front()->user);
}

Json endpoint_json(AddressFamily family, const Endpoint& endpoint) {
  return {{"addr", address_text(family, endpoint.address)}, {"port", endpoint.port}};
}

Json socket_json(const SocketRow& row, const SocketReportOptions& options) {
  const SocketRecord& socket = *row.socket;
  Json processes = Json::array();
  for (const ProcessInfo* process : row.owners) {
    Json item = {{"pid", process->pid}, {"name", process->name}, {"user", process->user}};
    if (options.command_line) item["cmdline"] = process->command_line;
    if (options.executable) item["exe"] = process->executable;
    processes.push_back(item);
  }
  return {
      {"proto", protocol_name(socket.protocol)},
      {"family", socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6"},
      {"state", state_name(socket.state)},
      {"local", endpoint_json(socket.family, socket.local)},
      {"remote", endpoint_json(socket.family, socket.remote)},
      {"inode", socket.inode},
      {"uid", socket.uid},
      {"recv_q", socket.receive_queue},
      {"send_q", socket.send_queue},
      {"processes", processes},
      {"service", row.note.service.empty() ? Json(nullptr) : Json(row.note.service)},
      {"service_port", row.service_port},
      {"risk", row.show_risk && row.note.has_risk ? Json(risk_name(row.note.risk)) : Json(nullptr)},
  };
}

std::string dump(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string render_socket_table(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  Language language = options.base.language;
  auto tr = [&](const char* msgid) { return std::string(translate(msgid, language)); };
  std::vector<std::string> headers = {tr(N_("PROTO")), tr(N_("STATE")), tr(N_("LOCAL")), tr(N_("PEER"))};
  if (!options.numeric) headers.push_back(tr(N_("SERVICE")));
  headers.push_back(tr(N_("RISK")));
  if (options.owners_known) headers.push_back(tr(N_("PROCESS")));
  headers.push_back(tr(N_("USER")));
  if (options.executable) headers.push_back(tr(N_("EXECUTABLE")));
  if (options.command_line) headers.push_back(tr(N_("COMMAND")));
  TextTable table(std::move(headers));
  for (const SocketRow& row : rows) {
    const SocketRecord& socket = *row.socket;
    std::string proto(protocol_name(socket.protocol));
    if (socket.family == AddressFamily::ipv6) proto += "6";
    std::vector<std::string> cells = {proto, std::string(state_name(socket.state)),
                                      endpoint_text(socket.family, socket.local, true),
                                      endpoint_text(socket.family, socket.remote, true)};
    if (!options.numeric) cells.push_back(row.note.service.empty() ? "-" : terminal_safe(row.note.service));
    cells.push_back(row.show_risk && row.note.has_risk
                        ? options.base.style.risk(row.note.risk, std::string(risk_label(row.note.risk, language)))
                        : "");
    if (options.owners_known) cells.push_back(processes_text(row));
    cells.push_back(users_text(row));
    if (options.executable) {
      cells.push_back(row.owners.empty() ? "" : terminal_safe(row.owners.front()->executable));
    }
    if (options.command_line) {
      cells.push_back(row.owners.empty() ? "" : terminal_safe(row.owners.front()->command_line));
    }
    table.add_row(std::move(cells));
  }
  return table.render(options.base.width);
}

std::string render_socket_json(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  Json sockets = Json::array();
  for (const SocketRow& row : rows) sockets.push_back(socket_json(row, options));
  return dump(Json{{"sockets", sockets}}, 2) + "\n";
}

std::string render_socket_ndjson(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  std::string out;
  for (const SocketRow& row : rows) out += dump(socket_json(row, options), -1) + "\n";
  return out;
}

std::string render_socket_csv(const std::vector<SocketRow>& rows, const SocketReportOptions& options) {
  std::string out = csv_row({"proto", "family", "state", "local_addr", "local_port", "remote_addr",
                             "remote_port", "inode", "uid", "service", "risk", "pids", "processes", "user"});
  for (const SocketRow& row : rows) {
    const SocketRecord& socket = *row.socket;
    std::string pids, names;
    for (const ProcessInfo* process : row.owners) {
      if (!pids.empty()) pids += ';', names += ';';
      pids += std::to_string(process->pid);
      names += process->name;
    }
    out += csv_row({std::string(protocol_name(socket.protocol)),
                    socket.family == AddressFamily::ipv4 ? "ipv4" : "ipv6",
                    std::string(state_name(socket.state)), address_text(socket.family, socket.local.address),
                    std::to_string(socket.local.port), address_text(socket.family, socket.remote.address),
                    std::to_string(socket.remote.port), std::to_string(socket.inode),
                    std::to_string(socket.uid), std::string(row.note.service),
                    row.show_risk && row.note.has_risk ? std::string(risk_name(row.note.risk)) : "",
                    pids, names, row.owners.empty() ? "" : row.owners.front()->user});
  }
  (void)options;
  return out;
}

std::string render_socket_summary(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                                  bool as_json) {
  std::map<std::string, size_t> by_protocol, by_state, by_process;
  for (const SocketRow& row : rows) {
    std::string proto(protocol_name(row.socket->protocol));
    if (row.socket->family == AddressFamily::ipv6) proto += "6";
    ++by_protocol[proto];
    ++by_state[std::string(state_name(row.socket->state))];
    if (row.owners.empty()) continue;
    ++by_process[row.owners.front()->name];
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
