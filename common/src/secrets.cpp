#include "costledger/common/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <utility>
#include <vector>

#include "percent_decoding.hpp"

namespace costledger::common {
namespace {

// A secret's bytes in the text, [begin, end).
using Span = std::pair<std::size_t, std::size_t>;

constexpr std::string_view kMask = "***";

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// `password`, `sslpassword`, ... in any case: masking a key that is not a secret costs nothing.
bool IsSecretKey(std::string_view key) {
  constexpr std::string_view kSuffix = "password";
  if (key.size() < kSuffix.size()) return false;
  const std::string_view tail = key.substr(key.size() - kSuffix.size());
  return std::equal(tail.begin(), tail.end(), kSuffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

// The length of a URI scheme and its "://" at the start of `text` (RFC 3986 scheme
// characters), or 0 when `text` is not a URI.
std::size_t SchemeLength(std::string_view text) {
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return 0;
  if (std::isalpha(static_cast<unsigned char>(text[0])) == 0) return 0;
  const bool valid =
      std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
      });
  return valid ? colon + 3 : 0;
}

std::vector<Span> UriSecrets(std::string_view text, std::size_t authority) {
  std::vector<Span> spans;
  const std::size_t query = std::min(text.find('?', authority), text.size());
  // The last '@' before the query: a password holding a raw '@' (invalid, but seen) is then
  // masked whole rather than half shown as a host name.
  const std::size_t at = text.substr(0, query).rfind('@');
  if (at != std::string_view::npos && at >= authority) {
    const std::size_t colon = text.find(':', authority);
    if (colon < at) spans.emplace_back(colon + 1, at);
  }
  if (query == text.size()) return spans;
  for (std::size_t begin = query + 1; begin <= text.size();) {
    const std::size_t end = std::min(text.find('&', begin), text.size());
    const std::size_t eq = text.find('=', begin);
    // libpq decodes %XX in URI parameter names, so `pass%77ord` names the password too.
    if (eq < end &&
        IsSecretKey(PercentDecoded(text.substr(begin, eq - begin), /*plus_is_space=*/false))) {
      spans.emplace_back(eq + 1, end);
    }
    begin = end + 1;
  }
  return spans;
}

// Keyword/value pairs as libpq reads them: `key = value`, the value single-quoted or running
// to the next white space, backslash escaping the next character in either.
std::vector<Span> KeywordSecrets(std::string_view text) {
  std::vector<Span> spans;
  const std::size_t n = text.size();
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < n && IsSpace(text[i])) ++i;
  };
  while (true) {
    skip_spaces();
    if (i >= n) break;
    const std::size_t key_begin = i;
    while (i < n && !IsSpace(text[i]) && text[i] != '=') ++i;
    const std::string_view key = text.substr(key_begin, i - key_begin);
    skip_spaces();
    if (i >= n || text[i] != '=') continue;  // not a pair: read on from the next word
    ++i;
    skip_spaces();
    const std::size_t value_begin = i;
    if (i < n && text[i] == '\'') {
      for (++i; i < n && text[i] != '\''; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;  // the closing quote
    } else {
      for (; i < n && !IsSpace(text[i]); ++i) {
        if (text[i] == '\\') ++i;
      }
    }
    i = std::min(i, n);
    if (IsSecretKey(key)) spans.emplace_back(value_begin, i);
  }
  return spans;
}

std::vector<Span> Secrets(std::string_view text) {
  const std::size_t authority = SchemeLength(text);
  return authority > 0 ? UriSecrets(text, authority) : KeywordSecrets(text);
}

}  // namespace

std::string MaskConnectionSecrets(std::string_view connection) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& [begin, end] : Secrets(connection)) {  // in order, never overlapping
    out.append(connection.substr(copied, begin - copied)).append(kMask);
    copied = end;
  }
  out.append(connection.substr(copied));
  return out;
}

bool HasConnectionSecret(std::string_view connection) { return !Secrets(connection).empty(); }

}  // namespace costledger::common
