// `portlens ls`: every TCP and UDP socket on this host (or in --netns), the
// processes that own it, and what its port is — `netstat -a` done right.
//
// The pipeline: options → kernel dump (netlink, state filter in the kernel;
// /proc/net when netlink is refused) → owner walk (skipped with --no-process)
// → one row per socket with the knowledge base's note → filters → sort →
// report.

#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>

#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>

#include "cli/command.h"
#include "cli/knowledge_files.h"
#include "inventory/netlink_source.h"
#include "inventory/netns.h"
#include "inventory/proc_net_source.h"
#include "inventory/proc_owners.h"
#include "report/socket_report.h"
#include "util/text.h"

namespace portlens {

namespace {

/// What the options mean, validated: everything the pipeline needs.
struct LsPlan {
  SocketQuery query;
  std::vector<PortQuery> any_port, local_port, remote_port;
  std::vector<int> pids;
  std::optional<uint32_t> uid;
  std::optional<Risk> minimum_risk;
  enum class Sort { port, process, state, risk } sort = Sort::port;
  bool use_proc = false;
};

bool port_matches(const std::vector<PortQuery>& queries, Protocol protocol, uint16_t port) {
  if (queries.empty()) return true;
  return std::any_of(queries.begin(), queries.end(), [&](const PortQuery& query) {
    return query.range.contains(port) && (query.protocols == kAnyProtocol || contains(query.protocols, protocol));
  });
}

class LsCommand : public Command {
 public:
  void add_options(CLI::App& app, const Context& ctx) override;
  int run(Context& ctx) override;

 private:
  Result<LsPlan> plan() const;
  Result<std::vector<SocketRecord>> read_sockets(const Context& ctx, const LsPlan& plan) const;
  std::vector<bool> serving_ports(const Context& ctx, const LsPlan& plan,
                                  const std::vector<SocketRecord>& sockets) const;
  bool keep(const SocketRow& row, const SocketLookup& lookup, const LsPlan& plan) const;
  static void sort_rows(std::vector<SocketRow>& rows, const SocketLookup& lookup, LsPlan::Sort sort);

  bool tcp_ = false, udp_ = false, ipv4_ = false, ipv6_ = false, listen_ = false, exposed_ = false;
  bool numeric_ = false, resolve_ = false, no_process_ = false, command_line_ = false, executable_ = false, summary_ = false;
  std::vector<std::string> states_;
  std::optional<std::string> port_, sport_, dport_, pid_, process_, user_, risk_, sort_, source_, netns_;
  KnowledgeFileOptions files_;
};

void LsCommand::add_options(CLI::App& app, const Context& ctx) {
  auto tr = [&](const char* msgid) { return std::string(ctx.tr(msgid)); };
  app.add_flag("-t,--tcp", tcp_, tr(N_("TCP sockets")));
  app.add_flag("-u,--udp", udp_, tr(N_("UDP sockets")));
  app.add_flag("-4,--ipv4", ipv4_, tr(N_("IPv4 only")));
  app.add_flag("-6,--ipv6", ipv6_, tr(N_("IPv6 only")));
  app.add_flag("-l,--listen", listen_, tr(N_("listening TCP and unconnected UDP sockets only (asked of the kernel)")));
  app.add_option("--state", states_, tr(N_("states, as ss names them: estab, listen, unconn, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack, closing")))->delimiter(',');
  app.add_option("--port", port_, tr(N_("local or remote port in this list (22,80-90,53/udp)")));
  app.add_option("--sport", sport_, tr(N_("local port in this list")));
  app.add_option("--dport", dport_, tr(N_("remote port in this list")));
  app.add_option("--pid", pid_, tr(N_("owned by one of these process ids (comma-separated)")));
  app.add_option("--process", process_, tr(N_("owned by a process with this name")));
  app.add_option("--user", user_, tr(N_("sockets of this user (name or uid)")));
  app.add_option("--risk", risk_, tr(N_("listeners whose port is at least this risky")));
  app.add_flag("--exposed", exposed_, tr(N_("listening on an address other than loopback")));
  app.add_flag("-n,--numeric", numeric_, tr(N_("no service names")));
  app.add_flag("-r,--resolve", resolve_, tr(N_("show host names (reverse DNS: slow; at most 256 addresses)")));
  app.add_flag("--no-process", no_process_, tr(N_("do not look up owning processes (fastest)")));
  app.add_flag("--cmdline", command_line_, tr(N_("show the owner's command line")));
  app.add_flag("--exe", executable_, tr(N_("show the owner's executable")));
  app.add_option("--sort", sort_, tr(N_("order: port (default), proc, state or risk")));
  app.add_flag("--summary", summary_, tr(N_("counts by protocol, state and process, like ss -s")));
  app.add_option("--source", source_, tr(N_("where sockets come from: netlink (default) or proc")));
  app.add_option("--netns", netns_, tr(N_("look into this network namespace (a name from ip netns, or a path)")));
  add_knowledge_file_options(app, files_, ctx);
}

Result<uint32_t> parse_user(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 10) return make_error(N_("unknown user '{}'"), text);
    uint64_t uid = std::stoull(text);
    if (uid > 0xFFFFFFFFu) return make_error(N_("unknown user '{}'"), text);
    return static_cast<uint32_t>(uid);
  }
  passwd entry{}, *found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r(text.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return make_error(N_("unknown user '{}'"), text);
  }
  return static_cast<uint32_t>(found->pw_uid);
}

