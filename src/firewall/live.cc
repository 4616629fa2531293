#include "firewall/live.h"

#include <dlfcn.h>
#include <nftables/libnftables.h>

#include <chrono>
#include <cstdlib>

#include "firewall/iptables_save.h"
#include "firewall/nft_json.h"
#include "util/file.h"
#include "util/subprocess.h"
#include "util/text.h"

namespace portlens::firewall {

namespace {

using namespace std::chrono_literals;

/// libnftables, resolved once per process.
struct Libnftables {
  decltype(&nft_ctx_new) ctx_new = nullptr;
  decltype(&nft_ctx_free) ctx_free = nullptr;
  decltype(&nft_ctx_output_set_flags) set_output_flags = nullptr;
  decltype(&nft_ctx_buffer_output) buffer_output = nullptr;
  decltype(&nft_ctx_buffer_error) buffer_error = nullptr;
  decltype(&nft_ctx_get_output_buffer) output_buffer = nullptr;
  decltype(&nft_ctx_get_error_buffer) error_buffer = nullptr;
  decltype(&nft_run_cmd_from_buffer) run = nullptr;
  bool loaded = false;
};

const Libnftables& libnftables() {
  static const Libnftables library = [] {
    Libnftables lib;
    void* handle = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return lib;
    auto get = [&](auto& slot, const char* name) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(dlsym(handle, name));
      return slot != nullptr;
    };
    lib.loaded = get(lib.ctx_new, "nft_ctx_new") && get(lib.ctx_free, "nft_ctx_free") &&
                 get(lib.set_output_flags, "nft_ctx_output_set_flags") &&
                 get(lib.buffer_output, "nft_ctx_buffer_output") && get(lib.buffer_error, "nft_ctx_buffer_error") &&
                 get(lib.output_buffer, "nft_ctx_get_output_buffer") &&
                 get(lib.error_buffer, "nft_ctx_get_error_buffer") && get(lib.run, "nft_run_cmd_from_buffer");
    return lib;
  }();
  return library;
}

/// CAP_NET_ADMIN in the effective set: what reading rulesets takes. Asked
/// first so that an unprivileged run gets one clear message (libnftables
/// would print its own to stderr).
bool may_read_rulesets() {
  auto status = read_text_file("/proc/self/status", 1 << 16);
  if (!status) return true;  // cannot tell: let the library answer
  for (std::string_view line : split(*status, '\n')) {
    if (!line.starts_with("CapEff:")) continue;
    uint64_t caps = std::strtoull(std::string(trim(line.substr(7))).c_str(), nullptr, 16);
    return (caps & (uint64_t{1} << 12)) != 0;
  }
  return true;
}

Result<std::string> list_nft_ruleset() {
  if (!may_read_rulesets()) {
    return make_error(N_("cannot read the nftables ruleset: {}"), "reading rulesets needs root (CAP_NET_ADMIN)");
  }
  const Libnftables& lib = libnftables();
  if (!lib.loaded) {
    return make_error(N_("cannot read the nftables ruleset: {}"), "libnftables.so.1 not found (install nftables)");
  }
  nft_ctx* ctx = lib.ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return make_error(N_("cannot read the nftables ruleset: {}"), "nft_ctx_new failed");
  lib.set_output_flags(ctx, NFT_CTX_OUTPUT_JSON);
  lib.buffer_output(ctx);
  lib.buffer_error(ctx);
  int status = lib.run(ctx, "list ruleset");
  // Each get_*_buffer call hands out the buffer and empties it: call once.
  const char* out_buffer = lib.output_buffer(ctx);
  const char* err_buffer = lib.error_buffer(ctx);
  std::string out = out_buffer != nullptr ? out_buffer : "";
  std::string err = err_buffer != nullptr ? err_buffer : "";
  lib.ctx_free(ctx);
  if (status != 0) {
    std::string why(trim(err));
    if (size_t newline = why.find('\n'); newline != std::string::npos) why.resize(newline);
    return make_error(N_("cannot read the nftables ruleset: {}"), why.empty() ? "nft failed" : why);
  }
  return out;
}

/// Runs TOOL (an iptables-save variant) and parses its output into `into`.
Status read_iptables(std::string_view tool, std::vector<std::string> extra_args, std::string_view family,
                     Backend backend, Ruleset& into) {
  std::string path = find_system_program(tool);
  if (path.empty()) return make_error(N_("cannot read the {} rules: {} is not installed"), backend_name(backend), tool);
  std::vector<std::string> argv{path};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto output = run_program(argv, 20s);
  if (!output) return output.error();
  if (output->exit_status != 0) {
    return make_error(N_("cannot read the {} rules: {} exited with status {}"), backend_name(backend), tool,
                      output->exit_status);
  }
  auto parsed = parse_iptables_save(output->out, family, backend);
  if (!parsed) return parsed.error();
  for (Table& table : parsed->tables) into.tables.push_back(std::move(table));
  return Ok{};
}

bool has_legacy_tables(const char* names_file) {
  auto names = read_text_file(names_file, 1 << 16);
  return names && !trim(*names).empty();
}

}  // namespace

LiveRuleset read_live_ruleset() {
  LiveRuleset live;
  if (auto json = list_nft_ruleset(); !json) {
    live.problems.push_back(json.error());
  } else if (trim(*json).empty()) {
    live.sources.emplace_back("nftables");  // no tables at all: libnftables prints nothing
  } else if (auto parsed = parse_nft_json(*json); !parsed) {
    live.problems.push_back(parsed.error());
  } else {
    live.nft_json = std::move(*json);
    live.sources.emplace_back("nftables");
    for (Table& table : parsed->tables) {
      bool xt = table.uses_xtables && (table.family == "ip" || table.family == "ip6");
      if (!xt) {
        live.ruleset.tables.push_back(std::move(table));
        continue;
      }
      Ruleset translated;
      std::string_view tool = table.family == "ip" ? "iptables-nft-save" : "ip6tables-nft-save";
      if (auto read = read_iptables(tool, {"-t", table.name}, table.family, Backend::iptables_nft, translated); !read) {
        live.problems.push_back(read.error());
        live.ruleset.tables.push_back(std::move(table));  // xt matches stay unmodelled
        continue;
      }
      live.sources.push_back(fmt::format("iptables-nft ({} {})", table.family, table.name));
      for (Table& t : translated.tables) live.ruleset.tables.push_back(std::move(t));
    }
  }
  if (!may_read_rulesets()) return live;
  for (auto [names, tool, family] : {std::tuple{"/proc/net/ip_tables_names", "iptables-legacy-save", "ip"},
                                     std::tuple{"/proc/net/ip6_tables_names", "ip6tables-legacy-save", "ip6"}}) {
    if (!has_legacy_tables(names)) continue;
    if (auto read = read_iptables(tool, {}, family, Backend::iptables_legacy, live.ruleset); !read) {
      live.problems.push_back(read.error());
    } else {
      live.sources.push_back(fmt::format("iptables-legacy ({})", family));
    }
  }
  return live;
}

}  // namespace portlens::firewall
