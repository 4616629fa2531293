// portlens: one binary, a table of subcommands. main only reads the
// environment, parses the command line and dispatches; the work is in the
// library, which the tests link too.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>
#include <string>

#include "cli/command.h"
#include "cli/context.h"
#include "util/text.h"

namespace portlens {

namespace {

/// --lang decides the language of the help text itself, so it is read before
/// the parser is built. Returns nullopt when --lang names no language we have.
std::optional<Language> language_from_arguments(int argc, char** argv, const Environment& env,
                                                std::string* bad_value) {
  Language language = language_from_locale_variables(env.lc_all, env.lc_messages, env.lang);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    if (arg == "--lang" && i + 1 < argc) {
      value = argv[i + 1];
    } else if (arg.starts_with("--lang=")) {
      value = arg.substr(7);
    } else {
      continue;
    }
    std::string lower = value.size() <= 8 ? ascii_lower(value) : std::string();
    if (lower != "en" && lower != "zh") {
      *bad_value = std::string(value);
      return std::nullopt;
    }
    language = lower == "zh" ? Language::zh : Language::en;
  }
  return language;
}

void translate_help(CLI::App& app, const Context& ctx) {
  auto formatter = app.get_formatter();
  formatter->label("Usage", std::string(ctx.tr(N_("Usage"))));
  formatter->label("OPTIONS", std::string(ctx.tr(N_("OPTIONS"))));
  formatter->label("SUBCOMMAND", std::string(ctx.tr(N_("COMMAND"))));
  formatter->label("SUBCOMMANDS", std::string(ctx.tr(N_("COMMANDS"))));
  formatter->label("Positionals", std::string(ctx.tr(N_("Arguments"))));
  formatter->label("Subcommands", std::string(ctx.tr(N_("Commands"))));
  formatter->label("TEXT", std::string(ctx.tr(N_("TEXT"))));
  formatter->column_width(34);
  app.option_defaults()->group(std::string(ctx.tr(N_("Options"))));
  app.set_help_flag("-h,--help", std::string(ctx.tr(N_("print this help and exit"))));
}

struct GlobalOptions {
  bool json = false, ndjson = false, csv = false, quiet = false;
  int verbose = 0;
  std::string lang, color = "auto";
};

void add_global_options(CLI::App& app, GlobalOptions& options, const Context& ctx) {
  app.add_flag("--json", options.json, std::string(ctx.tr(N_("print one JSON document (see docs/json.md)"))));
  app.add_flag("--ndjson", options.ndjson, std::string(ctx.tr(N_("print one JSON object per line"))));
  app.add_flag("--csv", options.csv, std::string(ctx.tr(N_("print a CSV table"))));
  app.add_option("--lang", options.lang, std::string(ctx.tr(N_("language: zh or en (default: from LC_ALL, LC_MESSAGES, LANG)"))));
  app.add_option("--color", options.color, std::string(ctx.tr(N_("colour: auto, always or never (NO_COLOR is honoured)"))));
  app.add_flag("-q,--quiet", options.quiet, std::string(ctx.tr(N_("print no warnings"))));
  app.add_flag("-v,--verbose", options.verbose, std::string(ctx.tr(N_("say more (repeatable)"))));
}

/// Applies the global options to the context; a bad value is a usage error.
Status apply_global_options(const GlobalOptions& options, Context& ctx) {
  if (int{options.json} + int{options.ndjson} + int{options.csv} > 1) {
    return make_error(N_("choose one of --json, --ndjson and --csv"));
  }
  ctx.format = options.json     ? OutputFormat::json
               : options.ndjson ? OutputFormat::ndjson
               : options.csv    ? OutputFormat::csv
                                : OutputFormat::text;
  std::optional<ColorMode> mode;
  if (options.color == "auto") mode = ColorMode::automatic;
  if (options.color == "always") mode = ColorMode::always;
  if (options.color == "never") mode = ColorMode::never;
  if (!mode) return make_error(N_("unknown colour mode '{}' (auto, always, never)"), options.color);
  const Environment& env = ctx.env;
  ctx.style = Style(should_color(*mode, env.stdout_is_terminal, env.no_color, env.no_color_set, env.term));
  ctx.verbosity = options.quiet ? -1 : options.verbose;
  int columns = env.terminal_columns;
  if (columns <= 0 && !env.columns.empty()) columns = std::atoi(env.columns.c_str());
  ctx.width = columns >= 40 && columns <= 1000 ? columns : 80;
  return Ok{};
}

int usage_error(const Context& ctx, const CLI::ParseError& failure) {
  std::string message = failure.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&failure) != nullptr) {
    size_t colon = message.find(": ");
    std::string extras = colon == std::string::npos ? message : message.substr(colon + 2);
    return ctx.fail(make_error(N_("unexpected argument: {} (see portlens --help)"), extras), kExitUsage);
  }
  return ctx.fail(make_error(N_("bad command line: {} (see portlens --help)"), message), kExitUsage);
}

