// `portlens scan`: which TCP ports of a target answer, what is behind them,
// and what the knowledge base says about each — nmap -sT's verdicts.
//
// The pipeline: options → targets, ports and timing checked completely (exit
// 2 before any packet) → run_scan (host groups, ping, engine, banners) →
// writers (text or JSON/NDJSON on stdout, -oX/-oG files) and, while it runs,
// open ports as they are found and a progress line on stderr.

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/knowledge_files.h"
#include "inventory/netns.h"
#include "knowledge/top_ports.h"
#include "report/scan_grepable.h"
#include "report/scan_text.h"
#include "report/scan_xml.h"
#include "scan/scan_runner.h"
#include "util/file.h"
#include "util/text.h"

namespace portlens {

namespace {

constexpr size_t kDefaultTopPorts = 1000;

/// A file opened for -oX / -oG; "-" is standard output.
class FileSink : public OutputSink {
 public:
  explicit FileSink(std::FILE* file) : file_(file) {}
  ~FileSink() override {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  /// Writers hand over whole hosts; flushing each keeps finished hosts in
  /// the file if the scan is interrupted.
  void write(std::string_view text) override {
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
  }

 private:
  std::FILE* file_;
};

Result<std::unique_ptr<FileSink>> open_output(const std::string& path, const char* option) {
  if (path == "-") return std::make_unique<FileSink>(stdout);
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return make_error(N_("{}: cannot write '{}': {}"), option, path, std::strerror(errno));
  return std::make_unique<FileSink>(file);
}

/// Standard output that first wipes the progress line from the terminal,
/// so a report never starts in the middle of "12345/65535 (18.8%) …".
class ReportSink : public OutputSink {
 public:
  void write(std::string_view text) override {
    clear_progress();
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  void clear_progress() {
    if (!progress_shown) return;
    std::fputs("\r\x1b[K", stderr);
    progress_shown = false;
  }
  bool progress_shown = false;
};

/// nmap's time syntax: a number with an optional unit ms, s, m or h; a bare
/// number is seconds ("500ms", "2s", "1.5", "1m").
Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view option) {
  std::string_view number = text;
  double scale = 1000;
  for (auto [suffix, factor] : {std::pair{"ms", 1.0}, {"s", 1000.0}, {"m", 60000.0}, {"h", 3600000.0}}) {
    if (number.ends_with(suffix)) {
      number.remove_suffix(std::strlen(suffix));
      scale = factor;
      break;
    }
  }
  double value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() || !(value >= 0) ||
      value * scale > 86400.0 * 1000 * 7) {
    return make_error(N_("{}: '{}' is not a duration (like 500ms, 2s, 1m; at most a week)"), option, text);
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value * scale + 0.5));
}

Result<std::array<bool, kPortStateCount>> parse_states(const std::vector<std::string>& names) {
  std::array<bool, kPortStateCount> listed{false, false, false};
  for (const std::string& raw : names) {
    std::string name = ascii_lower(trim(raw));
    if (name == "all") {
      listed = {true, true, true};
    } else if (name == "open") {
      listed[0] = true;
    } else if (name == "closed") {
      listed[1] = true;
    } else if (name == "filtered") {
      listed[2] = true;
    } else {
      return make_error(N_("--states: unknown state '{}' (open, closed, filtered or all)"), raw);
    }
  }
  return listed;
}

Result<std::string> read_list_file(const std::string& path, const char* option) {
  if (path != "-") {
    auto text = read_text_file(path);
    (void)option;  // read_text_file's error names the file
    return text;
  }
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    text.append(buffer, n);
    if (text.size() > (64u << 20)) return make_error(N_("{}: standard input is larger than 64 MiB"), option);
  }
  return text;
}

uint64_t random_seed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != sizeof seed) {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^ getpid();
  }
  return seed;
}

class ScanCommand : public Command {
 public:
  void add_options(CLI::App& app, const Context& ctx) override;
  int run(Context& ctx) override;

 private:
  Result<ScanPlan> plan(const Context& ctx, const KnowledgeBase& base) const;
  Result<ScanPorts> ports(const KnowledgeBase& base) const;
  Result<EngineOptions> engine_options() const;

