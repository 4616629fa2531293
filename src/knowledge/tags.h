#pragma once
// The closed vocabulary of tags an entry may carry, with a label per language.

#include <span>
#include <string_view>

#include "i18n/language.h"

namespace portlens {

struct TagInfo {
  std::string_view name;
  LocalizedText label;
};

std::span<const TagInfo> all_tags();
/// nullptr when `name` is not a known tag.
const TagInfo* find_tag(std::string_view name);

}  // namespace portlens
