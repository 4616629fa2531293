#pragma once
// The firewall as the audit evaluator sees it: tables of chains of rules, each
// rule a conjunction of matches and one action. Both sources are translated
// into this one form: nftables (libnftables' JSON, see nft_json.h) and
// iptables/ip6tables (iptables-save text, see iptables_save.h, for the legacy
// backend and for nft tables that iptables-nft fills with xt matches).
//
// Only what decides whether a new inbound TCP SYN or UDP datagram reaches a
// local socket is modelled. Anything else a rule matches on becomes a
// Field::unmodeled match carrying its text, so the evaluator can say "this rule
// decides and I do not understand it" instead of guessing.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/port_spec.h"

namespace portlens::firewall {

enum class IpFamily : uint8_t { ipv4, ipv6 };

/// An inclusive address range in one family; a CIDR prefix is a range too.
/// Addresses in network byte order, IPv4 in the first 4 bytes (rest zero).
struct AddressRange {
  IpFamily family = IpFamily::ipv4;
  std::array<uint8_t, 16> first{};
  std::array<uint8_t, 16> last{};
  bool operator==(const AddressRange&) const = default;
};

/// Range for prefix `address`/`length` (length 0–32 or 0–128, caller checked).
AddressRange prefix_range(IpFamily family, const std::array<uint8_t, 16>& address, int length);
bool range_contains(const AddressRange& range, IpFamily family, const std::array<uint8_t, 16>& address);
/// "10.0.0.0/8", "192.0.2.1", "10.0.0.1-10.0.0.9", "2001:db8::/32".
std::string range_text(const AddressRange& range);

/// Connection-tracking states as bits (nft `ct state`, iptables --ctstate/--state).
enum CtState : uint8_t {
  kCtInvalid = 1,
  kCtEstablished = 2,
  kCtRelated = 4,
  kCtNew = 8,
  kCtUntracked = 16,
};

/// What a match looks at. The packet the evaluator asks about is a new
/// connection attempt (ct state new, pkttype host, daddr type local) from an
/// unknown non-local source through an unknown interface that is not lo.
enum class Field : uint8_t {
  nfproto,      ///< `families`: meta nfproto, and implied by `ip saddr` in inet tables.
  l4proto,      ///< `protocols` (IP protocol numbers: 6 tcp, 17 udp, 136 udplite, 132 sctp).
  dport,        ///< `ports`: destination port (tcp/udp/th dport, --dport, multiport --dports).
  sport,        ///< `ports`: source port.
  saddr,        ///< `addresses`: source address.
  daddr,        ///< `addresses`: destination address.
  iifname,      ///< `names`: input interface; a trailing '*' (nft) or '+' (iptables) is a prefix wildcard.
  ct_state,     ///< `ct_states`: CtState bits; matches when the packet's state is one of them.
  daddr_type,   ///< `names`: fib daddr type / -m addrtype --dst-type, lowercase ("local", "broadcast", …).
  pkttype,      ///< `names`: meta pkttype / -m pkttype, lowercase ("host", "broadcast", "multicast").
  unmodeled,    ///< Anything else; `text` says what (e.g. "limit rate 10/second", "xt match recent").
};

/// One condition of a rule. With `negated` it holds when the packet's value is
/// NOT among the listed ones (nft `!=`, iptables `!`).
struct Match {
  Field field = Field::unmodeled;
  bool negated = false;
  std::vector<IpFamily> families;
  std::vector<uint8_t> protocols;
  std::vector<PortRange> ports;
  std::vector<AddressRange> addresses;
  std::vector<std::string> names;
  uint8_t ct_states = 0;
  std::string text;  ///< For unmodeled matches: what the rule tests, as its source wrote it.
};

/// "dport", "ct_state", … (for tests and diagnostics).
std::string_view field_name(Field field);
/// The CtState names of the bits set, in bit order: "invalid", "established",
/// "related", "new", "untracked".
std::vector<std::string_view> ct_state_names(uint8_t bits);

enum class Action : uint8_t {
  none,       ///< No verdict (counter, log, …): evaluation goes on with the next rule.
  accept,
  drop,
  reject,
  jump,       ///< To `Rule::target`, coming back on return / end of chain.
  go_to,      ///< To `Rule::target`, not coming back.
  return_,    ///< Back to the calling chain; in a base chain: the policy.
  unmodeled,  ///< A verdict the evaluator does not model (queue, nat statements…); `Rule::text` says.
};

/// True when a match of a modelled field lists at least one value of its own
/// kind (an unmodeled match has none).
bool has_values(const Match& match);

/// "accept", "goto", "return", … (for tests and diagnostics).
std::string_view action_name(Action action);

struct Rule {
  std::vector<Match> matches;  ///< All must hold (empty: always).
  Action action = Action::none;
  std::string target;          ///< Chain name for jump / go_to.
  /// The rule as its source shows it, for evidence: nft syntax rebuilt from
  /// the JSON ("tcp dport { 22, 80 } ip saddr 10.0.0.0/8 accept") or the
  /// iptables-save line without "-A CHAIN " ("-p tcp -m tcp --dport 22 -j ACCEPT").
  std::string text;
  uint64_t handle = 0;  ///< nft rule handle, or 1-based position in its iptables chain.
};

enum class Hook : uint8_t { none, prerouting, input, forward, output, postrouting, ingress, other };

struct Chain {
  std::string name;
  std::vector<Rule> rules;
  /// Base chains only (hook != none): where they are attached, in which
  /// order (lower priority first), their type ("filter", "nat", "route") and
  /// the policy applied when a packet falls off the end (accept or drop).
  Hook hook = Hook::none;
  int priority = 0;
  std::string type;
  Action policy = Action::accept;
};

enum class Backend : uint8_t { nftables, iptables_nft, iptables_legacy };
std::string_view backend_name(Backend backend);  ///< "nftables", "iptables-nft", "iptables-legacy"

struct Table {
  Backend backend = Backend::nftables;
  /// nft family: "ip", "ip6", "inet", "arp", "bridge", "netdev". iptables
  /// tables are "ip" (iptables-save) or "ip6" (ip6tables-save).
  std::string family;
  std::string name;
  std::vector<Chain> chains;
  /// nft tables only: some rule holds an `xt` expression (an iptables match or
  /// target that iptables-nft could not translate). The live reader then
  /// evaluates this table from iptables-nft-save instead (see live.cc).
  bool uses_xtables = false;

  const Chain* find_chain(std::string_view chain_name) const;
};

struct Ruleset {
  std::vector<Table> tables;
};

}  // namespace portlens::firewall
