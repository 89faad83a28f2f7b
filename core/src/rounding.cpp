#include "costledger/model/rounding.hpp"

#include <limits>
#include <stdexcept>

namespace costledger::model {
namespace {

std::int64_t Narrow(Int128 value) {
  if (value > std::numeric_limits<std::int64_t>::max() ||
      value < std::numeric_limits<std::int64_t>::min()) {
    throw std::overflow_error("nano-dollar amount exceeds int64");
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::int64_t DivideFloor(Int128 numerator, Int128 denominator) {
  if (denominator <= 0) throw std::domain_error("DivideFloor: denominator must be positive");
  Int128 quotient = numerator / denominator;
  if (numerator % denominator != 0 && numerator < 0) --quotient;
  return Narrow(quotient);
}

std::int64_t DivideRoundHalfEven(Int128 numerator, Int128 denominator) {
  if (denominator <= 0)
    throw std::domain_error("DivideRoundHalfEven: denominator must be positive");
  Int128 quotient = numerator / denominator;
  Int128 remainder = numerator % denominator;
  if (remainder < 0) {  // normalise to floor division: 0 <= remainder < denominator
    --quotient;
    remainder += denominator;
  }
  const Int128 twice = remainder * 2;
  if (twice > denominator || (twice == denominator && (quotient & 1) != 0)) ++quotient;
  return Narrow(quotient);
}

}  // namespace costledger::model
