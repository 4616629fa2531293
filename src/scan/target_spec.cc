#include "scan/target_spec.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/text.h"

// How a token becomes address ranges.
//
// Every address family is a line of integers (IPv4 32 bits, IPv6 128), so a
// CIDR network, an "A-B" range or a host's address is one closed interval.
// An nmap octet pattern is a product of four sets of octets; it is a union of
// intervals, and the number of intervals is what the pattern costs, not the
// number of addresses. In 10.0-1.*.1-20 the last octet that is not the full
// 0-255 is the fourth, so each combination of the octets before it (2 × 256)
// gives one interval per run of the fourth (1-20): 512 intervals. In
// 10.0-1.*.* it is the second octet, and the whole pattern is 1 interval
// (10.0.0.0-10.1.255.255). The builder counts a pattern's intervals before
// expanding it and refuses the token if the running total would pass
// kMaxIntervals, so "*.*.*.1" (16 million intervals) is an error, not an
// out-of-memory kill.
//
// The builder collects intervals per family for targets and excludes, then
// sorts and merges each list and subtracts the excludes in one sweep. The
// TargetSet keeps the merged intervals and the index at which each starts;
// at(i) is a binary search over those starts.

namespace portlens {
namespace {

// A fixed English reason for "bad target '{}': {}"; nullptr when all is well.
using Why = const char*;
constexpr Why kNotATarget = "not an IP address, network, address range or host name";
constexpr Why kBadHostName = "not a valid host name (letters, digits and '-'; labels of 1-63 characters; 253 in all)";
constexpr Why kOctetOutOfRange = "an octet is out of range (0-255)";
constexpr Why kRangeReversed = "a range ends before it starts";
constexpr Why kBadPrefix = "bad prefix length (0-32 for IPv4, 0-128 for IPv6)";
constexpr Why kEmptyItem = "empty item between commas";
constexpr Why kIpv6ButIpv4Only = "an IPv6 target, but the scan is limited to IPv4 (-4)";
constexpr Why kIpv4ButIpv6Only = "an IPv4 target, but the scan is limited to IPv6 (-6)";
constexpr Why kNoIpv4Address = "the host has no IPv4 address";
constexpr Why kNoIpv6Address = "the host has no IPv6 address";
constexpr Why kNoAddress = "the host has no address";
constexpr Why kTooManyIntervals = "expands to too many separate ranges";

// Octet patterns may expand to this many intervals in all (targets and
// excludes together): 64 MiB of IPv4 intervals while building.
constexpr size_t kMaxIntervals = size_t{1} << 22;
constexpr uint64_t kMaxAddressesPerFamily = uint64_t{1} << 32;
// Tokens come from files too: quote at most this much of one in an error.
constexpr size_t kMaxQuotedBytes = 128;
constexpr std::string_view kOctetPatternChars = "0123456789.,*-";

bool only_chars(std::string_view text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

size_t count_char(std::string_view text, char c) { return static_cast<size_t>(std::ranges::count(text, c)); }

// Decimal digits of a count of IPv6 addresses; all of them (2^128) does not fit a Uint128.
std::string decimal_text(Uint128 value, bool whole_space) {
  if (whole_space) return "340282366920938463463374607431768211456";
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// --- addresses as integers -------------------------------------------------

Address ipv4_address(uint32_t value) {
  Address address{AddressFamily::ipv4, {}};
  for (int i = 0; i < 4; ++i) address.bytes[i] = static_cast<uint8_t>(value >> (24 - 8 * i));
  return address;
}

Address ipv6_address(Uint128 value) {
  Address address{AddressFamily::ipv6, {}};
  for (int i = 0; i < 16; ++i) address.bytes[i] = static_cast<uint8_t>(value >> (120 - 8 * i));
  return address;
}

uint32_t ipv4_value(const Address& address) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | address.bytes[i];
  return value;
}

Uint128 ipv6_value(const Address& address) {
  Uint128 value = 0;
  for (int i = 0; i < 16; ++i) value = (value << 8) | address.bytes[i];
  return value;
}

template <typename Word>
bool intervals_contain(const std::vector<Interval<Word>>& intervals, Word value) {
  auto after = std::upper_bound(intervals.begin(), intervals.end(), value,
                                [](Word v, const Interval<Word>& interval) { return v < interval.first; });
  return after != intervals.begin() && std::prev(after)->last >= value;
}

// Index of the interval holding the index-th value, given each interval's starting index.
size_t interval_for_index(const std::vector<uint64_t>& starts, uint64_t index) {
  return static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), index) - starts.begin()) - 1;
}