Result<std::vector<int>> parse_pids(const std::string& text) {
  std::vector<int> pids;
  for (std::string_view item : split(text, ',')) {
    item = trim(item);
    bool digits = !item.empty() && item.size() <= 9 &&
                  std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return make_error(N_("'{}' is not a process id"), item);
    pids.push_back(std::stoi(std::string(item)));
  }
  return pids;
}

Result<LsPlan> LsCommand::plan() const {
  LsPlan plan;
  plan.query.protocols = (tcp_ || !udp_ ? bit(Protocol::tcp) : 0) | (udp_ || !tcp_ ? bit(Protocol::udp) : 0);
  plan.query.ipv4 = ipv4_ || !ipv6_;
  plan.query.ipv6 = ipv6_ || !ipv4_;
  uint32_t mask = 0;
  for (const std::string& name : states_) {
    auto state = parse_state_name(trim(name));
    if (!state) return make_error(N_("unknown state '{}' (estab, listen, unconn, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack, closing)"), name);
    mask |= state_bit(*state);
  }
  if (listen_) mask |= state_bit(SocketState::listen) | state_bit(SocketState::close);
  plan.query.state_mask = mask == 0 ? kAllSocketStates : mask;
  for (auto [text, target] : {std::pair{&port_, &plan.any_port}, {&sport_, &plan.local_port}, {&dport_, &plan.remote_port}}) {
    if (!*text) continue;
    auto ports = parse_port_list(**text);
    if (!ports) return ports.error();
    *target = std::move(*ports);
  }
  if (pid_) {
    auto pids = parse_pids(*pid_);
    if (!pids) return pids.error();
    plan.pids = std::move(*pids);
  }
  if ((pid_ || process_) && no_process_) return make_error(N_("--pid and --process need owners: drop --no-process"));
  if (user_) {
    auto uid = parse_user(*user_);
    if (!uid) return uid.error();
    plan.uid = *uid;
  }
  if (risk_) {
    plan.minimum_risk = parse_risk(*risk_);
    if (!plan.minimum_risk) return make_error(N_("unknown risk level '{}' (info, low, medium, high, critical)"), *risk_);
  }
  if (sort_) {
    static constexpr std::pair<std::string_view, LsPlan::Sort> kSorts[] = {
        {"port", LsPlan::Sort::port}, {"proc", LsPlan::Sort::process}, {"process", LsPlan::Sort::process},
        {"state", LsPlan::Sort::state}, {"risk", LsPlan::Sort::risk}};
    auto found = std::find_if(std::begin(kSorts), std::end(kSorts), [&](const auto& s) { return s.first == *sort_; });
    if (found == std::end(kSorts)) return make_error(N_("unknown sort order '{}' (port, proc, state, risk)"), *sort_);
    plan.sort = found->second;
  }
  if (source_ && *source_ != "netlink" && *source_ != "proc") {
    return make_error(N_("unknown socket source '{}' (netlink or proc)"), *source_);
  }
  plan.use_proc = source_ && *source_ == "proc";
  return plan;
}

