#pragma once
// Expected failures travel as values. An Error carries an English message with
// `{}` placeholders (the gettext msgid, marked N_() where it is written) and the
// arguments to fill in; only the command line layer translates and prints it, so
// library code never needs to know the user's language.

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

/// Marks a string literal for extraction by xgettext without translating it here.
#define N_(text) text

namespace portlens {

struct Error {
  std::string msgid;              ///< English text with {} placeholders; the catalog key.
  std::vector<std::string> args;  ///< Values for the placeholders, already formatted.
};

/// Builds an Error; every argument is formatted with fmt's `{}`.
template <typename... Args>
Error make_error(const char* msgid, const Args&... args) {
  return Error{msgid, {fmt::format("{}", args)...}};
}

/// Either a value or an Error, in the spirit of std::expected (C++23).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Result for operations that produce nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace portlens
