#pragma once

#include <cstddef>
#include <string>

#include "util/error.h"

namespace portlens {

/// Reads a whole regular file of at most `max_bytes`. Directories, devices and
/// FIFOs are refused (a FIFO or /dev/zero must not hang or exhaust memory).
Result<std::string> read_text_file(const std::string& path, size_t max_bytes = 16u << 20);

}  // namespace portlens
