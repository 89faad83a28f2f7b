#include "costledger/common/log_target.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "percent_decoding.hpp"

namespace costledger::common {
namespace {

constexpr std::array<std::string_view, 10> kSecretWords{
    "token", "password",   "passwd",    "secret",  "key",
    "auth",  "credential", "signature", "session", "cookie"};

bool IsSecretName(std::string_view name) {
  // The name as a server reads it ('+' a space), in any case.
  std::string decoded = PercentDecoded(name, /*plus_is_space=*/true);
  std::transform(decoded.begin(), decoded.end(), decoded.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return std::any_of(kSecretWords.begin(), kSecretWords.end(), [&](std::string_view word) {
    return decoded.find(word) != std::string::npos;
  });
}

std::string Masked(std::string_view target) {
  const std::size_t query = target.find('?');
  if (query == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, query + 1));
  for (std::size_t begin = query + 1; begin <= target.size();) {
    const std::size_t end = std::min(target.find('&', begin), target.size());
    const std::string_view pair = target.substr(begin, end - begin);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && IsSecretName(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append("***");
    } else {
      out.append(pair);
    }
    if (end < target.size()) out += '&';
    begin = end + 1;
  }
  return out;
}

}  // namespace

std::string LoggableTarget(std::string_view target) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : Masked(target)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '"') {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0x0fU];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace costledger::common
