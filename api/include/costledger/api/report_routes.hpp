#pragma once

#include <string>
#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/ports/report_archive.hpp"

namespace costledger::api {

/// Where archived weekly reports are listed; each one is served below it.
inline constexpr std::string_view kReportsPath = "/v1/reports";

/// The Content-Security-Policy an archived HTML report is served with: its text comes from
/// cluster-controlled names (teams, namespaces, workloads), so nothing in it may run or load.
inline constexpr std::string_view kReportHtmlPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Whether `path` is /v1/reports or below it.
bool IsReportsPath(std::string_view path);

/// GET /v1/reports?team=&week=: the archived team-weeks, newest week first, then by team,
/// only those `who` may see: {"code":200,"data":[{"team","week","timeZone","formats":[...],
/// "totalCost" (dollars),"totalCostNanos","builtAt" (RFC 3339),"links":{"<format>":"<path>"}}]}.
/// `team` and `week` (ISO, "2026-W48") filter; empty means absent. 403 when `team` names a team
/// outside the scope of `who`. Throws InvalidInput (400) for an unknown parameter or a week not
/// of that form, and what `archive` throws. Thread-safe when `archive` is.
http::HttpResponse ListReports(ports::ReportArchive& archive, const http::HttpRequest& request,
                               const Principal& who);

/// GET /v1/reports/{week}/{team}.{format}: the archived body with its content type, a strong
/// ETag (the body's SHA-256), `Cache-Control: private, no-cache`, `X-Content-Type-Options:
/// nosniff` and a Content-Disposition (`attachment` for csv, else `inline`, with a filename
/// such as costledger-alpha-2026-W48.csv); HTML also gets kReportHtmlPolicy. 304 without a
/// body when If-None-Match names the ETag (or is "*"). The path segments are percent-decoded
/// one by one (from the raw target), so a team may hold any byte, '/' and '.' included; the
/// format is what follows the last '.'. Query parameters are ignored. 403 when the team is
/// outside the scope of `who` (before the archive is read); 404 naming the team and week when
/// nothing of that team-week is archived, or naming the format and listing those archived
/// ("formats", "links") when only the format is missing. Throws InvalidInput (400) for a path
/// not of that form, a week that is not an ISO week, an empty team or a format other than
/// html, csv, json or txt, and what `archive` throws. Thread-safe when `archive` is.
http::HttpResponse ServeReport(ports::ReportArchive& archive, const http::HttpRequest& request,
                               const Principal& who);

}  // namespace costledger::api
