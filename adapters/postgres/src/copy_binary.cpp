#include "copy_binary.hpp"

#include <array>
#include <bit>
#include <limits>
#include <stdexcept>

namespace costledger::postgres {
namespace {

// "PGCOPY\n\377\r\n\0", then flags and header extension length (both zero).
constexpr std::string_view kHeader{"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19};

// Seconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC).
constexpr std::int64_t kPostgresEpochSeconds = 946'684'800;

template <typename Unsigned>
void AppendBigEndian(std::string& out, Unsigned value) {
  std::array<char, sizeof(Unsigned)> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>((value >> (8 * (bytes.size() - 1 - i))) & 0xFFU);
  }
  out.append(bytes.data(), bytes.size());
}

}  // namespace

void CopyBinary::Clear() {
  buffer_.clear();
  rows_ = 0;
  if (!header_sent_) {
    buffer_.append(kHeader);
    header_sent_ = true;
  }
}

void CopyBinary::Int16(std::int16_t value) {
  AppendBigEndian(buffer_, static_cast<std::uint16_t>(value));
}
void CopyBinary::Int32(std::int32_t value) {
  AppendBigEndian(buffer_, static_cast<std::uint32_t>(value));
}
void CopyBinary::Int64(std::int64_t value) {
  AppendBigEndian(buffer_, static_cast<std::uint64_t>(value));
}

void CopyBinary::Add(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw std::length_error("COPY: a text field exceeds 2 GiB");
  }
  Int32(static_cast<std::int32_t>(text.size()));
  buffer_.append(text);
}

void CopyBinary::Add(std::int32_t value) {
  Int32(4);
  Int32(value);
}

void CopyBinary::Add(std::int64_t value) {
  Int32(8);
  Int64(value);
}

void CopyBinary::Add(double value) {
  Int32(8);
  AppendBigEndian(buffer_, std::bit_cast<std::uint64_t>(value));
}

void CopyBinary::Add(bool value) {
  Int32(1);
  buffer_ += value ? '\1' : '\0';
}

void CopyBinary::Add(std::chrono::sys_seconds time) {
  // timestamptz: microseconds since PostgreSQL's epoch (integer datetimes, the only kind since
  // PostgreSQL 10).
  Int32(8);
  Int64((time.time_since_epoch().count() - kPostgresEpochSeconds) * 1'000'000);
}

}  // namespace costledger::postgres
