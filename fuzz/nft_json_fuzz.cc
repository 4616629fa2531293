// `nft -j list ruleset` output. Seeds are real rulesets recorded with nft
// 1.0.6 and iptables-nft 1.8.9 (src/firewall/nft_json_test_data.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firewall/nft_json.h"
#include "util/text.h"

namespace {

using namespace portlens::firewall;

// "…" after at most 300 bytes.
constexpr size_t kMaxTextBytes = 303;

void check_text(const std::string& text) {
  if (text.size() > kMaxTextBytes || !portlens::is_valid_utf8(text)) __builtin_trap();
}

// How many of the value lists a match fills; a modelled match fills exactly
// the one of its field, an unmodeled match none.
int filled_lists(const Match& match) {
  return !match.families.empty() + !match.protocols.empty() + !match.ports.empty() + !match.addresses.empty() +
         !match.names.empty() + (match.ct_states != 0);
}


void check_match(const Match& match) {
  if (match.field == Field::unmodeled) {
    if (match.text.empty() || filled_lists(match) != 0) __builtin_trap();
  } else if (!has_values(match) || filled_lists(match) != 1 || !match.text.empty()) {
    __builtin_trap();
  }
  check_text(match.text);
  if ((match.ct_states & ~0x1F) != 0) __builtin_trap();
  for (const portlens::PortRange& range : match.ports) {
    if (range.first > range.last) __builtin_trap();
  }
  for (const AddressRange& range : match.addresses) {
    size_t size = range.family == IpFamily::ipv4 ? 4 : 16;
    if (std::lexicographical_compare(range.last.begin(), range.last.begin() + size, range.first.begin(),
                                     range.first.begin() + size)) {
      __builtin_trap();
    }
    for (size_t i = size; i < 16; ++i) {
      if (range.first[i] != 0 || range.last[i] != 0) __builtin_trap();
    }
  }
  for (const std::string& name : match.names) {
    if (name.empty()) __builtin_trap();
  }
}

void check_rule(const Rule& rule) {
  bool jumps = rule.action == Action::jump || rule.action == Action::go_to;
  if (jumps == rule.target.empty()) __builtin_trap();  // a target exactly when jumping
  check_text(rule.text);
  for (const Match& match : rule.matches) check_match(match);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ruleset = parse_nft_json(text);
  if (!ruleset) {
    if (ruleset.error().msgid.empty() || ruleset.error().args.empty()) __builtin_trap();
    return 0;
  }
  for (const Table& table : ruleset->tables) {
    if (table.backend != Backend::nftables) __builtin_trap();
    for (const Chain& chain : table.chains) {
      if (chain.policy != Action::accept && chain.policy != Action::drop) __builtin_trap();
      if (table.find_chain(chain.name) != &chain) __builtin_trap();  // names are unique in a table
      for (const Rule& rule : chain.rules) check_rule(rule);
    }
  }
  return 0;
}
