#pragma once
// Small, allocation-light text helpers shared by every module: ASCII case
// folding, splitting, UTF-8 decoding and terminal display width.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portlens {

std::string ascii_lower(std::string_view text);
std::string_view trim(std::string_view text);
/// Splits on `separator`; keeps empty pieces so callers can reject them.
std::vector<std::string_view> split(std::string_view text, char separator);
/// Splits on runs of spaces and tabs; never yields empty pieces.
std::vector<std::string_view> split_whitespace(std::string_view text);

/// Folds a name for forgiving matching: ASCII letters lowercased, ASCII
/// punctuation and spaces dropped, everything non-ASCII (e.g. 冰河) kept as is.
/// "Back Orifice" and "back-orifice" and "BACKORIFICE" all fold to "backorifice".
std::string fold_name(std::string_view text);

/// Decodes one UTF-8 code point at `text[*pos]` and advances `*pos`. Returns
/// -1 (and advances one byte) for an invalid, overlong or truncated sequence.
int32_t next_code_point(std::string_view text, size_t* pos);

bool is_valid_utf8(std::string_view text);

/// Columns a code point takes in a terminal: 2 for East Asian wide and
/// full-width characters, 0 for combining marks, 1 otherwise.
int code_point_width(int32_t code_point);

/// Columns the (already sanitised) UTF-8 text takes in a terminal.
int display_width(std::string_view text);

/// `text` when it fits in `max_columns`; else its longest prefix that fits
/// together with a closing "…".
std::string cut_to_columns(std::string_view text, int max_columns);

}  // namespace portlens
