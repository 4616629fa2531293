#pragma once
// The ruleset the kernel runs now, in the calling thread's network namespace:
//   * nftables through libnftables' JSON output ("list ruleset"). The library
//     is loaded at run time (dlopen), so portlens starts and degrades with a
//     warning on a machine without the nftables package;
//   * iptables-legacy / ip6tables-legacy tables, which live outside nftables,
//     from iptables-legacy-save, run only when /proc/net/ip{,6}_tables_names
//     says such tables exist;
//   * nft tables that iptables-nft filled with xt matches it could not
//     translate: their rules are read back from iptables-nft-save, which
//     prints them as iptables rules the evaluator understands.

#include <string>
#include <vector>

#include "firewall/ruleset.h"
#include "util/error.h"

namespace portlens::firewall {

struct LiveRuleset {
  Ruleset ruleset;
  /// What was read: "nftables", "iptables-nft (ip filter)", "iptables-legacy (ip)".
  std::vector<std::string> sources;
  /// Parts that could not be read, and why. When not empty the ruleset is
  /// incomplete and verdicts beyond loopback must be "unknown".
  std::vector<Error> problems;
  std::string nft_json;  ///< The raw document, for --dump-ruleset style debugging.
};

LiveRuleset read_live_ruleset();

}  // namespace portlens::firewall
