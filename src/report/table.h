#pragma once
// Plain-text tables whose columns line up in a terminal even with Chinese
// (double-width) text and colour codes inside cells.

#include <string>
#include <vector>

namespace portlens {

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
int visible_width(const std::string& text);

/// Breaks text into lines of at most `width` columns, at spaces for Latin
/// text and between characters for Chinese.
std::vector<std::string> wrap_text(const std::string& text, int width);

}  // namespace portlens