  std::vector<std::string> targets_;
  std::optional<std::string> states_;
  std::optional<std::string> ports_, input_file_, exclude_, exclude_file_, xml_out_, grepable_out_, netns_;
  std::optional<std::string> timeout_, host_timeout_, min_rtt_, max_rtt_, initial_rtt_;
  std::optional<size_t> top_ports_;
  std::optional<int> timing_, max_retries_, parallelism_;
  std::optional<double> rate_;
  std::optional<uint64_t> seed_;
  bool ipv4_ = false, ipv6_ = false, no_randomize_ = false, ping_ = false, no_ping_ = false, banners_ = false;
  KnowledgeFileOptions files_;
};

void ScanCommand::add_options(CLI::App& app, const Context& ctx) {
  auto tr = [&](const char* msgid) { return std::string(ctx.tr(msgid)); };
  app.add_option("targets", targets_, tr(N_("addresses, networks (10.0.0.0/24, fd00::/120), ranges (10.0.0-3.1-20) or host names")));
  app.add_option("-p,--ports", ports_, tr(N_("ports: 22,80,443, ranges, - for all, service names (default: the top 1000)")));
  app.add_option("--top-ports", top_ports_, tr(N_("the N ports most commonly exposed, by portlens's own ranking")));
  app.add_option("--input-file", input_file_, tr(N_("read targets from a file, - for standard input (nmap: -iL)")));
  app.add_option("--exclude", exclude_, tr(N_("targets to leave out, in the same syntax")));
  app.add_option("--exclude-file", exclude_file_, tr(N_("read targets to leave out from a file")));
  app.add_flag("-4,--ipv4", ipv4_, tr(N_("IPv4 only (host names: their IPv4 addresses)")));
  app.add_flag("-6,--ipv6", ipv6_, tr(N_("IPv6 only (host names: their IPv6 addresses)")));
  app.add_option("--seed", seed_, tr(N_("seed of the probe order, to repeat a run exactly")));
  app.add_flag("--no-randomize", no_randomize_, tr(N_("probe hosts and ports in order instead of a random permutation")));
  app.add_option("-T,--timing", timing_, tr(N_("timing preset 0 (paranoid) to 5 (insane), as nmap's -T0..-T5")));
  app.add_option("--rate,--max-rate", rate_, tr(N_("at most this many connection attempts per second")));
  app.add_option("--max-retries", max_retries_, tr(N_("new attempts after a silent one (default 10; 6 at -T4, 2 at -T5)")));
  app.add_option("--timeout", timeout_, tr(N_("wait at most this long for one attempt (500ms, 2s)")));
  app.add_option("--initial-rtt-timeout", initial_rtt_, tr(N_("wait per attempt before a host has answered anything")));
  app.add_option("--min-rtt-timeout", min_rtt_, tr(N_("never wait less than this per attempt")));
  app.add_option("--max-rtt-timeout", max_rtt_, tr(N_("never wait more than this per attempt")));
  app.add_option("--host-timeout", host_timeout_, tr(N_("give up on a host after this long")));
  app.add_option("--max-parallelism", parallelism_, tr(N_("at most this many probes in flight")));
  app.add_flag("--ping", ping_, tr(N_("skip hosts that answer nothing on ports 80, 443, 22 and 445")));
  app.add_flag("--no-ping", no_ping_, tr(N_("scan every host without asking first (the default; nmap: -Pn)")));
  app.add_flag("--banners", banners_, tr(N_("read what open ports say and name the service and version (nmap: -sV)")));
  app.add_option("--states", states_, tr(N_("states to list: open (default), closed, filtered or all")));
  app.add_option("--xml-out", xml_out_, tr(N_("also write nmap-compatible XML to this file (nmap: -oX)")));
  app.add_option("--grepable-out", grepable_out_, tr(N_("also write nmap's grepable format to this file (nmap: -oG)")));
  app.add_option("--netns", netns_, tr(N_("scan from this network namespace (a name from ip netns, or a path)")));
  add_knowledge_file_options(app, files_, ctx);
}

