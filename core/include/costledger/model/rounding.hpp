#pragma once

#include <cstdint>

namespace costledger::model {

/// 128-bit intermediate for exact products of money and quantities (GCC/Clang extension).
__extension__ typedef __int128 Int128;  // NOLINT(modernize-use-using)

/// numerator / denominator rounded half to even. denominator must be > 0.
/// The one place where the service rounds a fraction to the nearest integer.
std::int64_t DivideRoundHalfEven(Int128 numerator, Int128 denominator);

/// numerator / denominator rounded toward negative infinity. denominator must be > 0.
/// Used where a share must never exceed its exact value (so idle can never go negative).
std::int64_t DivideFloor(Int128 numerator, Int128 denominator);

}  // namespace costledger::model
