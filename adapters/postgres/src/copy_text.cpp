#include "copy_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

#include "costledger/model/timestamp.hpp"

namespace costledger::postgres {
namespace {

// `value` in std::to_chars' form (for a double: its shortest exact form).
template <typename Number>
void AppendChars(std::string& out, Number value) {
  std::array<char, 32> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

}  // namespace

void CopyText::Add(std::string_view text) {
  // COPY text format: backslash, newline, carriage return and the tab delimiter must be
  // escaped; every other byte (UTF-8 included: its multibyte sequences hold no ASCII) as is.
  std::size_t clean = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = nullptr;
    switch (c) {
      case '\\':
        escape = "\\\\";
        break;
      case '\n':
        escape = "\\n";
        break;
      case '\r':
        escape = "\\r";
        break;
      case '\t':
        escape = "\\t";
        break;
      default:
        continue;
    }
    buffer_.append(text.data() + clean, i - clean);
    buffer_ += escape;
    clean = i + 1;
  }
  buffer_.append(text.data() + clean, text.size() - clean);
}

void CopyText::Add(std::int64_t value) { AppendChars(buffer_, value); }

void CopyText::Add(std::uint64_t value) { AppendChars(buffer_, value); }

void CopyText::Add(double value) {
  // PostgreSQL's float8 input spells the special values this way; std::to_chars would not.
  if (std::isnan(value)) {
    buffer_ += "NaN";
  } else if (std::isinf(value)) {
    buffer_ += value > 0 ? "Infinity" : "-Infinity";
  } else {
    AppendChars(buffer_, value);  // the shortest form that reads back as the same double
  }
}

void CopyText::Add(std::chrono::sys_seconds time) { buffer_ += model::FormatTimestamp(time); }

}  // namespace costledger::postgres
