// One rule of iptables-save output, its tokens after "-A CHAIN", read into a
// Rule: the options grouped by module, the values they take (protocols,
// addresses, port ranges, state and flag names) and the target. The format,
// and what is modelled, are described at the top of iptables_save.cc, which
// also reads the tables and chains around the rules and splits the lines
// into tokens.

#include "firewall/iptables_rule.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/text.h"

namespace portlens::firewall::iptables_detail {
namespace {

constexpr size_t kMaxMatchTextBytes = 200;

Error bad_value(size_t line, std::string_view value, std::string_view option) {
  return make_error(N_("iptables-save line {}: bad value '{}' for {}"), line, bounded(value, kMaxQuotedBytes),
                    bounded(option, kMaxQuotedBytes));
}

// Re-quotes a value for match text, as iptables-save would.
std::string quoted_if_needed(std::string_view value) {
  if (!value.empty() && value.find_first_of(" \t\"\\") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// ---- values

// Names iptables-save prints (its own table, then /etc/protocols); the first
// of each number is also the module `-p` loads implicitly.
struct ProtocolName {
  std::string_view name;
  uint8_t number;
};
constexpr ProtocolName kProtocols[] = {
    {"icmp", 1},       {"igmp", 2},   {"ipencap", 4},     {"tcp", 6},        {"egp", 8},    {"udp", 17},
    {"dccp", 33},      {"ipv6", 41},  {"ipv6-route", 43}, {"ipv6-frag", 44}, {"rsvp", 46},  {"gre", 47},
    {"esp", 50},       {"ah", 51},    {"ipv6-icmp", 58},  {"icmpv6", 58},    {"icmp6", 58}, {"ipv6-nonxt", 59},
    {"ipv6-opts", 60}, {"ospf", 89},  {"ipip", 94},       {"etherip", 97},   {"pim", 103},  {"ipcomp", 108},
    {"vrrp", 112},     {"l2tp", 115}, {"sctp", 132},      {"ipv6-mh", 135},  {"mh", 135},   {"udplite", 136},
};

std::optional<uint8_t> protocol_number(std::string_view name) {
  for (const ProtocolName& protocol : kProtocols) {
    if (protocol.name == name) return protocol.number;
  }
  if (name.empty() || name.size() > 3 || name.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int number = std::stoi(std::string(name));
  if (number > 255) return std::nullopt;
  return static_cast<uint8_t>(number);
}

std::string_view protocol_module(uint8_t number) {
  for (const ProtocolName& protocol : kProtocols) {
    if (protocol.number == number) return protocol.name;
  }
  return {};
}

std::optional<std::array<uint8_t, 16>> parse_ip(std::string_view text, IpFamily family) {
  if (text.empty() || text.size() > 64 || text.find('\0') != std::string_view::npos) return std::nullopt;
  std::array<uint8_t, 16> address{};
  std::string copy(text);
  if (inet_pton(family == IpFamily::ipv4 ? AF_INET : AF_INET6, copy.c_str(), address.data()) != 1) {
    return std::nullopt;
  }
  return address;
}

// The prefix length of a netmask; nullopt when its ones are not contiguous.
std::optional<int> mask_length(const std::array<uint8_t, 16>& mask, IpFamily family) {
  int bits = family == IpFamily::ipv4 ? 32 : 128, length = 0;
  while (length < bits && (mask[length / 8] & (0x80 >> (length % 8))) != 0) ++length;
  for (int bit = length; bit < bits; ++bit) {
    if ((mask[bit / 8] & (0x80 >> (bit % 8))) != 0) return std::nullopt;
  }
  return length;
}

struct AddressItem {
  std::optional<AddressRange> range;  ///< nullopt: does not parse
  bool holes = false;                 ///< a netmask with holes, which no range expresses
};

// ADDRESS, ADDRESS/LENGTH or ADDRESS/NETMASK.
AddressItem parse_address_item(std::string_view text, IpFamily family) {
  size_t slash = text.find('/');
  auto address = parse_ip(text.substr(0, slash), family);
  if (!address) return {};
  int bits = family == IpFamily::ipv4 ? 32 : 128, length = bits;
  if (slash != std::string_view::npos) {
    std::string_view suffix = text.substr(slash + 1);
    if (!suffix.empty() && suffix.size() <= 3 && suffix.find_first_not_of("0123456789") == std::string_view::npos) {
      length = std::stoi(std::string(suffix));
      if (length > bits) return {};
    } else {
      auto mask = parse_ip(suffix, family);
      if (!mask) return {};
      auto contiguous = mask_length(*mask, family);
      if (!contiguous) return {AddressRange{}, true};
      length = *contiguous;
    }
  }
  return {prefix_range(family, *address, length), false};
}

// PORT, FIRST:LAST, :LAST or FIRST:.
std::optional<PortRange> parse_port_range(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    auto port = parse_port_number(text);
    if (!port) return std::nullopt;
    return PortRange{*port, *port};
  }
  std::string_view first = text.substr(0, colon), last = text.substr(colon + 1);
  if (first.empty() && last.empty()) return std::nullopt;
  PortRange range{0, 65535};
  if (!first.empty()) {
    auto port = parse_port_number(first);
    if (!port) return std::nullopt;
    range.first = *port;
  }
  if (!last.empty()) {
    auto port = parse_port_number(last);
    if (!port) return std::nullopt;
    range.last = *port;
  }
  if (range.last < range.first) return std::nullopt;
  return range;
}

struct NamedBit {
  std::string_view name;
  unsigned bit;
};

// A comma-separated list of names, in any case, as the OR of their bits;
// nullopt when one is not in `names`.
std::optional<unsigned> bits_of(std::string_view text, std::span<const NamedBit> names) {
  unsigned bits = 0;
  for (std::string_view word : split(text, ',')) {
    std::string lower = ascii_lower(word);
    auto found = std::find_if(names.begin(), names.end(), [&](const NamedBit& n) { return n.name == lower; });
    if (found == names.end()) return std::nullopt;
    bits |= found->bit;
  }
  return bits;
}

// Conntrack's SNAT and DNAT pseudo-states are not among them: not modelled.
constexpr NamedBit kCtStates[] = {
    {"new", kCtNew},         {"established", kCtEstablished}, {"related", kCtRelated},
    {"invalid", kCtInvalid}, {"untracked", kCtUntracked},
};

enum TcpFlag : unsigned { kFin = 1, kSyn = 2, kRst = 4, kPsh = 8, kAck = 16, kUrg = 32, kEce = 64, kCwr = 128 };
constexpr NamedBit kTcpFlags[] = {
    {"fin", kFin}, {"syn", kSyn}, {"rst", kRst}, {"psh", kPsh}, {"ack", kAck},
    {"urg", kUrg}, {"ece", kEce}, {"cwr", kCwr}, {"all", 0xFF}, {"none", 0},
};

// Whether a bare SYN passes --tcp-flags MASK COMPARISON; nullopt for masks
// with ECE or CWR, which ECN-capable SYNs set, or for unknown flag names.
std::optional<bool> syn_passes(std::string_view mask_text, std::string_view comparison_text) {
  auto mask = bits_of(mask_text, kTcpFlags), comparison = bits_of(comparison_text, kTcpFlags);
  if (!mask || !comparison || (*mask & (kEce | kCwr)) != 0) return std::nullopt;
  return (kSyn & *mask) == *comparison;
}

// No packet is neither IPv4 nor IPv6: the match for a test the probe fails.
Match never_match() {
  Match match;
  match.field = Field::nfproto;
  match.negated = true;
  match.families = {IpFamily::ipv4, IpFamily::ipv6};
  return match;
}

Match unmodeled_match(std::string_view text) {
  Match match;
  match.text = bounded(text, kMaxMatchTextBytes);
  return match;
}

// ---- targets

bool listed(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Targets that let the packet go on to the next rule.
bool non_terminating(std::string_view target) {
  return listed(target, {"LOG",   "NFLOG", "ULOG",      "MARK",        "CONNMARK",    "TRACE",     "CT",  "NOTRACK",
                         "AUDIT", "SET",   "CLASSIFY",  "SECMARK",     "CONNSECMARK", "DSCP",      "TOS", "TTL",
                         "HL",    "ECN",   "TCPMSS",    "TCPOPTSTRIP", "CHECKSUM",    "IDLETIMER", "LED", "RATEEST",
                         "HMARK", "TEE",   "CLUSTERIP", "DNPT",        "SNPT"});
}

// Targets that decide in a way the evaluator does not model.
bool terminating(std::string_view target) {
  return listed(target, {"QUEUE", "NFQUEUE", "DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP", "TPROXY", "SYNPROXY",
                         "TARPIT", "MIRROR", "DELUDE", "CHAOS"});
}

// ---- rules

struct Option {
  bool negated = false;
  std::string_view name;  ///< Empty for values before any option.
  std::vector<std::string_view> values;
};

std::string option_text(const Option& option) {
  std::string text = option.negated ? "! " : "";
  text += option.name;
  for (std::string_view value : option.values) {
    if (!text.empty() && text.back() != ' ') text += ' ';
    text += quoted_if_needed(value);
  }
  return text;
}

enum class Module : uint8_t { ports, tcp, multiport, conntrack, state, addrtype, pkttype, comment, other };

Module module_kind(std::string_view name) {
  if (name == "tcp") return Module::tcp;
  if (listed(name, {"udp", "sctp", "dccp"})) return Module::ports;
  if (name == "multiport") return Module::multiport;
  if (name == "conntrack") return Module::conntrack;
  if (name == "state") return Module::state;
  if (name == "addrtype") return Module::addrtype;
  if (name == "pkttype") return Module::pkttype;
  if (name == "comment") return Module::comment;
  return Module::other;
}

class RuleReader {
 public:
  RuleReader(const std::vector<Token>& tokens, size_t first, IpFamily family, size_t line, const ChainIndex& chains)
      : tokens_(tokens), next_(first), family_(family), line_(line), chains_(chains) {}

  Result<Rule> read();

 private:
  /// One `-m MODULE` and the tokens after it (or, without -m, the tokens
  /// after -p that iptables gives to the protocol's module).
  struct Group {
    std::string module;
    bool written = false;
    std::vector<const Token*> tokens;
  };

  Status generic(Generic kind, std::string_view written, bool negated);
  Status open_group(std::string_view written, bool negated);
  Status read_target(std::string_view written, bool negated);
  Status close_group();
  Result<std::vector<Option>> options_of(const Group& group) const;
  Result<bool> apply(Module module, const Option& option);
  Result<std::string_view> value_of(std::string_view option, bool* negated);
  Result<std::string_view> single_value(const Option& option) const;
  Status protocol_match(std::string_view value, bool negated);
  Status address_match(Field field, std::string_view written, std::string_view value, bool negated);
  Status port_match(Field field, const Option& option, bool list);
  Result<bool> flags_match(const Option& option);
  Result<bool> state_match(const Option& option);
  Status names_match(Field field, const Option& option);

  const std::vector<Token>& tokens_;
  size_t next_;
  IpFamily family_;
  size_t line_;
  const ChainIndex& chains_;
  Rule rule_;
  std::optional<Group> group_;
  std::string implied_module_;
  bool has_target_ = false;
};

Result<Rule> RuleReader::read() {
  while (next_ < tokens_.size()) {
    const Token& token = tokens_[next_++];
    bool negated = is_bang(token) && next_ < tokens_.size() && generic_option(tokens_[next_]) != Generic::none;
    const Token& option = negated ? tokens_[next_++] : token;
    Generic kind = generic_option(option);
    if (kind == Generic::none) {  // an option of the current module, or its value
      if (!group_) group_ = Group{implied_module_, false, {}};
      group_->tokens.push_back(&token);
      continue;
    }
    Status status = kind == Generic::match                            ? open_group(option.text, negated)
                    : kind == Generic::jump || kind == Generic::go_to ? read_target(option.text, negated)
                                                                      : generic(kind, option.text, negated);
    if (!status) return status.error();
  }
  if (auto closed = close_group(); !closed) return closed.error();
  return std::move(rule_);
}

Status RuleReader::open_group(std::string_view written, bool negated) {
  if (negated) return cannot_parse(line_, "! " + std::string(written));
  if (auto closed = close_group(); !closed) return closed.error();
  auto name = value_of(written, nullptr);
  if (!name) return name.error();
  group_ = Group{std::string(*name), true, {}};
  return Ok{};
}

// The next token as the value of `option`; with `negated`, takes the old
// form "-s ! ADDRESS" too.
Result<std::string_view> RuleReader::value_of(std::string_view option, bool* negated) {
  if (negated && next_ < tokens_.size() && is_bang(tokens_[next_])) {
    *negated = !*negated;
    ++next_;
  }
  if (next_ >= tokens_.size()) return bad_value(line_, "", option);
  return std::string_view(tokens_[next_++].text);
}

Status RuleReader::generic(Generic kind, std::string_view written, bool negated) {
  if (kind == Generic::fragment) {
    // Only second and later fragments match; the probe is a whole packet.
    if (!negated) rule_.matches.push_back(never_match());
    return Ok{};
  }
  auto value = value_of(written, &negated);
  if (!value) return value.error();
  switch (kind) {
    case Generic::protocol: return protocol_match(*value, negated);
    case Generic::source: return address_match(Field::saddr, written, *value, negated);
    case Generic::destination: return address_match(Field::daddr, written, *value, negated);
    case Generic::in_interface: {
      if (value->empty()) return bad_value(line_, *value, written);
      Match match{Field::iifname, negated};
      match.names = {std::string(*value)};
      rule_.matches.push_back(std::move(match));
      return Ok{};
    }
    case Generic::counters: {  // "-c PACKETS BYTES": nothing to match
      auto bytes = value_of(written, nullptr);
      if (!bytes) return bytes.error();
      return Ok{};
    }
    default: rule_.matches.push_back(unmodeled_match(option_text({negated, written, {*value}}))); return Ok{};
  }
}

Status RuleReader::protocol_match(std::string_view value, bool negated) {
  std::string name = ascii_lower(value);
  implied_module_.clear();
  if (name == "all" || name == "0") {
    if (negated) rule_.matches.push_back(unmodeled_match(option_text({true, "-p", {value}})));
    return Ok{};
  }
  auto number = protocol_number(name);
  if (!number) {
    rule_.matches.push_back(unmodeled_match(option_text({negated, "-p", {value}})));
    return Ok{};
  }
  if (!negated) implied_module_ = protocol_module(*number);
  Match match{Field::l4proto, negated};
  match.protocols = {*number};
  rule_.matches.push_back(std::move(match));
  return Ok{};
}

Status RuleReader::address_match(Field field, std::string_view written, std::string_view value, bool negated) {
  Match match{field, negated};
  for (std::string_view item : split(value, ',')) {
    AddressItem parsed = parse_address_item(item, family_);
    if (!parsed.range) return bad_value(line_, item, written);
    if (parsed.holes) {
      rule_.matches.push_back(unmodeled_match(option_text({negated, written, {value}})));
      return Ok{};
    }
    match.addresses.push_back(*parsed.range);
  }
  rule_.matches.push_back(std::move(match));
  return Ok{};
}

Status RuleReader::read_target(std::string_view written, bool negated) {
  if (negated || has_target_) return cannot_parse(line_, (negated ? "! " : "") + std::string(written));
  if (auto closed = close_group(); !closed) return closed.error();
  bool go_to = written == "-g" || written == "--goto";
  auto name = value_of(written, nullptr);
  if (!name) return name.error();
  if (name->empty()) return bad_value(line_, *name, written);
  std::string target(*name);
  bool has_options = false;
  while (next_ < tokens_.size()) {
    const Token& token = tokens_[next_];
    bool negated_generic =
        is_bang(token) && next_ + 1 < tokens_.size() && generic_option(tokens_[next_ + 1]) != Generic::none;
    if (generic_option(token) != Generic::none || negated_generic) break;
    has_options = true;
    ++next_;
  }
  has_target_ = true;
  if (go_to) {
    rule_.action = Action::go_to;
  } else if (target == "ACCEPT") {
    rule_.action = Action::accept;
  } else if (target == "DROP") {
    rule_.action = Action::drop;
  } else if (target == "REJECT") {
    rule_.action = Action::reject;
  } else if (target == "RETURN") {
    rule_.action = Action::return_;
  } else if (chains_.contains(target)) {
    rule_.action = Action::jump;
  } else if (non_terminating(target)) {
    rule_.action = Action::none;
  } else if (terminating(target) || has_options) {
    rule_.action = Action::unmodeled;
  } else {
    rule_.action = Action::jump;  // to a chain that does not exist: the evaluator says so
  }
  if (rule_.action == Action::jump || rule_.action == Action::go_to) rule_.target = std::move(target);
  return Ok{};
}

// A module's tokens as options: "!" before an option negates it, "!" after
// one is the old form of the same.
Result<std::vector<Option>> RuleReader::options_of(const Group& group) const {
  std::vector<Option> options;
  bool pending_bang = false;
  for (const Token* token : group.tokens) {
    if (is_bang(*token)) {
      if (pending_bang) return cannot_parse(line_, "! !");
      pending_bang = true;
    } else if (looks_like_option(*token)) {
      options.push_back(Option{pending_bang, token->text, {}});
      pending_bang = false;
    } else {
      if (options.empty()) options.push_back(Option{});
      options.back().negated = options.back().negated != pending_bang;
      options.back().values.push_back(token->text);
      pending_bang = false;
    }
  }
  if (pending_bang) return cannot_parse(line_, "-m " + group.module + " … !");
  return options;
}

Status RuleReader::close_group() {
  if (!group_) return Ok{};
  Group group = std::move(*group_);
  group_.reset();
  auto options = options_of(group);
  if (!options) return options.error();
  Module module = module_kind(group.module);
  // --limit-iface-in/out change what --dst-type means: the whole group is unmodeled then.
  if (module == Module::addrtype &&
      std::any_of(options->begin(), options->end(), [](const Option& o) { return o.name != "--dst-type"; })) {
    module = Module::other;
  }
  std::string leftover;
  for (const Option& option : *options) {
    auto modelled = apply(module, option);
    if (!modelled) return modelled.error();
    if (*modelled) continue;
    if (!leftover.empty()) leftover += ' ';
    leftover += option_text(option);
  }
  if (leftover.empty() && !(module == Module::other && options->empty())) return Ok{};
  std::string prefix = group.written ? "-m " + quoted_if_needed(group.module) : "";
  if (!prefix.empty() && !leftover.empty()) prefix += ' ';
  rule_.matches.push_back(unmodeled_match(prefix + leftover));
  return Ok{};
}

Result<std::string_view> RuleReader::single_value(const Option& option) const {
  if (option.values.size() == 1 && !option.values[0].empty()) return option.values[0];
  std::string joined;
  for (std::string_view value : option.values) {
    if (!joined.empty()) joined += ' ';
    joined += value;
  }
  return bad_value(line_, joined, option.name);
}

Result<bool> modelled(const Status& status) {
  if (!status) return status.error();
  return true;
}

// Adds the matches for one option of `module`; false when it is not modelled.
Result<bool> RuleReader::apply(Module module, const Option& option) {
  std::string_view name = option.name;
  bool ports = module == Module::ports || module == Module::tcp;
  if (ports && listed(name, {"--dport", "--destination-port"})) {
    return modelled(port_match(Field::dport, option, false));
  }
  if (ports && listed(name, {"--sport", "--source-port"})) return modelled(port_match(Field::sport, option, false));
  if (module == Module::tcp && listed(name, {"--syn", "--tcp-flags"})) return flags_match(option);
  if (module == Module::multiport && listed(name, {"--dports", "--destination-ports"})) {
    return modelled(port_match(Field::dport, option, true));
  }
  if (module == Module::multiport && listed(name, {"--sports", "--source-ports"})) {
    return modelled(port_match(Field::sport, option, true));
  }
  if ((module == Module::conntrack && name == "--ctstate") || (module == Module::state && name == "--state")) {
    return state_match(option);
  }
  if (module == Module::addrtype && name == "--dst-type") return modelled(names_match(Field::daddr_type, option));
  if (module == Module::pkttype && name == "--pkt-type") return modelled(names_match(Field::pkttype, option));
  return module == Module::comment && name == "--comment";
}

// --syn is --tcp-flags FIN,SYN,RST,ACK SYN (iptables-save prints the latter).
Result<bool> RuleReader::flags_match(const Option& option) {
  std::optional<bool> passes;
  if (option.name == "--syn" && option.values.empty()) passes = true;
  if (option.name == "--tcp-flags" && option.values.size() == 2) {
    passes = syn_passes(option.values[0], option.values[1]);
  }
  if (!passes) return false;
  if (*passes == option.negated) rule_.matches.push_back(never_match());
  return true;
}

Result<bool> RuleReader::state_match(const Option& option) {
  auto value = single_value(option);
  if (!value) return value.error();
  auto states = bits_of(*value, kCtStates);
  if (!states) return false;
  Match match{Field::ct_state, option.negated};
  match.ct_states = static_cast<uint8_t>(*states);
  rule_.matches.push_back(std::move(match));
  return true;
}

Status RuleReader::names_match(Field field, const Option& option) {
  auto value = single_value(option);
  if (!value) return value.error();
  Match match{field, option.negated};
  for (std::string_view item : split(*value, ',')) {
    if (item.empty()) return bad_value(line_, *value, option.name);
    std::string name = ascii_lower(item);
    if (field == Field::pkttype && name == "unicast") name = "host";  // nft's name for PACKET_HOST
    match.names.push_back(std::move(name));
  }
  rule_.matches.push_back(std::move(match));
  return Ok{};
}

Status RuleReader::port_match(Field field, const Option& option, bool list) {
  auto value = single_value(option);
  if (!value) return value.error();
  Match match{field, option.negated};
  for (std::string_view item : list ? split(*value, ',') : std::vector<std::string_view>{*value}) {
    auto range = parse_port_range(item);
    if (!range) return bad_value(line_, list ? item : *value, option.name);
    match.ports.push_back(*range);
  }
  rule_.matches.push_back(std::move(match));
  return Ok{};
}

}  // namespace

Result<Rule> read_rule(const std::vector<Token>& tokens, size_t first, IpFamily family, size_t line,
                       const ChainIndex& chains) {
  return RuleReader(tokens, first, family, line, chains).read();
}

}  // namespace portlens::firewall::iptables_detail
