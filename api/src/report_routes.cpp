#include "costledger/api/report_routes.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/archived_report.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/mime_encoding.hpp"
#include "costledger/model/timestamp.hpp"
#include "query_params.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;

constexpr std::string_view kFormats = "html, csv, json or txt";
constexpr std::string_view kPathForm =
    "/v1/reports/{week}/{team}.{format}, e.g. /v1/reports/2026-W48/alpha.html";

// What a report path names.
struct ReportTarget {
  model::IsoWeek week;
  std::string team;
  std::string format;
};

template <typename Json>
http::HttpResponse JsonResponse(const Json& body, int status = 200) {
  http::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

// RFC 3986's unreserved characters (ASCII, whatever the locale).
bool Unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string Join(const auto& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

model::IsoWeek ParseWeek(const std::string& text, std::string_view what) {
  try {
    return model::ParseIsoWeek(text);
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format(
        "{} must be an ISO week of the form YYYY-Www such as 2026-W48: {}", what, e.what()));
  }
}

// Only a scope of all teams sees every team; say which teams this token has.
http::HttpResponse OutOfScope(const Principal& who, std::string_view team) {
  return http::JsonError(
      403, fmt::format("token '{}' may only see the reports of team(s) {}, not of team '{}'",
                       who.name, Join(who.scope.teams), team));
}

// The raw path of a target (origin or absolute form), still percent-encoded.
std::string_view RawPath(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.starts_with(scheme)) {
      const std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  return target.substr(0, target.find_first_of("?#"));
}

// One path segment decoded by the server's own decoder, alone: "%2F" stays inside it.
std::string DecodeSegment(std::string_view segment) {
  return http::ParseTarget(fmt::format("/{}", segment)).path.substr(1);
}

ReportTarget ParseReportTarget(std::string_view target) {
  const std::string_view raw = RawPath(target);
  std::vector<std::string> segments;
  std::size_t begin = 1;  // after the leading '/'
  while (begin <= raw.size()) {
    const std::size_t slash = std::min(raw.find('/', begin), raw.size());
    segments.push_back(DecodeSegment(raw.substr(begin, slash - begin)));
    begin = slash + 1;
  }
  if (segments.size() != 4 || segments[0] != "v1" || segments[1] != "reports") {
    throw InvalidInput(fmt::format("malformed report path '{}'; expected {}", raw, kPathForm));
  }
  const std::string& file = segments[3];
  const std::size_t dot = file.rfind('.');
  if (dot == std::string::npos) {
    throw InvalidInput(
        fmt::format("report path '{}' names no format: it must end in .{}; "
                    "expected {}",
                    raw, kFormats, kPathForm));
  }
  ReportTarget t;
  t.week = ParseWeek(segments[2], "the week in the path");
  t.team = file.substr(0, dot);
  t.format = file.substr(dot + 1);
  if (t.team.empty()) {
    throw InvalidInput(fmt::format("report path '{}' names no team; expected {}", raw, kPathForm));
  }
  if (!model::ReportContentType(t.format)) {
    throw InvalidInput(
        fmt::format("reports are not served as '{}'; formats: {}", t.format, kFormats));
  }
  return t;
}

json Links(model::IsoWeek week, std::string_view team, const std::vector<std::string>& formats) {
  json links = json::object();
  for (const std::string& f : formats) links[f] = model::ReportPath(week, team, f);
  return links;
}

// 404 for a report that is not archived: the team-week, or only the format.
http::HttpResponse Missing(ports::ReportArchive& archive, const ReportTarget& t) {
  const std::string week = model::ToString(t.week);
  const auto found = archive.List(t.team, t.week);
  if (found.empty()) {
    return http::JsonError(404,
                           fmt::format("no report of team '{}' is archived for week {}; "
                                       "GET /v1/reports?team={} lists the weeks archived for it",
                                       t.team, week, model::PercentEncode(t.team)));
  }
  const std::vector<std::string>& formats = found.front().formats;
  // Ordered, so that the body starts {"code":..,"message":.. as every error's does.
  return JsonResponse(
      nlohmann::ordered_json{
          {"code", 404},
          {"message", fmt::format("the report of team '{}' for week {} is not archived as "
                                  "{}; formats archived: {}",
                                  t.team, week, t.format, Join(formats))},
          {"formats", formats},
          {"links", Links(t.week, t.team, formats)}},
      404);
}

// RFC 9110 13.1.2: "*" or a list of entity tags, compared weakly (a W/ prefix is ignored).
bool NoneMatchNames(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// "attachment" for csv (a spreadsheet's file), "inline" otherwise; the filename in ASCII, and
// exactly in UTF-8 (RFC 6266's filename*) when the team needs more than ASCII letters.
std::string Disposition(const ReportTarget& t) {
  const std::string name =
      fmt::format("costledger-{}-{}.{}", t.team, model::ToString(t.week), t.format);
  std::string ascii = name;
  for (char& c : ascii) {
    if (!Unreserved(c) || c == '~') c = '_';
  }
  std::string value =
      fmt::format("{}; filename=\"{}\"", t.format == "csv" ? "attachment" : "inline", ascii);
  if (ascii != name) value += "; filename*=" + model::EncodeExtendedParameter(name);
  return value;
}

}  // namespace

bool IsReportsPath(std::string_view path) {
  return path == kReportsPath ||
         (path.starts_with(kReportsPath) && path.size() > kReportsPath.size() &&
          path[kReportsPath.size()] == '/');
}

http::HttpResponse ListReports(ports::ReportArchive& archive, const http::HttpRequest& request,
                               const Principal& who) {
  RejectUnknown(request, {"team", "week"});
  std::optional<std::string> team = request.Query("team");
  if (team && team->empty()) team.reset();
  std::optional<model::IsoWeek> week;
  if (const auto w = request.Query("week"); w && !w->empty()) {
    week = ParseWeek(*w, "parameter 'week'");
  }
  if (team && !who.SeesTeam(*team)) return OutOfScope(who, *team);
  json data = json::array();
  for (const model::ArchivedReportSummary& s : archive.List(team, week)) {
    if (!who.SeesTeam(s.team)) continue;
    data.push_back({{"team", s.team},
                    {"week", model::ToString(s.week)},
                    {"timeZone", s.time_zone},
                    {"formats", s.formats},
                    {"totalCost", s.total_cost.Dollars()},
                    {"totalCostNanos", s.total_cost.nanos()},
                    {"builtAt", model::FormatTimestamp(s.built_at)},
                    {"links", Links(s.week, s.team, s.formats)}});
  }
  return JsonResponse(json{{"code", 200}, {"data", std::move(data)}});
}

http::HttpResponse ServeReport(ports::ReportArchive& archive, const http::HttpRequest& request,
                               const Principal& who) {
  const ReportTarget t = ParseReportTarget(request.target);
  if (!who.SeesTeam(t.team)) return OutOfScope(who, t.team);
  std::optional<model::ArchivedDocument> doc = archive.Get(t.team, t.week, t.format);
  if (!doc) return Missing(archive, t);

  const std::string etag = fmt::format("\"{}\"", doc->content_sha256);
  http::HttpResponse r;
  r.headers = {{"ETag", etag}, {"Cache-Control", "private, no-cache"}};
  if (NoneMatchNames(request.Header("if-none-match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::move(doc->content_type);
  r.body = std::move(doc->body);
  r.headers.emplace_back("Content-Disposition", Disposition(t));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (t.format == "html") r.headers.emplace_back("Content-Security-Policy", kReportHtmlPolicy);
  return r;
}

}  // namespace costledger::api
