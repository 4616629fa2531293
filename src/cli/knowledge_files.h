#pragma once
// Reads the files merged into the knowledge base at run time: /etc/services,
// a user-named nmap-services file and the user's ports.toml.

#include <CLI/CLI.hpp>

#include <string>

#include "cli/context.h"
#include "knowledge/knowledge_base.h"

namespace portlens {

struct KnowledgeFileOptions {
  std::string user_file;       ///< --user-file; empty: the default location if it exists.
  bool no_user_file = false;   ///< --no-user-file
  std::string nmap_services;   ///< --nmap-services; never read unless named.
  std::string system_services = "/etc/services";
};

/// --user-file, --no-user-file and --nmap-services, as every command that
/// names ports offers them.
void add_knowledge_file_options(CLI::App& app, KnowledgeFileOptions& files, const Context& ctx);

/// `$XDG_CONFIG_HOME/portlens/ports.toml`, else `~/.config/portlens/ports.toml`.
std::string default_user_file(const Environment& env);

/// Fails (for exit 2) when a named file is missing or any user file is invalid;
/// a missing /etc/services or default user file is not an error.
Result<ExtraKnowledge> load_knowledge_files(const KnowledgeFileOptions& options,
                                            const Environment& env);

}  // namespace portlens
