#include "cli/knowledge_files.h"

#include "util/file.h"

namespace portlens {

std::string default_user_file(const Environment& env) {
  if (!env.xdg_config_home.empty()) return env.xdg_config_home + "/portlens/ports.toml";
  if (!env.home.empty()) return env.home + "/.config/portlens/ports.toml";
  return {};
}

Result<ExtraKnowledge> load_knowledge_files(const KnowledgeFileOptions& options,
                                            const Environment& env) {
  ExtraKnowledge extra;
  if (auto text = read_text_file(options.system_services)) {
    extra.system_services = parse_services_file(*text).services;
  }
  if (!options.nmap_services.empty()) {
    auto text = read_text_file(options.nmap_services);
    if (!text) return text.error();
    extra.nmap_services = parse_services_file(*text).services;
  }
  // A file named with --user-file must exist; the default one may be absent.
  std::string user_path = options.user_file;
  std::optional<std::string> user_text;
  if (!user_path.empty()) {
    auto text = read_text_file(user_path);
    if (!text) return text.error();
    user_text = std::move(*text);
  } else if (!options.no_user_file && !(user_path = default_user_file(env)).empty()) {
    auto text = read_text_file_if_exists(user_path);
    if (!text) return text.error();
    user_text = std::move(*text);
  }
  if (user_text) {
    auto store = load_entries(*user_text, user_path, LoadMode::user);
    if (!store) return store.error();
    extra.user_entries = std::move(*store);
  }
  return extra;
}

void add_knowledge_file_options(CLI::App& app, KnowledgeFileOptions& files, const Context& ctx) {
  app.add_option("--user-file", files.user_file,
                 std::string(ctx.tr(N_("your own entries (default: $XDG_CONFIG_HOME/portlens/ports.toml, else "
                                       "~/.config/portlens/ports.toml)"))));
  app.add_flag("--no-user-file", files.no_user_file, std::string(ctx.tr(N_("ignore your own entries"))));
  app.add_option("--nmap-services", files.nmap_services,
                 std::string(ctx.tr(N_("also read service names from this nmap-services file"))));
}

}  // namespace portlens
