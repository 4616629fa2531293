#include "cli/context.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "report/sanitize.h"

namespace portlens {

namespace {

std::string variable(const char* name, bool* set = nullptr) {
  const char* value = std::getenv(name);
  if (set != nullptr) *set = value != nullptr;
  return value != nullptr ? value : "";
}

/// Error arguments are outside input: make them safe and short for one line.
Error printable(const Error& error) {
  Error safe = error;
  for (std::string& arg : safe.args) arg = terminal_safe_excerpt(arg, 80);
  return safe;
}

}  // namespace

Environment Environment::capture() {
  Environment env;
  env.lc_all = variable("LC_ALL");
  env.lc_messages = variable("LC_MESSAGES");
  env.lang = variable("LANG");
  env.no_color = variable("NO_COLOR", &env.no_color_set);
  env.term = variable("TERM");
  env.columns = variable("COLUMNS");
  env.home = variable("HOME");
  env.xdg_config_home = variable("XDG_CONFIG_HOME");
  env.stdout_is_terminal = isatty(STDOUT_FILENO) == 1;
  env.stderr_is_terminal = isatty(STDERR_FILENO) == 1;
  winsize size{};
  if (env.stdout_is_terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    env.terminal_columns = size.ws_col;
  }
  return env;
}

int Context::fail(const Error& error, int code) const {
  std::string message = render_error(printable(error), language);
  fmt::print(stderr, "portlens: error: {}\n", message);
  return code;
}

void Context::warn(const Error& error) const {
  if (verbosity < 0) return;
  fmt::print(stderr, "portlens: warning: {}\n", render_error(printable(error), language));
}

void warn_netlink_refused(const Context& ctx, const Error& why) {
  ctx.warn(make_error(N_("netlink sock_diag is not available ({}); reading /proc/net instead"),
                      render_error(why, ctx.language)));
}

}  // namespace portlens