Result<std::vector<SocketRecord>> LsCommand::read_sockets(const Context& ctx, const LsPlan& plan) const {
  std::optional<Error> refused;
  auto sockets = portlens::read_sockets(plan.query, plan.use_proc, &refused);
  if (refused) warn_netlink_refused(ctx, *refused);
  return sockets;
}

/// Reverse lookups for --resolve, one per distinct address, at most
/// kMostResolved of them so a busy host cannot stall the listing for long.
HostNames resolve_addresses(const std::vector<SocketRow>& rows) {
  constexpr size_t kMostResolved = 256;
  HostNames names;
  std::unordered_set<std::string> tried;
  for (const SocketRow& row : rows) {
    for (const Endpoint* endpoint : {&row.socket->local, &row.socket->remote}) {
      if (is_wildcard(row.socket->family, endpoint->address)) continue;
      std::string address = address_text(row.socket->family, endpoint->address);
      if (tried.size() >= kMostResolved || !tried.insert(address).second) continue;
      sockaddr_storage storage{};
      socklen_t length = 0;
      if (row.socket->family == AddressFamily::ipv4) {
        auto* in = reinterpret_cast<sockaddr_in*>(&storage);
        in->sin_family = AF_INET;
        std::memcpy(&in->sin_addr, endpoint->address.data(), 4);
        length = sizeof *in;
      } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
        in6->sin6_family = AF_INET6;
        std::memcpy(&in6->sin6_addr, endpoint->address.data(), 16);
        length = sizeof *in6;
      }
      char host[NI_MAXHOST];
      if (getnameinfo(reinterpret_cast<sockaddr*>(&storage), length, host, sizeof host, nullptr, 0,
                      NI_NAMEREQD) == 0) {
        names.emplace(std::move(address), host);
      }
    }
  }
  return names;
}

bool offers_service(const SocketRecord& socket) {
  return socket.state == SocketState::listen ||
         (socket.protocol == Protocol::udp && socket.state == SocketState::close);
}

size_t serving_slot(uint16_t port, Protocol protocol) { return size_t{port} * 2 + (protocol == Protocol::udp); }

/// Ports something here listens on, per protocol: a connection is named
/// after the port that offers the service — the local port when something
/// here listens on it, else the remote one (an outgoing connection to 443 is
/// "https"). When the options left listeners out of the dump (--state estab,
/// -4), they are asked of the kernel separately, so names do not depend on
/// filters.
std::vector<bool> LsCommand::serving_ports(const Context& ctx, const LsPlan& plan,
                                           const std::vector<SocketRecord>& sockets) const {
  std::vector<bool> serving(65536 * 2, false);
  SocketQuery listeners{bit(Protocol::tcp) | bit(Protocol::udp), true, true,
                        state_bit(SocketState::listen) | state_bit(SocketState::close)};
  bool dump_has_all = (plan.query.state_mask & listeners.state_mask) == listeners.state_mask &&
                      plan.query.ipv4 && plan.query.ipv6 && wants_protocol(plan.query, Protocol::tcp) &&
                      wants_protocol(plan.query, Protocol::udp);
  std::vector<SocketRecord> extra;
  if (!dump_has_all) {
    LsPlan listener_plan = plan;
    listener_plan.query = listeners;
    if (auto found = read_sockets(ctx, listener_plan)) extra = std::move(*found);
  }
  for (const std::vector<SocketRecord>* list : {&sockets, const_cast<const std::vector<SocketRecord>*>(&extra)}) {
    for (const SocketRecord& socket : *list) {
      if (offers_service(socket)) serving[serving_slot(socket.local.port, socket.protocol)] = true;
    }
  }
  return serving;
}

