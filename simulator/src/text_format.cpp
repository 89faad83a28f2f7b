#include "text_format.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace costledger::simulator {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') [[likely]]
      continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4U]);
        out.push_back(kHex[c & 0xfU]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

void AppendInt(std::string& out, std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void AppendGoFloat(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  std::array<char, 64> buffer{};
  char* const first = buffer.data();
  char* const last = first + buffer.size();
  const auto scientific = std::to_chars(first, last, value, std::chars_format::scientific);
  const std::string_view text(first, static_cast<std::size_t>(scientific.ptr - first));
  const std::size_t e = text.find('e');
  int exponent = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(),
                  exponent);
  // Go's 'g' with the shortest precision switches to an exponent below 1e-4 and from 1e6 (up).
  if (value != 0 && (exponent < -4 || exponent >= 6)) {
    out.append(text);
    return;
  }
  const auto fixed = std::to_chars(first, last, value, std::chars_format::fixed);
  out.append(first, fixed.ptr);
}

void AppendCpuQuantity(std::string& out, std::int64_t millicores) {
  if (millicores % 1000 == 0) {
    AppendInt(out, millicores / 1000);
  } else {
    AppendInt(out, millicores);
    out.push_back('m');
  }
}

void AppendMemoryQuantity(std::string& out, std::int64_t bytes) {
  static constexpr std::string_view kSuffixes[] = {"Ki", "Mi", "Gi", "Ti"};
  if (bytes == 0 || bytes % 1024 != 0) {
    AppendInt(out, bytes);
    return;
  }
  int index = -1;
  while (index < 3 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++index;
  }
  AppendInt(out, bytes);
  out += kSuffixes[index];
}

void AppendLabelValue(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace costledger::simulator
