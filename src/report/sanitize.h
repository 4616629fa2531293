#pragma once
// Text from outside (network banners, process names, user input echoed back,
// user files) must never reach a terminal as control sequences. These helpers
// make any byte string safe to print and keep it readable.

#include <string>
#include <string_view>

namespace portlens {

/// Replaces everything a terminal could interpret: C0 controls (including ESC,
/// CR, backspace; newline and tab too unless `keep_newlines`), DEL, C1 controls
/// (U+0080–U+009F), bidirectional overrides (U+202A–U+202E, U+2066–U+2069)
/// and invalid UTF-8 bytes, each by a visible escape like `\x1b` or `\u202e`.
/// Valid printable UTF-8 (Chinese included) passes unchanged.
std::string terminal_safe(std::string_view text, bool keep_newlines = false);

/// terminal_safe() and then cut to at most `max_columns` display columns,
/// ending in "…" when cut: for echoing long bad input back in one line.
std::string terminal_safe_excerpt(std::string_view text, int max_columns);

}  // namespace portlens
