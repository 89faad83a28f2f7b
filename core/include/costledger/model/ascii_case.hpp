#pragma once

#include <algorithm>
#include <string_view>

namespace costledger::model {

/// `c` with an ASCII capital lowered; every other byte (UTF-8's included) as it is. Unlike
/// std::tolower, the same in every locale.
constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

/// Whether `a` and `b` are equal but for the case of ASCII letters: for names the protocols
/// define as case-insensitive (media types, Prometheus' NaN and Inf, OpenCost's filter values).
constexpr bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

}  // namespace costledger::model
