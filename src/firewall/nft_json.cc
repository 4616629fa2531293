#include "firewall/nft_json.h"

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "firewall/nft_json_internal.h"
#include "util/text.h"

// What `nft -j list ruleset` prints (libnftables 1.0.6, JSON schema 1) is one
// flat array: tables, sets, maps and chains first, then every rule as its own
// item naming its family, table and chain:
//
//   {"nftables": [{"metainfo": {…}},
//     {"table": {"family": "inet", "name": "fw", "handle": 1}},
//     {"set": {"family": "inet", "table": "fw", "name": "ports", "elem": [22, {"range": [8000, 8080]}]}},
//     {"chain": {"family": "inet", "table": "fw", "name": "input", "hook": "input", "prio": 0, "policy": "drop"}},
//     {"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 4, "expr": [
//        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "@ports"}},
//        {"accept": null}]}}]}
//
// We read it in three passes (tables, chains and sets, rules), so an item may
// name a table, set or chain listed after it. Three things the JSON leaves
// implicit are made explicit for the evaluator:
//
//  * Dependencies. nft prints `tcp dport 22` without the `meta l4proto tcp` it
//    implies, and `ip saddr …` in an inet table without `meta nfproto ipv4`.
//    Each payload expression adds those matches in front of its own.
//  * Named sets. "@ports" is replaced by the set's elements (same family and
//    table), so a Match always lists concrete values.
//  * Verdict maps. `tcp dport vmap { 22 : accept, 80 : jump web }` is one rule
//    per element: the rule's matches so far, `tcp dport 22`, accept; and so on.
//    A key no element holds ends the rule, as a failed match does.
//
// Anything else a rule tests becomes a Field::unmodeled match carrying nft
// syntax rebuilt from the JSON. Service and protocol names ("ssh", "ipv6-icmp"),
// which nft prints only with -S or for protocols, are looked up in small
// built-in tables of the usual /etc/services and /etc/protocols names rather
// than the host's files, so a parse does not depend on the machine; a name not
// in them leaves its match unmodeled.
//
// This file reads the document and turns each rule's statements into Rules,
// verdict maps included. Match values, named sets and implied matches are
// read in nft_json_values.cc; the nft syntax for evidence texts is rebuilt in
// nft_json_text.cc. nft_json_internal.h is what they share.

namespace portlens::firewall::nft_detail {
namespace {

// ---------------------------------------------------------------- tables of names

constexpr NamedValue kPriorities[] = {
    {"raw", -300}, {"mangle", -150}, {"dstnat", -100}, {"filter", 0}, {"security", 50}, {"srcnat", 100},
};
constexpr NamedValue kBridgePriorities[] = {
    {"dstnat", -300},
    {"filter", -200},
    {"out", 100},
    {"srcnat", 300},
};

// Statements that change nothing about whether the rule applies or what it decides.
constexpr std::string_view kSideEffectStatements[] = {
    "counter",        "log",     "set",  "map",  "mangle", "dup", "ct helper", "ct timeout",
    "ct expectation", "secmark", "flow", "last",
};
// Statements that end or redirect the packet's path in ways the evaluator does
// not follow. notrack continues, but it changes the ct state later rules test.
constexpr std::string_view kUnmodeledVerdictStatements[] = {
    "queue", "dnat", "snat", "masquerade", "redirect", "tproxy", "fwd", "synproxy", "notrack",
};
// iptables targets (as iptables-nft leaves them in xt expressions) that only log or mark.
constexpr std::string_view kSideEffectTargets[] = {
    "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "TCPMSS", "CLASSIFY", "DSCP", "TOS", "CHECKSUM", "SET",
};
// The kinds of item read, whose body must be an object; any other kind
// ("metainfo", "flowtable", …) is skipped.
constexpr std::string_view kItemKinds[] = {"table", "chain", "set", "map", "rule"};

// ---------------------------------------------------------------- the document

// Names are unique per family and table; NUL cannot occur in them.
std::string scoped_name(std::string_view family, std::string_view table, std::string_view name = {}) {
  std::string key(family);
  key.push_back('\0');
  key.append(table);
  key.push_back('\0');
  key.append(name);
  return key;
}

}  // namespace

struct Document {
  Ruleset ruleset;
  std::map<std::string, size_t> tables;  ///< scoped_name(family, table) → index in ruleset.tables
  std::map<std::string, size_t> chains;  ///< scoped_name(family, table, chain) → index in its table
  std::map<std::string, NamedSet> sets;  ///< sets and maps by scoped_name(family, table, name)