Result<ScanPorts> ScanCommand::ports(const KnowledgeBase& base) const {
  std::optional<ScanPorts> listed;
  if (ports_) {
    ServiceLookup lookup = [&](std::string_view name) -> std::optional<std::vector<uint16_t>> {
      std::vector<uint16_t> found;
      for (const PortAnswer& answer : base.find_service(name)) {
        if (answer.protocols != 0 && !contains(answer.protocols, Protocol::tcp)) continue;
        if (answer.ports.last - answer.ports.first > 1024) continue;  // a name for a huge block is not a port list
        for (uint32_t port = answer.ports.first; port <= answer.ports.last; ++port) found.push_back(static_cast<uint16_t>(port));
      }
      return found;
    };
    auto parsed = parse_scan_ports(*ports_, lookup);
    if (!parsed) return parsed.error();
    if (!top_ports_) return parsed;
    listed = std::move(*parsed);
  }
  size_t wanted = top_ports_.value_or(kDefaultTopPorts);
  if (top_ports_ && (*top_ports_ < 1 || *top_ports_ > 65535)) {
    return make_error(N_("--top-ports: {} is out of range (1-65535)"), *top_ports_);
  }
  std::vector<uint16_t> ranking = top_tcp_ports(65535);
  std::vector<uint16_t> chosen;
  for (uint16_t port : ranking) {
    if (chosen.size() >= wanted) break;
    if (!listed || listed->contains(port)) chosen.push_back(port);
  }
  if (chosen.empty()) return make_error(N_("the port list is empty"));
  return scan_ports_from_list(chosen);
}

Result<EngineOptions> ScanCommand::engine_options() const {
  auto options = timing_template(timing_.value_or(3));
  if (!options) return options.error();
  EngineOptions engine = *options;
  using Field = std::chrono::milliseconds EngineOptions::*;
  for (auto [text, field, name] : {std::tuple{&initial_rtt_, Field{&EngineOptions::initial_rtt_timeout}, "--initial-rtt-timeout"},
                                   {&min_rtt_, Field{&EngineOptions::min_rtt_timeout}, "--min-rtt-timeout"},
                                   {&max_rtt_, Field{&EngineOptions::max_rtt_timeout}, "--max-rtt-timeout"},
                                   {&host_timeout_, Field{&EngineOptions::host_timeout}, "--host-timeout"}}) {
    if (!*text) continue;
    auto duration = parse_duration(**text, name);
    if (!duration) return duration.error();
    engine.*field = *duration;
  }
  if (timeout_) {
    // One number for people who do not think in RTTs: every attempt waits
    // this long, however fast the host answered before.
    auto duration = parse_duration(*timeout_, "--timeout");
    if (!duration) return duration.error();
    if (duration->count() == 0) return make_error(N_("--timeout: must be more than 0"));
    engine.initial_rtt_timeout = engine.min_rtt_timeout = engine.max_rtt_timeout = *duration;
  }
  if (max_retries_) engine.max_retries = *max_retries_;
  if (rate_) engine.max_rate = *rate_;
  if (parallelism_) engine.max_parallelism = *parallelism_;
  if (engine.min_rtt_timeout > engine.max_rtt_timeout && (min_rtt_ || max_rtt_)) {
    // A preset's bound the user did not touch gives way to the one they set.
    if (min_rtt_ && !max_rtt_) engine.max_rtt_timeout = engine.min_rtt_timeout;
    if (max_rtt_ && !min_rtt_) engine.min_rtt_timeout = engine.max_rtt_timeout;
  }
  if (auto valid = validate(engine); !valid) return valid.error();
  return engine;
}

