#include "knowledge/risk.h"

#include "util/text.h"

namespace portlens {

std::optional<Risk> parse_risk(std::string_view name) {
  std::string lower = ascii_lower(name);
  for (Risk risk : kRisks) {
    if (lower == risk_name(risk)) return risk;
  }
  return std::nullopt;
}

std::string_view risk_name(Risk risk) {
  static constexpr std::string_view kNames[] = {"info", "low", "medium", "high", "critical"};
  return kNames[static_cast<int>(risk)];
}

std::string_view risk_label(Risk risk, Language language) {
  static constexpr std::string_view kChinese[] = {"提示", "低", "中", "高", "严重"};
  return language == Language::zh ? kChinese[static_cast<int>(risk)] : risk_name(risk);
}

}  // namespace portlens