  std::optional<size_t> find_table(std::string_view family, std::string_view name) const {
    auto found = tables.find(scoped_name(family, name));
    return found == tables.end() ? std::nullopt : std::optional<size_t>(found->second);
  }
};

const NamedSet* Scope::find_set(std::string_view name) const {
  auto found = document.sets.find(scoped_name(family, table, name));
  return found == document.sets.end() ? nullptr : &found->second;
}

namespace {

// ---------------------------------------------------------------- rules

struct Verdict {
  Action action = Action::unmodeled;
  std::string target;
};

std::optional<Verdict> verdict_of(Tagged statement) {
  std::string_view kind = statement.kind;
  if (kind == "accept") return Verdict{Action::accept, {}};
  if (kind == "drop") return Verdict{Action::drop, {}};
  if (kind == "reject") return Verdict{Action::reject, {}};
  if (kind == "return") return Verdict{Action::return_, {}};
  if (kind == "continue") return Verdict{Action::none, {}};
  if (kind != "jump" && kind != "goto") return std::nullopt;
  std::string_view target = string_or_empty(*statement.body, "target");
  if (target.empty()) return Verdict{};
  return Verdict{kind == "jump" ? Action::jump : Action::go_to, std::string(target)};
}

// A rule being read: statements run in order until a verdict ends it.
struct Draft {
  std::vector<Match> matches;
  Action action = Action::none;
  std::string target;
  bool finished = false;
};

void decide(Verdict verdict, Draft* draft) {
  if (draft->action != Action::unmodeled) {  // an earlier nat/queue/… already made it unknowable
    draft->action = verdict.action;
    draft->target = std::move(verdict.target);
  }
  draft->finished = true;
}

void make_unmodeled(Draft* draft) {
  draft->action = Action::unmodeled;
  draft->target.clear();
}

// iptables-nft's untranslated matches and targets. A match is a condition the
// evaluator cannot check; of the targets only REJECT decides in a known way.
void apply_xt(const Json& body, const Json& statement, Draft* draft) {
  std::string_view type = string_or_empty(body, "type");
  std::string_view name = string_or_empty(body, "name");
  if (type == "target") {
    if (name == "REJECT") {
      decide({Action::reject, {}}, draft);
    } else if (!is_one_of(name, kSideEffectTargets)) {
      make_unmodeled(draft);
    }
    return;
  }
  if (type == "watcher") return;  // ebtables log/nflog
  draft->matches.push_back(unmodeled_match(statement_text(statement)));
}

void apply_statement(const Json& statement, const Scope& scope, Draft* draft, bool* uses_xtables) {
  Tagged tag = tagged(statement);
  if (tag.kind == "match") {
    add_match_statement(*tag.body, statement, scope, &draft->matches);
  } else if (auto verdict = verdict_of(tag)) {
    decide(std::move(*verdict), draft);
  } else if (tag.kind == "xt") {
    *uses_xtables = true;
    apply_xt(*tag.body, statement, draft);
  } else if (is_one_of(tag.kind, kSideEffectStatements)) {
    // no effect on the verdict
  } else if (is_one_of(tag.kind, kUnmodeledVerdictStatements)) {
    make_unmodeled(draft);
  } else {
    // limit, quota, meter, ct count: conditions (over the limit, the rule
    // stops). An unknown statement may decide anything, so it counts as one.
    draft->matches.push_back(unmodeled_match(statement_text(statement)));
  }
}

struct RuleSource {
  const Scope& scope;
  const Json& statements;  ///< The "expr" array; every item an object.
  uint64_t handle = 0;
  std::string_view comment;
};

void render_verdict(const Json& verdict, Text* out) {
  Tagged tag = tagged(verdict);
  if (tag.body != nullptr && verdict_of(tag)) {
    render_statement_body(tag, out);
  } else {
    render(verdict, false, 0, out);
  }
}

// One element of a verdict map as a rule: the matches before the vmap, the
// key equal to the element's key, the element's verdict.
Rule vmap_element_rule(const RuleSource& source, const Json& key, const Json& element, std::string_view map_name,
                       const std::vector<Match>& prefix, const Text& prefix_text) {
  Rule rule;
  rule.handle = source.handle;
  rule.matches = prefix;
  Text text = prefix_text;
  if (!text.empty()) text << " ";
  render(key, false, 0, &text);
  text << " vmap " << map_name << (map_name.empty() ? "" : " ") << "{ ";
  if (element.is_array() && element.size() == 2) {
    rule.matches.push_back(make_match(key, "==", element[0], source.scope));
    Tagged verdict_tag = tagged(element[1]);
    auto verdict = verdict_tag.body != nullptr ? verdict_of(verdict_tag) : std::nullopt;
    Verdict decided = verdict.value_or(Verdict{});
    rule.action = decided.action;
    rule.target = std::move(decided.target);
    render(element[0], quotes_strings(key), 0, &text);
    text << " : ";
    render_verdict(element[1], &text);
  } else {
    Text element_text;
    render(element, false, 0, &element_text);
    rule.matches.push_back(unmodeled_match(evidence_text(std::move(element_text), element)));
    rule.action = Action::unmodeled;
    render(element, false, 0, &text);
  }
  text << " }";
  render_comment(source.comment, &text);
  rule.text = text.finish();
  return rule;
}

// The verdict map statement at `index` ends the rule: a key found decides, a
// key not found makes the rule not apply. So nothing after it runs.
void expand_vmap(const RuleSource& source, size_t index, std::vector<Match> prefix, std::vector<Rule>* rules) {
  const Json& statement = source.statements[index];
  const Json& body = *tagged(statement).body;
  const Json* key = member(body, "key");
  const Json* data = member(body, "data");
  Text prefix_text;
  render_statements(source.statements, index, &prefix_text);
  if (key != nullptr) add_implied(*key, source.scope, 0, &prefix);
  const Json* elements = nullptr;
  std::string_view map_name;
  bool resolved = false;
  if (key != nullptr && data != nullptr && data->is_string() && data->get_ref<const std::string&>().starts_with('@')) {
    map_name = data->get_ref<const std::string&>();
    const NamedSet* map = source.scope.find_set(map_name.substr(1));
    resolved = map != nullptr && map->verdict_map;
    elements = resolved ? map->elements : nullptr;
  } else if (key != nullptr && data != nullptr && tagged(*data).kind == "set" && tagged(*data).body->is_array()) {
    resolved = true;
    elements = tagged(*data).body;
  }
  if (!resolved) {
    Rule rule;
    rule.matches = std::move(prefix);
    rule.matches.push_back(unmodeled_match(statement_text(statement)));
    rule.action = Action::unmodeled;
    Text text;
    render_statements(source.statements, source.statements.size(), &text);
    render_comment(source.comment, &text);
    rule.text = text.finish();
    rule.handle = source.handle;
    rules->push_back(std::move(rule));
    return;
  }
  if (elements == nullptr) return;  // an empty map holds no key: the rule never applies
  for (const Json& element : *elements) {
    rules->push_back(vmap_element_rule(source, *key, element, map_name, prefix, prefix_text));
  }
}

// The rules one nft rule stands for: one, or one per verdict map element.
std::vector<Rule> build_rules(const RuleSource& source, bool* uses_xtables) {
  std::vector<Rule> rules;
  Draft draft;
  const Json& statements = source.statements;
  for (size_t i = 0; i < statements.size() && !draft.finished; ++i) {
    if (tagged(statements[i]).kind == "vmap" && draft.action != Action::unmodeled) {
      expand_vmap(source, i, std::move(draft.matches), &rules);
      return rules;
    }
    apply_statement(statements[i], source.scope, &draft, uses_xtables);
  }
  Rule rule;
  rule.matches = std::move(draft.matches);
  rule.action = draft.action;
  rule.target = std::move(draft.target);
  Text text;
  render_statements(statements, statements.size(), &text);
  render_comment(source.comment, &text);
  rule.text = text.finish();
  rule.handle = source.handle;
  rules.push_back(std::move(rule));
  return rules;
}

// ---------------------------------------------------------------- items

Error invalid(const std::string& path) { return make_error(N_("nft JSON: {} is missing or not valid"), path); }

Error undefined(const std::string& path, const std::string& what) {
  return make_error(N_("nft JSON: {} refers to {}, which is not defined"), path, what);
}

// One item of the "nftables" array: {"chain": {…}} is kind "chain", body {…}.
struct Item {
  size_t index = 0;
  std::string_view kind;
  const Json& body;

