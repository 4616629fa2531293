#include "i18n/po_file.h"

#include "util/text.h"

namespace portlens {

namespace {

/// Decodes a C-style quoted string ("…") with the escapes PO files use.
bool unquote(std::string_view quoted, std::string* out) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return false;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= quoted.size() - 1) return false;  // a lone backslash before the quote
    ++i;
    switch (quoted[i]) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

Result<std::vector<PoMessage>> parse_po(std::string_view text, std::string_view file_name) {
  std::vector<PoMessage> messages;
  PoMessage current;
  std::string* target = nullptr;  // the string a continuation line extends
  bool next_fuzzy = false;
  size_t line_number = 0;
  auto flush = [&] {
    if (!current.msgid.empty()) messages.push_back(std::move(current));
    current = PoMessage{};
  };
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    line = trim(line);
    if (line.empty()) continue;
    if (line.starts_with("#,")) {
      next_fuzzy = line.find("fuzzy") != std::string_view::npos;
      continue;
    }
    if (line[0] == '#') continue;
    std::string_view quoted = line;
    if (line.starts_with("msgid ")) {
      flush();
      current.fuzzy = next_fuzzy;
      next_fuzzy = false;
      target = &current.msgid;
      quoted = trim(line.substr(6));
    } else if (line.starts_with("msgstr ")) {
      target = &current.msgstr;
      quoted = trim(line.substr(7));
    } else if (line[0] != '"' || target == nullptr) {
      return make_error(N_("{}: line {}: not a PO line"), file_name, line_number);
    }
    if (!unquote(quoted, target)) {
      return make_error(N_("{}: line {}: bad quoted string"), file_name, line_number);
    }
  }
  flush();
  return messages;
}

}  // namespace portlens
