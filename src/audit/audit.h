#pragma once
// `portlens audit`'s judgement: for every listening socket, how far it is
// reachable (bind address + firewall verdict) and what that means given the
// knowledge base and the owning process. Pure logic over gathered facts; the
// command (cli/audit_command.cc) gathers them and prints the result.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firewall/evaluate.h"
#include "inventory/proc_owners.h"
#include "inventory/socket_record.h"
#include "knowledge/knowledge_base.h"
#include "knowledge/risk.h"
#include "util/error.h"

namespace portlens {

/// A listening TCP socket or a bound, unconnected UDP socket, with its owners
/// (copied: the audit outlives the owner map) and its exposure.
struct AuditListener {
  SocketRecord socket;
  std::vector<ProcessInfo> processes;
  firewall::Verdict verdict;
  std::string service;       ///< The knowledge base's name for the port, or empty.
  std::optional<Risk> risk;  ///< The entry's risk when exposed (curated or user entry).
};

/// Facts about the host's firewall as a whole, for host-level findings.
struct FirewallFacts {
  bool readable = true;  ///< The whole live ruleset could be read.
  bool filters_ipv4 = false, filters_ipv6 = false;
  std::vector<std::string> sources;
};

/// The exposure of a socket: local-only when bound to loopback, else the
/// firewall's verdict for a probe to its address and port. With an
/// unreadable ruleset everything beyond loopback is unknown.
firewall::Verdict judge_exposure(const SocketRecord& socket, const firewall::Ruleset& ruleset, bool ruleset_complete);

struct Finding {
  std::string_view id;  ///< "PL-EXPOSED-DATABASE", stable across releases.
  Risk severity = Risk::info;
  int listener = -1;  ///< Index into the listeners, -1 for host-level findings.
  int process = -1;   ///< Index into that listener's processes, -1 for none.
  Error title, explanation, advice;  ///< Translated when printed (render_error).
};

/// Every finding, most severe first, then by port.
std::vector<Finding> judge(const std::vector<AuditListener>& listeners, const FirewallFacts& firewall,
                           const KnowledgeBase& base);

/// The severity a finding of base severity `base` (what it is when exposed)
/// gets at this exposure: one step lower (but not below low) when restricted
/// or unknown, at most low when blocked, info when only local.
Risk severity_for(Risk base, firewall::Exposure exposure);

/// Process anomalies, from the /proc/PID/exe link and the name.
bool executable_deleted(const ProcessInfo& process);
/// The executable (deleted or not) lives in /tmp, /var/tmp, /dev/shm or
/// another world-writable directory.
bool executable_in_writable_place(const ProcessInfo& process);
/// The process name (comm) names neither its executable nor, for an
/// interpreter, the script it runs.
bool name_mismatch(const ProcessInfo& process);

}  // namespace portlens
