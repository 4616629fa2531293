#include "firewall/nft_json.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <climits>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>

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

namespace portlens::firewall {
namespace {

using Json = nlohmann::json;

// The document is pre-scanned for nesting so no later walk can run deep; the
// expression walks stop earlier still (a real rule nests about ten levels).
constexpr int kMaxJsonDepth = 64;
constexpr int kMaxExpressionDepth = 32;
constexpr size_t kMaxTextBytes = 300;
constexpr std::string_view kEllipsis = "…";

// ---------------------------------------------------------------- tables of names

struct NamedValue {
  std::string_view name;
  int value;
};

constexpr NamedValue kIpProtocols[] = {
    {"icmp", 1},       {"igmp", 2},         {"ggp", 3},        {"ipencap", 4},
    {"st", 5},         {"tcp", 6},          {"egp", 8},        {"igp", 9},
    {"pup", 12},       {"udp", 17},         {"hmp", 20},       {"xns-idp", 22},
    {"rdp", 27},       {"iso-tp4", 29},     {"dccp", 33},      {"xtp", 36},
    {"ddp", 37},       {"idpr-cmtp", 38},   {"ipv6", 41},      {"ipv6-route", 43},
    {"ipv6-frag", 44}, {"idrp", 45},        {"rsvp", 46},      {"gre", 47},
    {"esp", 50},       {"ah", 51},          {"skip", 57},      {"ipv6-icmp", 58},
    {"icmpv6", 58},    {"ipv6-nonxt", 59},  {"ipv6-opts", 60}, {"rspf", 73},
    {"vmtp", 81},      {"eigrp", 88},       {"ospf", 89},      {"ax.25", 93},
    {"ipip", 94},      {"etherip", 97},     {"encap", 98},     {"pim", 103},
    {"ipcomp", 108},   {"comp", 108},       {"vrrp", 112},     {"l2tp", 115},
    {"isis", 124},     {"sctp", 132},       {"fc", 133},       {"mobility-header", 135},
    {"udplite", 136},  {"mpls-in-ip", 137}, {"manet", 138},    {"hip", 139},
    {"shim6", 140},    {"wesp", 141},       {"rohc", 142},     {"ethernet", 143},
};

// clang-format off
constexpr NamedValue kServices[] = {
    {"ftp-data", 20}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53}, {"bootps", 67},
    {"bootpc", 68}, {"tftp", 69}, {"http", 80}, {"kerberos", 88}, {"pop3", 110}, {"sunrpc", 111}, {"auth", 113},
    {"ntp", 123}, {"epmap", 135}, {"netbios-ns", 137}, {"netbios-dgm", 138}, {"netbios-ssn", 139}, {"imap2", 143},
    {"imap", 143}, {"snmp", 161}, {"snmp-trap", 162}, {"bgp", 179}, {"ldap", 389}, {"https", 443},
    {"microsoft-ds", 445}, {"submissions", 465}, {"smtps", 465}, {"isakmp", 500}, {"shell", 514}, {"syslog", 514},
    {"dhcpv6-client", 546}, {"dhcpv6-server", 547}, {"submission", 587}, {"ipp", 631}, {"ldaps", 636},
    {"domain-s", 853}, {"rsync", 873}, {"imaps", 993}, {"pop3s", 995}, {"openvpn", 1194}, {"ms-sql-s", 1433},
    {"radius", 1812}, {"nfs", 2049}, {"mysql", 3306}, {"ms-wbt-server", 3389}, {"ipsec-nat-t", 4500}, {"sip", 5060},
    {"mdns", 5353}, {"postgresql", 5432}, {"x11", 6000}, {"redis", 6379}, {"http-alt", 8080},
};
// clang-format on

constexpr NamedValue kCtStates[] = {
    {"invalid", kCtInvalid}, {"established", kCtEstablished}, {"related", kCtRelated},
    {"new", kCtNew},         {"untracked", kCtUntracked},
};

// The kernel's ct state bits (nf_conntrack_common.h), which differ from ours.
constexpr std::pair<int64_t, uint8_t> kKernelCtBits[] = {
    {1, kCtInvalid}, {2, kCtEstablished}, {4, kCtRelated}, {8, kCtNew}, {64, kCtUntracked},
};

constexpr NamedValue kPriorities[] = {
    {"raw", -300}, {"mangle", -150}, {"dstnat", -100}, {"filter", 0}, {"security", 50}, {"srcnat", 100},
};
constexpr NamedValue kBridgePriorities[] = {
    {"dstnat", -300},
    {"filter", -200},
    {"out", 100},
    {"srcnat", 300},
};

std::optional<int> find_value(std::span<const NamedValue> table, std::string_view name) {
  for (const NamedValue& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <size_t N>
bool is_one_of(std::string_view value, const std::string_view (&names)[N]) {
  for (std::string_view name : names) {
    if (name == value) return true;
  }
  return false;
}

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
// Meta keys nft prints without "meta", and whose string values it quotes.
constexpr std::string_view kInterfaceKeys[] = {"iifname", "oifname", "iif", "oif", "ibrname", "obrname"};
constexpr std::string_view kBinaryOperators[] = {"&", "|", "^", "<<", ">>"};

// ---------------------------------------------------------------- JSON access

const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

const std::string* string_member(const Json& object, std::string_view key) {
  const Json* value = member(object, key);
  return value != nullptr && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

std::string_view string_or_empty(const Json& object, std::string_view key) {
  const std::string* value = string_member(object, key);
  return value == nullptr ? std::string_view() : std::string_view(*value);
}

bool is_true(const Json* flag) { return flag != nullptr && flag->is_boolean() && flag->get<bool>(); }

// Statements and most expressions are objects of one member naming their kind:
// {"accept": null}, {"payload": {…}}. Anything else has an empty kind.
struct Tagged {
  std::string_view kind;
  const Json* body = nullptr;
};

Tagged tagged(const Json& value) {
  if (!value.is_object() || value.size() != 1) return {};
  auto only = value.begin();
  return {only.key(), &only.value()};
}

std::optional<int64_t> integer_in(const Json& value, int64_t low, int64_t high) {
  int64_t number = 0;
  if (value.is_number_unsigned()) {
    auto unsigned_number = value.get<uint64_t>();
    if (unsigned_number > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    number = static_cast<int64_t>(unsigned_number);
  } else if (value.is_number_integer()) {
    number = value.get<int64_t>();
  } else {
    return std::nullopt;
  }
  if (number < low || number > high) return std::nullopt;
  return number;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------- evidence text

// Text with a byte budget: what does not fit is dropped as it is added, and
// finish() cuts at kMaxTextBytes on a character boundary and adds "…".
class Text {
 public:
  Text& operator<<(std::string_view piece) {
    size_t room = text_.size() < kMaxTextBytes + 4 ? kMaxTextBytes + 4 - text_.size() : 0;
    text_.append(piece.substr(0, room));
    return *this;
  }
  bool full() const { return text_.size() > kMaxTextBytes; }
  bool empty() const { return text_.empty(); }
  std::string finish() const {
    if (text_.size() <= kMaxTextBytes) return text_;
    size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80) --cut;
    return text_.substr(0, cut) + std::string(kEllipsis);
  }

 private:
  std::string text_;
};

void render(const Json& value, bool quote, int depth, Text* out);

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

void render_statement_body(Tagged statement, Text* out);

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

void render_statement(const Json& statement, Text* out) {
  Tagged tag = tagged(statement);
  if (tag.body == nullptr) {
    render(statement, false, 0, out);
    return;
  }
  render_statement_body(tag, out);
}

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

// ---------------------------------------------------------------- the document

struct NamedSet {
  const Json* elements = nullptr;  ///< The "elem" array; null for an empty set.
  bool is_map = false;
  bool verdict_map = false;
};

// Names are unique per family and table; NUL cannot occur in them.
std::string scoped_name(std::string_view family, std::string_view table, std::string_view name = {}) {
  std::string key(family);
  key.push_back('\0');
  key.append(table);
  key.push_back('\0');
  key.append(name);
  return key;
}

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

// Where a rule lives: "@name" means the set of that name in the same table.
struct Scope {
  const Document& document;
  std::string_view family;
  std::string_view table;

  const NamedSet* find_set(std::string_view name) const {
    auto found = document.sets.find(scoped_name(family, table, name));
    return found == document.sets.end() ? nullptr : &found->second;
  }
};

// ---------------------------------------------------------------- match values

enum class ValueKind : uint8_t { none, port, address, protocol, nfproto, ethertype, name, lower_name, ct_state };

// What the left side of a match looks at, and how its values read.
struct Subject {
  Field field = Field::unmodeled;
  ValueKind kind = ValueKind::none;
  IpFamily family = IpFamily::ipv4;  ///< For saddr / daddr.
};

constexpr std::string_view kPortProtocols[] = {"tcp", "udp", "udplite", "sctp", "dccp", "th"};

Subject classify_payload(const Json& body) {
  std::string_view protocol = string_or_empty(body, "protocol");
  std::string_view field = string_or_empty(body, "field");
  if (is_one_of(protocol, kPortProtocols)) {
    if (field == "dport") return {Field::dport, ValueKind::port};
    if (field == "sport") return {Field::sport, ValueKind::port};
    return {};
  }
  if (protocol != "ip" && protocol != "ip6") return {};
  IpFamily family = protocol == "ip" ? IpFamily::ipv4 : IpFamily::ipv6;
  if (field == "saddr") return {Field::saddr, ValueKind::address, family};
  if (field == "daddr") return {Field::daddr, ValueKind::address, family};
  if (field == (protocol == "ip" ? "protocol" : "nexthdr")) return {Field::l4proto, ValueKind::protocol};
  return {};
}

Subject classify_meta(std::string_view key) {
  if (key == "l4proto") return {Field::l4proto, ValueKind::protocol};
  if (key == "nfproto") return {Field::nfproto, ValueKind::nfproto};
  if (key == "protocol") return {Field::nfproto, ValueKind::ethertype};
  if (key == "iifname" || key == "iif") return {Field::iifname, ValueKind::name};  // nft prints iif by name
  if (key == "pkttype") return {Field::pkttype, ValueKind::lower_name};
  return {};
}

bool is_daddr_only(const Json* flags) {
  if (flags == nullptr) return false;
  if (flags->is_string()) return flags->get_ref<const std::string&>() == "daddr";
  return flags->is_array() && flags->size() == 1 && (*flags)[0].is_string() &&
         (*flags)[0].get_ref<const std::string&>() == "daddr";
}

Subject classify(const Json& left) {
  Tagged expression = tagged(left);
  if (expression.body == nullptr) return {};
  const Json& body = *expression.body;
  if (expression.kind == "payload") return classify_payload(body);
  if (expression.kind == "meta") return classify_meta(string_or_empty(body, "key"));
  if (expression.kind == "ct" && member(body, "dir") == nullptr && string_or_empty(body, "key") == "state") {
    return {Field::ct_state, ValueKind::ct_state};
  }
  if (expression.kind == "fib" && string_or_empty(body, "result") == "type" && is_daddr_only(member(body, "flags"))) {
    return {Field::daddr_type, ValueKind::lower_name};
  }
  return {};
}

std::optional<uint16_t> port_value(const Json& value) {
  if (auto number = integer_in(value, 0, 65535)) return static_cast<uint16_t>(*number);
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (auto number = parse_integer(text); number && *number >= 0 && *number <= 65535) {
    return static_cast<uint16_t>(*number);
  }
  if (auto service = find_value(kServices, text)) return static_cast<uint16_t>(*service);
  return std::nullopt;
}

std::optional<uint8_t> protocol_value(const Json& value) {
  if (auto number = integer_in(value, 0, 255)) return static_cast<uint8_t>(*number);
  if (!value.is_string()) return std::nullopt;
  if (auto known = find_value(kIpProtocols, value.get_ref<const std::string&>())) return static_cast<uint8_t>(*known);
  return std::nullopt;
}

std::optional<std::array<uint8_t, 16>> address_value(const Json& value, IpFamily family) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.find('\0') != std::string::npos) return std::nullopt;
  std::array<uint8_t, 16> address{};
  int af = family == IpFamily::ipv4 ? AF_INET : AF_INET6;
  if (inet_pton(af, text.c_str(), address.data()) != 1) return std::nullopt;
  return address;
}

std::optional<IpFamily> family_value(const Json& value, ValueKind kind) {
  bool nfproto = kind == ValueKind::nfproto;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == (nfproto ? "ipv4" : "ip")) return IpFamily::ipv4;
    if (text == (nfproto ? "ipv6" : "ip6")) return IpFamily::ipv6;
    return std::nullopt;
  }
  auto number = integer_in(value, 0, 0xFFFF);
  if (number == (nfproto ? 2 : 0x0800)) return IpFamily::ipv4;   // NFPROTO_IPV4, ETH_P_IP
  if (number == (nfproto ? 10 : 0x86DD)) return IpFamily::ipv6;  // NFPROTO_IPV6, ETH_P_IPV6
  return std::nullopt;
}

uint8_t ct_state_bits(const Json& value) {
  if (value.is_string())
    return static_cast<uint8_t>(find_value(kCtStates, value.get_ref<const std::string&>()).value_or(0));
  auto number = integer_in(value, 1, 127);
  if (!number) return 0;
  uint8_t bits = 0;
  int64_t left = *number;
  for (auto [kernel_bit, bit] : kKernelCtBits) {
    if ((left & kernel_bit) == 0) continue;
    bits |= bit;
    left &= ~kernel_bit;
  }
  return left == 0 ? bits : 0;
}

bool add_name(const Json& value, bool lower, Match* match) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) return false;
  const auto& text = value.get_ref<const std::string&>();
  match->names.push_back(lower ? ascii_lower(text) : text);
  return true;
}

