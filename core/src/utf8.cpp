#include "costledger/model/utf8.hpp"

#include <cstdint>

namespace costledger::model {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

}  // namespace

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t min = 0;
    if (c < 0x80U) {
      ++i;
      continue;
    }
    if ((c & 0xE0U) == 0xC0U) {
      length = 2;
      code = c & 0x1FU;
      min = 0x80U;
    } else if ((c & 0xF0U) == 0xE0U) {
      length = 3;
      code = c & 0x0FU;
      min = 0x800U;
    } else if ((c & 0xF8U) == 0xF0U) {
      length = 4;
      code = c & 0x07U;
      min = 0x10000U;
    } else {
      return false;
    }
    if (n - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (!IsContinuation(next)) return false;
      code = (code << 6U) | (next & 0x3FU);
    }
    if (code < min || code > 0x10FFFFU || (code >= 0xD800U && code <= 0xDFFFU)) return false;
    i += length;
  }
  return true;
}

std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back up over continuation bytes to the start of the character that does not fit.
  while (end > 0 && IsContinuation(static_cast<unsigned char>(text[end]))) --end;
  return text.substr(0, end);
}

}  // namespace costledger::model
