#include "costledger/model/mime_encoding.hpp"

#include <array>
#include <cstdint>

#include "costledger/model/utf8.hpp"

namespace costledger::model {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kHexDigits = "0123456789ABCDEF";
// An encoded-word "=?UTF-8?B?...?=" of 36 bytes of text takes 60 characters: with "Subject: "
// or "From: " before it, the first line stays within 78 (RFC 2047 allows 75 per word).
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr std::size_t kBytesPerWord = 36;

// One input line (no line break) in quoted-printable with soft breaks.
void AppendQuotedPrintableLine(std::string& out, std::string_view line) {
  std::size_t column = 0;
  std::array<char, 3> token{};
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::size_t width = 1;
    if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
      token[0] = static_cast<char>(c);
    } else {
      token = {'=', kHexDigits[c >> 4U], kHexDigits[c & 0x0FU]};
      width = 3;
    }
    // A token other than the line's last must leave room for the `=` of a soft break.
    const std::size_t limit = last ? kMimeLineLength : kMimeLineLength - 1;
    if (column + width > limit) {
      out += "=\r\n";
      column = 0;
    }
    out.append(token.data(), width);
    column += width;
  }
}

bool IsAttributeChar(unsigned char c) {
  // RFC 2231 attribute-char: token characters except "*", "'" and "%".
  if (c <= 32 || c >= 127) return false;
  constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?=*'%";
  return kSpecials.find(static_cast<char>(c)) == std::string_view::npos;
}

}  // namespace

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
        static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kBase64Alphabet[(v >> 18U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 12U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 6U) & 0x3FU]);
    out.push_back(kBase64Alphabet[v & 0x3FU]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    out.push_back(kBase64Alphabet[(v >> 18U) & 0x3FU]);
    out.push_back(kBase64Alphabet[(v >> 12U) & 0x3FU]);
    out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6U) & 0x3FU] : '=');
    out.push_back('=');
  }
  return out;
}

std::string EncodeBase64Lines(std::string_view bytes) {
  const std::string flat = EncodeBase64(bytes);
  std::string out;
  out.reserve(flat.size() + flat.size() / kMimeLineLength * 2);
  for (std::size_t i = 0; i < flat.size(); i += kMimeLineLength) {
    if (i > 0) out += "\r\n";
    out.append(flat, i, kMimeLineLength);
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t start = 0;
  for (;;) {
    const std::size_t newline = text.find('\n', start);
    std::string_view line = text.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (newline != std::string_view::npos && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    AppendQuotedPrintableLine(out, line);
    if (newline == std::string_view::npos) break;
    out += "\r\n";
    start = newline + 1;
  }
  return out;
}

bool NeedsEncodedWords(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 32 || u > 126) return true;
  }
  return text.find("=?") != std::string_view::npos;
}

std::string EncodeWords(std::string_view utf8) {
  std::string out;
  while (!utf8.empty()) {
    std::string_view chunk = Utf8Prefix(utf8, kBytesPerWord);
    if (chunk.empty()) chunk = utf8.substr(0, 1);  // not UTF-8: never loop forever
    if (!out.empty()) out.push_back(' ');
    out += kWordPrefix;
    out += EncodeBase64(chunk);
    out += kWordSuffix;
    utf8.remove_prefix(chunk.size());
  }
  return out;
}

std::string EncodeExtendedParameter(std::string_view utf8) {
  std::string out = "UTF-8''";
  for (const char c : utf8) {
    const auto u = static_cast<unsigned char>(c);
    if (IsAttributeChar(u)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHexDigits[u >> 4U]);
      out.push_back(kHexDigits[u & 0x0FU]);
    }
  }
  return out;
}

}  // namespace costledger::model