bool add_scalar(const Json& value, const Subject& subject, Match* match) {
  switch (subject.kind) {
    case ValueKind::port: {
      auto port = port_value(value);
      if (port) match->ports.push_back({*port, *port});
      return port.has_value();
    }
    case ValueKind::address: {
      auto address = address_value(value, subject.family);
      if (address) match->addresses.push_back({subject.family, *address, *address});
      return address.has_value();
    }
    case ValueKind::protocol: {
      auto protocol = protocol_value(value);
      if (protocol) match->protocols.push_back(*protocol);
      return protocol.has_value();
    }
    case ValueKind::nfproto:
    case ValueKind::ethertype: {
      auto family = family_value(value, subject.kind);
      if (family) match->families.push_back(*family);
      return family.has_value();
    }
    case ValueKind::name: return add_name(value, false, match);
    case ValueKind::lower_name: return add_name(value, true, match);
    case ValueKind::ct_state: {
      uint8_t bits = ct_state_bits(value);
      match->ct_states |= bits;
      return bits != 0;
    }
    case ValueKind::none: return false;
  }
  return false;
}

bool add_range(const Json& bounds, const Subject& subject, Match* match) {
  if (!bounds.is_array() || bounds.size() != 2) return false;
  if (subject.kind == ValueKind::port) {
    auto first = port_value(bounds[0]);
    auto last = port_value(bounds[1]);
    if (!first || !last || *first > *last) return false;
    match->ports.push_back({*first, *last});
    return true;
  }
  if (subject.kind == ValueKind::address) {
    auto first = address_value(bounds[0], subject.family);
    auto last = address_value(bounds[1], subject.family);
    if (!first || !last || *last < *first) return false;
    match->addresses.push_back({subject.family, *first, *last});
    return true;
  }
  if (subject.kind == ValueKind::protocol) {
    auto first = protocol_value(bounds[0]);
    auto last = protocol_value(bounds[1]);
    if (!first || !last || *first > *last) return false;
    for (int protocol = *first; protocol <= *last; ++protocol)
      match->protocols.push_back(static_cast<uint8_t>(protocol));
    return true;
  }
  return false;
}

