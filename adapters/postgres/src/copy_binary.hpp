#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace costledger::postgres {

/// Rows in PostgreSQL's binary COPY format, appended to one reusable buffer. The server reads
/// integers, doubles and timestamps in it without parsing text (about a tenth of its time per
/// raw row). Each C++ type stands for one column type and nothing converts implicitly, since
/// the server rejects a field of the wrong width: text (string types), integer (std::int32_t),
/// bigint (std::int64_t), double precision (double), boolean (bool), timestamptz
/// (sys_seconds); std::nullopt or an empty optional is NULL. Pure (no I/O); not thread-safe.
class CopyBinary {
 public:
  static constexpr bool kBinary = true;

  CopyBinary() { Clear(); }

  template <typename... Fields>
  void Row(const Fields&... fields) {
    static_assert(sizeof...(Fields) < 32768, "a row has at most 32767 fields");
    BeginRow(static_cast<std::int16_t>(sizeof...(Fields)));
    (Add(fields), ...);
  }

  /// A row field by field, for layouts built from a table of columns: BeginRow(n), then
  /// exactly n calls of Field, each of the type its column wants (see above).
  void BeginRow(std::int16_t fields) {
    Int16(fields);
    ++rows_;
  }
  template <typename T>
  void Field(const T& value) {
    Add(value);
  }

  /// Appends the end-of-data marker: call once, after the last row.
  void Finish() { Int16(-1); }

  /// The bytes so far: the file header first (until Clear), then the rows.
  [[nodiscard]] std::string_view data() const { return buffer_; }
  [[nodiscard]] std::size_t size() const { return buffer_.size(); }
  [[nodiscard]] std::size_t rows() const { return rows_; }
  /// Forgets what was sent, keeping the buffer's capacity (the header goes with the first part).
  void Clear();

 private:
  void Int16(std::int16_t value);
  void Int32(std::int32_t value);
  void Int64(std::int64_t value);

  void Add(std::string_view text);
  void Add(const std::string& text) { Add(std::string_view{text}); }
  void Add(const char* text) { Add(std::string_view{text}); }
  void Add(std::int32_t value);
  void Add(std::int64_t value);
  void Add(double value);
  void Add(bool value);
  void Add(std::chrono::sys_seconds time);
  void Add(std::nullopt_t /*null*/) { Int32(-1); }
  template <typename T>
  void Add(const std::optional<T>& value) {
    if (value) {
      Add(*value);
    } else {
      Add(std::nullopt);
    }
  }
  // No other type converts: an unsigned or long long argument is ambiguous among the integer,
  // double and bool overloads, so its column type must be named.

  std::string buffer_;
  std::size_t rows_ = 0;
  bool header_sent_ = false;
};

}  // namespace costledger::postgres
