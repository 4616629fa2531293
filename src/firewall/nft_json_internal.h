#pragma once
// Private to the nft JSON reader: what its three files use of one another.
//
//   nft_json.cc         the document (tables, chains, sets, rules), statements
//                       read into rules, verdict maps, parse_nft_json itself
//   nft_json_values.cc  JSON access, name tables, the values a match lists
//                       (named sets, ranges, prefixes resolved), implied matches
//   nft_json_text.cc    nft syntax rebuilt from the JSON, for rule and match texts
//
// How the document is read is described at the top of nft_json.cc.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "firewall/ruleset.h"

namespace portlens::firewall::nft_detail {

using Json = nlohmann::json;

// The document is pre-scanned for nesting so no later walk can run deep; the
// expression walks stop earlier still (a real rule nests about ten levels).
constexpr int kMaxJsonDepth = 64;
constexpr int kMaxExpressionDepth = 32;

// ---------------------------------------------------------------- names (nft_json_values.cc)

struct NamedValue {
  std::string_view name;
  int value;
};

/// The value `name` has in `table`; nullopt when it is not there.
std::optional<int> find_value(std::span<const NamedValue> table, std::string_view name);
/// Whether `value` is one of `names`.
bool is_one_of(std::string_view value, std::span<const std::string_view> names);

// ---------------------------------------------------------------- JSON access (nft_json_values.cc)

/// `object[key]`; null when `object` is not an object or has no such member.
const Json* member(const Json& object, std::string_view key);
/// `object[key]` when it is a string, else null.
const std::string* string_member(const Json& object, std::string_view key);
/// `object[key]` when it is a string, else "".
std::string_view string_or_empty(const Json& object, std::string_view key);

// Statements and most expressions are objects of one member naming their kind:
// {"accept": null}, {"payload": {…}}. Anything else has an empty kind.
struct Tagged {
  std::string_view kind;
  const Json* body = nullptr;
};

Tagged tagged(const Json& value);

/// A JSON integer within [low, high]; nullopt for anything else.
std::optional<int64_t> integer_in(const Json& value, int64_t low, int64_t high);
/// `text`, all of it, as a decimal integer (at most 18 characters).
std::optional<int64_t> parse_integer(std::string_view text);

// ---------------------------------------------------------------- sets (nft_json.cc)

struct NamedSet {
  const Json* elements = nullptr;  ///< The "elem" array; null for an empty set.
  bool is_map = false;
  bool verdict_map = false;
};

/// The tables, chains and sets read so far (nft_json.cc).
struct Document;

// Where a rule lives: "@name" means the set of that name in the same table.
struct Scope {
  const Document& document;
  std::string_view family;
  std::string_view table;

  /// The set or map `name` (without "@") of this family and table, if any.
  const NamedSet* find_set(std::string_view name) const;
};

// ---------------------------------------------------------------- matches (nft_json_values.cc)

/// The match `left op right`: modelled when the left side is a field the
/// evaluator knows and every value on the right reads as one of its kind
/// (named sets resolved in `scope`), else Field::unmodeled with nft syntax.
Match make_match(const Json& left, std::string_view op, const Json& right, const Scope& scope);

/// Adds to `matches` what `expression` (a match's left side, a verdict map's
/// key) implies without nft printing it, unless `matches` holds it already.
void add_implied(const Json& expression, const Scope& scope, int depth, std::vector<Match>* matches);

/// The matches of one "match" statement (`body` is its value): the implied
/// ones, then its own.
void add_match_statement(const Json& body, const Json& statement, const Scope& scope, std::vector<Match>* matches);

// ---------------------------------------------------------------- evidence text (nft_json_text.cc)

// Text with a byte budget: what does not fit is dropped as it is added, and
// finish() cuts at kMaxTextBytes on a character boundary and adds "…".
class Text {
 public:
  Text& operator<<(std::string_view piece);
  bool full() const;
  bool empty() const;
  std::string finish() const;

 private:
  std::string text_;
};

/// nft's spelling of an expression: "tcp dport", "{ 22, 80 }", "10.0.0.0/8".
/// With `quote`, strings are quoted (interface names); `depth` is how deep
/// the walk already is.
void render(const Json& value, bool quote, int depth, Text* out);
/// Whether nft quotes the values compared with `left` (interface names).
bool quotes_strings(const Json& left);
/// `left op right` as nft prints it ("tcp dport 22", "ip saddr != 10.0.0.0/8").
void render_match(const Json& left, std::string_view op, const Json& right, Text* out);
/// One statement, given its kind and body.
void render_statement_body(Tagged statement, Text* out);
/// The first `count` statements, separated by spaces.
void render_statements(const Json& statements, size_t count, Text* out);
/// ` comment "…"`; nothing for an empty comment.
void render_comment(std::string_view comment, Text* out);

/// `text` finished; when that is blank, `source` as JSON (bounded the same way).
std::string evidence_text(Text text, const Json& source);
/// evidence_text for one statement.
std::string statement_text(const Json& statement);
/// A Field::unmodeled match with `text` as its evidence.
Match unmodeled_match(std::string text);
/// "&", "|", "^", "<<", ">>": the expressions that combine two values.
bool is_binary_operator(std::string_view kind);

}  // namespace portlens::firewall::nft_detail
