#pragma once
// The table of subcommands: name, one-line help and a factory. main.cc only
// dispatches through it; each command lives in its own file.

#include <CLI/CLI.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/context.h"

namespace portlens {

/// portlens's version, for --version and the reports that record it.
inline constexpr const char* kVersion = "0.1.0";

class Command {
 public:
  virtual ~Command() = default;
  /// Declares the command's options on its CLI11 subcommand, help in ctx's language.
  virtual void add_options(CLI::App& app, const Context& ctx) = 0;
  /// Runs after a successful parse; returns the process exit code.
  virtual int run(Context& ctx) = 0;
};

struct CommandSpec {
  const char* name;
  const char* summary;  ///< msgid of the one-line help.
  std::unique_ptr<Command> (*make)();
};

std::span<const CommandSpec> all_commands();

std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_ls_command();
std::unique_ptr<Command> make_audit_command();
std::unique_ptr<Command> make_scan_command();

/// nmap's two-letter options after "scan" (-sV, -oX, -oG, -iL, -Pn; -sT and
/// -n are accepted and mean nothing here) as the long options CLI11 knows.
std::vector<std::string> rewrite_nmap_arguments(std::vector<std::string> arguments);

}  // namespace portlens
