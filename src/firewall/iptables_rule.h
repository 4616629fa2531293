#pragma once
// Private to the iptables-save reader: what its two files share.
//
//   iptables_save.cc   the lines: tables, chains, COMMIT; each rule line split
//                      into tokens, its counters and "-A CHAIN" read
//   iptables_rule.cc   what the rest of a rule's tokens mean: options,
//                      module groups, values, the target
//
// The format, and what is modelled, are described at the top of iptables_save.cc.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "firewall/ruleset.h"
#include "util/error.h"

namespace portlens::firewall::iptables_detail {

constexpr size_t kMaxQuotedBytes = 64;  // of a bad value or line, in errors

/// Cuts `text` to `max_bytes` at a UTF-8 boundary, marking the cut with "…".
std::string bounded(std::string_view text, size_t max_bytes);

/// "iptables-save line N: cannot parse '…'" with `text` cut to kMaxQuotedBytes.
Error cannot_parse(size_t line, std::string_view text);

// ---- tokens (iptables_save.cc)

struct Token {
  std::string text;
  size_t offset = 0;    ///< Where the token starts in its line.
  bool quoted = false;  ///< Had quotes or escapes: a value, never an option or "!".
};

/// An unquoted "!".
bool is_bang(const Token& token);
/// An unquoted "-x…" or "--x…" (but not a negative number such as "-1").
bool looks_like_option(const Token& token);

// Options iptables parses itself, whatever modules are loaded.
enum class Generic : uint8_t {
  none,
  protocol,
  source,
  destination,
  in_interface,
  out_interface,
  fragment,
  match,
  jump,
  go_to,
  counters
};

/// Which generic option `token` names, by short or long name; none for any
/// other token, and for a quoted one.
Generic generic_option(const Token& token);

// ---- rules (iptables_rule.cc)

/// A table's chains declared so far: name → index in Table::chains.
using ChainIndex = std::unordered_map<std::string, size_t>;

/// Reads the rule whose options are tokens[first…] (what follows "-A CHAIN")
/// on line `line`: -s/-d addresses are of `family`; a target in `chains` is a
/// jump. Rule::text and Rule::handle are left to the caller. Errors name the
/// line: a bad port, address or prefix, a misplaced "!", a second target.
Result<Rule> read_rule(const std::vector<Token>& tokens, size_t first, IpFamily family, size_t line,
                       const ChainIndex& chains);

}  // namespace portlens::firewall::iptables_detail
