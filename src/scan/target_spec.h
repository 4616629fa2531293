#pragma once
// What `portlens scan` scans, as people type it: targets ("10.0.0.0/24",
// "10.0.0-3.1-20", "fd00::/120", "db1.example.net"), excludes in the same
// syntax, and nmap-style port lists ("22,80,443", "1-1024", "-", "http").
//
// A TargetSet holds address ranges, never expanded addresses: 10.0.0.0/8 minus
// 10.1.0.0/16 is two ranges, its size() is 16711680, and at(i) finds the i-th
// address by binary search. Host names are checked here but resolved by a
// function the caller passes in (the real one is resolve_host_name), so tests
// and fuzzing never touch DNS.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/socket_record.h"  // AddressFamily, address_text
#include "net/port_spec.h"            // PortRange
#include "scan/interval_set.h"
#include "util/error.h"

namespace portlens {

/// One address to scan.
struct Address {
  AddressFamily family = AddressFamily::ipv4;
  std::array<uint8_t, 16> bytes{};  ///< Network byte order; IPv4 uses the first 4 bytes, the rest are 0.
  bool operator==(const Address&) const = default;
};

/// inet_ntop's text: "10.0.0.1", "fd00::1".
std::string address_text(const Address& address);

/// Turns a host name into its addresses (either family, duplicates allowed).
/// Failing is an Error naming the host; an empty answer counts as "no address".
using Resolver = std::function<Result<std::vector<Address>>(std::string_view host)>;

/// The system resolver: getaddrinfo without AI_ADDRCONFIG, so a host with
/// only IPv6 addresses still resolves on a machine without IPv6 routes.
/// Error: "cannot resolve host name '{}': {}" with gai_strerror's text.
Result<std::vector<Address>> resolve_host_name(std::string_view host);

/// -4 / -6.
enum class FamilyPreference : uint8_t { any, ipv4_only, ipv6_only };

struct TargetOptions {
  FamilyPreference family = FamilyPreference::any;
  /// Needed only when a host name appears; a host name without a resolver is
  /// a programming error.
  Resolver resolver;
};

/// A host name given as a target and the addresses it stands for (after the
/// family preference), for reports that want to show names.
struct ResolvedHost {
  std::string name;
  std::vector<Address> addresses;
};

struct AddressRange {
  Address first;
  Address last;  ///< Inclusive, same family as first.
  bool operator==(const AddressRange&) const = default;
};

/// The addresses to scan: IPv4 ranges, then IPv6 ranges, each in ascending
/// order, each address once. Memory grows with the number of ranges, not of
/// addresses; at most 2^32 addresses per family.
class TargetSet {
 public:
  /// Addresses in the set; at most 2^33.
  uint64_t size() const { return ipv4_count_ + ipv6_count_; }
  uint64_t size(AddressFamily family) const { return family == AddressFamily::ipv4 ? ipv4_count_ : ipv6_count_; }
  /// The index-th address in the order above; index < size(). O(log ranges).
  Address at(uint64_t index) const;
  bool contains(const Address& address) const;
  /// The ranges, merged (no two overlap or touch), in iteration order.
  std::vector<AddressRange> ranges() const;
  size_t range_count() const { return ipv4_.size() + ipv6_.size(); }
  /// Host names among the targets, in the order first given.
  const std::vector<ResolvedHost>& resolved_hosts() const { return resolved_hosts_; }

 private:
  friend class TargetSetBuilder;
  std::vector<Interval<uint32_t>> ipv4_;
  std::vector<Interval<Uint128>> ipv6_;
  std::vector<uint64_t> ipv4_starts_;  ///< Index of each IPv4 range's first address.
  std::vector<uint64_t> ipv6_starts_;  ///< The same for IPv6, counted from the first IPv6 address.
  uint64_t ipv4_count_ = 0;
  uint64_t ipv6_count_ = 0;
  std::vector<ResolvedHost> resolved_hosts_;
};

/// Collects targets and excludes from the command line and from files, then
/// builds the set. Every add_* call checks its text completely (syntax, family,
/// name resolution) and fails on the first problem; no address is touched.
///
/// Text is a list of tokens separated by whitespace or commas. A token is:
///   10.0.0.1 | fd00::1                     one address
///   10.0.0.0/24 | fd00::/120               a network (host bits are ignored)
///   10.0.0-3.1-20 | 192.168.1,3.5 | 10.*.*.1  IPv4 octet ranges and lists
///   10.0.0.1-10.0.1.255 | fd00::1-fd00::ff  a range of whole addresses
///   db1.example.net                        every address of the name
/// Commas inside IPv4 octet lists are told apart from separators by shape:
/// "10.0.0.1,2" is one token (last octet 1 or 2), "10.0.0.1,10.0.0.2" two.
/// Two commas in a row, or a comma at either end, is an empty item: an error.
/// Octets are decimal ("010" is 10). Patterns and names may add up to 2^22
/// separate ranges in all ("10.*.*.1" is 65536 of them; "*.*.*.1" is refused).
///
/// Errors: "bad target '{}': {}" (the token, then a fixed English reason such
/// as "an octet is out of range (0-255)"), or "{}: line {}: bad target '{}': {}"
/// (file and line first) for files. A resolver's own error passes through
/// unchanged, without file and line: it names the host.
class TargetSetBuilder {
 public:
  explicit TargetSetBuilder(TargetOptions options);

