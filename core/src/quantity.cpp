#include "costledger/model/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

// An exact decimal: value = digits x 10^exponent10 x 2^exponent2. Kubernetes keeps quantities
// exact too (inf.Dec); doubles would round "0.1" and misplace the round-up of MilliValue().
struct ExactQuantity {
  std::string digits;  // no leading zeros; empty means zero
  std::int64_t exponent10 = 0;
  int exponent2 = 0;
};

// Beyond this any non-zero value overflows int64 or rounds up to 1; saturating keeps the
// arithmetic below from overflowing on inputs like "1e99999999999999999999".
constexpr std::int64_t kExponentLimit = 1'000'000;

struct Suffix {
  std::string_view text;
  int exponent10;
  int exponent2;
};

constexpr std::array<Suffix, 15> kSuffixes{{
    {"n", -9, 0},
    {"u", -6, 0},
    {"m", -3, 0},
    {"k", 3, 0},
    {"M", 6, 0},
    {"G", 9, 0},
    {"T", 12, 0},
    {"P", 15, 0},
    {"E", 18, 0},
    {"Ki", 0, 10},
    {"Mi", 0, 20},
    {"Gi", 0, 30},
    {"Ti", 0, 40},
    {"Pi", 0, 50},
    {"Ei", 0, 60},
}};

[[noreturn]] void Fail(std::string_view text, std::string_view reason) {
  constexpr std::size_t kMaxQuoted = 64;
  const std::string_view shown = text.substr(0, kMaxQuoted);
  // {:?} quotes and escapes, so control characters in garbage input stay readable.
  throw InvalidInput(fmt::format("invalid quantity {:?}{}: {}", shown,
                                 shown.size() < text.size() ? "..." : "", reason));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::size_t CountDigits(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && IsDigit(text[end])) ++end;
  return end - pos;
}

// "e3", "E-2", "e+6": the decimalExponent form; the digits saturate at kExponentLimit.
std::int64_t ParseExponent(std::string_view text, std::string_view suffix) {
  std::size_t pos = 1;
  bool negative = false;
  if (pos < suffix.size() && (suffix[pos] == '+' || suffix[pos] == '-')) {
    negative = suffix[pos] == '-';
    ++pos;
  }
  if (pos == suffix.size() || CountDigits(suffix, pos) != suffix.size() - pos) {
    Fail(text, "unknown suffix");
  }
  std::int64_t exponent = 0;
  for (; pos < suffix.size(); ++pos) {
    exponent = std::min<std::int64_t>(exponent * 10 + (suffix[pos] - '0'), kExponentLimit);
  }
  return negative ? -exponent : exponent;
}

// Grammar of resource.Quantity: [+-] (digits | digits. | .digits | digits.digits) suffix,
// suffix one of the SI suffixes, a binary suffix, or e/E followed by a signed integer.
ExactQuantity Parse(std::string_view text) {
  if (text.empty()) Fail(text, "empty");
  std::size_t pos = 0;
  bool negative = false;
  if (text[pos] == '+' || text[pos] == '-') {
    negative = text[pos] == '-';
    ++pos;
  }
  const std::string_view whole = text.substr(pos, CountDigits(text, pos));
  pos += whole.size();
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    fraction = text.substr(pos, CountDigits(text, pos));
    pos += fraction.size();
  }
  if (whole.empty() && fraction.empty()) Fail(text, "not a number");

  ExactQuantity q;
  const std::string_view suffix = text.substr(pos);
  if (!suffix.empty()) {
    const auto* known = std::find_if(kSuffixes.begin(), kSuffixes.end(),
                                     [&](const Suffix& s) { return s.text == suffix; });
    if (known != kSuffixes.end()) {
      q.exponent10 = known->exponent10;
      q.exponent2 = known->exponent2;
    } else if (suffix[0] == 'e' || suffix[0] == 'E') {
      // "E" and "Ei" are exa and exbi (above); "e3", "E-2" are exponents, as in Kubernetes.
      q.exponent10 = ParseExponent(text, suffix);
    } else {
      Fail(text, "unknown suffix");
    }
  }

  q.digits.reserve(whole.size() + fraction.size());
  q.digits.append(whole);
  q.digits.append(fraction);
  q.exponent10 -= static_cast<std::int64_t>(fraction.size());
  const std::size_t leading = q.digits.find_first_not_of('0');
  if (leading == std::string::npos) {
    q.digits.clear();  // zero, whatever its sign ("-0" is zero) or exponent
    return q;
  }
  if (negative) Fail(text, "negative");
  q.digits.erase(0, leading);
  // Trailing zeros only lengthen the arithmetic below.
  const std::size_t last = q.digits.find_last_not_of('0');
  q.exponent10 += static_cast<std::int64_t>(q.digits.size() - last - 1);
  q.digits.resize(last + 1);
  return q;
}

// digits *= 2^shift, in place, for shift <= 60: 9 x 2^60 plus a carry below 2^60 fits uint64.
void MultiplyByPowerOfTwo(std::string& digits, int shift) {
  if (shift == 0) return;
  const std::uint64_t factor = std::uint64_t{1} << shift;
  std::uint64_t carry = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    const std::uint64_t product = static_cast<std::uint64_t>(digits[i] - '0') * factor + carry;
    digits[i] = static_cast<char>('0' + product % 10);
    carry = product / 10;
  }
  std::string head;
  while (carry != 0) {
    head.push_back(static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
  digits.insert(digits.begin(), head.rbegin(), head.rend());
}

// ceil(q x 10^scale10) as int64, exactly; overflow is an error.
std::int64_t ToUnits(std::string_view text, ExactQuantity q, int scale10) {
  if (q.digits.empty()) return 0;
  MultiplyByPowerOfTwo(q.digits, q.exponent2);
  const std::int64_t exponent10 = q.exponent10 + scale10;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

  std::string_view integer = q.digits;
  bool round_up = false;
  std::int64_t zeros = 0;
  if (exponent10 >= 0) {
    zeros = exponent10;
  } else if (static_cast<std::uint64_t>(-exponent10) >= q.digits.size()) {
    integer = {};
    round_up = true;  // digits are non-zero, so a fraction remains
  } else {
    const std::size_t split = q.digits.size() - static_cast<std::size_t>(-exponent10);
    integer = std::string_view{q.digits}.substr(0, split);
    round_up =
        std::string_view{q.digits}.substr(split).find_first_not_of('0') != std::string_view::npos;
  }
  // The integer part has no leading zero, so 20 or more digits are at least 10^19 > kMax.
  if (static_cast<std::int64_t>(integer.size()) + zeros > 19) Fail(text, "out of range");
  std::uint64_t value = 0;
  for (const char c : integer) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  for (std::int64_t i = 0; i < zeros; ++i) value *= 10;
  if (round_up) ++value;
  if (value > kMax) Fail(text, "out of range");
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::int64_t ParseCpuMillicores(std::string_view quantity) {
  return ToUnits(quantity, Parse(quantity), 3);
}

std::int64_t ParseBytes(std::string_view quantity) { return ToUnits(quantity, Parse(quantity), 0); }

std::int64_t ParseCount(std::string_view quantity) { return ToUnits(quantity, Parse(quantity), 0); }

}  // namespace costledger::model