template <typename Word>
std::vector<uint64_t> starting_indexes(const std::vector<Interval<Word>>& intervals) {
  std::vector<uint64_t> starts;
  starts.reserve(intervals.size());
  uint64_t next = 0;
  for (const Interval<Word>& interval : intervals) {
    starts.push_back(next);
    next += static_cast<uint64_t>(interval.last - interval.first) + 1;  // the caller capped the total
  }
  return starts;
}

// --- parsing literals -------------------------------------------------------

// A decimal octet 0-255 (leading zeros are decimal too: "010" is 10).
Why parse_octet(std::string_view text, uint32_t* value) {
  if (text.empty() || !only_chars(text, "0123456789")) return kNotATarget;
  *value = 0;
  for (char c : text) {
    *value = *value * 10 + static_cast<uint32_t>(c - '0');
    if (*value > 255) return kOctetOutOfRange;
  }
  return nullptr;
}

// One item of an octet list: "7", "1-20", "*", and nmap's open ends "-20" (0-20), "200-" (200-255), "-".
Why parse_octet_item(std::string_view text, Interval<uint32_t>* out) {
  if (text == "*") {
    *out = {0, 255};
    return nullptr;
  }
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    Why why = parse_octet(text, &out->first);
    out->last = out->first;
    return why;
  }
  std::string_view low = text.substr(0, dash), high = text.substr(dash + 1);
  out->first = 0;
  out->last = 255;
  if (!low.empty()) {
    if (Why why = parse_octet(low, &out->first)) return why;
  }
  if (!high.empty()) {
    if (Why why = parse_octet(high, &out->last)) return why;
  }
  return out->first > out->last ? kRangeReversed : nullptr;
}

using OctetSets = std::array<std::vector<Interval<uint32_t>>, 4>;

Why parse_octet_pattern(std::string_view text, OctetSets* sets) {
  std::vector<std::string_view> parts = split(text, '.');
  if (parts.size() != 4) return kNotATarget;
  for (size_t i = 0; i < 4; ++i) {
    for (std::string_view item : split(parts[i], ',')) {
      Interval<uint32_t> interval;
      if (Why why = parse_octet_item(item, &interval)) return why;
      (*sets)[i].push_back(interval);
    }
    normalize_intervals(&(*sets)[i]);
  }
  return nullptr;
}

bool is_full_octet(const std::vector<Interval<uint32_t>>& set) {
  return set.size() == 1 && set[0] == Interval<uint32_t>{0, 255};
}

// The last octet whose set is not 0-255 (see the top of the file); -1 when all are.
int last_partial_octet(const OctetSets& sets) {
  for (int i = 3; i >= 0; --i) {
    if (!is_full_octet(sets[static_cast<size_t>(i)])) return i;
  }
  return -1;
}

uint32_t octet_values(const std::vector<Interval<uint32_t>>& set) { return static_cast<uint32_t>(count_values(set)); }

uint64_t pattern_interval_count(const OctetSets& sets) {
  int partial = last_partial_octet(sets);
  if (partial < 0) return 1;
  uint64_t count = sets[static_cast<size_t>(partial)].size();
  for (int i = 0; i < partial; ++i) count *= octet_values(sets[static_cast<size_t>(i)]);
  return count;
}