bool add_prefix(const Json& body, const Subject& subject, Match* match) {
  if (subject.kind != ValueKind::address) return false;
  const Json* address_json = member(body, "addr");
  const Json* length_json = member(body, "len");
  if (address_json == nullptr || length_json == nullptr) return false;
  auto address = address_value(*address_json, subject.family);
  auto length = integer_in(*length_json, 0, subject.family == IpFamily::ipv4 ? 32 : 128);
  if (!address || !length) return false;
  match->addresses.push_back(prefix_range(subject.family, *address, static_cast<int>(*length)));
  return true;
}

bool add_values(const Json& value, const Subject& subject, const Scope& scope, bool allow_reference, int depth,
                Match* match);

bool add_each(const Json& items, const Subject& subject, const Scope& scope, int depth, Match* match) {
  if (!items.is_array()) return add_values(items, subject, scope, false, depth + 1, match);
  for (const Json& item : items) {
    if (!add_values(item, subject, scope, false, depth + 1, match)) return false;
  }
  return true;
}

// Adds what `value` (a right-hand side, a set element) stands for to `match`;
// false when some part of it is not a value of the subject's kind. Only the
// top level may name a set: sets hold no references, so one lookup is all.
bool add_values(const Json& value, const Subject& subject, const Scope& scope, bool allow_reference, int depth,
                Match* match) {
  if (depth > kMaxExpressionDepth) return false;
  if (value.is_string() && value.get_ref<const std::string&>().starts_with('@')) {
    const NamedSet* set = allow_reference ? scope.find_set(value.get_ref<const std::string&>().substr(1)) : nullptr;
    if (set == nullptr || set->is_map) return false;
    return set->elements == nullptr || add_each(*set->elements, subject, scope, depth, match);
  }
  Tagged expression = tagged(value);
  if (expression.kind == "set") return add_each(*expression.body, subject, scope, depth, match);
  if (expression.kind == "elem") {
    const Json* inner = member(*expression.body, "val");
    return inner != nullptr && add_values(*inner, subject, scope, false, depth + 1, match);
  }
  if (expression.kind == "range") return add_range(*expression.body, subject, match);
  if (expression.kind == "prefix") return add_prefix(*expression.body, subject, match);
  if (value.is_object() || value.is_array()) return false;
  return add_scalar(value, subject, match);
}

