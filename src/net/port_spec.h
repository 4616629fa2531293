#pragma once
// Port specifications as people type them: "22", "21/udp", "137-139",
// "21,22,80-90/tcp". Pure parsing; every error names the part that is wrong.

#include <cstdint>
#include <string_view>
#include <vector>

#include "net/protocol.h"
#include "util/error.h"

namespace portlens {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;

  bool contains(uint16_t port) const { return port >= first && port <= last; }
  uint32_t size() const { return uint32_t{last} - first + 1; }
  bool operator==(const PortRange&) const = default;
};

struct PortQuery {
  PortRange range;
  ProtocolSet protocols = kAnyProtocol;  ///< kAnyProtocol when no "/proto" was given.
  bool operator==(const PortQuery&) const = default;
};

/// A decimal port number 0–65535. No sign, no spaces, no other base.
Result<uint16_t> parse_port_number(std::string_view text);

/// One item: PORT, FIRST-LAST, either optionally followed by /tcp, /udp or /sctp.
Result<PortQuery> parse_port_item(std::string_view text);

/// A comma-separated list of items; rejects empty lists and empty items.
Result<std::vector<PortQuery>> parse_port_list(std::string_view text);

/// True when `text` has the shape of a port spec (starts with a digit and holds
/// only digits, ',', '-', '/', letters after '/'): used to tell "info 21" from
/// "info ftp" before parsing, so "info 7000x" reports a bad port, not a name.
bool looks_like_port_spec(std::string_view text);

}  // namespace portlens
