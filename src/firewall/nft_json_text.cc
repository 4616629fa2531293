// nft syntax rebuilt from libnftables' JSON, for the evidence the rules and
// unmodeled matches carry ("tcp dport { 22, 80 } accept", "limit rate
// 10/second"). Expressions and statements spelled out here read as nft
// prints them; any other object reads as its kind and values. Texts are cut
// at kMaxTextBytes (see nft_json_internal.h for the interface).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "firewall/nft_json_internal.h"
#include "util/text.h"

namespace portlens::firewall::nft_detail {
namespace {

constexpr size_t kMaxTextBytes = 300;
constexpr std::string_view kEllipsis = "…";

// Meta keys nft prints without "meta", and whose string values it quotes.
constexpr std::string_view kInterfaceKeys[] = {"iifname", "oifname", "iif", "oif", "ibrname", "obrname"};
constexpr std::string_view kBinaryOperators[] = {"&", "|", "^", "<<", ">>"};

bool is_true(const Json* flag) { return flag != nullptr && flag->is_boolean() && flag->get<bool>(); }

}  // namespace

// ---------------------------------------------------------------- evidence text

Text& Text::operator<<(std::string_view piece) {
  size_t room = text_.size() < kMaxTextBytes + 4 ? kMaxTextBytes + 4 - text_.size() : 0;
  text_.append(piece.substr(0, room));
  return *this;
}

bool Text::full() const { return text_.size() > kMaxTextBytes; }

bool Text::empty() const { return text_.empty(); }

std::string Text::finish() const {
  if (text_.size() <= kMaxTextBytes) return text_;
  size_t cut = kMaxTextBytes;
  while (cut > 0 && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) --cut;
  return text_.substr(0, cut) + std::string(kEllipsis);
}

bool is_binary_operator(std::string_view kind) { return is_one_of(kind, kBinaryOperators); }

namespace {

void render_list(const Json& items, std::string_view separator, bool quote, int depth, Text* out) {
  if (!items.is_array()) {
    render(items, quote, depth + 1, out);
    return;
  }
  bool first = true;
  for (const Json& item : items) {
    if (out->full()) return;
    if (!first) *out << separator;
    first = false;
    render(item, quote, depth + 1, out);
  }
}

// Any object nft's grammar is not spelled out for here: its kind and values.
void render_generic(std::string_view kind, const Json& body, int depth, Text* out) {
  *out << kind;
  bool first = kind.empty();
  auto add = [&](const Json& value) {
    if (value.is_null() || out->full()) return;
    if (!first) *out << " ";
    first = false;
    render(value, false, depth + 1, out);
  };
  if (!body.is_object()) {
    add(body);
    return;
  }
  for (const auto& [key, value] : body.items()) add(value);
}

void render_payload(const Json& body, Text* out) {
  const std::string* protocol = string_member(body, "protocol");
  const std::string* field = string_member(body, "field");
  if (protocol != nullptr && field != nullptr) {
    *out << *protocol << " " << *field;
    return;
  }
  // A raw payload: `@th,16,16`.
  *out << "@" << string_or_empty(body, "base");
  for (std::string_view key : {"offset", "len"}) {
    *out << ",";
    if (const Json* number = member(body, key)) render(*number, false, 1, out);
  }
}

void render_tagged(Tagged expression, bool quote, int depth, Text* out) {
  const Json& body = *expression.body;
  std::string_view kind = expression.kind;
  if (kind == "payload") {
    render_payload(body, out);
  } else if (kind == "meta") {
    std::string_view key = string_or_empty(body, "key");
    if (!is_one_of(key, kInterfaceKeys)) *out << "meta ";
    *out << key;
  } else if (kind == "ct") {
    *out << "ct ";
    if (const std::string* direction = string_member(body, "dir")) *out << *direction << " ";
    *out << string_or_empty(body, "key");
  } else if (kind == "fib") {
    *out << "fib ";
    if (const Json* flags = member(body, "flags")) render_list(*flags, " . ", false, depth, out);
    *out << " " << string_or_empty(body, "result");
  } else if (kind == "set") {
    *out << "{ ";
    render_list(body, ", ", quote, depth, out);
    *out << " }";
  } else if (kind == "range") {
    render_list(body, "-", quote, depth, out);
  } else if (kind == "concat") {
    render_list(body, " . ", quote, depth, out);
  } else if (kind == "prefix" && member(body, "addr") != nullptr && member(body, "len") != nullptr) {
    render(*member(body, "addr"), false, depth + 1, out);
    *out << "/";
    render(*member(body, "len"), false, depth + 1, out);
  } else if (kind == "elem" && member(body, "val") != nullptr) {
    render(*member(body, "val"), quote, depth + 1, out);
  } else if (kind == "map" && member(body, "key") != nullptr && member(body, "data") != nullptr) {
    render(*member(body, "key"), false, depth + 1, out);
    *out << " map ";
    render(*member(body, "data"), false, depth + 1, out);
  } else if (kind == "|") {
    render_list(body, "|", quote, depth, out);  // flags: "established|related"
  } else if (is_one_of(kind, kBinaryOperators)) {
    render_list(body, std::string(" ") + std::string(kind) + " ", quote, depth, out);
  } else {
    render_generic(kind, body, depth, out);
  }
}

}  // namespace

// nft's spelling of an expression: "tcp dport", "{ 22, 80 }", "10.0.0.0/8".
void render(const Json& value, bool quote, int depth, Text* out) {
  if (depth > kMaxExpressionDepth) {
    *out << kEllipsis;
    return;
  }
  if (out->full()) return;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    bool quoted = quote && !text.starts_with('@');
    *out << (quoted ? "\"" : "") << text << (quoted ? "\"" : "");
  } else if (value.is_boolean()) {
    *out << (value.get<bool>() ? "exists" : "missing");  // `tcp option mss exists`
  } else if (value.is_number()) {
    *out << value.dump();
  } else if (value.is_array()) {
    render_list(value, ",", quote, depth, out);  // flags: "established,related"
  } else if (Tagged expression = tagged(value); expression.body != nullptr) {
    render_tagged(expression, quote, depth, out);
  } else if (value.is_object()) {
    render_generic("", value, depth, out);
  }
}

