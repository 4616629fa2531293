#pragma once
// nftables rulesets as libnftables prints them in JSON (`nft -j list ruleset`,
// JSON schema version 1) → firewall::Ruleset.

#include <string_view>

#include "firewall/ruleset.h"
#include "util/error.h"

namespace portlens::firewall {

/// Parses a whole `nft -j list ruleset` document. Every table (all families)
/// becomes a Table with backend nftables; named sets are resolved into the
/// matches that use them; verdict maps become one rule per element.
///
/// What the evaluator cannot check becomes a Field::unmodeled match (with nft
/// syntax rebuilt from the JSON as its text) or Action::unmodeled (nat, queue,
/// notrack, most xt targets); tables holding xt expressions get
/// `uses_xtables`. Rule and match texts are at most 300 bytes plus "…".
///
/// Fails only when the document is not JSON, nests deeper than 64 levels, or
/// its structure (tables, chains, sets, rules and their names, hooks,
/// priorities, policies, handles) is not what libnftables prints; errors name
/// the byte (1-based) or the JSON path, e.g. "nftables[3].rule.expr".
/// Statements and expressions it does not know are never an error.
Result<Ruleset> parse_nft_json(std::string_view json);

}  // namespace portlens::firewall
