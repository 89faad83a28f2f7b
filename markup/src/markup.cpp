#include "costledger/markup/markup.hpp"

#include <fmt/core.h>

#include <cmath>

namespace costledger::markup {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeBreakable(std::string_view text, std::size_t max_run) {
  std::string out;
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool continuation = (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
    if (run >= max_run && !continuation) {
      out += "<wbr>";
      run = 0;
    }
    out += Escape(std::string_view(&text[i], 1));
    ++run;
    if (c == ' ' || c == '-') {
      run = 0;
    } else if (c == ':' || c == '/' || c == '_' || c == '.' || c == '=') {
      if (i + 1 < text.size()) out += "<wbr>";
      run = 0;
    }
  }
  return out;
}

std::string CompactDollars(double dollars) {
  const double a = std::abs(dollars);
  const char* sign = dollars < 0 ? "-" : "";
  auto trimmed = [](double value) {
    std::string text = fmt::format("{:.1f}", value);
    if (text.size() > 2 && text.substr(text.size() - 2) == ".0") text.resize(text.size() - 2);
    return text;
  };
  if (a == 0) return "$0";
  if (a < 10) return fmt::format("{}${:.2f}", sign, a);
  if (a < 1000) return fmt::format("{}${:.0f}", sign, a);
  if (a < 10'000) return fmt::format("{}${}k", sign, trimmed(a / 1000));
  if (a < 1'000'000) return fmt::format("{}${:.0f}k", sign, a / 1000);
  return fmt::format("{}${}M", sign, trimmed(a / 1'000'000));
}

}  // namespace costledger::markup
