#include "firewall/ruleset.h"

#include <arpa/inet.h>

#include <algorithm>

namespace portlens::firewall {

namespace {

size_t address_size(IpFamily family) { return family == IpFamily::ipv4 ? 4 : 16; }

std::string address_string(IpFamily family, const std::array<uint8_t, 16>& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == IpFamily::ipv4 ? AF_INET : AF_INET6, address.data(), text, sizeof text);
  return text;
}

}  // namespace

AddressRange prefix_range(IpFamily family, const std::array<uint8_t, 16>& address, int length) {
  AddressRange range{family, {}, {}};
  int bits = static_cast<int>(address_size(family)) * 8;
  length = std::clamp(length, 0, bits);
  for (size_t i = 0; i < address_size(family); ++i) {
    int kept = std::clamp(length - static_cast<int>(i) * 8, 0, 8);
    auto mask = static_cast<uint8_t>(kept == 0 ? 0 : 0xFF << (8 - kept));
    range.first[i] = address[i] & mask;
    range.last[i] = static_cast<uint8_t>(address[i] | static_cast<uint8_t>(~mask));
  }
  return range;
}

bool range_contains(const AddressRange& range, IpFamily family, const std::array<uint8_t, 16>& address) {
  if (range.family != family) return false;
  size_t n = address_size(family);
  return !std::lexicographical_compare(address.begin(), address.begin() + n, range.first.begin(),
                                       range.first.begin() + n) &&
         !std::lexicographical_compare(range.last.begin(), range.last.begin() + n, address.begin(),
                                       address.begin() + n);
}

std::string range_text(const AddressRange& range) {
  if (range.first == range.last) return address_string(range.family, range.first);
  int bits = static_cast<int>(address_size(range.family)) * 8;
  for (int length = 0; length <= bits; ++length) {
    if (prefix_range(range.family, range.first, length) == range) {
      return address_string(range.family, range.first) + "/" + std::to_string(length);
    }
  }
  return address_string(range.family, range.first) + "-" + address_string(range.family, range.last);
}

std::string_view backend_name(Backend backend) {
  switch (backend) {
    case Backend::nftables: return "nftables";
    case Backend::iptables_nft: return "iptables-nft";
    case Backend::iptables_legacy: return "iptables-legacy";
  }
  return "nftables";
}

const Chain* Table::find_chain(std::string_view chain_name) const {
  auto found = std::find_if(chains.begin(), chains.end(), [&](const Chain& c) { return c.name == chain_name; });
  return found == chains.end() ? nullptr : &*found;
}

}  // namespace portlens::firewall
