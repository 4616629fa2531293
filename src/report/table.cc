#include "report/table.h"

#include <algorithm>

#include "util/text.h"

namespace portlens {

int visible_width(std::string_view text) {
  int width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80 && byte != 0x1b) {  // plain ASCII: most cells of a 41k-row table
      ++width, ++pos;
      continue;
    }
    if (byte == 0x1b) {  // skip "ESC [ ... m"
      size_t end = text.find('m', pos);
      pos = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    int32_t cp = next_code_point(text, &pos);
    width += cp < 0 ? 1 : code_point_width(cp);
  }
  return width;
}

namespace {

std::vector<int> widths_of(const std::vector<std::string>& cells) {
  std::vector<int> widths;
  widths.reserve(cells.size());
  for (const std::string& cell : cells) widths.push_back(visible_width(cell));
  return widths;
}

}  // namespace

void TableLayout::measure(std::span<const int> widths) {
  if (widths_.size() < widths.size()) widths_.resize(widths.size(), 0);
  for (size_t i = 0; i < widths.size(); ++i) widths_[i] = std::max(widths_[i], widths[i]);
}

void TableLayout::measure(const std::vector<std::string>& cells) { measure(widths_of(cells)); }

void TableLayout::append_line(std::string& out, std::span<const std::string_view> cells, std::span<const int> widths,
                              int max_width) const {
  size_t line_start = out.size();
  int used = 0;  // columns before the current cell: earlier widths plus separators
  for (size_t i = 0; i < cells.size() && i < widths_.size(); ++i) {
    bool last = i + 1 == cells.size() || i + 1 == widths_.size();
    if (last) {
      int room = max_width > 0 ? max_width - used : 0;
      // No text takes more columns than it has bytes: a short cell fits
      // without being measured (cut_to_columns would copy it).
      bool may_overflow = room > 8 && cells[i].size() > static_cast<size_t>(room);
      if (may_overflow) {
        out += cut_to_columns(cells[i], room);
      } else {
        out.append(cells[i]);
      }
    } else {
      out.append(cells[i]);
      out.append(static_cast<size_t>(widths_[i] - widths[i] + 2), ' ');
      used += widths_[i] + 2;
    }
  }
  while (out.size() > line_start && out.back() == ' ') out.pop_back();
  out += '\n';
}

void TableLayout::append_line(std::string& out, const std::vector<std::string>& cells, int max_width) const {
  std::vector<std::string_view> views(cells.begin(), cells.end());
  append_line(out, views, widths_of(cells), max_width);
}

std::string TextTable::render(int max_width) const {
  TableLayout layout;
  layout.measure(headers_);
  for (const auto& row : rows_) layout.measure(row);
  std::string out;
  layout.append_line(out, headers_, max_width);
  for (const auto& row : rows_) layout.append_line(out, row, max_width);
  return out;
}

namespace {

/// Chinese punctuation that must not begin a line (标点避头): it stays on
/// the line it closes, even one column past the width.
bool closes_line(int32_t cp) {
  switch (cp) {
    case 0xFF0C: case 0x3002: case 0xFF1B: case 0xFF1A: case 0x3001: case 0xFF09:
    case 0x300D: case 0x300F: case 0xFF01: case 0xFF1F: case 0x201D: case 0x2019:
      return true;
    default:
      return false;
  }
}

}  // namespace

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
      if (line_width + w > width && line_width > 0 && !closes_line(cp)) {
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