  std::string path(std::string_view key = {}) const {
    std::string path = fmt::format("nftables[{}].{}", index, kind);
    if (!key.empty()) path += fmt::format(".{}", key);
    return path;
  }
};

// The "family", "table", "name"/"chain" strings every item names its place with.
struct Place {
  std::string_view family;
  std::string_view table;
  std::string_view name;
};

Result<Place> read_place(const Item& item, std::string_view table_key, std::string_view name_key) {
  const std::string* family = string_member(item.body, "family");
  const std::string* table = string_member(item.body, table_key);
  const std::string* name = name_key.empty() ? nullptr : string_member(item.body, name_key);
  if (family == nullptr) return invalid(item.path("family"));
  if (table == nullptr) return invalid(item.path(table_key));
  if (!name_key.empty() && name == nullptr) return invalid(item.path(name_key));
  return Place{*family, *table, name == nullptr ? std::string_view() : std::string_view(*name)};
}

Status read_table(const Item& item, Document* document) {
  auto place = read_place(item, "name", "");
  if (!place) return place.error();
  std::string key = scoped_name(place->family, place->table);
  if (document->tables.contains(key)) return Ok{};  // listed twice: the first stands
  Table table;
  table.backend = Backend::nftables;
  table.family = place->family;
  table.name = place->table;
  document->tables.emplace(std::move(key), document->ruleset.tables.size());
  document->ruleset.tables.push_back(std::move(table));
  return Ok{};
}

Hook hook_from_name(std::string_view name) {
  if (name == "prerouting") return Hook::prerouting;
  if (name == "input") return Hook::input;
  if (name == "forward") return Hook::forward;
  if (name == "output") return Hook::output;
  if (name == "postrouting") return Hook::postrouting;
  if (name == "ingress") return Hook::ingress;
  return Hook::other;
}

// "filter", "filter + 10", "dstnat - 5", "-300": a priority name of the
// family with an optional offset, or a plain number.
std::optional<int> priority_from_text(std::string_view text, std::string_view family) {
  text = trim(text);
  int64_t value = 0;
  if (auto number = parse_integer(text)) {
    value = *number;
  } else {
    std::string_view name = text.substr(0, text.find_first_of(" +-"));
    std::optional<int> base = family == "bridge" ? find_value(kBridgePriorities, name) : std::nullopt;
    if (!base) base = find_value(kPriorities, name);
    if (!base) return std::nullopt;
    value = *base;
    std::string_view rest = trim(text.substr(name.size()));
    if (!rest.empty()) {
      auto offset = parse_integer(trim(rest.substr(1)));
      if ((rest[0] != '+' && rest[0] != '-') || !offset || *offset < 0) return std::nullopt;
      value += rest[0] == '+' ? *offset : -*offset;
    }
  }
  if (value < INT_MIN || value > INT_MAX) return std::nullopt;
  return static_cast<int>(value);
}

std::optional<int> priority_value(const Json& prio, std::string_view family) {
  if (auto number = integer_in(prio, INT_MIN, INT_MAX)) return static_cast<int>(*number);
  if (!prio.is_string()) return std::nullopt;
  return priority_from_text(prio.get_ref<const std::string&>(), family);
}

// Base chains name their hook; a chain without one is reached only by jump/goto.
Status read_base_chain(const Item& item, std::string_view family, Chain* chain) {
  const Json* hook = member(item.body, "hook");
  if (hook == nullptr) return Ok{};
  if (!hook->is_string()) return invalid(item.path("hook"));
  chain->hook = hook_from_name(hook->get_ref<const std::string&>());
  if (const Json* type = member(item.body, "type")) {
    if (!type->is_string()) return invalid(item.path("type"));
    chain->type = type->get_ref<const std::string&>();
  }
  if (const Json* prio = member(item.body, "prio")) {
    auto priority = priority_value(*prio, family);
    if (!priority) return invalid(item.path("prio"));
    chain->priority = *priority;
  }
  if (member(item.body, "policy") != nullptr) {
    std::string_view policy = string_or_empty(item.body, "policy");
    if (policy != "accept" && policy != "drop") return invalid(item.path("policy"));
    chain->policy = policy == "accept" ? Action::accept : Action::drop;
  }
  return Ok{};
}

Status read_chain(const Item& item, Document* document) {
  auto place = read_place(item, "table", "name");
  if (!place) return place.error();
  auto table = document->find_table(place->family, place->table);
  if (!table) return undefined(item.path(), fmt::format("table {} {}", place->family, place->table));
  Chain chain;
  chain.name = place->name;
  Status base = read_base_chain(item, place->family, &chain);
  if (!base) return base;
  std::string key = scoped_name(place->family, place->table, place->name);
  if (document->chains.contains(key)) return Ok{};  // listed twice: the first stands
  std::vector<Chain>& chains = document->ruleset.tables[*table].chains;
  document->chains.emplace(std::move(key), chains.size());
  chains.push_back(std::move(chain));
  return Ok{};
}

Status read_set(const Item& item, Document* document) {
  auto place = read_place(item, "table", "name");
  if (!place) return place.error();
  if (!document->find_table(place->family, place->table)) {
    return undefined(item.path(), fmt::format("table {} {}", place->family, place->table));
  }
  NamedSet set;
  set.is_map = item.kind == "map";
  set.verdict_map = set.is_map && string_or_empty(item.body, "map") == "verdict";
  if (const Json* elements = member(item.body, "elem")) {
    if (!elements->is_array()) return invalid(item.path("elem"));
    set.elements = elements;
  }
  document->sets.emplace(scoped_name(place->family, place->table, place->name), set);  // the first stands
  return Ok{};
}

Status read_rule(const Item& item, Document* document) {
  auto place = read_place(item, "table", "chain");
  if (!place) return place.error();
  const Json* statements = member(item.body, "expr");
  if (statements == nullptr || !statements->is_array()) return invalid(item.path("expr"));
  for (size_t i = 0; i < statements->size(); ++i) {
    if (!(*statements)[i].is_object()) return invalid(item.path(fmt::format("expr[{}]", i)));
  }
  uint64_t handle = 0;
  if (const Json* handle_json = member(item.body, "handle")) {
    if (!handle_json->is_number_unsigned()) return invalid(item.path("handle"));
    handle = handle_json->get<uint64_t>();
  }
  const Json* comment = member(item.body, "comment");
  if (comment != nullptr && !comment->is_string()) return invalid(item.path("comment"));
  auto chain = document->chains.find(scoped_name(place->family, place->table, place->name));
  if (chain == document->chains.end()) {
    return undefined(item.path(), fmt::format("chain {} {} {}", place->family, place->table, place->name));
  }
  Scope scope{*document, place->family, place->table};
  std::string_view comment_text;
  if (comment != nullptr) comment_text = comment->get_ref<const std::string&>();
  RuleSource source{scope, *statements, handle, comment_text};
  bool uses_xtables = false;
  std::vector<Rule> rules = build_rules(source, &uses_xtables);
  Table& table = document->ruleset.tables[*document->find_table(place->family, place->table)];
  table.uses_xtables = table.uses_xtables || uses_xtables;
  std::vector<Rule>& chain_rules = table.chains[chain->second].rules;
  for (Rule& rule : rules) chain_rules.push_back(std::move(rule));
  return Ok{};
}

// ---------------------------------------------------------------- parsing

// 1-based offset of the first bracket that opens a container deeper than
// kMaxJsonDepth, if any.
std::optional<size_t> too_deep_at(std::string_view json) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i + 1;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

Result<Json> parse_document(std::string_view text) {
  if (auto offset = too_deep_at(text)) {
    return make_error(N_("nft JSON: nested deeper than {} levels at byte {}"), kMaxJsonDepth, *offset);
  }
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    return make_error(N_("nft JSON: syntax error at byte {}"), error.byte);
  } catch (const Json::exception&) {
    return make_error(N_("nft JSON: syntax error at byte {}"), 0);
  }
}

// Tables first (pass 0), then chains and sets (pass 1), then rules (pass 2):
// an item may come before what it names.
Status read_items(const Json& items, int pass, Document* document) {
  for (size_t i = 0; i < items.size(); ++i) {
    Tagged tag = tagged(items[i]);
    if (tag.body == nullptr) return invalid(fmt::format("nftables[{}]", i));
    Item item{i, tag.kind, *tag.body};
    bool known = is_one_of(tag.kind, kItemKinds);
    if (known && !tag.body->is_object()) return invalid(item.path());
    Status status = Ok{};
    if (pass == 0 && tag.kind == "table") status = read_table(item, document);
    if (pass == 1 && tag.kind == "chain") status = read_chain(item, document);
    if (pass == 1 && (tag.kind == "set" || tag.kind == "map")) status = read_set(item, document);
    if (pass == 2 && tag.kind == "rule") status = read_rule(item, document);
    if (!status) return status;
  }
  return Ok{};
}

Result<Ruleset> read_ruleset(std::string_view json) {
  auto document_json = parse_document(json);
  if (!document_json) return document_json.error();
  const Json* items = member(*document_json, "nftables");
  if (items == nullptr || !items->is_array()) return invalid("nftables");
  Document document;
  for (int pass : {0, 1, 2}) {
    Status status = read_items(*items, pass, &document);
    if (!status) return status.error();
  }
  return std::move(document.ruleset);
}

}  // namespace
}  // namespace portlens::firewall::nft_detail

namespace portlens::firewall {

Result<Ruleset> parse_nft_json(std::string_view json) { return nft_detail::read_ruleset(json); }

}  // namespace portlens::firewall