bool quotes_strings(const Json& left) {
  Tagged expression = tagged(left);
  return expression.kind == "meta" && is_one_of(string_or_empty(*expression.body, "key"), kInterfaceKeys);
}

void render_match(const Json& left, std::string_view op, const Json& right, Text* out) {
  render(left, false, 0, out);
  bool masked = is_one_of(tagged(left).kind, kBinaryOperators);
  if ((op != "==" || masked) && op != "in") *out << " " << op;  // nft leaves out a plain `==`
  *out << " ";
  render(right, quotes_strings(left), 0, out);
}

namespace {

void render_limit(const Json& body, Text* out) {
  *out << "limit rate " << (is_true(member(body, "inv")) ? "over " : "");
  if (const Json* rate = member(body, "rate")) render(*rate, false, 1, out);
  std::string_view unit = string_or_empty(body, "rate_unit");
  if (!unit.empty() && unit != "packets") *out << " " << unit;
  *out << "/" << string_or_empty(body, "per");
  const Json* burst_json = member(body, "burst");
  auto burst = burst_json == nullptr ? std::nullopt : integer_in(*burst_json, 0, INT64_MAX);
  if (burst && *burst != 0 && *burst != 5) {  // nft's default burst, left out as nft does
    *out << " burst " << std::to_string(*burst);
    std::string_view burst_unit = string_or_empty(body, "burst_unit");
    *out << " " << (burst_unit.empty() ? "packets" : burst_unit);
  }
}

// quota and ct count: a number with "inv" for "over".
void render_threshold(std::string_view kind, const Json& body, Text* out) {
  *out << kind << " " << (is_true(member(body, "inv")) ? "over " : "");
  if (const Json* value = member(body, "val")) render(*value, false, 1, out);
  if (const std::string* unit = string_member(body, "val_unit")) *out << " " << *unit;
}

// `add @seen { ip saddr }`, `meter flood { ip saddr limit rate 10/second }`.
void render_set_update(std::string_view kind, const Json& body, Text* out) {
  if (kind == "meter") {
    *out << "meter " << string_or_empty(body, "name");
  } else {
    *out << string_or_empty(body, "op") << " " << string_or_empty(body, kind);
  }
  *out << " { ";
  if (const Json* key = member(body, kind == "meter" ? "key" : "elem")) render(*key, false, 1, out);
  if (const Json* statement = member(body, "stmt"); statement != nullptr && tagged(*statement).body != nullptr) {
    *out << " ";
    render_statement_body(tagged(*statement), out);
  }
  *out << " }";
}

void render_nat(std::string_view kind, const Json& body, Text* out) {
  *out << kind;
  const Json* address = member(body, "addr");
  const Json* port = member(body, "port");
  if (address == nullptr && port == nullptr) return;
  *out << " to ";
  if (address != nullptr) render(*address, false, 1, out);
  if (port != nullptr) {
    *out << ":";
    render(*port, false, 1, out);
  }
}

}  // namespace

