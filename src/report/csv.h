#pragma once
// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break.

#include <string>
#include <string_view>
#include <vector>

namespace portlens {

std::string csv_field(std::string_view text);
/// csv_field() appended to `out`: for renderers that build rows in place.
void append_csv_field(std::string& out, std::string_view text);
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace portlens
