// The values a match lists, and the JSON access and name tables the rest of
// the nft JSON reader shares (see nft_json_internal.h).
//
// A match's left side says what it looks at (a Subject: field and value kind);
// its right side, a scalar, "@name" of a named set, an anonymous set, a range
// or a prefix, becomes the ports, addresses, protocols, families, names or ct
// state bits of the Match. Right sides that do not read that way, and left
// sides the evaluator does not model, make the match unmodeled, with nft
// syntax (nft_json_text.cc) as its text. The end of the file adds the matches
// nft leaves implied (`tcp dport` → `meta l4proto tcp`).

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "firewall/nft_json_internal.h"
#include "util/text.h"

namespace portlens::firewall::nft_detail {
namespace {

// ---------------------------------------------------------------- tables of names

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

}  // namespace

std::optional<int> find_value(std::span<const NamedValue> table, std::string_view name) {
  for (const NamedValue& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

bool is_one_of(std::string_view value, std::span<const std::string_view> names) {
  for (std::string_view name : names) {
    if (name == value) return true;
  }
  return false;
}

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

namespace {

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

}  // namespace

Match make_match(const Json& left, std::string_view op, const Json& right, const Scope& scope) {
  if (auto match = modelled_match(left, op, right, scope)) return std::move(*match);
  Text text;
  render_match(left, op, right, &text);
  return unmodeled_match(text.finish());
}

// ---------------------------------------------------------------- implied matches

namespace {

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

}  // namespace

// The dependencies nft leaves out of what it prints: `tcp …` holds only for
// TCP; `ip …` only for IPv4, which needs saying where the table is not ip/ip6.
void add_implied(const Json& expression, const Scope& scope, int depth, std::vector<Match>* matches) {
  if (depth > kMaxExpressionDepth) return;
  Tagged tag = tagged(expression);
  if (tag.kind == "concat" || is_binary_operator(tag.kind)) {
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

}  // namespace portlens::firewall::nft_detail