int run(int argc, char** argv) {
  Context ctx;
  ctx.env = Environment::capture();
  std::string bad_language;
  auto language = language_from_arguments(argc, argv, ctx.env, &bad_language);
  ctx.language = language_from_locale_variables(ctx.env.lc_all, ctx.env.lc_messages, ctx.env.lang);
  if (!language) {
    return ctx.fail(make_error(N_("unknown language '{}' (zh or en)"), bad_language), kExitUsage);
  }
  ctx.language = *language;

  CLI::App app(std::string(ctx.tr(N_("portlens: what is listening on this machine, what each port "
                                     "is, and whether it is a risk."))),
               "portlens");
  translate_help(app, ctx);
  app.set_version_flag("--version", fmt::format("portlens {}", kVersion),
                       std::string(ctx.tr(N_("print the version and exit"))));
  app.require_subcommand(0, 1);
  GlobalOptions global;
  add_global_options(app, global, ctx);

  std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
  for (const CommandSpec& spec : all_commands()) {
    CLI::App* sub = app.add_subcommand(spec.name, std::string(ctx.tr(spec.summary)));
    translate_help(*sub, ctx);
    sub->fallthrough();
    auto command = spec.make();
    command->add_options(*sub, ctx);
    commands.emplace_back(sub, std::move(command));
  }

  std::vector<std::string> arguments(argv + 1, argv + argc);
  for (int i = 0; i < argc; ++i) ctx.command_line += (i == 0 ? "" : " ") + std::string(argv[i]);
  arguments = rewrite_nmap_arguments(std::move(arguments));
  std::reverse(arguments.begin(), arguments.end());  // CLI11 takes a vector in reverse order
  try {
    app.parse(arguments);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& failure) {
    return usage_error(ctx, failure);
  }
  if (auto status = apply_global_options(global, ctx); !status) return ctx.fail(status.error(), kExitUsage);
  for (auto& [sub, command] : commands) {
    if (sub->parsed()) return command->run(ctx);
  }
  std::fputs(app.help().c_str(), stderr);
  return kExitUsage;
}

}  // namespace

const CommandSpec kCommands[] = {
    {"info", N_("what a port is, who uses it, known malware, risk and advice"), make_info_command},
    {"ls", N_("every socket on this host, its owners and what its port is"), make_ls_command},
    {"audit", N_("judge this host's exposure: listeners, firewall and knowledge together"), make_audit_command},
    {"scan", N_("which TCP ports of other hosts answer, and what is behind them"), make_scan_command},
};

std::span<const CommandSpec> all_commands() { return kCommands; }

}  // namespace portlens

int main(int argc, char** argv) {
  try {
    return portlens::run(argc, argv);
  } catch (const std::exception& failure) {
    // A bug, not bad input: say so plainly instead of aborting with a trace.
    std::fprintf(stderr, "portlens: internal error: %s\n", failure.what());
    return portlens::kExitFailure;
  }
}
