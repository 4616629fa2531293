#pragma once
// Renders `portlens ls`: one row per socket with its owners and what the
// knowledge base says about its port, as a table, JSON, NDJSON or CSV, and
// the --summary counts.

#include <span>
#include <unordered_map>
#include <string>
#include <vector>

#include "inventory/proc_owners.h"
#include "inventory/socket_record.h"
#include "knowledge/knowledge_base.h"
#include "report/port_report.h"
#include "report/sink.h"

namespace portlens {

/// One socket to show. Kept small (16 bytes) because there may be 41,000:
/// owners and the knowledge note are looked up when a row is rendered.
struct SocketRow {
  const SocketRecord* socket = nullptr;
  uint16_t service_port = 0;  ///< The port whose service names the socket (local or remote).
  bool show_risk = false;     ///< Listeners and unconnected UDP carry a risk marker.
};

/// Where rows find their owners and their port's note.
struct SocketLookup {
  const OwnerMap* owners = nullptr;  ///< nullptr with --no-process.
  const KnowledgeBase* base = nullptr;

  std::span<const ProcessInfo* const> owners_of(const SocketRow& row) const {
    return owners != nullptr ? owners->owners_of(row.socket->inode) : std::span<const ProcessInfo* const>();
  }
  KnowledgeBase::QuickNote note_of(const SocketRow& row) const {
    return base->quick_note(row.service_port, row.socket->protocol);
  }
};

/// Host names for addresses (address_text → name), filled by the command
/// line layer with --resolve; the report itself never asks DNS.
using HostNames = std::unordered_map<std::string, std::string>;

struct SocketReportOptions {
  ReportOptions base;
  SocketLookup lookup;
  const HostNames* host_names = nullptr;  ///< Set with --resolve.
  bool numeric = false;        ///< -n: no service names.
  bool owners_known = true;    ///< false with --no-process: no process columns.
  bool command_line = false;   ///< --cmdline column.
  bool executable = false;     ///< --exe column.
};

/// The renderers stream into `sink` in chunks: memory stays flat however
/// many sockets there are.
void write_socket_table(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                        OutputSink& sink);
/// {"sockets": [...]}, one socket object per line (docs/json.md).
void write_socket_json(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                       OutputSink& sink);
/// One JSON object per line, the same objects as in --json's "sockets".
void write_socket_ndjson(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                         OutputSink& sink);
void write_socket_csv(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                      OutputSink& sink);
/// Counts by protocol and state, and the processes with most sockets (like ss -s).
std::string render_socket_summary(const std::vector<SocketRow>& rows, const SocketReportOptions& options,
                                  bool as_json);

/// "127.0.0.1:22", "[::1]:631", "*:22" (wildcard), "[::ffff:10.0.0.1]:80".
std::string endpoint_text(AddressFamily family, const Endpoint& endpoint, bool wildcard_as_star,
                          const HostNames* host_names = nullptr);

}  // namespace portlens
