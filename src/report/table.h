#pragma once
// Plain-text tables whose columns line up in a terminal even with Chinese
// (double-width) text and colour codes inside cells.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portlens {

/// Column widths of a table and how one line of it is laid out. Used by
/// TextTable, and directly by renderers that stream large tables in two
/// passes (measure every row, then lay out every row) without keeping them.
class TableLayout {
 public:
  void measure(const std::vector<std::string>& cells);
  /// Widens the columns to fit cells this many display columns wide: a
  /// streaming renderer that knows its cells' widths (its own ASCII text is
  /// as wide as it is long) need not scan them again.
  void measure(std::span<const int> widths);
  /// Appends one line: columns padded to their widths and separated by two
  /// spaces; the last column unpadded, and cut to fit `max_width` when > 0.
  void append_line(std::string& out, const std::vector<std::string>& cells, int max_width) const;
  /// The same for cells whose display widths are known (`widths[i]` for
  /// `cells[i]`); the views may point into one buffer reused for every row.
  void append_line(std::string& out, std::span<const std::string_view> cells, std::span<const int> widths,
                   int max_width) const;

 private:
  std::vector<int> widths_;
};

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  /// Cells are printed as given: sanitise outside text before adding it. A
  /// cell may carry ANSI colour codes; they do not count towards its width.
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t row_count() const { return rows_.size(); }

  /// Columns separated by two spaces; the last column is not padded. When
  /// `max_width` > 0 the last column is cut to fit the terminal.
  std::string render(int max_width = 0) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// Display columns of text that may contain ANSI SGR sequences.
int visible_width(std::string_view text);

/// Breaks text into lines of at most `width` columns, at spaces for Latin
/// text and between characters for Chinese.
std::vector<std::string> wrap_text(const std::string& text, int width);

}  // namespace portlens
