// The archived report routes of the API (GET /v1/reports, GET /v1/reports/{week}/{team}.{format})
// through a fake ReportArchive (no database, no socket): listing and filters, team scopes,
// conditional requests, the headers a report is served with, errors that say what is wrong,
// and the worker pool they run on.
#include "costledger/api/report_routes.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_status.hpp"
#include "costledger/model/errors.hpp"
#include "no_cost_reads.hpp"

namespace costledger::api {
namespace {

using model::ArchivedReport;
using model::IsoWeek;
using model::Money;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::_;
using ::testing::ElementsAre;
using testing::ExpectJsonError;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const sys_seconds kNow{seconds{1'796'018'400}};  // 2026-11-30T06:00:00Z, after 2026-W48
const IsoWeek kW47{2026, 47};
const IsoWeek kW48{2026, 48};

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kAlpha = "alpha-token-0123456789";
constexpr const char* kHook = "hook-token-0123456789";

// The archive's contract over a map: List newest week first, then by team; formats ascending.
class FakeArchive final : public ports::ReportArchive {
 public:
  void Save(const ArchivedReport& report) override {
    reports_[{report.week, report.team}] = report;
  }

  std::vector<model::ArchivedReportSummary> List(const std::optional<std::string>& team,
                                                 const std::optional<IsoWeek>& week) override {
    ++lists;
    BeforeRead();
    std::vector<model::ArchivedReportSummary> out;
    for (const auto& [key, r] : reports_) {
      if ((team && r.team != *team) || (week && r.week != *week)) continue;
      model::ArchivedReportSummary s{r.team, r.week, r.time_zone, {}, r.total_cost, r.built_at};
      for (const model::ReportDocument& d : r.documents) s.formats.push_back(d.format);
      std::sort(s.formats.begin(), s.formats.end());
      out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.week != b.week ? a.week > b.week : a.team < b.team;
    });
    return out;
  }

  std::optional<model::ArchivedDocument> Get(const std::string& team, IsoWeek week,
                                             std::string_view format) override {
    ++gets;
    BeforeRead();
    if (!model::ReportContentType(format)) throw InvalidInput("never archived");
    const auto it = reports_.find({week, team});
    if (it == reports_.end()) return std::nullopt;
    for (const model::ReportDocument& d : it->second.documents) {
      if (d.format == format) {
        return model::ArchivedDocument{d.body, std::string(*model::ReportContentType(format)),
                                       Sha256Hex(d.body), it->second.built_at};
      }
    }
    return std::nullopt;
  }

  std::atomic<int> lists{0};
  std::atomic<int> gets{0};
  std::function<void()> before_read;  // called by every read when set (may throw or wait)

 private:
  void BeforeRead() const {
    if (before_read) before_read();
  }
  std::map<std::pair<IsoWeek, std::string>, ArchivedReport> reports_;
};

// A team-week with a body per format that names it: "<format> of <team> <week>".
ArchivedReport Report(const std::string& team, IsoWeek week, std::int64_t total_nanos,
                      const std::vector<std::string>& formats) {
  ArchivedReport r;
  r.team = team;
  r.week = week;
  r.time_zone = "Europe/Berlin";
  r.total_cost = Money::FromNanos(total_nanos);
  r.built_at = kNow;
  for (const std::string& f : formats) {
    r.documents.push_back({f, fmt::format("{} of {} {}", f, team, ToString(week))});
  }
  return r;
}

http::HttpRequest Request(const std::string& target, const char* token = kAdmin) {
  return testing::ApiRequest(target, token);
}

std::optional<std::string> HeaderOf(const http::HttpResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// The "team week" of each entry a listing returns, in order.
std::vector<std::string> Listed(const http::HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const nlohmann::json body = nlohmann::json::parse(r.body);
  std::vector<std::string> out;
  for (const auto& e : body.at("data")) {
    out.push_back(e.at("team").get<std::string>() + " " + e.at("week").get<std::string>());
  }
  return out;
}

class ReportRoutesTest : public ::testing::Test {
 protected:
  ReportRoutesTest() {
    archive_.Save(Report("alpha", kW48, 1'234'567'891, {"html", "csv", "json"}));
    archive_.Save(Report("beta", kW48, 5'000'000'000, {"html"}));
    archive_.Save(Report("alpha", kW47, 7, {"html", "csv"}));
    Build(&archive_);
  }

  // The API with tokens (admin: all teams; alpha-lead: viewer of team alpha; hook: admission).
  void Build(ports::ReportArchive* archive, seconds cache_ttl = seconds(0)) {
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(fmt::format(
        R"([{{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"alpha-lead","sha256":"{}","role":"viewer","teams":["alpha"]}},
            {{"name":"webhook","sha256":"{}","role":"admission","teams":["*"]}}])",
        Sha256Hex(kAdmin), Sha256Hex(kAlpha), Sha256Hex(kHook)));
    settings.cache_ttl = cache_ttl;
    api_ = std::make_unique<CostApi>(CostReaders{costs_, costs_, costs_, costs_, archive}, nullptr,
                                     std::move(settings), [] { return kNow; });
  }

  // Decide and Answer on this thread, errors mapped as the server maps them.
  http::HttpResponse Handle(const http::HttpRequest& request) {
    try {
      return api_->Handle(request);
    } catch (...) {
      return http::ErrorResponse(std::current_exception());
    }
  }
  http::HttpResponse Handle(const std::string& target, const char* token = kAdmin) {
    return Handle(Request(target, token));
  }

  testing::NoCostReads costs_;
  FakeArchive archive_;
  std::unique_ptr<CostApi> api_;
};

// --- GET /v1/reports ---

TEST_F(ReportRoutesTest, ListsEveryTeamWeekNewestFirstWithExactTotalsAndLinks) {
  const http::HttpResponse r = Handle("/v1/reports");
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_THAT(Listed(r), ElementsAre("alpha 2026-W48", "beta 2026-W48", "alpha 2026-W47"));
  const nlohmann::json body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.at("code"), 200);
  EXPECT_EQ(body.at("data").at(0), nlohmann::json::parse(R"({
    "team": "alpha", "week": "2026-W48", "timeZone": "Europe/Berlin",
    "formats": ["csv", "html", "json"],
    "totalCost": 1.234567891, "totalCostNanos": 1234567891,
    "builtAt": "2026-11-30T06:00:00Z",
    "links": {"csv": "/v1/reports/2026-W48/alpha.csv",
              "html": "/v1/reports/2026-W48/alpha.html",
              "json": "/v1/reports/2026-W48/alpha.json"}})"));
}

TEST_F(ReportRoutesTest, TeamAndWeekFilterAndEmptyValuesMeanAll) {
  EXPECT_THAT(Listed(Handle("/v1/reports?team=alpha")),
              ElementsAre("alpha 2026-W48", "alpha 2026-W47"));
  EXPECT_THAT(Listed(Handle("/v1/reports?week=2026-W48")),
              ElementsAre("alpha 2026-W48", "beta 2026-W48"));
  EXPECT_THAT(Listed(Handle("/v1/reports?team=alpha&week=2026-W47")),
              ElementsAre("alpha 2026-W47"));
  EXPECT_THAT(Listed(Handle("/v1/reports?team=&week=")), ElementsAre(_, _, _));
  EXPECT_THAT(Listed(Handle("/v1/reports?team=gamma")), IsEmpty());
  EXPECT_THAT(Listed(Handle("/v1/reports?week=2025-W01")), IsEmpty());
}

TEST_F(ReportRoutesTest, ABadWeekOrUnknownParameterIs400NamingIt) {
  const http::HttpResponse form = Handle("/v1/reports?week=2026-48");
  ExpectJsonError(form, 400, "parameter 'week' must be an ISO week");
  EXPECT_THAT(form.body, HasSubstr("2026-W48"));
  EXPECT_THAT(form.body, HasSubstr("'2026-48'"));
  ExpectJsonError(Handle("/v1/reports?week=2026-W54"), 400, "week '2026-W54' does not exist");
  ExpectJsonError(Handle("/v1/reports?colour=blue"), 400,
                  "unknown parameter 'colour'; allowed: team, week");
  EXPECT_EQ(archive_.lists, 0);
}

TEST_F(ReportRoutesTest, ATeamTokenListsOnlyItsTeamsAndIsRefusedAnotherByName) {
  EXPECT_THAT(Listed(Handle("/v1/reports", kAlpha)),
              ElementsAre("alpha 2026-W48", "alpha 2026-W47"));
  EXPECT_THAT(Listed(Handle("/v1/reports?week=2026-W48", kAlpha)), ElementsAre("alpha 2026-W48"));
  const int lists = archive_.lists;
  ExpectJsonError(Handle("/v1/reports?team=beta", kAlpha), 403,
                  "token 'alpha-lead' may only see the reports of team(s) alpha, not of team "
                  "'beta'");
  EXPECT_EQ(archive_.lists, lists);
  ExpectJsonError(Handle("/v1/reports", nullptr), 401, "Authorization: Bearer");
  ExpectJsonError(Handle("/v1/reports", kHook), 403, "role admission");
}

// --- GET /v1/reports/{week}/{team}.{format} ---

TEST_F(ReportRoutesTest, ServesTheArchivedBodyWithItsTypeETagAndDisposition) {
  const http::HttpResponse html = Handle("/v1/reports/2026-W48/alpha.html");
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_EQ(html.body, "html of alpha 2026-W48");
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(html, "ETag"), fmt::format("\"{}\"", Sha256Hex(html.body)));
  EXPECT_EQ(HeaderOf(html, "Cache-Control"), "private, no-cache");
  EXPECT_EQ(HeaderOf(html, "Content-Disposition"),
            "inline; filename=\"costledger-alpha-2026-W48.html\"");
  EXPECT_EQ(HeaderOf(html, "X-Content-Type-Options"), "nosniff");
  // Built from cluster-controlled names: nothing in it may run or load.
  EXPECT_EQ(HeaderOf(html, "Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:");

  const http::HttpResponse csv = Handle("/v1/reports/2026-W48/alpha.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body, "csv of alpha 2026-W48");
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(HeaderOf(csv, "Content-Disposition"),
            "attachment; filename=\"costledger-alpha-2026-W48.csv\"");

  EXPECT_EQ(Handle("/v1/reports/2026-W47/alpha.html").body, "html of alpha 2026-W47");
  EXPECT_EQ(Handle("/v1/reports/2026-W48/alpha.json").content_type, "application/json");
  // Query parameters (a cache buster, a mail client's tracking) do not matter.
  EXPECT_EQ(Handle("/v1/reports/2026-W48/alpha.json?utm_source=mail").status, 200);
}

TEST_F(ReportRoutesTest, IfNoneMatchWithTheETagGets304WithoutABody) {
  const std::string target = "/v1/reports/2026-W48/alpha.html";
  const std::string sha = Sha256Hex("html of alpha 2026-W48");
  for (const std::string& condition : {fmt::format("\"{}\"", sha), fmt::format("W/\"{}\"", sha),
                                       fmt::format(R"("other", "{}")", sha), std::string("*")}) {
    http::HttpRequest request = Request(target);
    request.headers["if-none-match"] = condition;
    const http::HttpResponse r = Handle(request);
    EXPECT_EQ(r.status, 304) << condition;
    EXPECT_EQ(r.body, "") << condition;
    EXPECT_EQ(r.content_type, "") << condition;
    EXPECT_EQ(HeaderOf(r, "ETag"), fmt::format("\"{}\"", sha)) << condition;
  }
  http::HttpRequest stale = Request(target);
  stale.headers["if-none-match"] = "\"0123\"";
  EXPECT_EQ(Handle(stale).status, 200);

  // A rebuilt report has another tag, at once: nothing is cached in between.
  Build(&archive_, seconds(300));
  http::HttpRequest known = Request(target);
  known.headers["if-none-match"] = fmt::format("\"{}\"", sha);
  EXPECT_EQ(Handle(known).status, 304);
  ArchivedReport rebuilt = Report("alpha", kW48, 1, {"html"});
  rebuilt.documents[0].body = "rebuilt";
  archive_.Save(rebuilt);
  const http::HttpResponse fresh = Handle(known);
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.body, "rebuilt");
}

TEST_F(ReportRoutesTest, AMissingTeamWeekOrFormatIs404SayingWhatIsMissing) {
  const http::HttpResponse week = Handle("/v1/reports/2026-W47/beta.html");
  ExpectJsonError(week, 404, "no report of team 'beta' is archived for week 2026-W47");
  EXPECT_THAT(week.body, HasSubstr("/v1/reports?team=beta"));
  ExpectJsonError(Handle("/v1/reports/2026-W48/gamma.csv"), 404,
                  "no report of team 'gamma' is archived for week 2026-W48");

  const http::HttpResponse format = Handle("/v1/reports/2026-W48/alpha.txt");
  ExpectJsonError(format, 404,
                  "the report of team 'alpha' for week 2026-W48 is not archived as txt; formats "
                  "archived: csv, html, json");
  const nlohmann::json body = nlohmann::json::parse(format.body);
  EXPECT_EQ(body.at("formats"), nlohmann::json::parse(R"(["csv","html","json"])"));
  EXPECT_EQ(body.at("links").at("html"), "/v1/reports/2026-W48/alpha.html");
}

TEST_F(ReportRoutesTest, MalformedPathsAndFormatsAre400WithTheExpectedForm) {
  struct Case {
    const char* target;
    const char* message;
  };
  for (const Case& c : {
           Case{"/v1/reports/",
                "malformed report path '/v1/reports/'; expected "
                "/v1/reports/{week}/{team}.{format}"},
           Case{"/v1/reports/2026-W48", "malformed report path"},
           Case{"/v1/reports/2026-W48/alpha.html/x", "malformed report path"},
           Case{"/v1/reports/2026-W48/", "names no format: it must end in .html, csv"},
           Case{"/v1/reports/2026-W48/alpha",
                "report path '/v1/reports/2026-W48/alpha' names "
                "no format"},
           Case{"/v1/reports/2026-W48/.html", "names no team"},
           Case{"/v1/reports/2026-W48/alpha.pdf",
                "reports are not served as 'pdf'; formats: html, csv, json or txt"},
           Case{"/v1/reports/2026-W48/alpha.HTML", "not served as 'HTML'"},
           Case{"/v1/reports/48/alpha.html",
                "the week in the path must be an ISO week of the form YYYY-Www such as "
                "2026-W48: week '48'"},
           Case{"/v1/reports/2026-W00/alpha.html", "week '2026-W00' does not exist"},
       }) {
    ExpectJsonError(Handle(c.target), 400, c.message);
  }
  EXPECT_EQ(archive_.gets, 0);
  EXPECT_EQ(archive_.lists, 0);
}

TEST_F(ReportRoutesTest, TeamNamesArePercentDecodedOneSegmentAtATime) {
  // A team name may hold a space, '/', '.', '%' and UTF-8: each is encoded in the links and
  // decoded from the path segment alone, so "%2F" never splits the path.
  const std::string odd = "data science/ml.v2 100%";
  archive_.Save(Report(odd, kW48, 1, {"html", "csv"}));
  archive_.Save(Report("\xC3\xA9quipe", kW48, 1, {"csv"}));  // "équipe"

  const nlohmann::json listed =
      nlohmann::json::parse(Handle("/v1/reports?team=data%20science%2Fml.v2%20100%25").body);
  ASSERT_EQ(listed.at("data").size(), 1U) << listed.dump();
  const std::string link = listed.at("data").at(0).at("links").at("html");
  EXPECT_EQ(link, "/v1/reports/2026-W48/data%20science%2Fml.v2%20100%25.html");
  const http::HttpResponse html = Handle(link);
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_EQ(html.body, "html of " + odd + " 2026-W48");

  const http::HttpResponse csv = Handle("/v1/reports/2026-W48/%C3%A9quipe.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(HeaderOf(csv, "Content-Disposition"),
            "attachment; filename=\"costledger-__quipe-2026-W48.csv\"; "
            "filename*=UTF-8''costledger-%C3%A9quipe-2026-W48.csv");
  EXPECT_THAT(HeaderOf(html, "Content-Disposition").value_or(""),
              HasSubstr("filename=\"costledger-data_science_ml.v2_100_-2026-W48.html\"; "
                        "filename*=UTF-8''"));

  // Scoped by the decoded name.
  ExpectJsonError(Handle(link, kAlpha), 403, "not of team 'data science/ml.v2 100%'");
}

TEST_F(ReportRoutesTest, AScopedTokenIsRefusedAnotherTeamsReportBeforeTheArchiveIsRead) {
  EXPECT_EQ(Handle("/v1/reports/2026-W48/alpha.html", kAlpha).status, 200);
  const int gets = archive_.gets;
  const int lists = archive_.lists;
  // The same answer whether beta has that report or not: nothing about it leaks.
  for (const char* target : {"/v1/reports/2026-W48/beta.html", "/v1/reports/2026-W47/beta.csv"}) {
    ExpectJsonError(Handle(target, kAlpha), 403,
                    "token 'alpha-lead' may only see the reports of team(s) alpha, not of team "
                    "'beta'");
  }
  EXPECT_EQ(archive_.gets, gets);
  EXPECT_EQ(archive_.lists, lists);
  ExpectJsonError(Handle("/v1/reports/2026-W48/alpha.html", nullptr), 401, "Bearer");
}

// --- Wiring into CostApi ---

TEST_F(ReportRoutesTest, WithoutAnArchiveBothRoutesSayReportsAreNotEnabled) {
  Build(nullptr);
  for (const char* target : {"/v1/reports", "/v1/reports/2026-W48/alpha.html"}) {
    const CostApi::Decision d = api_->Decide(Request(target));
    ASSERT_TRUE(d.response.has_value()) << target;  // answered at once, no pool needed
    ExpectJsonError(*d.response, 404, "reports are not enabled in this process");
  }
  // Still behind the token check.
  ExpectJsonError(Handle("/v1/reports", nullptr), 401, "Bearer");
}

TEST_F(ReportRoutesTest, OnlyGetAndHeadAndRoutesNamedForMetrics) {
  const http::HttpResponse post = Handle(testing::ApiRequest("/v1/reports", kAdmin, "POST"));
  ExpectJsonError(post, 405, "/v1/reports supports GET only");
  EXPECT_EQ(Handle(testing::ApiRequest("/v1/reports/2026-W48/alpha.csv", kAdmin, "HEAD")).status,
            200);
  EXPECT_EQ(CostApi::RouteOf("/v1/reports"), "/v1/reports");
  EXPECT_EQ(CostApi::RouteOf("/v1/reports/2026-W48/alpha.html"),
            "/v1/reports/{week}/{team}.{format}");
  EXPECT_EQ(CostApi::RouteOf("/v1/reportsx"), "other");
  ExpectJsonError(Handle("/v1/reportsx"), 404, "/v1/reports,");
}

TEST_F(ReportRoutesTest, ArchiveReadsRunOnTheWorkerPoolAndAreNeverCached) {
  Build(&archive_, seconds(300));
  for (const char* target : {"/v1/reports", "/v1/reports/2026-W48/alpha.html"}) {
    const CostApi::Decision d = api_->Decide(Request(target));
    EXPECT_FALSE(d.response.has_value()) << target;
    EXPECT_EQ(d.cache_key, "") << target;
  }

  WorkerPool pool(1, 4);
  PooledHandler handler(*api_, pool);
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  archive_.before_read = [&] {
    if (first.exchange(false)) {
      entered.set_value();
      released.wait();
    }
  };
  auto send = [&](const http::HttpRequest& request) {
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    auto future = promise->get_future();
    handler(request, [promise](http::HttpResponse r) { promise->set_value(std::move(r)); });
    return future;
  };
  auto report = send(Request("/v1/reports/2026-W48/alpha.html"));
  ASSERT_EQ(entered.get_future().wait_for(seconds(30)), std::future_status::ready);
  // The read holds the pool's only worker; /healthz is answered on the calling thread.
  auto health = send(Request("/healthz", nullptr));
  ASSERT_EQ(health.wait_for(seconds(0)), std::future_status::ready);
  EXPECT_EQ(health.get().status, 200);
  EXPECT_EQ(report.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release.set_value();
  ASSERT_EQ(report.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_EQ(report.get().body, "html of alpha 2026-W48");
  pool.Stop();
}

TEST_F(ReportRoutesTest, ArchiveErrorsMapToStatusesWithAJsonBody) {
  WorkerPool pool(1, 4);
  PooledHandler handler(*api_, pool);
  const auto call = [&](const std::string& target) {
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    auto future = promise->get_future();
    handler(Request(target), [promise](http::HttpResponse r) { promise->set_value(std::move(r)); });
    EXPECT_EQ(future.wait_for(seconds(30)), std::future_status::ready);
    return future.get();
  };
  archive_.before_read = [] { throw Unavailable("the report archive is unreachable"); };
  ExpectJsonError(call("/v1/reports"), 503, "the report archive is unreachable");
  ExpectJsonError(call("/v1/reports/2026-W48/alpha.html"), 503, "unreachable");
  archive_.before_read = [] { throw std::runtime_error("password=hunter2"); };
  const http::HttpResponse internal = call("/v1/reports");
  ExpectJsonError(internal, 500, "internal error");
  EXPECT_THAT(internal.body, Not(HasSubstr("hunter2")));
  pool.Stop();
}

}  // namespace
}  // namespace costledger::api