// Appends the intervals of an octet pattern in ascending order: an odometer
// over the values of the octets before the last partial one.
void expand_pattern(const OctetSets& sets, std::vector<Interval<uint32_t>>* out) {
  int partial = last_partial_octet(sets);
  if (partial < 0) {
    out->push_back({0, ~uint32_t{0}});
    return;
  }
  const size_t fixed = static_cast<size_t>(partial);
  const int low_bits = 8 * (3 - partial);
  const uint32_t low_mask = low_bits == 0 ? 0 : (uint32_t{1} << low_bits) - 1;
  std::array<size_t, 3> interval_index{};  // odometer: which interval, and which value in it
  std::array<uint32_t, 3> value{};
  for (size_t i = 0; i < fixed; ++i) value[i] = sets[i][0].first;
  while (true) {
    uint32_t prefix = 0;
    for (size_t i = 0; i < fixed; ++i) prefix |= value[i] << (24 - 8 * i);
    for (const Interval<uint32_t>& run : sets[fixed]) {
      uint32_t shift = static_cast<uint32_t>(low_bits);
      out->push_back({prefix | (run.first << shift), prefix | (run.last << shift) | low_mask});
    }
    // Advance the odometer, rightmost fixed octet first.
    size_t digit = fixed;
    while (digit > 0) {
      size_t i = digit - 1;
      if (value[i] < sets[i][interval_index[i]].last) {
        ++value[i];
        break;
      }
      if (interval_index[i] + 1 < sets[i].size()) {
        value[i] = sets[i][++interval_index[i]].first;
        break;
      }
      interval_index[i] = 0;
      value[i] = sets[i][0].first;
      --digit;
    }
    if (digit == 0) return;
  }
}

Why parse_ipv4_address(std::string_view text, uint32_t* value) {
  std::vector<std::string_view> parts = split(text, '.');
  if (parts.size() != 4) return kNotATarget;
  *value = 0;
  for (std::string_view part : parts) {
    uint32_t octet = 0;
    if (Why why = parse_octet(part, &octet)) return why;
    *value = (*value << 8) | octet;
  }
  return nullptr;
}

Why parse_ipv6_address(std::string_view text, Uint128* value) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return kNotATarget;
  std::string terminated(text);
  Address address{AddressFamily::ipv6, {}};
  if (inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) != 1) return kNotATarget;
  *value = ipv6_value(address);
  return nullptr;
}

// The literal forms: everything but host names.
struct Literal {
  AddressFamily family = AddressFamily::ipv4;
  Interval<Uint128> range;          ///< IPv4 values fit the low 32 bits.
  std::optional<OctetSets> octets;  ///< Set for octet patterns; `range` is then unused.
};

Why parse_address(std::string_view text, AddressFamily family, Uint128* value) {
  if (family == AddressFamily::ipv6) return parse_ipv6_address(text, value);
  uint32_t ipv4 = 0;
  Why why = parse_ipv4_address(text, &ipv4);
  *value = ipv4;
  return why;
}

Why parse_network(std::string_view text, Literal* literal) {
  size_t slash = text.rfind('/');
  std::string_view address = text.substr(0, slash), prefix = text.substr(slash + 1);
  if (address.find(':') != std::string_view::npos) {
    literal->family = AddressFamily::ipv6;
  } else if (address.empty() || !only_chars(address, "0123456789.")) {
    return kNotATarget;
  }
  Uint128 value = 0;
  if (Why why = parse_address(address, literal->family, &value)) return why;
  const int bits = literal->family == AddressFamily::ipv4 ? 32 : 128;
  if (prefix.empty() || prefix.size() > 3 || !only_chars(prefix, "0123456789")) return kBadPrefix;
  int length = std::stoi(std::string(prefix));
  if (length > bits) return kBadPrefix;
  const int host_bits = bits - length;
  Uint128 host_mask = host_bits == 128 ? ~Uint128{0} : (Uint128{1} << host_bits) - 1;
  literal->range = {value & ~host_mask, value | host_mask};
  return nullptr;
}

Why parse_address_range(std::string_view text, Literal* literal) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos || text.find('-', dash + 1) != std::string_view::npos) return kNotATarget;
  if (Why why = parse_address(text.substr(0, dash), literal->family, &literal->range.first)) return why;
  if (Why why = parse_address(text.substr(dash + 1), literal->family, &literal->range.last)) return why;
  return literal->range.first > literal->range.last ? kRangeReversed : nullptr;
}

// Whole-address ranges have a dotted quad each side of one dash: 10.0.0.1-10.0.0.9.
bool is_ipv4_address_range(std::string_view text) {
  size_t dash = text.find('-');
  return dash != std::string_view::npos && count_char(text, '-') == 1 && count_char(text, ',') == 0 &&
         count_char(text.substr(0, dash), '.') == 3 && count_char(text.substr(dash + 1), '.') == 3;
}

