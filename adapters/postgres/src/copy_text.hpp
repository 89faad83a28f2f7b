#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace costledger::postgres {

/// Rows in PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash escapes),
/// appended to one reusable buffer. Written by hand because libpqxx 6 converts and escapes
/// every field through two temporary strings: at 10^4 rows x 23 columns per interval that was
/// most of the collector's write CPU. Pure (no I/O); not thread-safe.
class CopyText {
 public:
  static constexpr bool kBinary = false;

  /// Appends one row; fields are text (escaped), integers, doubles (shortest exact form),
  /// bools, sys_seconds (as UTC timestamps), std::nullopt / empty optionals (NULL).
  template <typename... Fields>
  void Row(const Fields&... fields) {
    bool first = true;
    ((AddSeparator(first), Add(fields)), ...);
    buffer_ += '\n';
    ++rows_;
  }

  /// Nothing to append after the last row (the COPY's end marks the end of data).
  void Finish() {}

  /// The rows so far, each ending with '\n'.
  [[nodiscard]] std::string_view data() const { return buffer_; }
  [[nodiscard]] std::size_t size() const { return buffer_.size(); }
  [[nodiscard]] std::size_t rows() const { return rows_; }
  /// Forgets the rows, keeping the buffer's capacity.
  void Clear() {
    buffer_.clear();
    rows_ = 0;
  }

 private:
  void AddSeparator(bool& first) {
    if (!first) buffer_ += '\t';
    first = false;
  }
  void Add(std::string_view text);
  void Add(const std::string& text) { Add(std::string_view{text}); }
  void Add(const char* text) { Add(std::string_view{text}); }
  void Add(bool value) { buffer_ += value ? 't' : 'f'; }
  void Add(std::int64_t value);
  void Add(std::uint64_t value);
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) void Add(T value) {
    if constexpr (std::is_signed_v<T>) {
      Add(static_cast<std::int64_t>(value));
    } else {
      Add(static_cast<std::uint64_t>(value));
    }
  }
  void Add(double value);
  void Add(std::chrono::sys_seconds time);  // timestamptz: RFC 3339 in UTC
  void Add(std::nullopt_t /*null*/) { buffer_ += "\\N"; }
  template <typename T>
  void Add(const std::optional<T>& value) {
    if (value) {
      Add(*value);
    } else {
      Add(std::nullopt);
    }
  }

  std::string buffer_;
  std::size_t rows_ = 0;
};

}  // namespace costledger::postgres
