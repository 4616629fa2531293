#include "knowledge/top_ports.h"

#include <algorithm>

#include "knowledge/embedded.h"

namespace portlens {

namespace {

constexpr size_t kPortCount = 65535;

/// The tail's tiers, in the order they follow the hand-ranked head.
enum Tier : uint8_t { curated_tier, iana_tier, other_tier, kTierCount };

/// The tail tier of every port: a curated TCP entry wins over an IANA name.
std::vector<uint8_t> tail_tiers() {
  std::vector<uint8_t> tiers(kPortCount + 1, other_tier);
  for (const IanaService& service : iana_services()) {
    if (contains(service.protocols, Protocol::tcp)) tiers[service.port] = iana_tier;
  }
  for (const PortEntry& entry : curated_entries()) {
    if (!contains(entry.protocols, Protocol::tcp)) continue;
    for (uint32_t port = entry.ports.first; port <= entry.ports.last; ++port) {
      tiers[port] = curated_tier;
    }
  }
  return tiers;
}

}  // namespace

std::vector<uint16_t> top_tcp_ports(size_t n) {
  n = std::min(n, kPortCount);
  std::vector<uint16_t> order;
  order.reserve(n);
  std::vector<bool> placed(kPortCount + 1, false);
  placed[0] = true;  // reserved: never a port to probe
  auto place = [&](uint16_t port) {
    if (placed[port]) return;
    placed[port] = true;
    order.push_back(port);
  };
  for (uint16_t port : top_tcp_head()) {
    if (order.size() == n) return order;
    place(port);
  }
  if (order.size() == n) return order;
  std::vector<uint8_t> tiers = tail_tiers();
  for (uint8_t tier = 0; tier < kTierCount; ++tier) {
    for (uint32_t port = 1; port <= kPortCount && order.size() < n; ++port) {
      if (tiers[port] == tier) place(static_cast<uint16_t>(port));
    }
  }
  return order;
}

}  // namespace portlens
