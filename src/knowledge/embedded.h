#pragma once
// Tables compiled into the binary by tools/kbgen from data/ and the IANA
// registry copy; defined in generated files under the build directory.

#include <cstdint>
#include <span>
#include <string_view>

#include "knowledge/port_entry.h"

namespace portlens {

/// The curated knowledge base, sorted by first port; no two entries share a
/// (port, protocol).
std::span<const PortEntry> curated_entries();

/// The sources the curated entries cite.
std::span<const SourceRef> curated_sources();

/// The hand-ranked head of the --top-ports order, from data/top-ports.toml:
/// distinct ports 1-65535, each with a curated TCP entry or an IANA TCP name.
/// Use top_tcp_ports() (knowledge/top_ports.h) for the full order.
std::span<const uint16_t> top_tcp_head();

/// One IANA registry line: a service name on a port.
struct IanaService {
  uint16_t port;
  ProtocolSet protocols;
  std::string_view name;
  std::string_view description;  ///< IANA's own short description (CC0).
};

/// The IANA registry, sorted by port then name.
std::span<const IanaService> iana_services();

}  // namespace portlens
