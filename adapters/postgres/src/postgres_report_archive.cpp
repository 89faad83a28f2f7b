#include "costledger/postgres/postgres_report_archive.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <utility>

#include "costledger/model/errors.hpp"
#include "pg_session_pool.hpp"
#include "pg_time.hpp"

namespace costledger::postgres {
namespace {

// ---- SQL ----------------------------------------------------------------------------------

// $4 is the body (bytea, sent in binary); its hash is taken from the bytes as stored.
constexpr std::string_view kUpsertDocument = R"(
INSERT INTO report_archive
  (team, week, format, body, content_sha256, total_cost_nanos, time_zone, built_at)
VALUES ($1, $2, $3, $4::bytea, encode(sha256($4::bytea), 'hex'), $5::bigint, $6,
        to_timestamp($7::bigint))
ON CONFLICT (team, week, format) DO UPDATE SET
  body = EXCLUDED.body, content_sha256 = EXCLUDED.content_sha256,
  total_cost_nanos = EXCLUDED.total_cost_nanos, time_zone = EXCLUDED.time_zone,
  built_at = EXCLUDED.built_at)";

// After the upserts, so that of two concurrent saves of one team-week the later one's set is
// what remains (its upserts waited for the earlier transaction's rows).
constexpr std::string_view kDeleteOtherFormats = R"(
DELETE FROM report_archive WHERE team = $1 AND week = $2 AND NOT (format = ANY($3::text[])))";

// '' stands for "any" ($1 team, $2 week): an archived team or week is never empty.
constexpr std::string_view kList = R"(
SELECT team, week, min(time_zone), string_agg(format, ',' ORDER BY format),
  min(total_cost_nanos), extract(epoch FROM max(built_at))::bigint
FROM report_archive
WHERE ($1::text = '' OR team = $1) AND ($2::text = '' OR week = $2)
GROUP BY team, week
ORDER BY week DESC, team)";

constexpr std::string_view kGet = R"(
SELECT body, content_sha256, extract(epoch FROM built_at)::bigint
FROM report_archive WHERE team = $1 AND week = $2 AND format = $3)";

// ---- checks -------------------------------------------------------------------------------

std::string_view ContentTypeOf(std::string_view format) {
  const std::optional<std::string_view> type = model::ReportContentType(format);
  if (!type) {
    throw InvalidInput(
        fmt::format("report format '{}' is not archived (html, csv, json or txt)", format));
  }
  return *type;
}

// "2026-W48"; throws InvalidInput for a week that does not exist (week 0, W53 of a short year).
std::string WeekText(model::IsoWeek week) { return ToString(model::ParseIsoWeek(ToString(week))); }

std::vector<std::string> SplitFormats(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin <= joined.size()) {
    const std::size_t comma = std::min(joined.find(',', begin), joined.size());
    out.push_back(joined.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return out;
}

}  // namespace

struct PostgresReportArchive::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout) {}
  PgSessionPool pool;
};

PostgresReportArchive::PostgresReportArchive(std::string url, std::string password,
                                             std::size_t max_connections,
                                             std::chrono::milliseconds acquire_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout)) {}

PostgresReportArchive::~PostgresReportArchive() = default;

void PostgresReportArchive::Save(const model::ArchivedReport& report) {
  if (report.team.empty()) throw InvalidInput("archived report: the team is empty");
  if (report.documents.empty()) {
    throw InvalidInput(fmt::format("archived report of {}: no document", report.team));
  }
  const std::string week = WeekText(report.week);
  // In format order, so that concurrent saves lock the rows in the same order.
  std::vector<const model::ReportDocument*> documents;
  for (const model::ReportDocument& d : report.documents) {
    ContentTypeOf(d.format);
    documents.push_back(&d);
  }
  std::sort(documents.begin(), documents.end(),
            [](const auto* a, const auto* b) { return a->format < b->format; });
  // Formats come from a fixed set of plain words: the array literal needs no quoting.
  std::string formats = "{";
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0 && documents[i]->format == documents[i - 1]->format) {
      throw InvalidInput(fmt::format("archived report of {} {}: format {} given twice", report.team,
                                     week, documents[i]->format));
    }
    if (i > 0) formats += ',';
    formats += documents[i]->format;
  }
  formats += '}';
  impl_->pool.Run("save report", [&](pqxx::connection& c) {
    pqxx::work tx(c, "save_report");
    for (const model::ReportDocument* d : documents) {
      tx.exec_params(std::string(kUpsertDocument), report.team, week, d->format,
                     pqxx::binarystring(d->body.data(), d->body.size()), report.total_cost.nanos(),
                     report.time_zone, EpochSeconds(report.built_at));
    }
    tx.exec_params(std::string(kDeleteOtherFormats), report.team, week, formats);
    tx.commit();
  });
}

std::vector<model::ArchivedReportSummary> PostgresReportArchive::List(
    const std::optional<std::string>& team, const std::optional<model::IsoWeek>& week) {
  const std::string team_filter = team.value_or("");
  const std::string week_filter = week ? WeekText(*week) : "";
  return impl_->pool.Run("list reports", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "list_reports");
    std::vector<model::ArchivedReportSummary> out;
    for (const pqxx::row& r : tx.exec_params(std::string(kList), team_filter, week_filter)) {
      model::ArchivedReportSummary s;
      s.team = r[0].as<std::string>();
      s.week = model::ParseIsoWeek(r[1].as<std::string>());
      s.time_zone = r[2].as<std::string>();
      s.formats = SplitFormats(r[3].as<std::string>());
      s.total_cost = model::Money::FromNanos(r[4].as<std::int64_t>());
      s.built_at = FromEpochSeconds(r[5].as<std::int64_t>());
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::optional<model::ArchivedDocument> PostgresReportArchive::Get(const std::string& team,
                                                                  model::IsoWeek week,
                                                                  std::string_view format) {
  const std::string_view content_type = ContentTypeOf(format);
  const std::string week_text = WeekText(week);
  return impl_->pool.Run(
      "read report", [&](pqxx::connection& c) -> std::optional<model::ArchivedDocument> {
        pqxx::read_transaction tx(c, "read_report");
        const pqxx::result r =
            tx.exec_params(std::string(kGet), team, week_text, std::string(format));
        if (r.empty()) return std::nullopt;
        model::ArchivedDocument d;
        d.body = pqxx::binarystring(r[0][0]).str();
        d.content_type = std::string(content_type);
        d.content_sha256 = r[0][1].as<std::string>();
        d.built_at = FromEpochSeconds(r[0][2].as<std::int64_t>());
        return d;
      });
}

}  // namespace costledger::postgres
