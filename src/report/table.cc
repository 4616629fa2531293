#include "report/table.h"

#include <algorithm>

#include "util/text.h"

namespace portlens {

int visible_width(const std::string& text) {
  int width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '\x1b') {  // skip "ESC [ ... m"
      size_t end = text.find('m', pos);
      pos = end == std::string::npos ? text.size() : end + 1;
      continue;
    }
    int32_t cp = next_code_point(text, &pos);
    width += cp < 0 ? 1 : code_point_width(cp);
  }
  return width;
}

namespace {

std::string cut_to_width(const std::string& text, int width) {
  if (visible_width(text) <= width) return text;
  std::string out;
  int used = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int32_t cp = next_code_point(text, &pos);
    int w = cp < 0 ? 1 : code_point_width(cp);
    if (used + w > width - 1) break;
    used += w;
    out.append(text, start, pos - start);
  }
  return out + "…";
}

}  // namespace

std::string TextTable::render(int max_width) const {
  std::vector<int> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], visible_width(cells[i]));
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      bool last = i + 1 == cells.size() || i + 1 == widths.size();
      if (last) {
        int room = max_width > 0 ? max_width - visible_width(line) : 0;
        line += room > 8 ? cut_to_width(cells[i], room) : cells[i];
      } else {
        line += cells[i];
        line.append(static_cast<size_t>(widths[i] - visible_width(cells[i]) + 2), ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::vector<std::string> wrap_text(const std::string& text, int width) {
  std::vector<std::string> lines;
  for (std::string_view paragraph : split(text, '\n')) {
    std::string line;
    int line_width = 0;
    size_t pos = 0;
    while (pos < paragraph.size()) {
      // A "word": a run of non-space ASCII, or one wide character.
      size_t start = pos;
      int32_t cp = next_code_point(paragraph, &pos);
      int w = cp < 0 ? 1 : code_point_width(cp);
      if (cp == ' ') {
        if (line_width > 0 && line_width < width) line += ' ', ++line_width;
        continue;
      }
      if (w == 1) {
        while (pos < paragraph.size() && paragraph[pos] != ' ' &&
               static_cast<unsigned char>(paragraph[pos]) < 0x80) {
          ++pos, ++w;
        }
      }
      if (line_width + w > width && line_width > 0) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        lines.push_back(line);
        line.clear(), line_width = 0;
      }
      line.append(paragraph.substr(start, pos - start));
      line_width += w;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

}  // namespace portlens
