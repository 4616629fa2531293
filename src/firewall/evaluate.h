#pragma once
// Would a new connection from outside reach this socket? The evaluator walks
// the input path of a Ruleset — the prerouting and input base chains of every
// table of the packet's family, in hook then priority order — for one probe
// packet: a TCP SYN or UDP datagram to the socket's address and port, from an
// unknown non-local source, through an unknown interface that is not lo, in
// conntrack state new.
//
// Source address, source port, input interface and (for wildcard binds)
// destination address are unknown, so rules that test them fork the walk: the
// generic packet (from anywhere) goes one way, packets from the named sources
// the other. The generic packet decides between exposed and blocked; the
// forks that still get accepted make "restricted". A rule whose match the
// model does not cover forks too, and turns the answer into "unknown" exactly
// when the fork's fate differs from the generic packet's: an unmodelled drop
// after the port is accepted for everyone does not hide an exposure, an
// unmodelled accept before a drop does make the answer unknown.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firewall/ruleset.h"

namespace portlens::firewall {

struct Probe {
  IpFamily family = IpFamily::ipv4;
  uint8_t protocol = 6;  ///< IP protocol number: 6 tcp, 17 udp.
  uint16_t port = 0;
  /// The socket's bound address; nullopt for a wildcard bind (0.0.0.0, ::),
  /// which makes destination-address matches forks like source matches.
  std::optional<std::array<uint8_t, 16>> address;
};

enum class Exposure : uint8_t { exposed, restricted, blocked, local_only, unknown };
std::string_view exposure_name(Exposure exposure);  ///< "exposed", "restricted", …, as in JSON.

/// A rule or policy that decided, for evidence.
struct RuleRef {
  Backend backend = Backend::nftables;
  std::string family, table, chain;
  uint64_t handle = 0;  ///< 0 for a policy.
  std::string text;     ///< Rule::text, or "policy drop" / "policy accept".
  bool operator==(const RuleRef&) const = default;
};

/// "nftables inet filter input: tcp dport 22 accept".
std::string rule_ref_text(const RuleRef& ref);

enum class UnknownReason : uint8_t {
  none,
  unmodeled_match,   ///< `deciding` has a match the model does not cover.
  unmodeled_action,  ///< `deciding` ends in a verdict the model does not cover (queue…).
  missing_chain,     ///< `deciding` jumps to a chain that does not exist.
  too_complex,       ///< Jumps nested too deep, or too many forks.
};

struct Verdict {
  Exposure exposure = Exposure::unknown;
  /// exposed: the last rule or policy that accepted the generic packet (none
  /// when no chain is on the input path at all); blocked: the rule or policy
  /// that dropped or rejected it; restricted: the one that drops everyone
  /// else; unknown: the rule the model could not follow.
  std::optional<RuleRef> deciding;
  /// restricted: who is still let in, as conditions in nft syntax, one per
  /// accepted fork ("ip saddr 10.0.0.0/8", "iifname \"eth1\"", both joined by
  /// " " when a fork needed both).
  std::vector<std::string> only_from;
  bool rejected = false;  ///< blocked by reject (the peer is told) rather than drop.
  UnknownReason unknown_reason = UnknownReason::none;
};

/// True when some table has a filter chain on the prerouting or input hook
/// for this family: without one, nothing is filtered at all.
bool filters_input(const Ruleset& ruleset, IpFamily family);

Verdict evaluate(const Ruleset& ruleset, const Probe& probe);

}  // namespace portlens::firewall
