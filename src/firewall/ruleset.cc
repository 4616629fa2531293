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

std::string_view field_name(Field field) {
  switch (field) {
    case Field::nfproto: return "nfproto";
    case Field::l4proto: return "l4proto";
    case Field::dport: return "dport";
    case Field::sport: return "sport";
    case Field::saddr: return "saddr";
    case Field::daddr: return "daddr";
    case Field::iifname: return "iifname";
    case Field::ct_state: return "ct_state";
    case Field::daddr_type: return "daddr_type";
    case Field::pkttype: return "pkttype";
    case Field::unmodeled: return "unmodeled";
  }
  return "?";
}

std::vector<std::string_view> ct_state_names(uint8_t bits) {
  static constexpr std::pair<uint8_t, std::string_view> kNames[] = {
      {kCtInvalid, "invalid"}, {kCtEstablished, "established"}, {kCtRelated, "related"}, {kCtNew, "new"},
      {kCtUntracked, "untracked"}};
  std::vector<std::string_view> names;
  for (auto [bit, name] : kNames) {
    if ((bits & bit) != 0) names.push_back(name);
  }
  return names;
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

std::string_view action_name(Action action) {
  switch (action) {
    case Action::none: return "none";
    case Action::accept: return "accept";
    case Action::drop: return "drop";
    case Action::reject: return "reject";
    case Action::jump: return "jump";
    case Action::go_to: return "goto";
    case Action::return_: return "return";
    case Action::unmodeled: return "unmodeled";
  }
  return "?";
}

const Chain* Table::find_chain(std::string_view chain_name) const {
  auto found = std::find_if(chains.begin(), chains.end(), [&](const Chain& c) { return c.name == chain_name; });
  return found == chains.end() ? nullptr : &*found;
}

}  // namespace portlens::firewall
