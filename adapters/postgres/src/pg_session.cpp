#include "pg_session.hpp"

#include <algorithm>

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

std::string DisplayUrl(const std::string& url) {
  std::string out = url;
  if (IsUri(out)) {
    const std::size_t authority = out.find("://") + 3;
    const std::size_t at = out.find('@', authority);
    const std::size_t slash = out.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const std::size_t colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const std::size_t begin = pos + 9;
    std::size_t end = begin;
    if (end < out.size() && out[end] == '\'') {
      for (++end; end < out.size() && out[end] != '\''; ++end) {
        if (out[end] == '\\') ++end;
      }
      end = std::min(end + 1, out.size());
    } else {
      end = out.find_first_of("& ", begin);
      if (end == std::string::npos) end = out.size();
    }
    out.replace(begin, end - begin, "***");
  }
  return out;
}

std::string Trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace costledger::postgres
