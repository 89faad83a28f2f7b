#pragma once

// Internal to the PostgreSQL adapter: arrays cross the wire as text literals, cast in SQL.

#include <span>
#include <string>

namespace costledger::postgres {

/// A PostgreSQL array literal of text, for `= ANY($n::text[])`.
inline std::string TextArray(std::span<const std::string> values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace costledger::postgres
