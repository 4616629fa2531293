#pragma once
// Entering another network namespace, as `ip netns exec` does.

#include <string>
#include <string_view>

#include "util/error.h"

namespace portlens {

/// The path for --netns: a NAME made by `ip netns add` (/run/netns/NAME), or
/// a path (anything with a '/', e.g. /proc/1234/ns/net).
std::string network_namespace_path(std::string_view name_or_path);

/// Moves the calling thread (call it before starting other threads) into
/// the network namespace at `path`. Errors name the path and the reason.
Status enter_network_namespace(const std::string& path);

}  // namespace portlens
