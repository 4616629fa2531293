#pragma once
// The two files `portlens audit` reads besides the system: the allow file
// (findings the user has accepted, with a reason and optionally an expiry
// date) and the baseline (findings known at a saved point, so later runs
// report only what is new). Both are TOML; see docs/audit.md.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/risk.h"
#include "net/protocol.h"
#include "util/error.h"

namespace portlens {

struct CalendarDate {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const CalendarDate&) const = default;
};
std::string date_text(const CalendarDate& date);  ///< "2027-01-31"
CalendarDate today_utc();

/// One [[allow]] table. At least one of id, port and process is set; the
/// allowance covers findings that match every field it sets.
struct Allowance {
  std::optional<std::string> id;
  std::optional<uint16_t> port;
  std::optional<Protocol> protocol;
  std::optional<std::string> process;
  std::string reason;
  std::optional<CalendarDate> expires;  ///< After this day the allowance no longer applies.
  size_t line = 0;
};

Result<std::vector<Allowance>> parse_allow_file(std::string_view text, std::string_view file_name);

/// A finding as the baseline remembers it.
struct BaselineItem {
  std::string id;
  std::optional<Protocol> protocol;  ///< Absent for host-level findings.
  uint16_t port = 0;
  std::string process;  ///< First owner's name, may be empty.
  /// The severity it had. A finding that is now more severe (the database
  /// that was local-only is now exposed) is new, baseline or not.
  std::optional<Risk> severity;
  bool operator==(const BaselineItem&) const = default;
};

/// True when `known` (from the baseline) stands for `now`: same finding on
/// the same socket and process, and not more severe than it was.
bool baseline_covers(const BaselineItem& known, const BaselineItem& now);

Result<std::vector<BaselineItem>> parse_baseline(std::string_view text, std::string_view file_name);
std::string write_baseline(const std::vector<BaselineItem>& items, const CalendarDate& saved);

/// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_quote(std::string_view text);

}  // namespace portlens
