#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/iso_week.hpp"
#include "costledger/model/money.hpp"

namespace costledger::model {

/// The MIME type a report format is archived and served with; nullopt for a format that is not
/// archived. The formats: "html", "csv", "json", "txt".
constexpr std::optional<std::string_view> ReportContentType(std::string_view format) {
  if (format == "html") return "text/html; charset=utf-8";
  if (format == "csv") return "text/csv; charset=utf-8";
  if (format == "json") return "application/json";
  if (format == "txt") return "text/plain; charset=utf-8";
  return std::nullopt;
}

/// `text` percent-encoded for one URL path segment or query value: every byte but the
/// unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX. Pure.
std::string PercentEncode(std::string_view text);

/// Where the API serves a report: "/v1/reports/2026-W48/alpha.html" (the team percent-encoded).
std::string ReportPath(IsoWeek week, std::string_view team, std::string_view format);

/// One rendering of a weekly report.
struct ReportDocument {
  std::string format;  ///< one that ReportContentType knows
  std::string body;    ///< the bytes as served (UTF-8 for the text formats; any byte is kept)
};

/// A built weekly report of one team and ISO week, in every format it was rendered in. Archived
/// as a whole: saving it again replaces every format of the team-week.
struct ArchivedReport {
  std::string team;
  IsoWeek week;
  std::string time_zone;  ///< IANA name the week was cut in, e.g. "Europe/Berlin"
  Money total_cost;       ///< the week's total, as the report states it
  std::chrono::sys_seconds built_at;
  std::vector<ReportDocument> documents;  ///< at least one; formats distinct
};

/// One archived team-week, as GET /v1/reports lists it.
struct ArchivedReportSummary {
  std::string team;
  IsoWeek week;
  std::string time_zone;
  std::vector<std::string> formats;  ///< ascending
  Money total_cost;
  std::chrono::sys_seconds built_at;
  friend bool operator==(const ArchivedReportSummary&, const ArchivedReportSummary&) = default;
};

/// One archived rendering, as GET /v1/reports/{week}/{team}.{format} serves it.
struct ArchivedDocument {
  std::string body;
  std::string content_type;    ///< ReportContentType of its format
  std::string content_sha256;  ///< lowercase hex SHA-256 of `body` (an ETag)
  std::chrono::sys_seconds built_at;
};

}  // namespace costledger::model