void render_statement_body(Tagged statement, Text* out) {
  const Json& body = *statement.body;
  std::string_view kind = statement.kind;
  const Json* left = member(body, "left");
  const Json* right = member(body, "right");
  if (kind == "match" && left != nullptr && right != nullptr) {
    render_match(*left, string_or_empty(body, "op"), *right, out);
  } else if (kind == "jump" || kind == "goto") {
    *out << kind << " " << string_or_empty(body, "target");
  } else if (kind == "reject") {
    *out << "reject";
    if (const std::string* type = string_member(body, "type")) *out << " with " << *type;
    if (const std::string* code = string_member(body, "expr")) *out << " " << *code;
  } else if (kind == "log") {
    *out << "log";
    if (const std::string* prefix = string_member(body, "prefix")) *out << " prefix \"" << *prefix << "\"";
  } else if (kind == "counter" || kind == "notrack" || kind == "masquerade") {
    *out << kind;
  } else if (kind == "limit") {
    render_limit(body, out);
  } else if (kind == "xt") {
    *out << "xt " << string_or_empty(body, "type") << " " << string_or_empty(body, "name");
  } else if (kind == "vmap" && member(body, "key") != nullptr && member(body, "data") != nullptr) {
    render(*member(body, "key"), false, 0, out);
    *out << " vmap ";
    render(*member(body, "data"), quotes_strings(*member(body, "key")), 0, out);
  } else if (kind == "mangle" && member(body, "key") != nullptr && member(body, "value") != nullptr) {
    render(*member(body, "key"), false, 0, out);
    *out << " set ";
    render(*member(body, "value"), false, 0, out);
  } else if (kind == "dnat" || kind == "snat" || kind == "redirect") {
    render_nat(kind, body, out);
  } else if (kind == "quota" || kind == "ct count") {
    render_threshold(kind, body, out);
  } else if (kind == "meter" || kind == "set" || kind == "map") {
    render_set_update(kind, body, out);
  } else {
    render_generic(kind, body, 0, out);
  }
}

namespace {

void render_statement(const Json& statement, Text* out) {
  Tagged tag = tagged(statement);
  if (tag.body == nullptr) {
    render(statement, false, 0, out);
    return;
  }
  render_statement_body(tag, out);
}

}  // namespace

void render_statements(const Json& statements, size_t count, Text* out) {
  for (size_t i = 0; i < count && !out->full(); ++i) {
    if (i > 0) *out << " ";
    render_statement(statements[i], out);
  }
}

void render_comment(std::string_view comment, Text* out) {
  if (comment.empty()) return;
  if (!out->empty()) *out << " ";
  *out << "comment \"" << comment << "\"";
}

// Evidence for what the evaluator does not model: nft syntax, or the JSON
// itself when that spells nothing ({"": null}, {}).
std::string evidence_text(Text text, const Json& source) {
  std::string spelled = text.finish();
  if (!trim(spelled).empty()) return spelled;
  Text json;
  json << source.dump(-1, ' ', false, Json::error_handler_t::replace);
  return json.finish();
}

std::string statement_text(const Json& statement) {
  Text text;
  render_statement(statement, &text);
  return evidence_text(std::move(text), statement);
}

Match unmodeled_match(std::string text) {
  Match match;
  match.text = std::move(text);
  return match;
}

}  // namespace portlens::firewall::nft_detail
