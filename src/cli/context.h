#pragma once
// Everything a command needs from the outside world, gathered once in main:
// the environment snapshot, the chosen language, colour and output format.
// Commands receive it by reference; nothing below cli/ reads the environment.

#include <fmt/args.h>
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "i18n/catalog.h"
#include "i18n/language.h"
#include "report/sink.h"
#include "report/style.h"

namespace portlens {

/// The environment variables and terminal facts portlens uses, read once.
struct Environment {
  std::string lc_all, lc_messages, lang;
  std::string no_color, term, columns;
  bool no_color_set = false;
  std::string home, xdg_config_home;
  bool stdout_is_terminal = false;
  bool stderr_is_terminal = false;
  int terminal_columns = 0;  ///< From the tty, 0 when unknown.

  static Environment capture();
};

enum class OutputFormat { text, json, ndjson, csv };

/// Standard output as a sink for streaming renderers.
class StdoutSink : public OutputSink {
 public:
  void write(std::string_view text) override { std::fwrite(text.data(), 1, text.size(), stdout); }
};

/// Exit codes, as documented in portlens(1).
enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitFindings = 3 };

struct Context {
  Environment env;
  Language language = Language::en;
  Style style{false};
  OutputFormat format = OutputFormat::text;
  int verbosity = 0;  ///< -1 with -q, 1+ with -v.
  int width = 80;     ///< Columns available for text output.
  std::string command_line;  ///< argv joined by spaces, for reports that record it (scan -oX).

  std::string_view tr(const char* msgid) const { return translate(msgid, language); }

  template <typename... Args>
  std::string trf(const char* msgid, const Args&... args) const {
    return translate_format(language, msgid, args...);
  }

  void print(std::string_view text) const { std::fwrite(text.data(), 1, text.size(), stdout); }

  /// "portlens: error: …" on stderr; returns `code` so callers can `return ctx.fail(...)`.
  int fail(const Error& error, int code) const;
  /// "portlens: warning: …" on stderr, unless -q.
  void warn(const Error& error) const;
};

/// The one-line notice that sockets come from /proc/net because netlink
/// sock_diag was refused (`why`: netlink's error).
void warn_netlink_refused(const Context& ctx, const Error& why);

}  // namespace portlens
