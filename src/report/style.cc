#include "report/style.h"

#include <fmt/format.h>

namespace portlens {

bool should_color(ColorMode mode, bool stdout_is_terminal, std::string_view no_color_value,
                  bool no_color_set, std::string_view term) {
  if (mode == ColorMode::always) return true;
  if (mode == ColorMode::never) return false;
  if (no_color_set && !no_color_value.empty()) return false;
  return stdout_is_terminal && term != "dumb";
}

std::string Style::wrap(std::string_view code, std::string_view text) const {
  if (!enabled_) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

std::string Style::risk(Risk risk, std::string_view text) const {
  switch (risk) {
    case Risk::critical: return wrap("1;97;41", text);
    case Risk::high: return wrap("1;31", text);
    case Risk::medium: return wrap("33", text);
    case Risk::low: return wrap("36", text);
    case Risk::info: return std::string(text);
  }
  return std::string(text);
}

}  // namespace portlens
