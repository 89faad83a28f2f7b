#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace costledger::model {

/// An exact amount of US dollars as an integer count of nano-dollars (1e-9 $).
/// Sums are exact and independent of order; arithmetic that would overflow int64
/// (about 9.2 billion dollars) throws std::overflow_error instead of wrapping.
class Money {
 public:
  static constexpr std::int64_t kNanosPerDollar = 1'000'000'000;

  constexpr Money() = default;
  static constexpr Money FromNanos(std::int64_t nanos) { return Money(nanos); }
  /// Parses a decimal dollar amount such as "0.0416000000", "12", "1.5e-3"; digits beyond
  /// the ninth decimal are rounded half-even. Throws InvalidInput on anything else.
  static Money ParseDollars(std::string_view text);

  constexpr std::int64_t nanos() const { return nanos_; }
  /// Only for presentation (JSON in dollars, Prometheus gauges); never for arithmetic.
  double Dollars() const { return static_cast<double>(nanos_) / kNanosPerDollar; }
  /// Exact decimal text with nine decimals, e.g. "0.041600000".
  std::string ToDecimalString() const;

  Money& operator+=(Money other);
  Money& operator-=(Money other);
  friend Money operator+(Money a, Money b) { return a += b; }
  friend Money operator-(Money a, Money b) { return a -= b; }
  // NOLINTNEXTLINE(modernize-use-nullptr): false positive on the defaulted comparison's literal 0
  friend constexpr auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t nanos) : nanos_(nanos) {}
  std::int64_t nanos_ = 0;
};

/// A price per hour with the same nano-dollar resolution (e.g. an instance's $/h).
struct HourlyPrice {
  Money per_hour;
  friend constexpr auto operator<=>(const HourlyPrice&, const HourlyPrice&) = default;
};

}  // namespace costledger::model
