#include "smtp_trace.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace costledger::delivery {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return out;
}

}  // namespace

std::string MaskSmtpCommand(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const std::size_t space = line.find(' ');
  const std::string verb = Upper(line.substr(0, space));
  static constexpr std::array<std::string_view, 12> kSafe = {"EHLO",     "HELO", "MAIL", "RCPT",
                                                             "DATA",     "QUIT", "RSET", "NOOP",
                                                             "STARTTLS", "VRFY", "EXPN", "HELP"};
  if (std::find(kSafe.begin(), kSafe.end(), verb) != kSafe.end()) return std::string(line);
  if (verb == "AUTH") {
    if (space == std::string_view::npos) return "AUTH";
    const std::string_view rest = line.substr(space + 1);
    const std::size_t mechanism_end = rest.find(' ');
    if (mechanism_end == std::string_view::npos) return "AUTH " + std::string(rest);
    return "AUTH " + std::string(rest.substr(0, mechanism_end)) + " ***";
  }
  return "***";
}

}  // namespace costledger::delivery