Result<ScanPlan> ScanCommand::plan(const Context& ctx, const KnowledgeBase& base) const {
  (void)ctx;
  ScanPlan plan;
  if (ipv4_ && ipv6_) return make_error(N_("choose one of -4 and -6"));
  if (ping_ && no_ping_) return make_error(N_("choose one of --ping and --no-ping"));
  TargetOptions target_options;
  target_options.family = ipv4_ ? FamilyPreference::ipv4_only : ipv6_ ? FamilyPreference::ipv6_only : FamilyPreference::any;
  target_options.resolver = resolve_host_name;
  TargetSetBuilder builder(target_options);
  std::string joined;
  for (const std::string& target : targets_) joined += target + ' ';
  if (!targets_.empty()) {
    if (auto added = builder.add_targets(joined); !added) return added.error();
  }
  if (input_file_) {
    auto text = read_list_file(*input_file_, "--input-file");
    if (!text) return text.error();
    if (auto added = builder.add_target_file(*text, *input_file_ == "-" ? "<stdin>" : *input_file_); !added) {
      return added.error();
    }
  }
  if (exclude_) {
    if (auto added = builder.add_excludes(*exclude_); !added) return added.error();
  }
  if (exclude_file_) {
    auto text = read_list_file(*exclude_file_, "--exclude-file");
    if (!text) return text.error();
    if (auto added = builder.add_exclude_file(*text, *exclude_file_); !added) return added.error();
  }
  auto targets = std::move(builder).build();
  if (!targets) return targets.error();
  plan.targets = std::move(*targets);
  auto ports = this->ports(base);
  if (!ports) return ports.error();
  plan.ports = std::move(*ports);
  auto engine = engine_options();
  if (!engine) return engine.error();
  plan.engine = *engine;
  plan.randomize = !no_randomize_;
  plan.seed = seed_.value_or(0);
  plan.ping = ping_;
  plan.banners = banners_;
  plan.banner_options.connect_timeout = std::max(plan.engine.max_rtt_timeout, std::chrono::milliseconds(1000));
  if (states_) {
    std::vector<std::string> names;
    for (std::string_view name : split(*states_, ',')) names.emplace_back(name);
    auto listed = parse_states(names);
    if (!listed) return listed.error();
    plan.listed = *listed;
  }
  return plan;
}

/// "12345/65535 (18.8%)  9876/s  3 open  ETA 5 s" on one rewritten stderr line.
void print_progress(const Context& ctx, const ScanProgress& progress) {
  double seconds = progress.elapsed.count() / 1000.0;
  double rate = seconds > 0 ? progress.done / seconds : 0;
  double percent = progress.total > 0 ? 100.0 * progress.done / progress.total : 100.0;
  std::string eta = rate > 0 ? fmt::format("{:.0f}", (progress.total - std::min(progress.done, progress.total)) / rate) : "?";
  std::string line = ctx.trf(N_("{}/{} ({}%)  {}/s  {} open  ETA {} s"), progress.done, progress.total,
                             fmt::format("{:.1f}", percent), fmt::format("{:.0f}", rate), progress.open, eta);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
}

