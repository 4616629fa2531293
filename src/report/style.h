#pragma once
// Colour on terminals: decided once per run, then applied by name.

#include <string>
#include <string_view>

#include "knowledge/risk.h"

namespace portlens {

enum class ColorMode { automatic, always, never };

/// The --color decision: `always` and `never` win; `automatic` colours only a
/// terminal that is not "dumb", and only when NO_COLOR is unset or empty
/// (https://no-color.org: an explicit --color=always overrides it).
bool should_color(ColorMode mode, bool stdout_is_terminal, std::string_view no_color_value,
                  bool no_color_set, std::string_view term);

class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }

  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }
  /// Red for critical/high, yellow for medium, cyan for low, plain for info.
  std::string risk(Risk risk, std::string_view text) const;

 private:
  std::string wrap(std::string_view code, std::string_view text) const;
  bool enabled_;
};

}  // namespace portlens
