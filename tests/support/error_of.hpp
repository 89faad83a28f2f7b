#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace costledger::testing {

/// What ErrorOf returns when nothing was thrown (the test has already failed then).
inline constexpr std::string_view kNothingThrown = "(nothing was thrown)";

/// The what() of the `Exception` that `f()` throws. When `f()` returns normally, it adds a
/// gtest failure at the caller's line and returns kNothingThrown, so a check on the message,
/// even `EXPECT_NE(ErrorOf<E>(f), "")`, cannot pass by accident. An exception of another type
/// propagates and fails the test with its own message.
/// (`file` and `line` are the caller's: __builtin_FILE/LINE as default arguments, which GCC and
/// clang 14 both have; std::source_location is not usable by clang 14 with libstdc++ 12.)
template <typename Exception, typename F>
std::string ErrorOf(F&& f, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  try {
    std::forward<F>(f)();
  } catch (const Exception& e) {
    return e.what();
  }
  ADD_FAILURE_AT(file, line) << "expected an exception, nothing was thrown";
  return std::string(kNothingThrown);
}

}  // namespace costledger::testing