int ScanCommand::run(Context& ctx) {
  if (ctx.format == OutputFormat::csv) {
    return ctx.fail(make_error(N_("scan prints text, --json or --ndjson (and -oX, -oG)")), kExitUsage);
  }
  auto extra = load_knowledge_files(files_, ctx.env);
  if (!extra) return ctx.fail(extra.error(), kExitUsage);
  KnowledgeBase base(std::move(*extra));
  if (netns_) {
    // Before the targets: host names resolve as they would inside.
    if (auto entered = enter_network_namespace(network_namespace_path(*netns_)); !entered) {
      return ctx.fail(entered.error(), kExitUsage);
    }
  }
  auto planned = plan(ctx, base);
  if (!planned) return ctx.fail(planned.error(), kExitUsage);
  ScanPlan& scan = *planned;
  if (!seed_) scan.seed = random_seed();

  std::vector<std::unique_ptr<FileSink>> files;
  std::vector<std::unique_ptr<ScanWriter>> writers;
  bool stdout_taken = false;
  for (auto [path, option, make] : {std::tuple{&xml_out_, "-oX", &make_xml_writer}, {&grepable_out_, "-oG", &make_grepable_writer}}) {
    if (!*path) continue;
    if (**path == "-" && stdout_taken) return ctx.fail(make_error(N_("only one of -oX and -oG can write to standard output")), kExitUsage);
    auto sink = open_output(**path, option);
    if (!sink) return ctx.fail(sink.error(), kExitUsage);
    stdout_taken = stdout_taken || **path == "-";
    writers.push_back(make(**sink));
    files.push_back(std::move(*sink));
  }

  ScanInfo info;
  info.command_line = ctx.command_line;
  info.start = std::chrono::system_clock::now();
  info.ports = scan.ports.ranges;
  info.port_count = scan.ports.count;
  info.host_count = scan.targets.size();
  info.listed = scan.listed;
  info.banners = scan.banners;
  info.version = kVersion;

  ReportSink out;
  ScanTextOptions text_options{ctx.language, ctx.style, ctx.width};
  ScanCallbacks callbacks;
  callbacks.note = [&](PortVerdict& verdict) {
    auto note = base.quick_note(verdict.port, Protocol::tcp);
    verdict.service = note.service;
    verdict.has_risk = note.has_risk;
    verdict.risk = note.risk;
  };
  bool progress_line = ctx.env.stderr_is_terminal && ctx.verbosity >= 0;
  auto clear_progress = [&] { out.clear_progress(); };
  if (!stdout_taken) {
    switch (ctx.format) {
      case OutputFormat::json: writers.push_back(make_scan_json_writer(out)); break;
      case OutputFormat::ndjson:
        writers.push_back(make_scan_ndjson_writer(out));
        callbacks.port_found = [&](const HostReport& host, const PortVerdict& verdict) {
          out.write(ndjson_port_line(host, verdict));
          std::fflush(stdout);
        };
        break;
      case OutputFormat::csv:
      case OutputFormat::text:
        writers.push_back(make_scan_text_writer(out, text_options));
        if (ctx.env.stdout_is_terminal || ctx.verbosity > 0) {
          callbacks.port_found = [&](const HostReport& host, const PortVerdict& verdict) {
            if (verdict.state != PortState::open) return;
            clear_progress();
            out.write(format_port_found(host, verdict, text_options));
            std::fflush(stdout);
          };
        }
        break;
    }
  }
  if (progress_line) {
    callbacks.progress = [&](const ScanProgress& progress) {
      print_progress(ctx, progress);
      out.progress_shown = true;
    };
  }
  for (auto& writer : writers) callbacks.writers.push_back(writer.get());
  if (ctx.verbosity > 0) {
    ctx.warn(make_error(N_("scanning {} hosts × {} ports, seed {}"), info.host_count, info.port_count, scan.seed));
  }

  auto totals = run_scan(scan, info, callbacks);
  clear_progress();
  if (!totals) return ctx.fail(totals.error(), kExitFailure);
  if (totals->engine.resource_backoffs > 0 && ctx.verbosity > 0) {
    ctx.warn(make_error(N_("ran short of file descriptors or local ports {} times and slowed down"),
                        totals->engine.resource_backoffs));
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

std::unique_ptr<Command> make_scan_command() { return std::make_unique<ScanCommand>(); }

std::vector<std::string> rewrite_nmap_arguments(std::vector<std::string> arguments) {
  // CLI11 takes one letter after a single dash; nmap's two-letter options are
  // spelled here as the long options they stand for. Only after "scan".
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"-sV", "--banners"}, {"-oX", "--xml-out"}, {"-oG", "--grepable-out"}, {"-iL", "--input-file"},
      {"-Pn", "--no-ping"}, {"-sT", ""}, {"-n", ""}};
  // The command is the first word that is neither an option nor the value
  // of a global option that takes one; "portlens ls --netns scan -n" keeps its -n.
  std::vector<std::string> rewritten;
  bool in_scan = false, found_command = false, value_next = false;
  for (std::string& argument : arguments) {
    if (!in_scan) {
      if (!found_command && !value_next && !argument.starts_with("-")) {
        found_command = true;
        in_scan = argument == "scan";
      }
      value_next = !found_command && (argument == "--lang" || argument == "--color");
      rewritten.push_back(std::move(argument));
      continue;
    }
    auto alias = std::find_if(std::begin(kAliases), std::end(kAliases),
                              [&](const auto& entry) { return entry.first == argument; });
    if (alias == std::end(kAliases)) {
      if (argument == "-p-") argument = "--ports=-";
      rewritten.push_back(std::move(argument));
    } else if (!alias->second.empty()) {
      rewritten.emplace_back(alias->second);
    }
  }
  return rewritten;
}

}  // namespace portlens
