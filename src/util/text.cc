#include "util/text.h"

namespace portlens {

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  const char* spaces = " \t\r\n\v\f";
  size_t first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(spaces);
  return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> pieces;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) pieces.push_back(text.substr(start, i - start));
  }
  return pieces;
}

std::string fold_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      out.push_back(c);
    } else if (byte >= 'A' && byte <= 'Z') {
      out.push_back(static_cast<char>(byte - 'A' + 'a'));
    } else if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

int32_t next_code_point(std::string_view text, size_t* pos) {
  auto byte_at = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte_at(*pos);
  int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || *pos + length > text.size()) {
    ++*pos;
    return -1;
  }
  int32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
  for (int i = 1; i < length; ++i) {
    unsigned char next = byte_at(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return -1;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  static constexpr int32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    ++*pos;
    return -1;
  }
  *pos += length;
  return code_point;
}

bool is_valid_utf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (next_code_point(text, &pos) < 0) return false;
  }
  return true;
}

int code_point_width(int32_t cp) {
  if (cp >= 0x300 && cp <= 0x36F) return 0;    // combining diacritics
  if (cp == 0x200B || cp == 0x200D) return 0;  // zero-width space / joiner
  bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
              (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
              (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
              (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
              (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
              (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
              (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

int display_width(std::string_view text) {
  int width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t cp = next_code_point(text, &pos);
    width += cp < 0 ? 1 : code_point_width(cp);
  }
  return width;
}

std::string cut_to_columns(std::string_view text, int max_columns) {
  if (display_width(text) <= max_columns) return std::string(text);
  std::string out;
  int used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int32_t cp = next_code_point(text, &pos);
    int width = cp < 0 ? 1 : code_point_width(cp);
    if (used + width > max_columns - 1) break;
    used += width;
    out.append(text.substr(start, pos - start));
  }
  return out + "…";
}

}  // namespace portlens
