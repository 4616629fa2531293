#include "firewall/evaluate.h"

#include <fmt/format.h>

#include <algorithm>

namespace portlens::firewall {

namespace {

// Bounds that turn a pathological ruleset into "unknown" instead of a stall.
constexpr int kMaxJumpDepth = 32;
constexpr size_t kMaxSteps = 500'000;  // rule visits per evaluation
constexpr size_t kMaxLivePaths = 1024;

/// A fork's assumption: the packet's value of match->field is among
/// match->values (whatever match->negated says).
using Constraint = const Match*;

struct Path {
  std::vector<Constraint> constraints;
  std::optional<RuleRef> unknown_at;  // first unmodelled match this fork assumed to hold
  std::optional<RuleRef> last_accept;
  bool generic() const { return constraints.empty() && !unknown_at; }
};

enum class End : uint8_t { fall_through, accept, drop, reject, unmodeled, missing, too_complex };

struct Outcome {
  Path path;
  End end = End::fall_through;
  std::optional<RuleRef> by;
};

/// How a match relates to the packets of one path.
enum class Truth : uint8_t {
  yes,       // holds for all of them
  no,        // holds for none
  fork_in,   // holds only for the subset inside the match's values (a positive conditional match)
  fork_out,  // holds except for the subset inside the values (a negated conditional match)
  unknown,   // not modelled
};

bool table_has_family(const Table& table, IpFamily family) {
  if (table.family == "inet") return true;
  return family == IpFamily::ipv4 ? table.family == "ip" : table.family == "ip6";
}

bool on_input_path(const Chain& chain) {
  return (chain.hook == Hook::prerouting || chain.hook == Hook::input) &&
         (chain.type.empty() || chain.type == "filter");
}

RuleRef make_ref(const Table& table, const Chain& chain, const Rule* rule) {
  RuleRef ref{table.backend, table.family, table.name, chain.name, 0, {}};
  if (rule != nullptr) {
    ref.handle = rule->handle;
    ref.text = rule->text;
  } else {
    ref.text = chain.policy == Action::drop ? "policy drop" : "policy accept";
  }
  return ref;
}

bool ranges_overlap(const AddressRange& a, const AddressRange& b) {
  if (a.family != b.family) return false;
  return range_contains(a, a.family, b.first) || range_contains(a, a.family, b.last) ||
         range_contains(b, b.family, a.first);
}

bool range_within(const AddressRange& inner, const AddressRange& outer) {
  return range_contains(outer, inner.family, inner.first) && range_contains(outer, inner.family, inner.last);
}

/// Relation of the values of `assumed` (what the path assumes) to those of
/// `tested`, both for the same field: all inside, none inside, or partly.
enum class Overlap : uint8_t { all, none, some };

Overlap overlap(const Match& assumed, const Match& tested) {
  bool any = false, all = true;
  auto account = [&](bool inside_some, bool overlaps_some) {
    any = any || overlaps_some;
    all = all && inside_some;
  };
  switch (tested.field) {
    case Field::saddr:
    case Field::daddr:
      for (const AddressRange& a : assumed.addresses) {
        bool inside = std::any_of(tested.addresses.begin(), tested.addresses.end(),
                                  [&](const AddressRange& t) { return range_within(a, t); });
        bool overlaps = std::any_of(tested.addresses.begin(), tested.addresses.end(),
                                    [&](const AddressRange& t) { return ranges_overlap(a, t); });
        account(inside, overlaps);
      }
      break;
    case Field::sport:
      for (const PortRange& a : assumed.ports) {
        bool inside = std::any_of(tested.ports.begin(), tested.ports.end(),
                                  [&](const PortRange& t) { return t.first <= a.first && a.last <= t.last; });
        bool overlaps = std::any_of(tested.ports.begin(), tested.ports.end(),
                                    [&](const PortRange& t) { return t.first <= a.last && a.first <= t.last; });
        account(inside, overlaps);
      }
      break;
    case Field::iifname:
      for (const std::string& a : assumed.names) {
        bool same = std::find(tested.names.begin(), tested.names.end(), a) != tested.names.end();
        account(same, same);
      }
      // Wildcards ("eth*") are compared as names: anything not equal is "some".
      if (!all && !any) {
        bool wild = std::any_of(tested.names.begin(), tested.names.end(),
                                [](const std::string& n) { return n.ends_with('*') || n.ends_with('+'); });
        if (wild) return Overlap::some;
      }
      break;
    default: return Overlap::some;
  }
  if (all) return Overlap::all;
  return any ? Overlap::some : Overlap::none;
}

class Evaluator {
 public:
  Evaluator(const Ruleset& ruleset, const Probe& probe) : ruleset_(ruleset), probe_(probe) {}