bool add_port_bound(std::string_view op, const Json& right, Match* match) {
  auto bound = port_value(right);
  if (!bound) return false;
  int first = 0;
  int last = 65535;
  if (op == "<") last = *bound - 1;
  if (op == "<=") last = *bound;
  if (op == ">") first = *bound + 1;
  if (op == ">=") first = *bound;
  if (first > last) return false;
  match->ports.push_back({static_cast<uint16_t>(first), static_cast<uint16_t>(last)});
  return true;
}

// A list of flags, ["established", "related"] or {"|": […]}, is one value with
// several bits. `ct state established,related` prints as op "in" with such a
// list and holds when the packet's state is any of them; with `==` it would
// need all bits at once, which no packet's single state has.
bool add_right(const Json& right, const Subject& subject, const Scope& scope, bool any_bit, Match* match) {
  Tagged expression = tagged(right);
  const Json* flags = right.is_array() ? &right : expression.kind == "|" ? expression.body : nullptr;
  if (flags == nullptr) return add_values(right, subject, scope, true, 0, match);
  if (subject.kind != ValueKind::ct_state || !flags->is_array()) return false;
  if (!any_bit && flags->size() != 1) return false;
  for (const Json& flag : *flags) {
    if (!add_scalar(flag, subject, match)) return false;
  }
  return true;
}

