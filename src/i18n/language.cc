#include "i18n/language.h"

#include "util/text.h"

namespace portlens {

std::optional<Language> language_from_locale_name(std::string_view name) {
  std::string lower = ascii_lower(name);
  if (lower.starts_with("zh")) return Language::zh;
  if (lower.starts_with("en") || lower == "c" || lower.starts_with("c.") || lower == "posix") {
    return Language::en;
  }
  return std::nullopt;
}

Language language_from_locale_variables(std::string_view lc_all, std::string_view lc_messages,
                                        std::string_view lang) {
  for (std::string_view value : {lc_all, lc_messages, lang}) {
    if (value.empty()) continue;
    return ascii_lower(value).starts_with("zh") ? Language::zh : Language::en;
  }
  return Language::en;
}

std::string_view language_code(Language language) {
  return language == Language::zh ? "zh" : "en";
}

}  // namespace portlens
