#pragma once
// portlens's own order of TCP ports from most to least commonly found open,
// for `scan --top-ports N` (data/top-ports.toml explains how it was made).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace portlens {

/// The first `n` ports of the --top-ports order; `n` above 65535 is clamped,
/// so top_tcp_ports(65535) is a permutation of 1-65535. Port 0 never appears.
/// The order is fixed at build time and does not depend on user files:
///   1. the hand-ranked head of data/top-ports.toml (top_tcp_head());
///   2. every other TCP port a curated entry covers, ascending;
///   3. every other TCP port with an IANA service name, ascending;
///   4. every remaining port, ascending.
/// Each call takes well under a millisecond, whatever `n`.
std::vector<uint16_t> top_tcp_ports(size_t n);

}  // namespace portlens
