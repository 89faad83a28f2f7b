#include "pg_session.hpp"

namespace costledger::postgres {
namespace {

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

bool IsUri(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

std::string ConnectionString(const std::string& url, const std::string& password) {
  std::string out = url;
  const bool uri = IsUri(url);
  const auto add = [&](std::string_view key, std::string_view value) {
    if (uri) {
      out += out.find('?') == std::string::npos ? '?' : '&';
      out += fmt::format("{}={}", key, PercentEncode(value));
    } else {
      std::string quoted;
      for (const char c : value) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
      }
      out += fmt::format(" {}='{}'", key, quoted);
    }
  };
  if (!password.empty()) add("password", password);
  if (url.find("connect_timeout") == std::string::npos) add("connect_timeout", "10");
  return out;
}

std::string Trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace costledger::postgres
