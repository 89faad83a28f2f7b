#include "costledger/model/money.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <stdexcept>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Money& Money::operator+=(Money other) {
  if (__builtin_add_overflow(nanos_, other.nanos_, &nanos_)) {
    throw std::overflow_error("Money addition overflows int64 nano-dollars");
  }
  return *this;
}

Money& Money::operator-=(Money other) {
  if (__builtin_sub_overflow(nanos_, other.nanos_, &nanos_)) {
    throw std::overflow_error("Money subtraction overflows int64 nano-dollars");
  }
  return *this;
}

std::string Money::ToDecimalString() const {
  const bool negative = nanos_ < 0;
  // Work in unsigned so that INT64_MIN has a magnitude.
  const unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(nanos_)
                                                : static_cast<unsigned long long>(nanos_);
  return fmt::format("{}{}.{:09}", negative ? "-" : "", magnitude / kNanosPerDollar,
                     magnitude % kNanosPerDollar);
}

Money Money::ParseDollars(std::string_view text) {
  // Exact decimal parsing: digits and a decimal exponent, never via double.
  const auto fail = [&](std::string_view why) {
    return InvalidInput(fmt::format("invalid dollar amount '{}': {}", text, why));
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  Int128 mantissa = 0;
  int exponent = 0;
  int digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      if (mantissa < (Int128{1} << 100)) {
        mantissa = mantissa * 10 + (c - '0');
        if (seen_point) --exponent;
      } else if (!seen_point) {
        ++exponent;  // drop insignificant digits beyond ~30 significant ones
      }
      ++digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits == 0) throw fail("no digits");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const std::string rest(text.substr(i));
    char* end = nullptr;
    const long e = std::strtol(rest.c_str(), &end, 10);
    if (end == rest.c_str() || *end != '\0' || e > 30 || e < -60) throw fail("bad exponent");
    exponent += static_cast<int>(e);
    i = text.size();
  }
  if (i != text.size()) throw fail("unexpected character");
  // nanos = mantissa * 10^(exponent + 9)
  int scale = exponent + 9;
  Int128 value = mantissa;
  for (; scale > 0; --scale) {
    value *= 10;
    if (value > (Int128{1} << 100)) throw fail("out of range");
  }
  Int128 divisor = 1;
  for (; scale < 0; ++scale) {
    divisor *= 10;
    if (divisor > (Int128{1} << 100)) {  // far below a nano-dollar
      value = 0;
      divisor = 1;
      break;
    }
  }
  std::int64_t nanos = 0;
  try {
    nanos = DivideRoundHalfEven(value, divisor);
  } catch (const std::overflow_error&) {
    throw fail("out of range");
  }
  return Money(negative ? -nanos : nanos);
}

}  // namespace costledger::model