// Fills `literal` when `token` is an address, network or range; false when it
// can only be a host name. `why` is set for a literal that is wrong.
bool parse_literal(std::string_view token, Literal* literal, Why* why) {
  if (token.find('/') != std::string_view::npos) {
    *why = parse_network(token, literal);
  } else if (token.find(':') != std::string_view::npos) {
    literal->family = AddressFamily::ipv6;
    if (token.find('-') != std::string_view::npos) {
      *why = parse_address_range(token, literal);
    } else {
      *why = parse_ipv6_address(token, &literal->range.first);
      literal->range.last = literal->range.first;
    }
  } else if (only_chars(token, kOctetPatternChars)) {
    if (is_ipv4_address_range(token)) {
      *why = parse_address_range(token, literal);
    } else {
      literal->octets.emplace();
      *why = parse_octet_pattern(token, &*literal->octets);
    }
  } else {
    return false;
  }
  return true;
}

// RFC 1123 names: labels of letters, digits and inner hyphens, 1-63 long, at
// most 253 in all; one trailing dot (a rooted name) is allowed.
bool is_valid_host_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  for (std::string_view label : split(name, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!only_chars(ascii_lower(label), "abcdefghijklmnopqrstuvwxyz0123456789-")) return false;
  }
  return true;
}

bool looks_like_host_name(std::string_view token) {
  return only_chars(ascii_lower(token), "abcdefghijklmnopqrstuvwxyz0123456789-.");
}

bool family_wanted(FamilyPreference preference, AddressFamily family) {
  if (preference == FamilyPreference::ipv4_only) return family == AddressFamily::ipv4;
  if (preference == FamilyPreference::ipv6_only) return family == AddressFamily::ipv6;
  return true;
}

// Only called for a family the preference leaves out, so the family says which flag refused it.
Why family_refusal(AddressFamily family) { return family == AddressFamily::ipv6 ? kIpv6ButIpv4Only : kIpv4ButIpv6Only; }

Why no_address_reason(FamilyPreference preference) {
  if (preference == FamilyPreference::ipv4_only) return kNoIpv4Address;
  if (preference == FamilyPreference::ipv6_only) return kNoIpv6Address;
  return kNoAddress;
}

// --- tokens -----------------------------------------------------------------

// Splits a list into tokens. Items are separated by whitespace and commas; a
// separator may hold one comma at most, and none at either end of the text,
// or there is an empty item: then `bad_part` is the text around it. An item
// joined to the previous one by a bare comma may continue an IPv4 octet list
// ("10.0.0.1,2"): see TargetSetBuilder in the header for how that is told.
bool split_tokens(std::string_view text, std::vector<std::string_view>* tokens, std::string_view* bad_part) {
  constexpr std::string_view kSeparators = " \t\r\n\v\f,";
  size_t position = 0;
  while (position < text.size()) {
    size_t item_start = text.find_first_not_of(kSeparators, position);
    if (item_start == std::string_view::npos) item_start = text.size();
    std::string_view separator = text.substr(position, item_start - position);
    size_t commas = count_char(separator, ',');
    bool at_start = tokens->empty(), at_end = item_start == text.size();
    size_t item_end = at_end ? item_start : std::min(text.find_first_of(kSeparators, item_start), text.size());
    if (commas > 1 || (commas == 1 && (at_start || at_end))) {
      size_t from = at_start ? position : static_cast<size_t>(tokens->back().data() - text.data());
      *bad_part = text.substr(from, item_end - from);
      return false;
    }
    if (at_end) break;
    std::string_view item = text.substr(item_start, item_end - item_start);
    std::string_view* previous = at_start ? nullptr : &tokens->back();
    bool glue = previous && separator == "," && only_chars(*previous, kOctetPatternChars) &&
                only_chars(item, kOctetPatternChars) && (count_char(*previous, '.') < 3 || count_char(item, '.') < 3);
    if (glue) {
      *previous = std::string_view(previous->data(), static_cast<size_t>(item.data() + item.size() - previous->data()));
    } else {
      tokens->push_back(item);
    }
    position = item_end;
  }
  return true;
}

}  // namespace

// --- Address, resolver ------------------------------------------------------

std::string address_text(const Address& address) { return address_text(address.family, address.bytes); }

