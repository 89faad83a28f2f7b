#include "costledger/model/archived_report.hpp"

#include <fmt/core.h>

namespace costledger::model {

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string ReportPath(IsoWeek week, std::string_view team, std::string_view format) {
  return fmt::format("/v1/reports/{}/{}.{}", ToString(week), PercentEncode(team), format);
}

}  // namespace costledger::model
