// `portlens audit`: every listening socket judged — how far it can be reached
// (bind address + the live firewall ruleset) and what that means (knowledge
// base, owning process). The pipeline: listeners from the kernel (netlink,
// /proc/net fallback) → owners with executables → live ruleset (nftables,
// iptables-nft, iptables-legacy) → a verdict per socket → findings → allow
// file and baseline → report and exit code.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "audit/audit.h"
#include "audit/policy_files.h"
#include "cli/command.h"
#include "cli/knowledge_files.h"
#include "firewall/live.h"
#include "inventory/netlink_source.h"
#include "inventory/netns.h"
#include "inventory/proc_net_source.h"
#include "report/csv.h"
#include "report/sanitize.h"
#include "report/socket_report.h"
#include "report/table.h"
#include "util/file.h"
#include "util/text.h"

namespace portlens {

namespace {

using firewall::Exposure;
// Keys in the order docs/json.md lists them, as info and ls print theirs.
using json = nlohmann::ordered_json;

std::string_view exposure_label(Exposure exposure, Language language) {
  static constexpr const char* kLabels[] = {N_("exposed"), N_("restricted"), N_("blocked"), N_("local-only"),
                                            N_("unknown")};
  return translate(kLabels[static_cast<int>(exposure)], language);
}

/// A finding with what the allow file and the baseline say of it.
struct Judged {
  const Finding* finding;
  const Allowance* allowed_by = nullptr;
  bool in_baseline = false;
};

class AuditCommand : public Command {
 public:
  void add_options(CLI::App& app, const Context& ctx) override;
  int run(Context& ctx) override;

 private:
  Result<std::vector<SocketRecord>> read_listeners(const Context& ctx) const;
  void print_text(const Context& ctx, const std::vector<AuditListener>& listeners, const std::vector<Judged>& shown,
                  size_t hidden_allowed, size_t hidden_baseline, const firewall::LiveRuleset& live,
                  const FirewallFacts& facts) const;
  json to_json(const Context& ctx, const std::vector<AuditListener>& listeners, const std::vector<Judged>& judged,
               const std::vector<const Allowance*>& expired, const FirewallFacts& facts,
               const firewall::LiveRuleset& live) const;