bool LsCommand::keep(const SocketRow& row, const SocketLookup& lookup, const LsPlan& plan) const {
  const SocketRecord& socket = *row.socket;
  auto owners = lookup.owners_of(row);
  if (!port_matches(plan.local_port, socket.protocol, socket.local.port)) return false;
  if (!port_matches(plan.remote_port, socket.protocol, socket.remote.port)) return false;
  if (!plan.any_port.empty() && !port_matches(plan.any_port, socket.protocol, socket.local.port) &&
      !port_matches(plan.any_port, socket.protocol, socket.remote.port)) {
    return false;
  }
  if (plan.uid && socket.uid != *plan.uid) return false;
  if (!plan.pids.empty() && std::none_of(owners.begin(), owners.end(), [&](const ProcessInfo* p) {
        return std::find(plan.pids.begin(), plan.pids.end(), p->pid) != plan.pids.end();
      })) {
    return false;
  }
  if (process_ && std::none_of(owners.begin(), owners.end(),
                               [&](const ProcessInfo* p) { return p->name == *process_; })) {
    return false;
  }
  if (plan.minimum_risk) {
    auto note = lookup.note_of(row);
    if (!(row.show_risk && note.has_risk && note.risk >= *plan.minimum_risk)) return false;
  }
  if (exposed_ && !(row.show_risk && !is_loopback(socket.family, socket.local.address))) return false;
  return true;
}

/// The row's place in port order as one integer: local port, protocol,
/// family, remote port (bits 0–35), and above them (bits 36–39) what --sort
/// state or risk puts first. Fits in kSortKeyBits.
uint64_t sort_key(const SocketRow& row, const SocketLookup& lookup, LsPlan::Sort sort) {
  const SocketRecord& s = *row.socket;
  uint64_t key = (uint64_t{s.local.port} << 20) | (uint64_t{static_cast<uint8_t>(s.protocol)} << 17) |
                 (uint64_t{s.family == AddressFamily::ipv6} << 16) | s.remote.port;
  if (sort == LsPlan::Sort::state) key |= uint64_t{static_cast<uint8_t>(s.state)} << 36;  // 1–12
  if (sort == LsPlan::Sort::risk) {
    // Riskiest first; rows without a risk last.
    auto note = lookup.note_of(row);
    int rank = row.show_risk && note.has_risk ? static_cast<int>(note.risk) : -1;  // -1–4
    key |= uint64_t(4 - rank) << 36;
  }
  return key;
}
constexpr int kSortKeyBits = 40;

/// Sorts `values` by their bits from `first_bit` up; values equal there keep
/// their order. LSD radix sort, a pass per byte, skipping bytes every value
/// shares: at 41k rows a fraction of std::sort's time.
void radix_sort(std::vector<uint64_t>& values, int first_bit) {
  std::vector<uint64_t> buffer(values.size());
  for (int shift = first_bit; shift < 64 && !values.empty(); shift += 8) {
    std::array<size_t, 257> starts{};
    for (uint64_t value : values) ++starts[((value >> shift) & 0xff) + 1];
    if (starts[((values[0] >> shift) & 0xff) + 1] == values.size()) continue;
    for (size_t i = 1; i < starts.size(); ++i) starts[i] += starts[i - 1];
    for (uint64_t value : values) buffer[starts[(value >> shift) & 0xff]++] = value;
    values.swap(buffer);
  }
}

void LsCommand::sort_rows(std::vector<SocketRow>& rows, const SocketLookup& lookup, LsPlan::Sort sort) {
  if (sort == LsPlan::Sort::process) {
    auto first_owner = [&](const SocketRow& row) {
      auto owners = lookup.owners_of(row);
      return owners.empty() ? std::pair(std::string_view("\xff"), 0)
                            : std::pair(std::string_view(owners[0]->name), owners[0]->pid);
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const SocketRow& a, const SocketRow& b) {
      auto owner_a = first_owner(a), owner_b = first_owner(b);
      if (owner_a != owner_b) return owner_a < owner_b;
      return sort_key(a, lookup, LsPlan::Sort::port) < sort_key(b, lookup, LsPlan::Sort::port);
    });
    return;
  }
  // Every other order is one integer per row with the row's position below
  // it: ties keep the kernel's order as a stable sort would, and sorting
  // plain integers costs a fraction of a stable sort whose comparator
  // follows two pointers per call (that was a tenth of `ls --no-process`
  // at 41k sockets).
  constexpr int kPositionBits = 64 - kSortKeyBits;
  if (rows.size() >= (size_t{1} << kPositionBits)) {
    std::stable_sort(rows.begin(), rows.end(), [&](const SocketRow& a, const SocketRow& b) {
      return sort_key(a, lookup, sort) < sort_key(b, lookup, sort);
    });
    return;
  }
  std::vector<uint64_t> keys;
  keys.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) keys.push_back((sort_key(rows[i], lookup, sort) << kPositionBits) | i);
  radix_sort(keys, kPositionBits);  // positions ascend already: the order of equal keys stays
  std::vector<SocketRow> sorted;
  sorted.reserve(rows.size());
  constexpr uint64_t kPositionMask = (uint64_t{1} << kPositionBits) - 1;
  for (uint64_t key : keys) sorted.push_back(rows[key & kPositionMask]);
  rows = std::move(sorted);
}

