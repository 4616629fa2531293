#include "i18n/catalog.h"

#include <fmt/args.h>

#include <algorithm>

namespace portlens {

std::string_view translate(std::string_view msgid, Language language) {
  if (language == Language::en) return msgid;
  auto catalog = chinese_catalog();
  auto found = std::lower_bound(catalog.begin(), catalog.end(), msgid,
                                [](const CatalogEntry& entry, std::string_view key) {
                                  return entry.msgid < key;
                                });
  if (found == catalog.end() || found->msgid != msgid) return msgid;
  return found->msgstr;
}

std::string render_error(const Error& error, Language language) {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const std::string& arg : error.args) args.push_back(arg);
  try {
    return fmt::vformat(translate(error.msgid, language), args);
  } catch (const fmt::format_error&) {
    // A translation with broken placeholders must not lose the message.
    return fmt::vformat(error.msgid, args);
  }
}

}  // namespace portlens