  std::optional<std::string> fail_on_, allow_, baseline_, save_baseline_, netns_, source_;
  KnowledgeFileOptions files_;
};

void AuditCommand::add_options(CLI::App& app, const Context& ctx) {
  auto tr = [&](const char* msgid) { return std::string(ctx.tr(msgid)); };
  app.add_option("--fail-on", fail_on_, tr(N_("exit with status 3 when a finding of at least this severity is reported")));
  app.add_option("--allow", allow_, tr(N_("TOML file of accepted findings (id, port, process, reason, expires)")));
  app.add_option("--baseline", baseline_, tr(N_("report only findings that are not in this baseline file")));
  app.add_option("--save-baseline", save_baseline_, tr(N_("write the findings of this run to a baseline file")));
  app.add_option("--netns", netns_, tr(N_("look into this network namespace (a name from ip netns, or a path)")));
  app.add_option("--source", source_, tr(N_("where sockets come from: netlink (default) or proc")));
  add_knowledge_file_options(app, files_, ctx);
}

Result<std::vector<SocketRecord>> AuditCommand::read_listeners(const Context& ctx) const {
  SocketQuery query;
  query.state_mask = state_bit(SocketState::listen) | state_bit(SocketState::close);
  std::optional<Error> refused;
  auto sockets = read_sockets(query, source_ && *source_ == "proc", &refused);
  if (refused) warn_netlink_refused(ctx, *refused);
  return sockets;
}

std::string_view proto_name(const SocketRecord& socket) { return socket.protocol == Protocol::udp ? "udp" : "tcp"; }

bool allowance_covers(const Allowance& allow, const Finding& finding, const std::vector<AuditListener>& listeners) {
  if (allow.id && *allow.id != finding.id) return false;
  if (finding.listener < 0) return !allow.port && !allow.process && !allow.protocol;
  const AuditListener& listener = listeners[static_cast<size_t>(finding.listener)];
  if (allow.port && *allow.port != listener.socket.local.port) return false;
  if (allow.protocol && *allow.protocol != listener.socket.protocol) return false;
  if (allow.process && std::none_of(listener.processes.begin(), listener.processes.end(),
                                    [&](const ProcessInfo& p) { return p.name == *allow.process; })) {
    return false;
  }
  return true;
}

BaselineItem baseline_item(const Finding& finding, const std::vector<AuditListener>& listeners) {
  BaselineItem item{std::string(finding.id), std::nullopt, 0, {}, finding.severity};
  if (finding.listener >= 0) {
    const AuditListener& listener = listeners[static_cast<size_t>(finding.listener)];
    item.protocol = listener.socket.protocol;
    item.port = listener.socket.local.port;
    if (finding.process >= 0) item.process = listener.processes[static_cast<size_t>(finding.process)].name;
  }
  return item;
}

Result<std::string> read_named_file(const std::string& path) { return read_text_file(path, 16u << 20); }

json localized(const Error& text) {
  return json{{"en", render_error(text, Language::en)}, {"zh", render_error(text, Language::zh)}};
}

json process_json(const ProcessInfo& process) {
  return json{{"pid", process.pid},
              {"name", process.name},
              {"user", process.user},
              {"executable", process.executable.empty() ? json(nullptr) : json(process.executable)}};
}

json evidence_json(const firewall::Verdict& verdict) {
  json evidence = json::object();
  if (verdict.deciding) {
    const firewall::RuleRef& ref = *verdict.deciding;
    evidence["rule"] = ref.text;
    evidence["backend"] = firewall::backend_name(ref.backend);
    evidence["family"] = ref.family;
    evidence["table"] = ref.table;
    evidence["chain"] = ref.chain;
    evidence["handle"] = ref.handle;
  } else {
    evidence["rule"] = nullptr;
  }
  evidence["only_from"] = verdict.only_from;
  evidence["rejected"] = verdict.rejected;
  static constexpr const char* kReasons[] = {nullptr, "unmodeled-match", "unmodeled-action", "missing-chain",
                                             "too-complex"};
  const char* reason = kReasons[static_cast<int>(verdict.unknown_reason)];
  evidence["unknown_reason"] = reason ? json(reason) : json(nullptr);
  return evidence;
}

json listener_json(const AuditListener& listener) {
  const SocketRecord& socket = listener.socket;
  json processes = json::array();
  for (const ProcessInfo& process : listener.processes) processes.push_back(process_json(process));
  return json{{"proto", proto_name(socket)},
              {"family", family_name(socket.family)},
              {"local", {{"addr", address_text(socket.family, socket.local.address)}, {"port", socket.local.port}}},
              {"inode", socket.inode},
              {"processes", processes},
              {"service", listener.service.empty() ? json(nullptr) : json(listener.service)},
              {"risk", listener.risk ? json(risk_name(*listener.risk)) : json(nullptr)},
              {"exposure", firewall::exposure_name(listener.verdict.exposure)},
              {"evidence", evidence_json(listener.verdict)}};
}

json AuditCommand::to_json(const Context&, const std::vector<AuditListener>& listeners,
                           const std::vector<Judged>& judged, const std::vector<const Allowance*>& expired,
                           const FirewallFacts& facts, const firewall::LiveRuleset& live) const {
  json findings = json::array(), suppressed = json::array();
  json by_severity = json::object();  // most severe first
  for (auto it = std::rbegin(kRisks); it != std::rend(kRisks); ++it) by_severity[std::string(risk_name(*it))] = 0;
  for (const Judged& item : judged) {
    const Finding& finding = *item.finding;
    json object{{"id", finding.id}, {"severity", risk_name(finding.severity)}};
    if (finding.listener >= 0) {
      const AuditListener& listener = listeners[static_cast<size_t>(finding.listener)];
      const SocketRecord& socket = listener.socket;
      object["proto"] = proto_name(socket);
      object["family"] = family_name(socket.family);
      object["local"] = {{"addr", address_text(socket.family, socket.local.address)}, {"port", socket.local.port}};
      object["exposure"] = firewall::exposure_name(listener.verdict.exposure);
      object["evidence"] = evidence_json(listener.verdict);
      object["process"] = finding.process >= 0
                              ? process_json(listener.processes[static_cast<size_t>(finding.process)])
                              : json(nullptr);
      object["service"] = listener.service.empty() ? json(nullptr) : json(listener.service);
    } else {
      object["proto"] = nullptr;
      object["family"] = nullptr;
      object["local"] = nullptr;
      object["exposure"] = nullptr;
      object["evidence"] = nullptr;
      object["process"] = nullptr;
      object["service"] = nullptr;
    }
    object["title"] = localized(finding.title);
    object["explanation"] = localized(finding.explanation);
    object["advice"] = localized(finding.advice);
    if (item.allowed_by != nullptr) {
      object["allowed"] = {{"reason", item.allowed_by->reason},
                           {"line", item.allowed_by->line},
                           {"expires", item.allowed_by->expires ? json(date_text(*item.allowed_by->expires))
                                                                : json(nullptr)}};
      suppressed.push_back(std::move(object));
      continue;
    }
    if (item.in_baseline) continue;
    by_severity[std::string(risk_name(finding.severity))] = by_severity[std::string(risk_name(finding.severity))].get<int>() + 1;
    findings.push_back(std::move(object));
  }
  json listener_list = json::array();
  size_t exposed = 0;
  for (const AuditListener& listener : listeners) {
    listener_list.push_back(listener_json(listener));
    exposed += listener.verdict.exposure == Exposure::exposed;
  }
  json problems = json::array();
  for (const Error& problem : live.problems) problems.push_back(render_error(problem, Language::en));
  json expired_list = json::array();
  for (const Allowance* allow : expired) {
    expired_list.push_back({{"line", allow->line},
                            {"id", allow->id ? json(*allow->id) : json(nullptr)},
                            {"port", allow->port ? json(*allow->port) : json(nullptr)},
                            {"proto", allow->protocol ? json(*allow->protocol == Protocol::udp ? "udp" : "tcp")
                                                      : json(nullptr)},
                            {"process", allow->process ? json(*allow->process) : json(nullptr)},
                            {"reason", allow->reason},
                            {"expires", date_text(*allow->expires)}});
  }
  size_t baseline_hidden = static_cast<size_t>(
      std::count_if(judged.begin(), judged.end(), [](const Judged& j) { return j.in_baseline && !j.allowed_by; }));
  return json{{"findings", findings},
              {"suppressed", suppressed},
              {"expired_allowances", expired_list},
              {"listeners", listener_list},
              {"firewall",
               {{"readable", facts.readable},
                {"sources", facts.sources},
                {"filters", {{"ipv4", facts.filters_ipv4}, {"ipv6", facts.filters_ipv6}}},
                {"problems", problems}}},
              {"summary",
               {{"listeners", listeners.size()},
                {"exposed", exposed},
                {"findings", findings.size()},
                {"by_severity", by_severity},
                {"suppressed", suppressed.size()},
                {"in_baseline", baseline_hidden}}}};
}

std::string listener_place(const AuditListener& listener) {
  return fmt::format("{} {}", proto_name(listener.socket),
                     endpoint_text(listener.socket.family, listener.socket.local, true));
}

std::string process_text(const ProcessInfo& process) {
  return fmt::format("{} (pid {}, {})", terminal_safe(process.name), process.pid, terminal_safe(process.user));
}

std::string evidence_text(const firewall::Verdict& verdict, const Context& ctx) {
  std::string text;
  if (verdict.deciding) text = terminal_safe(firewall::rule_ref_text(*verdict.deciding));
  if (!verdict.only_from.empty()) {
    text += fmt::format("{}{} {}", text.empty() ? "" : "; ", ctx.tr(N_("accepted only for")),
                        terminal_safe(fmt::format("{}", fmt::join(verdict.only_from, " | "))));
  }
  if (verdict.exposure == Exposure::local_only) text = std::string(ctx.tr(N_("bound to loopback")));
  if (text.empty() && verdict.exposure == Exposure::exposed) text = std::string(ctx.tr(N_("no firewall rule applies")));
  if (text.empty() && verdict.exposure == Exposure::unknown) text = std::string(ctx.tr(N_("the ruleset could not be read")));
  return text;
}

void AuditCommand::print_text(const Context& ctx, const std::vector<AuditListener>& listeners,
                              const std::vector<Judged>& shown, size_t hidden_allowed, size_t hidden_baseline,
                              const firewall::LiveRuleset& live, const FirewallFacts& facts) const {
  const Style& style = ctx.style;
  size_t exposed = static_cast<size_t>(std::count_if(listeners.begin(), listeners.end(), [](const AuditListener& l) {
    return l.verdict.exposure == Exposure::exposed;
  }));
  std::string firewall = facts.sources.empty() ? std::string(ctx.tr(N_("none read")))
                                               : fmt::format("{}", fmt::join(live.sources, ", "));
  std::string out = style.bold(ctx.trf(N_("portlens audit: listening sockets: {}, reachable from anywhere: {}; firewall: {}"),
                                       listeners.size(), exposed, firewall)) + "\n";
  std::map<Risk, size_t> counts;
  for (const Judged& item : shown) ++counts[item.finding->severity];
  Risk worst = shown.empty() ? Risk::info : shown.front().finding->severity;
  std::string verdict;
  if (shown.empty()) {
    verdict = std::string(ctx.tr(N_("no findings.")));
  } else {
    std::vector<std::string> parts;
    for (auto it = std::rbegin(kRisks); it != std::rend(kRisks); ++it) {
      if (counts[*it] > 0) parts.push_back(fmt::format("{} {}", counts[*it], risk_label(*it, ctx.language)));
    }
    std::string_view advice = worst >= Risk::high     ? ctx.tr(N_("act on them now."))
                              : worst == Risk::medium ? ctx.tr(N_("worth a look."))
                                                      : ctx.tr(N_("nothing urgent."));
    verdict = ctx.trf(N_("findings: {} ({}): {}"), shown.size(), fmt::format("{}", fmt::join(parts, ", ")), advice);
  }
  out += verdict + "\n";
  if (hidden_allowed + hidden_baseline > 0) {
    out += style.dim(ctx.trf(N_("not shown: {} allowed by the allow file, {} already in the baseline"), hidden_allowed,
                             hidden_baseline)) + "\n";
  }
  int wrap_width = std::max(40, ctx.width - 6);
  std::optional<Risk> group;
  for (const Judged& item : shown) {
    const Finding& finding = *item.finding;
    if (!group || *group != finding.severity) {
      group = finding.severity;
      std::string heading(risk_label(finding.severity, ctx.language));
      if (ctx.language == Language::en) std::transform(heading.begin(), heading.end(), heading.begin(), ::toupper);
      out += "\n" + style.risk(finding.severity, style.bold(heading)) + "\n";
    }
    std::string line = fmt::format("  {}", style.risk(finding.severity, std::string(finding.id)));
    const AuditListener* listener =
        finding.listener >= 0 ? &listeners[static_cast<size_t>(finding.listener)] : nullptr;
    if (listener != nullptr) {
      line += "  " + listener_place(*listener);
      if (finding.process >= 0) {
        line += "  " + process_text(listener->processes[static_cast<size_t>(finding.process)]);
      }
      line += "  " + std::string(exposure_label(listener->verdict.exposure, ctx.language));
    }
    out += line + "\n";
    auto paragraph = [&](std::string_view label, const std::string& text) {
      // "why: …" but "原因：…": a full-width colon brings its own space.
      int gap = label.ends_with("\uFF1A") ? 0 : 1;
      int indent = display_width(label) + gap;
      std::vector<std::string> lines = wrap_text(terminal_safe(text), wrap_width - indent);
      for (size_t i = 0; i < lines.size(); ++i) {
        std::string lead = i == 0 ? style.dim(label) + std::string(static_cast<size_t>(gap), ' ')
                                  : std::string(static_cast<size_t>(indent), ' ');
        out += fmt::format("    {}{}\n", lead, lines[i]);
      }
    };
    paragraph(ctx.tr(N_("what:")), render_error(finding.title, ctx.language));
    paragraph(ctx.tr(N_("why:")), render_error(finding.explanation, ctx.language));
    paragraph(ctx.tr(N_("advice:")), render_error(finding.advice, ctx.language));
    if (listener != nullptr) paragraph(ctx.tr(N_("firewall:")), evidence_text(listener->verdict, ctx));
  }
  if (ctx.verbosity > 0) {
    TextTable table({std::string(ctx.tr(N_("Proto"))), std::string(ctx.tr(N_("Local"))),
                     std::string(ctx.tr(N_("Exposure"))), std::string(ctx.tr(N_("Service"))),
                     std::string(ctx.tr(N_("Process"))), std::string(ctx.tr(N_("Evidence")))});
    for (const AuditListener& listener : listeners) {
      std::string owners;
      for (const ProcessInfo& process : listener.processes) {
        owners += (owners.empty() ? "" : ",") + fmt::format("{}/{}", process.pid, terminal_safe(process.name));
      }
      table.add_row({std::string(proto_name(listener.socket)),
                     endpoint_text(listener.socket.family, listener.socket.local, true),
                     std::string(exposure_label(listener.verdict.exposure, ctx.language)),
                     listener.service.empty() ? "-" : terminal_safe(listener.service), owners.empty() ? "-" : owners,
                     evidence_text(listener.verdict, ctx)});
    }
    out += "\n" + table.render(ctx.width);
  }
  ctx.print(out);
}

int AuditCommand::run(Context& ctx) {
  std::optional<Risk> fail_on;
  if (fail_on_) {
    fail_on = parse_risk(*fail_on_);
    if (!fail_on) return ctx.fail(make_error(N_("unknown risk level '{}' (info, low, medium, high, critical)"), *fail_on_), kExitUsage);
  }
  if (source_ && *source_ != "netlink" && *source_ != "proc") {
    return ctx.fail(make_error(N_("unknown socket source '{}' (netlink or proc)"), *source_), kExitUsage);
  }
  std::vector<Allowance> allowances;
  if (allow_) {
    auto text = read_named_file(*allow_);
    if (!text) return ctx.fail(text.error(), kExitUsage);
    auto parsed = parse_allow_file(*text, *allow_);
    if (!parsed) return ctx.fail(parsed.error(), kExitUsage);
    allowances = std::move(*parsed);
  }
  std::vector<BaselineItem> baseline;
  if (baseline_) {
    auto text = read_named_file(*baseline_);
    if (!text) return ctx.fail(text.error(), kExitUsage);
    auto parsed = parse_baseline(*text, *baseline_);
    if (!parsed) return ctx.fail(parsed.error(), kExitUsage);
    baseline = std::move(*parsed);
  }
  auto extra = load_knowledge_files(files_, ctx.env);
  if (!extra) return ctx.fail(extra.error(), kExitUsage);
  if (netns_) {
    if (auto entered = enter_network_namespace(network_namespace_path(*netns_)); !entered) {
      return ctx.fail(entered.error(), kExitUsage);
    }
  }

  auto sockets = read_listeners(ctx);
  if (!sockets) return ctx.fail(sockets.error(), kExitFailure);
  OwnerOptions owner_options;
  owner_options.command_line = true;
  owner_options.executable = true;
  auto owners = collect_owners(owner_options);
  if (!owners) return ctx.fail(owners.error(), kExitFailure);
  if (owners->permission_denied() && geteuid() != 0) {
    ctx.warn(make_error(N_("not running as root: owners of other users' sockets are not shown")));
  }
  firewall::LiveRuleset live = firewall::read_live_ruleset();
  FirewallFacts facts;
  facts.readable = live.problems.empty();
  facts.sources = live.sources;
  facts.filters_ipv4 = firewall::filters_input(live.ruleset, firewall::IpFamily::ipv4);
  facts.filters_ipv6 = firewall::filters_input(live.ruleset, firewall::IpFamily::ipv6);
  for (const Error& problem : live.problems) ctx.warn(problem);
  if (!live.problems.empty()) {
    ctx.warn(make_error(N_("the firewall could not be read completely: exposure beyond loopback is shown as unknown")));
  }

  KnowledgeBase base(std::move(*extra));
  std::vector<AuditListener> listeners;
  listeners.reserve(sockets->size());
  for (const SocketRecord& socket : *sockets) {
    AuditListener listener;
    listener.socket = socket;
    for (const ProcessInfo* process : owners->owners_of(socket.inode)) listener.processes.push_back(*process);
    listener.verdict = judge_exposure(socket, live.ruleset, facts.readable);
    auto note = base.quick_note(socket.local.port, socket.protocol);
    listener.service = std::string(note.service);
    if (note.has_risk) listener.risk = note.risk;
    listeners.push_back(std::move(listener));
  }
  std::stable_sort(listeners.begin(), listeners.end(), [](const AuditListener& a, const AuditListener& b) {
    if (a.socket.local.port != b.socket.local.port) return a.socket.local.port < b.socket.local.port;
    if (a.socket.protocol != b.socket.protocol) return a.socket.protocol < b.socket.protocol;
    return a.socket.family < b.socket.family;
  });
  std::vector<Finding> findings = judge(listeners, facts, base);

  CalendarDate today = today_utc();
  std::vector<const Allowance*> expired;
  for (const Allowance& allow : allowances) {
    if (allow.expires && *allow.expires < today) {
      expired.push_back(&allow);
      ctx.warn(make_error(N_("{}:{}: this allowance expired on {}: its findings are reported again"), *allow_,
                          allow.line, date_text(*allow.expires)));
    }
  }
  std::vector<Judged> judged;
  std::vector<BaselineItem> now;
  for (const Finding& finding : findings) {
    Judged item{&finding};
    for (const Allowance& allow : allowances) {
      bool current = !allow.expires || !(*allow.expires < today);
      if (current && allowance_covers(allow, finding, listeners)) {
        item.allowed_by = &allow;
        break;
      }
    }
    BaselineItem key = baseline_item(finding, listeners);
    item.in_baseline = std::any_of(baseline.begin(), baseline.end(),
                                   [&](const BaselineItem& known) { return baseline_covers(known, key); });
    if (!item.allowed_by) now.push_back(std::move(key));
    judged.push_back(item);
  }
  if (save_baseline_) {
    std::string text = write_baseline(now, today);
    std::FILE* file = std::fopen(save_baseline_->c_str(), "w");
    bool written = file != nullptr && std::fwrite(text.data(), 1, text.size(), file) == text.size();
    if (file != nullptr && std::fclose(file) != 0) written = false;
    if (!written) return ctx.fail(make_error(N_("cannot write {}: {}"), *save_baseline_, std::strerror(errno)), kExitFailure);
  }

  std::vector<Judged> shown;
  size_t hidden_allowed = 0, hidden_baseline = 0;
  for (const Judged& item : judged) {
    if (item.allowed_by) {
      ++hidden_allowed;
    } else if (item.in_baseline) {
      ++hidden_baseline;
    } else {
      shown.push_back(item);
    }
  }

  switch (ctx.format) {
    case OutputFormat::json:
      ctx.print(to_json(ctx, listeners, judged, expired, facts, live).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
      break;
    case OutputFormat::ndjson: {
      json document = to_json(ctx, listeners, judged, expired, facts, live);
      std::string out;
      for (const json& finding : document["findings"]) out += finding.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      ctx.print(out);
      break;
    }
    case OutputFormat::csv: {
      std::string out = csv_row({"id", "severity", "proto", "addr", "port", "exposure", "service", "pid", "process", "title"});
      for (const Judged& item : shown) {
        const Finding& finding = *item.finding;
        const AuditListener* l = finding.listener >= 0 ? &listeners[static_cast<size_t>(finding.listener)] : nullptr;
        const ProcessInfo* p = l && finding.process >= 0 ? &l->processes[static_cast<size_t>(finding.process)] : nullptr;
        out += csv_row({std::string(finding.id), std::string(risk_name(finding.severity)),
                        l ? std::string(proto_name(l->socket)) : "",
                        l ? address_text(l->socket.family, l->socket.local.address) : "",
                        l ? std::to_string(l->socket.local.port) : "",
                        l ? std::string(firewall::exposure_name(l->verdict.exposure)) : "", l ? l->service : "",
                        p ? std::to_string(p->pid) : "", p ? p->name : "", render_error(finding.title, ctx.language)});
      }
      ctx.print(out);
      break;
    }
    case OutputFormat::text:
      print_text(ctx, listeners, shown, hidden_allowed, hidden_baseline, live, facts);
      break;
  }
  if (fail_on && std::any_of(shown.begin(), shown.end(), [&](const Judged& j) { return j.finding->severity >= *fail_on; })) {
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace

std::unique_ptr<Command> make_audit_command() { return std::make_unique<AuditCommand>(); }

}  // namespace portlens