  Verdict run();

 private:
  Truth classify(const Match& match, const Path& path) const;
  Truth conditional(const Match& match, const Path& path, bool generic_inside) const;
  void walk(const Table& table, const Chain& chain, size_t start, Path path, int depth, std::vector<Outcome>& out);
  /// The action of rule `index` applied to `path`; continues the chain
  /// itself when the action does not end it.
  void take(const Table& table, const Chain& chain, size_t index, Path path, int depth, std::vector<Outcome>& out);

  const Ruleset& ruleset_;
  const Probe& probe_;
  size_t steps_ = 0;
};

/// A match on a value the probe does not fix (source, interface…). The
/// generic packet is outside every named set, except that it never comes
/// through lo, so "iifname lo" is simply false.
Truth Evaluator::conditional(const Match& match, const Path& path, bool generic_inside) const {
  for (Constraint assumed : path.constraints) {
    if (assumed->field != match.field) continue;
    Overlap relation = overlap(*assumed, match);
    if (relation == Overlap::all) return match.negated ? Truth::no : Truth::yes;
    if (relation == Overlap::none) return match.negated ? Truth::yes : Truth::no;
  }
  if (generic_inside) return match.negated ? Truth::no : Truth::yes;
  return match.negated ? Truth::fork_out : Truth::fork_in;
}

Truth Evaluator::classify(const Match& match, const Path& path) const {
  auto verdict = [&](bool inside) { return inside != match.negated ? Truth::yes : Truth::no; };
  if (!has_values(match)) return Truth::unknown;  // unmodeled, or nothing to compare with
  switch (match.field) {
    case Field::nfproto:
      return verdict(std::find(match.families.begin(), match.families.end(), probe_.family) != match.families.end());
    case Field::l4proto:
      return verdict(std::find(match.protocols.begin(), match.protocols.end(), probe_.protocol) !=
                     match.protocols.end());
    case Field::dport:
      return verdict(std::any_of(match.ports.begin(), match.ports.end(),
                                 [&](const PortRange& r) { return r.contains(probe_.port); }));
    case Field::ct_state:
      return verdict((match.ct_states & kCtNew) != 0);
    case Field::daddr_type:
      return verdict(std::find(match.names.begin(), match.names.end(), "local") != match.names.end());
    case Field::pkttype:
      return verdict(std::find(match.names.begin(), match.names.end(), "host") != match.names.end());
    case Field::daddr:
      if (probe_.address) {
        return verdict(std::any_of(match.addresses.begin(), match.addresses.end(), [&](const AddressRange& r) {
          return range_contains(r, probe_.family, *probe_.address);
        }));
      }
      if (std::none_of(match.addresses.begin(), match.addresses.end(),
                       [&](const AddressRange& r) { return r.family == probe_.family; })) {
        return verdict(false);
      }
      return conditional(match, path, false);
    case Field::saddr:
      if (std::none_of(match.addresses.begin(), match.addresses.end(),
                       [&](const AddressRange& r) { return r.family == probe_.family; })) {
        return verdict(false);
      }
      return conditional(match, path, false);
    case Field::sport:
      return conditional(match, path, false);
    case Field::iifname: {
      bool only_lo = std::all_of(match.names.begin(), match.names.end(),
                                 [](const std::string& name) { return name == "lo"; });
      if (only_lo) return verdict(false);
      return conditional(match, path, false);
    }
    case Field::unmodeled: return Truth::unknown;
  }
  return Truth::unknown;
}

void Evaluator::walk(const Table& table, const Chain& chain, size_t start, Path path, int depth,
                     std::vector<Outcome>& out) {
  for (size_t index = start; index < chain.rules.size(); ++index) {
    if (++steps_ > kMaxSteps) {
      out.push_back({std::move(path), End::too_complex, make_ref(table, chain, &chain.rules[index])});
      return;
    }
    const Rule& rule = chain.rules[index];
    bool never = false;
    std::vector<Constraint> assume_in, forks_out;
    bool unmodeled = false;
    for (const Match& match : rule.matches) {
      switch (classify(match, path)) {
        case Truth::yes: break;
        case Truth::no: never = true; break;
        case Truth::fork_in: assume_in.push_back(&match); break;
        case Truth::fork_out: forks_out.push_back(&match); break;
        case Truth::unknown: unmodeled = true; break;
      }
      if (never) break;
    }
    if (never) continue;
    if (assume_in.empty() && !unmodeled) {
      // This path takes the rule; packets inside a negated match's values do not.
      for (Constraint excluded : forks_out) {
        Path fork = path;
        fork.constraints.push_back(excluded);
        walk(table, chain, index + 1, std::move(fork), depth, out);
      }
      take(table, chain, index, std::move(path), depth, out);
      return;
    }
    // Only a subset takes the rule (those sources, or the packets an
    // unmodelled match picks); the generic part of this path goes on.
    Path fork = path;
    fork.constraints.insert(fork.constraints.end(), assume_in.begin(), assume_in.end());
    if (unmodeled && !fork.unknown_at) fork.unknown_at = make_ref(table, chain, &rule);
    take(table, chain, index, std::move(fork), depth, out);
  }
  out.push_back({std::move(path), End::fall_through, std::nullopt});
}

void Evaluator::take(const Table& table, const Chain& chain, size_t index, Path path, int depth,
                     std::vector<Outcome>& out) {
  const Rule& rule = chain.rules[index];
  RuleRef ref = make_ref(table, chain, &rule);
  switch (rule.action) {
    case Action::none: walk(table, chain, index + 1, std::move(path), depth, out); return;
    case Action::accept: out.push_back({std::move(path), End::accept, std::move(ref)}); return;
    case Action::drop: out.push_back({std::move(path), End::drop, std::move(ref)}); return;
    case Action::reject: out.push_back({std::move(path), End::reject, std::move(ref)}); return;
    case Action::unmodeled: out.push_back({std::move(path), End::unmodeled, std::move(ref)}); return;
    case Action::return_: out.push_back({std::move(path), End::fall_through, std::nullopt}); return;
    case Action::jump:
    case Action::go_to: {
      const Chain* target = table.find_chain(rule.target);
      if (target == nullptr) {
        out.push_back({std::move(path), End::missing, std::move(ref)});
        return;
      }
      if (depth >= kMaxJumpDepth) {
        out.push_back({std::move(path), End::too_complex, std::move(ref)});
        return;
      }
      if (rule.action == Action::go_to) {
        walk(table, *target, 0, std::move(path), depth + 1, out);
        return;
      }
      std::vector<Outcome> called;
      walk(table, *target, 0, std::move(path), depth + 1, called);
      for (Outcome& outcome : called) {
        if (outcome.end == End::fall_through) {
          walk(table, chain, index + 1, std::move(outcome.path), depth, out);
        } else {
          out.push_back(std::move(outcome));
        }
      }
      return;
    }
  }
}

std::string values_text(const Match& match) {
  std::vector<std::string> values;
  for (const AddressRange& range : match.addresses) values.push_back(range_text(range));
  for (const PortRange& range : match.ports) {
    values.push_back(range.first == range.last ? fmt::format("{}", range.first)
                                               : fmt::format("{}-{}", range.first, range.last));
  }
  for (const std::string& name : match.names) values.push_back(fmt::format("\"{}\"", name));
  if (values.size() == 1) return values[0];
  return fmt::format("{{ {} }}", fmt::join(values, ", "));
}

std::string constraint_text(const Path& path, IpFamily family) {
  std::vector<std::string> parts;
  for (Constraint match : path.constraints) {
    std::string_view field;
    switch (match->field) {
      case Field::saddr: field = family == IpFamily::ipv4 ? "ip saddr" : "ip6 saddr"; break;
      case Field::daddr: field = family == IpFamily::ipv4 ? "ip daddr" : "ip6 daddr"; break;
      case Field::sport: field = "th sport"; break;
      case Field::iifname: field = "iifname"; break;
      default: field = "?"; break;
    }
    parts.push_back(fmt::format("{} {}", field, values_text(*match)));
  }
  return fmt::format("{}", fmt::join(parts, " "));
}

Verdict Evaluator::run() {
  struct Base {
    const Table* table;
    const Chain* chain;
  };
  std::vector<Base> bases;
  for (const Table& table : ruleset_.tables) {
    if (!table_has_family(table, probe_.family)) continue;
    for (const Chain& chain : table.chains) {
      if (on_input_path(chain)) bases.push_back({&table, &chain});
    }
  }
  std::stable_sort(bases.begin(), bases.end(), [](const Base& a, const Base& b) {
    if (a.chain->hook != b.chain->hook) return a.chain->hook == Hook::prerouting;
    return a.chain->priority < b.chain->priority;
  });

  std::vector<Path> live(1);
  std::vector<Outcome> finished;
  for (const Base& base : bases) {
    std::vector<Path> next;
    for (Path& path : live) {
      std::vector<Outcome> out;
      walk(*base.table, *base.chain, 0, std::move(path), 0, out);
      for (Outcome& outcome : out) {
        if (outcome.end == End::fall_through) {
          RuleRef policy = make_ref(*base.table, *base.chain, nullptr);
          if (base.chain->policy == Action::drop) {
            finished.push_back({std::move(outcome.path), End::drop, std::move(policy)});
            continue;
          }
          outcome.path.last_accept = std::move(policy);
          next.push_back(std::move(outcome.path));
        } else if (outcome.end == End::accept) {
          outcome.path.last_accept = std::move(outcome.by);
          next.push_back(std::move(outcome.path));
        } else {
          finished.push_back(std::move(outcome));
        }
      }
    }
    live = std::move(next);
    if (live.size() > kMaxLivePaths) {
      Verdict verdict;
      verdict.deciding = make_ref(*base.table, *base.chain, nullptr);
      verdict.unknown_reason = UnknownReason::too_complex;
      return verdict;
    }
  }
  for (Path& path : live) {
    std::optional<RuleRef> by = path.last_accept;
    finished.push_back({std::move(path), End::accept, std::move(by)});
  }

  Verdict verdict;
  auto generic = std::find_if(finished.begin(), finished.end(), [](const Outcome& o) { return o.path.generic(); });
  if (generic == finished.end()) {
    verdict.unknown_reason = UnknownReason::too_complex;
    return verdict;
  }
  verdict.deciding = generic->by;
  switch (generic->end) {
    case End::accept: verdict.exposure = Exposure::exposed; return verdict;
    case End::unmodeled: verdict.unknown_reason = UnknownReason::unmodeled_action; return verdict;
    case End::missing: verdict.unknown_reason = UnknownReason::missing_chain; return verdict;
    case End::too_complex: verdict.unknown_reason = UnknownReason::too_complex; return verdict;
    case End::fall_through:
    case End::drop:
    case End::reject: break;
  }
  // The generic packet is dropped. Anyone still let in?
  for (const Outcome& outcome : finished) {
    if (outcome.end == End::accept && outcome.path.unknown_at) {
      verdict.deciding = outcome.path.unknown_at;
      verdict.unknown_reason = UnknownReason::unmodeled_match;
      return verdict;
    }
  }
  for (const Outcome& outcome : finished) {
    if (outcome.end != End::accept || outcome.path.constraints.empty()) continue;
    std::string condition = constraint_text(outcome.path, probe_.family);
    if (std::find(verdict.only_from.begin(), verdict.only_from.end(), condition) == verdict.only_from.end()) {
      verdict.only_from.push_back(std::move(condition));
    }
  }
  verdict.exposure = verdict.only_from.empty() ? Exposure::blocked : Exposure::restricted;
  verdict.rejected = generic->end == End::reject;
  return verdict;
}

}  // namespace

std::string_view exposure_name(Exposure exposure) {
  switch (exposure) {
    case Exposure::exposed: return "exposed";
    case Exposure::restricted: return "restricted";
    case Exposure::blocked: return "blocked";
    case Exposure::local_only: return "local-only";
    case Exposure::unknown: return "unknown";
  }
  return "unknown";
}

std::string rule_ref_text(const RuleRef& ref) {
  return fmt::format("{} {} {} {}: {}", backend_name(ref.backend), ref.family, ref.table, ref.chain, ref.text);
}

bool filters_input(const Ruleset& ruleset, IpFamily family) {
  // An empty chain with an accept policy (iptables' built-in chains before
  // any rule is added) filters nothing.
  auto filters = [](const Chain& chain) {
    return on_input_path(chain) && (!chain.rules.empty() || chain.policy != Action::accept);
  };
  return std::any_of(ruleset.tables.begin(), ruleset.tables.end(), [&](const Table& table) {
    return table_has_family(table, family) && std::any_of(table.chains.begin(), table.chains.end(), filters);
  });
}

Verdict evaluate(const Ruleset& ruleset, const Probe& probe) { return Evaluator(ruleset, probe).run(); }

}  // namespace portlens::firewall
