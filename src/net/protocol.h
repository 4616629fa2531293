#pragma once
// Transport protocols a port can belong to, as a small bit set.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portlens {

enum class Protocol : uint8_t { tcp = 1, udp = 2, sctp = 4 };

/// A set of protocols as bits of Protocol; 0 means "any" where a query allows it.
using ProtocolSet = uint8_t;
inline constexpr ProtocolSet kAnyProtocol = 0;
inline constexpr ProtocolSet kAllProtocols = 7;
inline constexpr Protocol kProtocols[] = {Protocol::tcp, Protocol::udp, Protocol::sctp};

constexpr ProtocolSet bit(Protocol protocol) { return static_cast<ProtocolSet>(protocol); }
constexpr bool contains(ProtocolSet set, Protocol protocol) { return (set & bit(protocol)) != 0; }

/// "tcp", "UDP", "sctp" → Protocol; anything else → nullopt.
std::optional<Protocol> parse_protocol(std::string_view name);
std::string_view protocol_name(Protocol protocol);
/// "tcp/udp" style text for a set ("tcp", "tcp/udp", "" for the empty set).
std::string protocol_set_name(ProtocolSet set, char separator = '/');

}  // namespace portlens
