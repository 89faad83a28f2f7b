#include "redacted_url.hpp"

namespace costledger::delivery {

std::string RedactedUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "(not a URL)";
  const std::size_t authority_start = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string out(url.substr(0, authority_start));
  out += authority;
  const std::string_view rest = url.substr(authority_end);
  if (!rest.empty() && rest != "/") out += "/\xE2\x80\xA6";
  return out;
}

}  // namespace costledger::delivery
