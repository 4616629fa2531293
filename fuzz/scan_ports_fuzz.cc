// nmap-style port lists for `scan -p`: "22,80,443", "1-1024", "-", "http".
// Service names resolve through a fake lookup (never to port 0).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/target_spec.h"

namespace {

std::optional<std::vector<uint16_t>> fake_lookup(std::string_view name) {
  if (name == "http") return std::vector<uint16_t>{80};
  if (name.size() % 3 == 0) return std::nullopt;
  if (name.size() % 3 == 1) return std::vector<uint16_t>{};
  return std::vector<uint16_t>{static_cast<uint16_t>(name.size() * 1000 + 1),
                               static_cast<uint16_t>(static_cast<uint8_t>(name[0]) + 1)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ports = portlens::parse_scan_ports(text, fake_lookup);
  if (!ports) {
    if (ports.error().msgid.empty()) __builtin_trap();
    return 0;
  }
  if (ports->ranges.empty() || ports->ranges.size() != ports->starts.size()) __builtin_trap();
  uint32_t count = 0;
  for (size_t k = 0; k < ports->ranges.size(); ++k) {
    const portlens::PortRange& range = ports->ranges[k];
    if (range.first > range.last) __builtin_trap();
    if (k > 0 && uint32_t{range.first} <= uint32_t{ports->ranges[k - 1].last} + 1) __builtin_trap();  // merged
    if (ports->starts[k] != count) __builtin_trap();
    if (ports->at(count) != range.first || ports->at(count + range.size() - 1) != range.last) __builtin_trap();
    // contains() agrees at the edges: in at both ends, out just outside (the ranges do not touch).
    if (!ports->contains(range.first) || !ports->contains(range.last)) __builtin_trap();
    if (range.first > 0 && ports->contains(static_cast<uint16_t>(range.first - 1))) __builtin_trap();
    if (range.last < 65535 && ports->contains(static_cast<uint16_t>(range.last + 1))) __builtin_trap();
    count += range.size();
  }
  if (count != ports->count || count == 0 || count > 65536) __builtin_trap();
  for (uint32_t index = 0; index < count; index += count / 97 + 1) {
    if (!ports->contains(ports->at(index))) __builtin_trap();
    if (index > 0 && ports->at(index - 1) >= ports->at(index)) __builtin_trap();
  }
  // Port 0 only when written: "-" and "-5" start at 1 (the fake services never give 0).
  if (ports->contains(0) && text.find('0') == std::string_view::npos) __builtin_trap();
  return 0;
}
