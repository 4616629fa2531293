#include "report/sanitize.h"

#include <fmt/format.h>

#include "util/text.h"

namespace portlens {

namespace {

bool is_bidi_control(int32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

}  // namespace

std::string terminal_safe(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int32_t cp = next_code_point(text, &pos);
    if (cp < 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[start]));
    } else if (cp == '\n' && keep_newlines) {
      out.push_back('\n');
    } else if (cp < 0x20 || cp == 0x7F) {
      out += fmt::format("\\x{:02x}", cp);
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
      out += fmt::format("\\u{:04x}", cp);
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

std::string terminal_safe_excerpt(std::string_view text, int max_columns) {
  return cut_to_columns(terminal_safe(text), max_columns);
}

}  // namespace portlens
