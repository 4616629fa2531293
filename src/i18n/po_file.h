#pragma once
// A reader for the subset of the gettext PO format portlens uses: msgid /
// msgstr pairs with continued strings, comments and the `fuzzy` flag. The
// build turns po/zh_CN.po into a table compiled into the binary, so --lang zh
// works without a generated system locale and without files at run time.

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace portlens {

struct PoMessage {
  std::string msgid;
  std::string msgstr;
  bool fuzzy = false;
};

/// All messages except the header (empty msgid). Errors name file and line.
Result<std::vector<PoMessage>> parse_po(std::string_view text, std::string_view file_name);

}  // namespace portlens
