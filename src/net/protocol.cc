#include "net/protocol.h"

#include "util/text.h"

namespace portlens {

std::optional<Protocol> parse_protocol(std::string_view name) {
  std::string lower = ascii_lower(name);
  for (Protocol protocol : kProtocols) {
    if (lower == protocol_name(protocol)) return protocol;
  }
  return std::nullopt;
}

std::string_view protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::tcp: return "tcp";
    case Protocol::udp: return "udp";
    case Protocol::sctp: return "sctp";
  }
  return "?";
}

std::string protocol_set_name(ProtocolSet set, char separator) {
  std::string out;
  for (Protocol protocol : kProtocols) {
    if (!contains(set, protocol)) continue;
    if (!out.empty()) out.push_back(separator);
    out += protocol_name(protocol);
  }
  return out;
}

}  // namespace portlens
