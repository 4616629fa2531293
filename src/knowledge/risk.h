#pragma once
// How dangerous a port is when it can be reached from untrusted networks.

#include <cstdint>
#include <optional>
#include <string_view>

#include "i18n/language.h"

namespace portlens {

enum class Risk : uint8_t { info, low, medium, high, critical };

inline constexpr Risk kRisks[] = {Risk::info, Risk::low, Risk::medium, Risk::high, Risk::critical};

std::optional<Risk> parse_risk(std::string_view name);
std::string_view risk_name(Risk risk);
/// The level's name for people: "high" / "高".
std::string_view risk_label(Risk risk, Language language);

}  // namespace portlens
