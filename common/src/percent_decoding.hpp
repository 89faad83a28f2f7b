#pragma once

// Internal to common/: percent-decoding of the names that secret masking looks at, as a server
// (or libpq) would read them.

#include <cstddef>
#include <string>
#include <string_view>

namespace costledger::common {

/// 0-15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else.
constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `text` with every %XX decoded (a '%' not followed by two hex digits stays as it is), and '+'
/// read as a space when `plus_is_space` (query strings; libpq's URIs keep it).
inline std::string PercentDecoded(std::string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

}  // namespace costledger::common