bool has_values(const Match& match) {
  switch (match.field) {
    case Field::nfproto: return !match.families.empty();
    case Field::l4proto: return !match.protocols.empty();
    case Field::dport:
    case Field::sport: return !match.ports.empty();
    case Field::saddr:
    case Field::daddr: return !match.addresses.empty();
    case Field::iifname:
    case Field::daddr_type:
    case Field::pkttype: return !match.names.empty();
    case Field::ct_state: return match.ct_states != 0;
    case Field::unmodeled: return false;
  }
  return false;
}

std::optional<Match> modelled_match(const Json& left, std::string_view op, const Json& right, const Scope& scope) {
  Subject subject = classify(left);
  if (subject.field == Field::unmodeled) return std::nullopt;
  Match match;
  match.field = subject.field;
  bool flags = subject.kind == ValueKind::ct_state;
  bool ok = false;
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    ok = subject.kind == ValueKind::port && add_port_bound(op, right, &match);
  } else if (op == "==" || op == "!=" || op == "in" || (op == "!" && flags)) {
    match.negated = op == "!=" || op == "!";  // `!`: (state & bits) == 0
    ok = add_right(right, subject, scope, op == "in" || op == "!", &match);
  }
  if (!ok || !has_values(match)) return std::nullopt;  // an empty set, too: it has nothing to list
  return match;
}

