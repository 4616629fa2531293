// Scan targets and excludes as typed on the command line or read from -iL /
// --exclude-file files: "10.0.0-3.1-20 fd00::/120 db1.example.net". The first
// byte picks -4/-6 and file or command-line syntax; the rest is the target text,
// then optionally '|' and the exclude text. Host names resolve to fixed
// addresses (no DNS).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan/target_spec.h"

namespace {

using portlens::Address;
using portlens::AddressFamily;

Address address(AddressFamily family, uint8_t last_byte) {
  Address result{family, {}};
  if (family == AddressFamily::ipv4) {
    result.bytes = {192, 0, 2, last_byte};
  } else {
    result.bytes = {0x20, 0x01, 0x0d, 0xb8};
    result.bytes[15] = last_byte;
  }
  return result;
}

// Names starting "v4" or "v6" have only that family, "none" nothing, "fail"
// does not resolve; the rest have one address of each. Like DNS, the answer
// ignores case and a trailing dot ("V6.example." is "v6.example"): the
// builder caches names that way, so a fake that told them apart would make
// the same host resolve differently in the check's second builder.
portlens::Result<std::vector<Address>> fake_resolve(std::string_view raw_host) {
  if (raw_host.empty() || raw_host.size() > 254) __builtin_trap();  // the parser checks names first
  for (char c : raw_host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) __builtin_trap();
  }
  std::string host(raw_host);
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  for (char& c : host) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  auto last = static_cast<uint8_t>(host.size());
  if (host.starts_with("fail")) return portlens::make_error("cannot resolve host name '{}': {}", host, "fake");
  if (host.starts_with("none")) return std::vector<Address>{};
  if (host.starts_with("v4")) return std::vector<Address>{address(AddressFamily::ipv4, last)};
  if (host.starts_with("v6")) return std::vector<Address>{address(AddressFamily::ipv6, last)};
  return std::vector<Address>{address(AddressFamily::ipv4, last), address(AddressFamily::ipv6, last)};
}

portlens::Status add(portlens::TargetSetBuilder& builder, std::string_view text, bool as_file, bool excluding) {
  if (as_file) return excluding ? builder.add_exclude_file(text, "x") : builder.add_target_file(text, "t");
  return excluding ? builder.add_excludes(text) : builder.add_targets(text);
}

// The excludes alone, as a set of their own (nullopt when they do not make one).
std::optional<portlens::TargetSet> exclude_set(std::string_view excludes, bool as_file) {
  portlens::TargetSetBuilder builder({portlens::FamilyPreference::any, fake_resolve});
  if (!add(builder, excludes, as_file, false)) return std::nullopt;
  auto set = std::move(builder).build();
  if (!set) return std::nullopt;
  return std::move(*set);
}

portlens::Uint128 value_of(const Address& address) {
  portlens::Uint128 value = 0;
  size_t bytes = address.family == AddressFamily::ipv4 ? 4 : 16;
  for (size_t i = 0; i < bytes; ++i) value = (value << 8) | address.bytes[i];
  return value;
}

// The ranges are ascending, IPv4 first, neither overlap nor touch, and at()
// lands on each one's first and last address at the indexes their sizes give.
void check_ranges(const portlens::TargetSet& set) {
  if (set.range_count() > 4096) return;  // big octet patterns: the samples below still run
  std::vector<portlens::AddressRange> ranges = set.ranges();
  if (ranges.size() != set.range_count()) __builtin_trap();
  uint64_t index = 0;
  for (size_t k = 0; k < ranges.size(); ++k) {
    const portlens::AddressRange& range = ranges[k];
    if (range.first.family != range.last.family || value_of(range.first) > value_of(range.last)) __builtin_trap();
    if (k > 0) {
      const portlens::AddressRange& previous = ranges[k - 1];
      if (previous.first.family == AddressFamily::ipv6 && range.first.family == AddressFamily::ipv4) __builtin_trap();
      if (previous.first.family == range.first.family && value_of(previous.last) + 1 >= value_of(range.first)) {
        __builtin_trap();
      }
    }
    portlens::Uint128 count = value_of(range.last) - value_of(range.first) + 1;
    if (count > (portlens::Uint128{1} << 32) || index + count > set.size()) __builtin_trap();
    if (set.at(index) != range.first) __builtin_trap();
    index += static_cast<uint64_t>(count);
    if (set.at(index - 1) != range.last) __builtin_trap();
  }
  if (index != set.size()) __builtin_trap();
}

void check_samples(const portlens::TargetSet& set, const std::optional<portlens::TargetSet>& excluded) {
  const uint64_t size = set.size();
  if (size == 0) __builtin_trap();  // an empty set is an error
  if (set.size(AddressFamily::ipv4) + set.size(AddressFamily::ipv6) != size) __builtin_trap();
  if (set.size(AddressFamily::ipv6) > (uint64_t{1} << 32)) __builtin_trap();
  const uint64_t step = size / 61 + 1;
  std::optional<Address> previous;
  for (uint64_t i = 0; i < size; i += step) {
    for (uint64_t j : {i, std::min(i + 1, size - 1), size - 1 - i / 2}) {
      Address address = set.at(j);
      if (!set.contains(address)) __builtin_trap();
      if (excluded && excluded->contains(address)) __builtin_trap();
      bool ipv4 = j < set.size(AddressFamily::ipv4);
      if (ipv4 != (address.family == AddressFamily::ipv4)) __builtin_trap();
      if (ipv4) {
        for (size_t b = 4; b < 16; ++b) {
          if (address.bytes[b] != 0) __builtin_trap();
        }
      }
    }
    Address current = set.at(i);
    if (previous && previous->family == current.family && !(previous->bytes < current.bytes)) __builtin_trap();
    previous = current;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool as_file = mode & 4;
  const auto family = static_cast<portlens::FamilyPreference>(mode % 3);
  size_t bar = text.find('|');
  std::string_view targets = text.substr(0, bar);
  std::string_view excludes = bar == std::string_view::npos ? std::string_view() : text.substr(bar + 1);

  portlens::TargetSetBuilder builder({family, fake_resolve});
  if (!add(builder, targets, as_file, false)) return 0;
  if (!add(builder, excludes, as_file, true)) return 0;
  auto set = std::move(builder).build();
  if (!set) {
    if (set.error().msgid.empty()) __builtin_trap();
    return 0;
  }
  check_ranges(*set);
  check_samples(*set, exclude_set(excludes, as_file));
  for (const portlens::ResolvedHost& host : set->resolved_hosts()) {
    for (const Address& address : host.addresses) {
      if (family == portlens::FamilyPreference::ipv4_only && address.family != AddressFamily::ipv4) __builtin_trap();
      if (family == portlens::FamilyPreference::ipv6_only && address.family != AddressFamily::ipv6) __builtin_trap();
    }
  }
  return 0;
}
