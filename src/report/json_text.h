#pragma once
// Minimal streaming JSON for large reports, where building a document tree
// (nlohmann::json) would cost more than finding the data: 41,000 sockets took
// 600 ms and 150 MiB that way.

#include <string>
#include <string_view>

namespace portlens {

/// Appends `text` as a JSON string literal: quotes, backslashes and control
/// characters escaped, invalid UTF-8 replaced by U+FFFD, anything else as is.
void append_json_string(std::string& out, std::string_view text);

}  // namespace portlens
