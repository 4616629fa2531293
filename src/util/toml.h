#pragma once
// toml++ for every file portlens reads as TOML (knowledge-base entries, the
// user's ports.toml, audit allow and baseline files), behind one safe parse.
// Header-only, so that the fuzzing build instruments the parser together with
// our validation.
//
// toml++'s internal assertions are compiled out here in every build, as they
// are in the release build we ship (NDEBUG with g++, where its "assume" is a
// no-op too): with them on, a debug or fuzzing build aborts on input such as
// "[#" (toml++ 3.3.0 asserts in parse_key before it reports the error), so
// tests would not run the parser we ship. The sanitizers still watch it.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "util/error.h"

namespace portlens {

/// Parses `text`; errors read "FILE:LINE:COLUMN: not valid TOML: …".
/// Strings taken out of the table must go through unshield() (see toml.cc).
Result<toml::table> parse_toml(std::string_view text, std::string_view file_name);

/// A string value as the file wrote it (undoes the parse-time shield).
std::string unshield(std::string_view text);

/// "FILE:LINE:COLUMN" of a node, for error messages.
std::string toml_where(std::string_view file_name, const toml::source_region& where);

}  // namespace portlens
