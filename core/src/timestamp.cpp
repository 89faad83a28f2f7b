#include "costledger/model/timestamp.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <cstddef>
#include <optional>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

// Hand-written: RFC 3339 is a fixed layout, and strictness (no trailing text, real calendar
// dates, an explicit zone) matters more than the flexibility of a format string.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  [[nodiscard]] bool AtEnd() const { return pos_ == text_.size(); }

  std::optional<int> Digits(std::size_t count) {
    if (text_.size() - pos_ < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  bool Take(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Returns the character taken, or '\0' when the next one is not among `chars`.
  char TakeAny(std::string_view chars) {
    if (AtEnd() || chars.find(text_[pos_]) == std::string_view::npos) return '\0';
    return text_[pos_++];
  }

  std::size_t SkipDigits() {
    const std::size_t begin = pos_;
    while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - begin;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

[[noreturn]] void Fail(std::string_view text, std::string_view reason) {
  constexpr std::size_t kMaxQuoted = 64;
  const std::string_view shown = text.substr(0, kMaxQuoted);
  // {:?} quotes and escapes, so control characters in garbage input stay readable.
  throw InvalidInput(fmt::format("invalid timestamp {:?}{}: {}", shown,
                                 shown.size() < text.size() ? "..." : "", reason));
}

constexpr std::string_view kExpected = "expected RFC 3339 like 2024-05-01T12:00:00Z";

}  // namespace

std::chrono::sys_seconds ParseTimestamp(std::string_view text) {
  Cursor in(text);
  const auto year = in.Digits(4);
  if (!year || !in.Take('-')) Fail(text, kExpected);
  const auto month = in.Digits(2);
  if (!month || !in.Take('-')) Fail(text, kExpected);
  const auto day = in.Digits(2);
  if (!day || in.TakeAny("Tt") == '\0') Fail(text, kExpected);
  const auto hour = in.Digits(2);
  if (!hour || !in.Take(':')) Fail(text, kExpected);
  const auto minute = in.Digits(2);
  if (!minute || !in.Take(':')) Fail(text, kExpected);
  const auto second = in.Digits(2);
  if (!second) Fail(text, kExpected);
  // Fractional seconds are truncated, which is a floor since they only add to the time.
  if (in.Take('.') && in.SkipDigits() == 0) Fail(text, "no digits after the decimal point");

  std::chrono::minutes offset{0};
  const char zone = in.TakeAny("Zz+-");
  if (zone == '\0') Fail(text, "missing time zone (Z or an offset like +02:00)");
  if (zone == '+' || zone == '-') {
    const auto offset_hours = in.Digits(2);
    if (!offset_hours || !in.Take(':')) Fail(text, "expected an offset like +02:00");
    const auto offset_minutes = in.Digits(2);
    if (!offset_minutes) Fail(text, "expected an offset like +02:00");
    if (*offset_hours > 23 || *offset_minutes > 59) Fail(text, "offset out of range");
    offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    if (zone == '-') offset = -offset;
  }
  if (!in.AtEnd()) Fail(text, "unexpected text after the time zone");

  const date::year_month_day ymd{date::year(*year), date::month(static_cast<unsigned>(*month)),
                                 date::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) Fail(text, "no such date");
  // Leap seconds (second 60) are rejected, as Go's time.Parse (and so Kubernetes) does.
  if (*hour > 23 || *minute > 59 || *second > 59) Fail(text, "time of day out of range");

  // Local time minus its offset is UTC.
  return std::chrono::sys_seconds{date::sys_days{ymd}} + std::chrono::hours(*hour) +
         std::chrono::minutes(*minute) + std::chrono::seconds(*second) - offset;
}

std::string FormatTimestamp(std::chrono::sys_seconds t) {
  const date::sys_days days = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{days};
  const date::hh_mm_ss<std::chrono::seconds> time{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

}  // namespace costledger::model
