#include "cli/knowledge_files.h"

#include <sys/stat.h>

#include "util/file.h"

namespace portlens {

std::string default_user_file(const Environment& env) {
  if (!env.xdg_config_home.empty()) return env.xdg_config_home + "/portlens/ports.toml";
  if (!env.home.empty()) return env.home + "/.config/portlens/ports.toml";
  return {};
}

namespace {

bool exists(const std::string& path) {
  struct stat info {};
  return !path.empty() && ::stat(path.c_str(), &info) == 0;
}

}  // namespace

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
  std::string user_path = options.user_file;
  if (user_path.empty() && !options.no_user_file) {
    user_path = default_user_file(env);
    if (!exists(user_path)) user_path.clear();
  }
  if (!user_path.empty()) {
    auto text = read_text_file(user_path);
    if (!text) return text.error();
    auto store = load_entries(*text, user_path, LoadMode::user);
    if (!store) return store.error();
    extra.user_entries = std::move(*store);
  }
  return extra;
}

}  // namespace portlens
