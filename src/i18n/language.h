#pragma once
// The two languages every user-facing text exists in, and how a locale name
// picks one.

#include <optional>
#include <string_view>

namespace portlens {

enum class Language { en, zh };

/// "en", "zh", "zh_CN.UTF-8", "en_US", "C" … → a language; nullopt when the
/// value names neither (the caller decides the default).
std::optional<Language> language_from_locale_name(std::string_view name);

/// The POSIX order: the first non-empty of LC_ALL, LC_MESSAGES, LANG decides;
/// Chinese for any zh* locale, English otherwise (also for C/POSIX).
Language language_from_locale_variables(std::string_view lc_all, std::string_view lc_messages,
                                        std::string_view lang);

std::string_view language_code(Language language);

/// A text in both languages; `in()` picks one, falling back to the other when
/// the wanted one is empty (user files may give only one language).
struct LocalizedText {
  std::string_view en;
  std::string_view zh;

  std::string_view in(Language language) const {
    std::string_view wanted = language == Language::zh ? zh : en;
    return wanted.empty() ? (language == Language::zh ? en : zh) : wanted;
  }
  bool empty() const { return en.empty() && zh.empty(); }
};

}  // namespace portlens