Result<std::vector<Address>> resolve_host_name(std::string_view host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one answer per address, not one per socket type
  hints.ai_flags = 0;               // no AI_ADDRCONFIG: see the header
  addrinfo* answers = nullptr;
  int status = getaddrinfo(std::string(host).c_str(), nullptr, &hints, &answers);
  if (status != 0) {
    const char* reason = status == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(status);
    return make_error(N_("cannot resolve host name '{}': {}"), host, reason);
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(answers, &freeaddrinfo);
  std::vector<Address> addresses;
  for (const addrinfo* answer = answers; answer != nullptr; answer = answer->ai_next) {
    Address address;
    if (answer->ai_family == AF_INET) {
      const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(answer->ai_addr);
      std::memcpy(address.bytes.data(), &ipv4->sin_addr, 4);
    } else if (answer->ai_family == AF_INET6) {
      const auto* ipv6 = reinterpret_cast<const sockaddr_in6*>(answer->ai_addr);
      address.family = AddressFamily::ipv6;
      std::memcpy(address.bytes.data(), &ipv6->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::ranges::find(addresses, address) == addresses.end()) addresses.push_back(address);
  }
  return addresses;
}

// --- TargetSet --------------------------------------------------------------

Address TargetSet::at(uint64_t index) const {
  assert(index < size());
  if (index < ipv4_count_) {
    size_t k = interval_for_index(ipv4_starts_, index);
    return ipv4_address(ipv4_[k].first + static_cast<uint32_t>(index - ipv4_starts_[k]));
  }
  index -= ipv4_count_;
  size_t k = interval_for_index(ipv6_starts_, index);
  return ipv6_address(ipv6_[k].first + (index - ipv6_starts_[k]));
}

bool TargetSet::contains(const Address& address) const {
  if (address.family == AddressFamily::ipv4) return intervals_contain(ipv4_, ipv4_value(address));
  return intervals_contain(ipv6_, ipv6_value(address));
}

std::vector<AddressRange> TargetSet::ranges() const {
  std::vector<AddressRange> out;
  out.reserve(range_count());
  for (const auto& interval : ipv4_) out.push_back({ipv4_address(interval.first), ipv4_address(interval.last)});
  for (const auto& interval : ipv6_) out.push_back({ipv6_address(interval.first), ipv6_address(interval.last)});
  return out;
}

// --- TargetSetBuilder -------------------------------------------------------

struct TargetSetBuilder::Location {
  std::string_view file_name;  ///< Empty for the command line.
  size_t line = 0;
};

namespace {

Error bad_target(std::string_view file_name, size_t line, std::string_view token, Why why) {
  std::string_view quoted = token.substr(0, kMaxQuotedBytes);
  if (file_name.empty()) return make_error(N_("bad target '{}': {}"), quoted, why);
  return make_error(N_("{}: line {}: bad target '{}': {}"), file_name, line, quoted, why);
}

}  // namespace

TargetSetBuilder::TargetSetBuilder(TargetOptions options) : options_(std::move(options)) {}

Status TargetSetBuilder::add_targets(std::string_view text) { return add_text(text, Location{}, false); }

Status TargetSetBuilder::add_excludes(std::string_view text) { return add_text(text, Location{}, true); }

Status TargetSetBuilder::add_target_file(std::string_view text, std::string_view file_name) {
  return add_file(text, file_name, false);
}

Status TargetSetBuilder::add_exclude_file(std::string_view text, std::string_view file_name) {
  return add_file(text, file_name, true);
}

Status TargetSetBuilder::add_file(std::string_view text, std::string_view file_name, bool excluding) {
  size_t line_number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    auto added = add_text(line.substr(0, line.find('#')), Location{file_name, line_number}, excluding);
    if (!added) return added;
  }
  return Ok{};
}

Status TargetSetBuilder::add_text(std::string_view text, const Location& location, bool excluding) {
  std::vector<std::string_view> tokens;
  std::string_view bad_part;
  if (!split_tokens(text, &tokens, &bad_part)) {
    return bad_target(location.file_name, location.line, bad_part, kEmptyItem);
  }
  for (std::string_view token : tokens) {
    auto added = add_token(token, location, excluding);
    if (!added) return added;
  }
  return Ok{};
}

Status TargetSetBuilder::add_token(std::string_view token, const Location& location, bool excluding) {
  auto fail = [&](Why why) -> Status { return bad_target(location.file_name, location.line, token, why); };
  if (!excluding) ++target_tokens_;
  Literal literal;
  Why why = nullptr;
  if (!parse_literal(token, &literal, &why)) {
    if (!looks_like_host_name(token)) return fail(kNotATarget);
    if (!is_valid_host_name(token)) return fail(kBadHostName);
    return add_host(token, location, excluding);
  }
  if (why) return fail(why);
  if (!family_wanted(options_.family, literal.family)) {
    return excluding ? Status(Ok{}) : fail(family_refusal(literal.family));
  }
  Collected& into = excluding ? excludes_ : targets_;
  uint64_t intervals = literal.octets ? pattern_interval_count(*literal.octets) : 1;
  if (intervals > kMaxIntervals - intervals_collected_) return fail(kTooManyIntervals);
  intervals_collected_ += intervals;
  if (literal.octets) {
    expand_pattern(*literal.octets, &into.ipv4);
  } else if (literal.family == AddressFamily::ipv4) {
    into.ipv4.push_back({static_cast<uint32_t>(literal.range.first), static_cast<uint32_t>(literal.range.last)});
  } else {
    into.ipv6.push_back(literal.range);
  }
  return Ok{};
}

Status TargetSetBuilder::add_host(std::string_view name, const Location& location, bool excluding) {
  auto answer = resolve_cached(name);
  if (!answer) return answer.error();
  std::vector<Address> wanted;
  for (const Address& address : (*answer)->addresses) {
    if (family_wanted(options_.family, address.family)) wanted.push_back(address);
  }
  if (wanted.empty()) {
    if (excluding) return Ok{};
    return bad_target(location.file_name, location.line, name, no_address_reason(options_.family));
  }
  if (wanted.size() > kMaxIntervals - intervals_collected_) {
    return bad_target(location.file_name, location.line, name, kTooManyIntervals);
  }
  intervals_collected_ += wanted.size();
  Collected& into = excluding ? excludes_ : targets_;
  for (const Address& address : wanted) {
    if (address.family == AddressFamily::ipv4) {
      uint32_t value = ipv4_value(address);
      into.ipv4.push_back({value, value});
    } else {
      Uint128 value = ipv6_value(address);
      into.ipv6.push_back({value, value});
    }
  }
  if (!excluding && !(*answer)->listed) {
    (*answer)->listed = true;
    resolved_hosts_.push_back({std::string(name), std::move(wanted)});
  }
  return Ok{};
}

// Names differ from their cache key in case and a trailing dot only, so
// "DB1.example.net." is asked once and listed once, as first spelled.
Result<TargetSetBuilder::CachedAnswer*> TargetSetBuilder::resolve_cached(std::string_view name) {
  std::string key = ascii_lower(name);
  if (key.ends_with('.')) key.pop_back();
  if (auto found = resolved_names_.find(key); found != resolved_names_.end()) return &found->second;
  assert(options_.resolver && "a host name needs TargetOptions::resolver");
  auto answer = options_.resolver(name);
  if (!answer) return answer.error();
  return &resolved_names_.emplace(std::move(key), CachedAnswer{std::move(*answer), false}).first->second;
}

Result<TargetSet> TargetSetBuilder::build() && {
  if (target_tokens_ == 0) return make_error(N_("the target list is empty"));
  for (Collected* collected : {&targets_, &excludes_}) {
    normalize_intervals(&collected->ipv4);
    normalize_intervals(&collected->ipv6);
  }
  TargetSet set;
  set.ipv4_ = subtract_intervals(targets_.ipv4, excludes_.ipv4);
  set.ipv6_ = subtract_intervals(targets_.ipv6, excludes_.ipv6);
  Uint128 ipv6_count = count_values(set.ipv6_);
  if (ipv6_count > kMaxAddressesPerFamily) {
    bool whole_space = set.ipv6_.size() == 1 && set.ipv6_[0] == Interval<Uint128>{0, ~Uint128{0}};
    return make_error(N_("too many {} targets: {} addresses (the limit is {} per address family)"), "IPv6",
                      decimal_text(ipv6_count, whole_space), kMaxAddressesPerFamily);
  }
  set.ipv4_count_ = static_cast<uint64_t>(count_values(set.ipv4_));  // at most 2^32: the whole family
  set.ipv6_count_ = static_cast<uint64_t>(ipv6_count);
  if (set.size() == 0) return make_error(N_("every target is excluded"));
  set.ipv4_starts_ = starting_indexes(set.ipv4_);
  set.ipv6_starts_ = starting_indexes(set.ipv6_);
  set.resolved_hosts_ = std::move(resolved_hosts_);
  return set;
}

Result<TargetSet> parse_targets(std::string_view targets, std::string_view excludes, const TargetOptions& options) {
  TargetSetBuilder builder(options);
  if (auto added = builder.add_targets(targets); !added) return added.error();
  if (auto added = builder.add_excludes(excludes); !added) return added.error();
  return std::move(builder).build();
}

// --- ports ------------------------------------------------------------------

uint16_t ScanPorts::at(uint32_t index) const {
  assert(index < count);
  size_t k = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), index) - starts.begin()) - 1;
  return static_cast<uint16_t>(ranges[k].first + (index - starts[k]));
}

