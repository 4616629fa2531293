#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "util/error.h"

namespace portlens {

/// Reads a whole regular file of at most `max_bytes`, to end of file (so
/// /proc files, which report a size of 0, read whole too). Directories,
/// devices and FIFOs are refused: a FIFO or /dev/zero must not hang or
/// exhaust memory.
Result<std::string> read_text_file(const std::string& path, size_t max_bytes = 16u << 20);

/// The same, but a file that does not exist is no error: nullopt.
Result<std::optional<std::string>> read_text_file_if_exists(const std::string& path,
                                                            size_t max_bytes = 16u << 20);

}  // namespace portlens
