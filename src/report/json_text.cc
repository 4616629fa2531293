#include "report/json_text.h"

#include <fmt/format.h>

#include "util/text.h"

namespace portlens {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\') {
      out.push_back(c);
      ++pos;
      continue;
    }
    size_t start = pos;
    int32_t cp = next_code_point(text, &pos);
    if (cp < 0) {
      out += "\\ufffd";
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (cp < 0x20) {
      switch (cp) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", cp);
      }
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  out.push_back('"');
}

}  // namespace portlens