bool ScanPorts::contains(uint16_t port) const {
  auto after = std::upper_bound(ranges.begin(), ranges.end(), port,
                                [](uint16_t p, const PortRange& range) { return p < range.first; });
  return after != ranges.begin() && std::prev(after)->contains(port);
}

namespace {

bool has_letter(std::string_view text) {
  return std::ranges::any_of(text, [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

// "22", "1-1024", and the open ends "-1024", "60000-", "-".
Result<PortRange> parse_scan_port_range(std::string_view item) {
  size_t dash = item.find('-');
  if (dash == std::string_view::npos) {
    auto port = parse_port_number(item);
    if (!port) return port.error();
    return PortRange{*port, *port};
  }
  if (item.find('-', dash + 1) != std::string_view::npos || !only_chars(item, "0123456789-")) {
    return make_error(N_("'{}' is not a port or a port range (FIRST-LAST)"), item);
  }
  PortRange range{1, 65535};
  if (dash > 0) {
    auto first = parse_port_number(item.substr(0, dash));
    if (!first) return first.error();
    range.first = *first;
  }
  if (dash + 1 < item.size()) {
    auto last = parse_port_number(item.substr(dash + 1));
    if (!last) return last.error();
    range.last = *last;
  }
  if (range.last < range.first) return make_error(N_("port range '{}' ends before it starts"), item);
  return range;
}

Status add_port_item(std::string_view item, const ServiceLookup& lookup, std::vector<Interval<uint32_t>>* ports) {
  if (has_letter(item) && item.find('/') == std::string_view::npos) {
    std::optional<std::vector<uint16_t>> found = lookup ? lookup(item) : std::nullopt;
    if (!found || found->empty()) {
      return make_error(N_("'{}' is not a port, a port range or a known service name"), item);
    }
    for (uint16_t port : *found) ports->push_back({port, port});
    return Ok{};
  }
  auto range = parse_scan_port_range(item);
  if (!range) return range.error();
  ports->push_back({range->first, range->last});
  return Ok{};
}

ScanPorts scan_ports_from_intervals(std::vector<Interval<uint32_t>> ports) {
  normalize_intervals(&ports);
  ScanPorts result;
  for (const Interval<uint32_t>& interval : ports) {
    result.ranges.push_back({static_cast<uint16_t>(interval.first), static_cast<uint16_t>(interval.last)});
    result.starts.push_back(result.count);
    result.count += interval.last - interval.first + 1;
  }
  return result;
}

}  // namespace

Result<ScanPorts> parse_scan_ports(std::string_view text, const ServiceLookup& lookup) {
  if (trim(text).empty()) return make_error(N_("the port list is empty"));
  std::vector<Interval<uint32_t>> ports;
  for (std::string_view item : split(text, ',')) {
    item = trim(item);
    if (item.empty()) return make_error(N_("empty item in port list '{}'"), text);
    auto added = add_port_item(item, lookup, &ports);
    if (!added) return added.error();
  }
  return scan_ports_from_intervals(std::move(ports));
}

ScanPorts scan_ports_from_list(std::span<const uint16_t> list) {
  std::vector<Interval<uint32_t>> ports;
  ports.reserve(list.size());
  for (uint16_t port : list) ports.push_back({port, port});
  return scan_ports_from_intervals(std::move(ports));
}

}  // namespace portlens
