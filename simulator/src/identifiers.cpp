#include "costledger/simulator/identifiers.hpp"

#include <array>

namespace costledger::simulator {
namespace {

constexpr std::string_view kSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr std::string_view kHexDigits = "0123456789abcdef";

// 27^5: the number of distinct 5-character suffixes.
constexpr std::uint64_t kSuffixSpace = 14'348'907;
constexpr std::uint64_t kOrdinalSpace = 16'384;

}  // namespace

void AppendK8sSuffix(std::string& out, std::uint64_t value, int length) {
  for (int i = 0; i < length; ++i) {
    out.push_back(kSuffixAlphabet[value % kSuffixAlphabet.size()]);
    value /= kSuffixAlphabet.size();
  }
}

void AppendUniqueSuffix(std::string& out, std::uint64_t h, std::uint64_t shared,
                        std::int64_t ordinal) {
  const std::uint64_t high = h % (kSuffixSpace / kOrdinalSpace);
  const std::uint64_t low = static_cast<std::uint64_t>(ordinal) % kOrdinalSpace;
  // An odd multiplier is a bijection modulo 2^14: distinct ordinals stay distinct, scattered.
  const std::uint64_t scattered = (low * 10'007U + shared) % kOrdinalSpace;
  AppendK8sSuffix(out, high * kOrdinalSpace + scattered, 5);
}

void AppendHex(std::string& out, std::uint64_t value, int digits) {
  std::array<char, 16> buffer{};
  for (int i = digits - 1; i >= 0; --i) {
    buffer[static_cast<std::size_t>(i)] = kHexDigits[value & 0xfU];
    value >>= 4U;
  }
  out.append(buffer.data(), static_cast<std::size_t>(digits));
}

void AppendUuid(std::string& out, std::uint64_t hi, std::uint64_t lo) {
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  AppendHex(out, hi >> 32U, 8);
  out.push_back('-');
  AppendHex(out, hi >> 16U, 4);
  out.push_back('-');
  AppendHex(out, hi, 4);
  out.push_back('-');
  AppendHex(out, lo >> 48U, 4);
  out.push_back('-');
  AppendHex(out, lo, 12);
}

}  // namespace costledger::simulator