Match make_match(const Json& left, std::string_view op, const Json& right, const Scope& scope) {
  if (auto match = modelled_match(left, op, right, scope)) return std::move(*match);
  Text text;
  render_match(left, op, right, &text);
  return unmodeled_match(text.finish());
}

// ---------------------------------------------------------------- implied matches

std::optional<uint8_t> implied_protocol(std::string_view payload_protocol) {
  if (payload_protocol == "th") return std::nullopt;  // any transport header
  if (payload_protocol == "icmpv6") return 58;
  for (std::string_view name : {"tcp", "udp", "udplite", "sctp", "dccp", "icmp", "esp", "ah", "comp"}) {
    if (payload_protocol == name) return static_cast<uint8_t>(*find_value(kIpProtocols, name));
  }
  return std::nullopt;
}

bool same_condition(const Match& a, const Match& b) {
  return a.field == b.field && a.negated == b.negated && a.families == b.families && a.protocols == b.protocols &&
         a.ports == b.ports && a.addresses == b.addresses && a.names == b.names && a.ct_states == b.ct_states;
}

void add_unless_present(Match match, std::vector<Match>* matches) {
  for (const Match& existing : *matches) {
    if (same_condition(existing, match)) return;
  }
  matches->push_back(std::move(match));
}

// The dependencies nft leaves out of what it prints: `tcp …` holds only for
// TCP; `ip …` only for IPv4, which needs saying where the table is not ip/ip6.
void add_implied(const Json& expression, const Scope& scope, int depth, std::vector<Match>* matches) {
  if (depth > kMaxExpressionDepth) return;
  Tagged tag = tagged(expression);
  if (tag.kind == "concat" || is_one_of(tag.kind, kBinaryOperators)) {
    if (!tag.body->is_array()) return;
    for (const Json& part : *tag.body) add_implied(part, scope, depth + 1, matches);
    return;
  }
  if (tag.kind != "payload") return;
  std::string_view protocol = string_or_empty(*tag.body, "protocol");
  bool family_table = scope.family == "ip" || scope.family == "ip6";
  if ((protocol == "ip" || protocol == "ip6") && !family_table) {
    Match family;
    family.field = Field::nfproto;
    family.families = {protocol == "ip" ? IpFamily::ipv4 : IpFamily::ipv6};
    add_unless_present(std::move(family), matches);
  }
  if (auto number = implied_protocol(protocol)) {
    Match transport;
    transport.field = Field::l4proto;
    transport.protocols = {*number};
    add_unless_present(std::move(transport), matches);
  }
}

void add_match_statement(const Json& body, const Json& statement, const Scope& scope, std::vector<Match>* matches) {
  const Json* left = member(body, "left");
  const Json* right = member(body, "right");
  const std::string* op = string_member(body, "op");
  if (left == nullptr || right == nullptr || op == nullptr) {
    matches->push_back(unmodeled_match(statement_text(statement)));
    return;
  }
  add_implied(*left, scope, 0, matches);
  matches->push_back(make_match(*left, *op, *right, scope));
}

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
    bool known = is_one_of(tag.kind, {"table", "chain", "set", "map", "rule"});
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

}  // namespace

Result<Ruleset> parse_nft_json(std::string_view json) {
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

}  // namespace portlens::firewall
