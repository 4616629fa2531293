// iptables-save / ip6tables-save text, the firewall source for the legacy
// backend and for tables iptables-nft fills with xt matches. Seeds are real
// outputs of both variants recorded in network namespaces (the same texts
// src/firewall/iptables_save_test.cc checks), plus hand-written restore forms.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firewall/iptables_save.h"

namespace {

using portlens::firewall::Action;
using portlens::firewall::Field;
using portlens::firewall::IpFamily;
using portlens::firewall::Match;

constexpr size_t kMaxRuleTextBytes = 300 + 3;  // and "…"
constexpr size_t kMaxMatchTextBytes = 200 + 3;

bool is_line_number(const std::string& text) {
  if (text.empty() || text.size() > 20 || text[0] == '0') return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A modelled match always says what it compares with.
bool has_values(const Match& match, IpFamily family) {
  switch (match.field) {
    case Field::nfproto: return !match.families.empty();
    case Field::l4proto: return !match.protocols.empty();
    case Field::dport:
    case Field::sport:
      for (const auto& range : match.ports) {
        if (range.first > range.last) return false;
      }
      return !match.ports.empty();
    case Field::saddr:
    case Field::daddr:
      for (const auto& range : match.addresses) {
        if (range.family != family || range.last < range.first) return false;
      }
      return !match.addresses.empty();
    case Field::iifname:
    case Field::daddr_type:
    case Field::pkttype:
      for (const auto& name : match.names) {
        if (name.empty()) return false;
      }
      return !match.names.empty();
    case Field::ct_state: return match.ct_states != 0;
    case Field::unmodeled: return !match.text.empty() && match.text.size() <= kMaxMatchTextBytes;
  }
  return false;
}

void check(std::string_view text, std::string_view family_name, IpFamily family) {
  auto ruleset =
      portlens::firewall::parse_iptables_save(text, family_name, portlens::firewall::Backend::iptables_legacy);
  if (!ruleset) {
    const auto& args = ruleset.error().args;
    if (args.empty() || !is_line_number(args[0])) __builtin_trap();  // errors name the line
    return;
  }
  for (const auto& table : ruleset->tables) {
    if (table.family != family_name || table.name.empty()) __builtin_trap();
    for (const auto& chain : table.chains) {
      if (chain.name.empty()) __builtin_trap();
      uint64_t handle = 0;
      for (const auto& rule : chain.rules) {
        if (rule.handle != ++handle) __builtin_trap();
        if (rule.text.size() > kMaxRuleTextBytes) __builtin_trap();
        bool jumps = rule.action == Action::jump || rule.action == Action::go_to;
        if (jumps == rule.target.empty()) __builtin_trap();
        for (const Match& match : rule.matches) {
          if (!has_values(match, family)) __builtin_trap();
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, "ip", IpFamily::ipv4);
  check(text, "ip6", IpFamily::ipv6);
  return 0;
}