int LsCommand::run(Context& ctx) {
  auto planned = plan();
  if (!planned) return ctx.fail(planned.error(), kExitUsage);
  auto extra = load_knowledge_files(files_, ctx.env);
  if (!extra) return ctx.fail(extra.error(), kExitUsage);
  if (netns_) {
    if (auto entered = enter_network_namespace(network_namespace_path(*netns_)); !entered) {
      return ctx.fail(entered.error(), kExitUsage);
    }
  }
  auto sockets = read_sockets(ctx, *planned);
  if (!sockets) return ctx.fail(sockets.error(), kExitFailure);
  std::optional<OwnerMap> owners;
  if (!no_process_) {
    OwnerOptions options;
    options.command_line = command_line_;
    options.executable = executable_;
    auto collected = collect_owners(options);
    if (!collected) return ctx.fail(collected.error(), kExitFailure);
    owners = std::move(*collected);
    // Not root: say so once. Root can still be refused (a sandbox's pid 1):
    // worth a word only with -v.
    if (owners->permission_denied() && geteuid() != 0) {
      ctx.warn(make_error(N_("not running as root: owners of other users' sockets are not shown")));
    } else if (owners->permission_denied() && ctx.verbosity > 0) {
      ctx.warn(make_error(N_("some processes could not be inspected: sockets they own are shown without an owner")));
    }
  }
  KnowledgeBase base(std::move(*extra));
  SocketLookup lookup{owners ? &*owners : nullptr, &base};
  std::vector<bool> serving = serving_ports(ctx, *planned, *sockets);
  std::vector<SocketRow> rows;
  rows.reserve(sockets->size());
  for (const SocketRecord& socket : *sockets) {
    bool local_serves = serving[serving_slot(socket.local.port, socket.protocol)];
    SocketRow row{&socket, local_serves || socket.remote.port == 0 ? socket.local.port : socket.remote.port,
                  offers_service(socket)};
    if (keep(row, lookup, *planned)) rows.push_back(row);
  }
  sort_rows(rows, lookup, planned->sort);

  HostNames host_names;
  if (resolve_) host_names = resolve_addresses(rows);
  SocketReportOptions options{{ctx.language, ctx.style, ctx.width}, lookup, resolve_ ? &host_names : nullptr,
                              numeric_, !no_process_, command_line_, executable_};
  if (summary_) {
    if (ctx.format == OutputFormat::csv || ctx.format == OutputFormat::ndjson) {
      return ctx.fail(make_error(N_("--summary prints text or --json")), kExitUsage);
    }
    ctx.print(render_socket_summary(rows, options, ctx.format == OutputFormat::json));
    return kExitOk;
  }
  StdoutSink out;
  switch (ctx.format) {
    case OutputFormat::json: write_socket_json(rows, options, out); break;
    case OutputFormat::ndjson: write_socket_ndjson(rows, options, out); break;
    case OutputFormat::csv: write_socket_csv(rows, options, out); break;
    case OutputFormat::text: write_socket_table(rows, options, out); break;
  }
  return kExitOk;
}

}  // namespace

std::unique_ptr<Command> make_ls_command() { return std::make_unique<LsCommand>(); }

}  // namespace portlens