  /// Targets from the command line (one argument, or several joined by spaces).
  Status add_targets(std::string_view text);
  /// An -iL file: tokens as above, any number per line, '#' starts a comment.
  Status add_target_file(std::string_view text, std::string_view file_name);
  /// --exclude. Addresses of the family the preference leaves out are ignored
  /// here rather than refused: an exclude list may be shared by -4 and -6 runs.
  Status add_excludes(std::string_view text);
  /// --exclude-file, in the -iL format.
  Status add_exclude_file(std::string_view text, std::string_view file_name);

  /// The targets minus the excludes. Errors: "the target list is empty" (no
  /// target token given at all), "every target is excluded", and
  /// "too many {} targets: {} addresses (the limit is {} per address family)"
  /// when more than 2^32 IPv6 addresses remain after the excludes.
  Result<TargetSet> build() &&;

 private:
  struct Location;
  struct Collected {
    std::vector<Interval<uint32_t>> ipv4;
    std::vector<Interval<Uint128>> ipv6;
  };
  struct CachedAnswer {
    std::vector<Address> addresses;  ///< As the resolver gave them.
    bool listed = false;             ///< Already in resolved_hosts_.
  };
  Status add_file(std::string_view text, std::string_view file_name, bool excluding);
  Status add_text(std::string_view text, const Location& location, bool excluding);
  Status add_token(std::string_view token, const Location& location, bool excluding);
  Status add_host(std::string_view name, const Location& location, bool excluding);
  Result<CachedAnswer*> resolve_cached(std::string_view name);

  TargetOptions options_;
  Collected targets_;
  Collected excludes_;
  size_t target_tokens_ = 0;
  size_t intervals_collected_ = 0;  ///< Both lists: bounds what octet patterns may expand to.
  std::map<std::string, CachedAnswer, std::less<>> resolved_names_;  ///< Lowercased name, no trailing dot.
  std::vector<ResolvedHost> resolved_hosts_;
};

/// Targets and excludes from command-line text in one call.
Result<TargetSet> parse_targets(std::string_view targets, std::string_view excludes, const TargetOptions& options);

// --- ports ---------------------------------------------------------------

/// The ports a service name stands for (e.g. from the knowledge base or
/// /etc/services); nullopt or empty when the name is unknown.
using ServiceLookup = std::function<std::optional<std::vector<uint16_t>>(std::string_view name)>;

/// The ports to scan, as sorted ranges that neither overlap nor touch.
struct ScanPorts {
  std::vector<PortRange> ranges;
  std::vector<uint32_t> starts;  ///< Index of each range's first port.
  uint32_t count = 0;            ///< Ports in all ranges: 1 to 65536.

  /// The index-th port in ascending order; index < count. O(log ranges).
  uint16_t at(uint32_t index) const;
  bool contains(uint16_t port) const;
};

/// nmap's -p: comma-separated items, each a port ("22"), a range ("1-1024"),
/// a range with an open end ("-1024" is 1-1024, "60000-" is 60000-65535, "-"
/// is 1-65535) or a service name ("https"). Port 0 only when written ("0",
/// "0-10"). Duplicates and overlaps are merged.
/// Errors: port_spec's ("the port list is empty", "empty item in port list
/// '{}'", "port {} is out of range (0-65535)", "port range '{}' ends before it
/// starts", "'{}' is not a port or a port range (FIRST-LAST)") and
/// "'{}' is not a port, a port range or a known service name".
Result<ScanPorts> parse_scan_ports(std::string_view text, const ServiceLookup& lookup);

/// The ports of a list in any order, duplicates merged (for --top-ports).
ScanPorts scan_ports_from_list(std::span<const uint16_t> ports);

}  // namespace portlens
