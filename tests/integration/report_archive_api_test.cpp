// The archived report routes end to end, as `costledger serve` wires them: PostgresReportArchive
// on a private PostgreSQL, CostApi behind the worker pool (PooledHandler) and the Beast server,
// requests by libcurl. Reports rendered by the real renderers are listed and served byte for
// byte with their headers; conditional and HEAD requests, team scopes, percent-encoded team
// names; and in headless Chromium the HTML's Content-Security-Policy keeps a script from running
// while the real report renders without a violation.
#include <curl/curl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/model/weekly_report.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_report_archive.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/reports/csv_report.hpp"
#include "costledger/reports/html_report.hpp"
#include "costledger/reports/json_report.hpp"
#include "costledger/reports/text_report.hpp"
#include "private_postgres.hpp"
#include "report_fixtures.hpp"
#include "temp_dir.hpp"

namespace costledger::api {
namespace {

using model::ArchivedReport;
using model::IsoWeek;
using model::Money;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kLead = "lead-token-0123456789";  // team data-science only
constexpr const char* kChromium = "/usr/bin/chromium";
const sys_seconds kBuilt{seconds{1'796'018'400}};  // 2026-11-30T06:00:00Z
// A team whose name needs percent-encoding in a path: a space, '/', '.' and UTF-8.
const std::string kOddTeam = "ml/ops \xC3\xA9quipe.v2";
const std::string kOddHtml =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>probe</title></head>"
    "<body style=\"color:#1f2328\"><p>probe</p>"
    "<script>document.body.setAttribute(\"data-ran\", \"yes\")</script></body></html>";

std::size_t CollectBody(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Response header lines as lower-cased name -> value (the last of repeated ones).
std::size_t CollectHeader(char* data, std::size_t size, std::size_t n, void* out) {
  const std::string line(data, size * n);
  const std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

struct Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
  std::string Header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "(absent)" : it->second;
  }
};

class ReportArchiveApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    postgres_ = std::make_unique<testing::PrivatePostgres>();
    url_ = postgres_->CreateDatabase("report_archive_api");
    postgres::PostgresStore(url_, "").Migrate();
    archive_ = std::make_unique<postgres::PostgresReportArchive>(url_, "", 2);
    reader_ = std::make_unique<postgres::PostgresCostReader>(url_, "");

    // The realistic week of team data-science, as the report builder renders it.
    const model::WeeklyReport report =
        model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
    ArchivedReport built;
    built.team = report.team;
    built.week = report.week.week;
    built.time_zone = report.zone_name;
    built.total_cost = report.combined_total;
    built.built_at = kBuilt;
    built.documents = {{"html", reports::RenderHtml(report)},
                       {"csv", reports::RenderCsv(report)},
                       {"json", reports::RenderJson(report)},
                       {"txt", reports::RenderText(report)}};
    archive_->Save(built);
    week_ = built.week;
    team_ = built.team;
    total_ = built.total_cost;
    for (const auto& d : built.documents) bodies_[d.format] = d.body;
    ArchivedReport odd{kOddTeam, week_, "UTC", Money::FromNanos(42), kBuilt, {{"html", kOddHtml}}};
    archive_->Save(odd);
    ArchivedReport older = built;
    older.week = IsoWeek{week_.year, week_.week - 1};
    older.documents = {{"json", "{}"}};
    archive_->Save(older);

    // As `serve` runs it: tokens, the worker pool, the Beast server. A second API without
    // tokens serves the same archive to the browser (which cannot send a bearer token).
    pool_ = std::make_unique<WorkerPool>(2, 16);
    secured_ = Serve(fmt::format(
        R"([{{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"ds-lead","sha256":"{}","role":"viewer","teams":["{}"]}}])",
        Sha256Hex(kAdmin), Sha256Hex(kLead), team_));
    open_ = Serve("");
  }

  static void TearDownTestSuite() {
    secured_.reset();
    open_.reset();
    pool_->Stop();
    pool_.reset();
    reader_.reset();
    archive_.reset();
    postgres_.reset();
  }

  // One API (tokens from `tokens_json`, none when empty) with its handler and server.
  struct Served {
    std::unique_ptr<CostApi> api;
    std::unique_ptr<PooledHandler> handler;
    std::unique_ptr<http::HttpServer> server;
  };
  static std::unique_ptr<Served> Serve(const std::string& tokens_json) {
    auto s = std::make_unique<Served>();
    CostApiSettings settings;
    if (!tokens_json.empty()) settings.tokens = TokenRegistry::Parse(tokens_json);
    s->api = std::make_unique<CostApi>(
        CostReaders{*reader_, *reader_, *reader_, *reader_, archive_.get()}, nullptr,
        std::move(settings), [] { return kBuilt; });
    s->handler = std::make_unique<PooledHandler>(*s->api, *pool_);
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    s->server = std::make_unique<http::HttpServer>(options, s->handler->AsHandler());
    s->server->Start();
    return s;
  }

  static std::string Url(const Served& s, const std::string& target) {
    return fmt::format("http://127.0.0.1:{}{}", s.server->port(), target);
  }

  static Reply Get(const std::string& target, const char* token = kAdmin,
                   const std::vector<std::string>& extra_headers = {}, bool head = false) {
    Reply reply;
    CURL* curl = curl_easy_init();
    const std::string url = Url(*secured_, target);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    if (head) curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    curl_slist* headers = nullptr;
    if (token != nullptr) {
      headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", token).c_str());
    }
    for (const std::string& h : extra_headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << target;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return reply;
  }

  // Headless Chromium's DOM of `url` after load, with its log (console messages included).
  static std::string BrowserDom(const testing::TempDir& dir, const std::string& name,
                                const std::string& url) {
    testing::ChildProcess browser(
        {kChromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--enable-logging=stderr", "--v=0", "--user-data-dir=" + dir.Path("profile-" + name),
         "--virtual-time-budget=5000", "--dump-dom", url},
        dir.Path(name + ".log"));
    EXPECT_EQ(browser.Wait(std::chrono::seconds(120)), 0) << browser.Log();
    return browser.Log();
  }

  static inline std::unique_ptr<testing::PrivatePostgres> postgres_;
  static inline std::string url_;
  static inline std::unique_ptr<postgres::PostgresReportArchive> archive_;
  static inline std::unique_ptr<postgres::PostgresCostReader> reader_;
  static inline std::unique_ptr<WorkerPool> pool_;
  static inline std::unique_ptr<Served> secured_;
  static inline std::unique_ptr<Served> open_;
  static inline IsoWeek week_;
  static inline std::string team_;
  static inline Money total_;
  static inline std::map<std::string, std::string> bodies_;
};

TEST_F(ReportArchiveApiTest, ListedLinksServeTheRenderedReportsByteForByte) {
  const Reply list = Get(fmt::format("/v1/reports?week={}", ToString(week_)));
  ASSERT_EQ(list.status, 200) << list.body;
  const nlohmann::json data = list.Json().at("data");
  ASSERT_EQ(data.size(), 2U) << data.dump();
  const nlohmann::json& ds = data.at(0);  // "data-science" sorts before "ml/ops ..."
  EXPECT_EQ(ds.at("team"), team_);
  EXPECT_EQ(ds.at("week"), "2026-W48");
  EXPECT_EQ(ds.at("timeZone"), "Europe/Berlin");
  EXPECT_EQ(ds.at("formats"), nlohmann::json::parse(R"(["csv","html","json","txt"])"));
  EXPECT_EQ(ds.at("builtAt"), "2026-11-30T06:00:00Z");
  EXPECT_EQ(ds.at("totalCostNanos").get<std::int64_t>(), total_.nanos());
  EXPECT_DOUBLE_EQ(ds.at("totalCost").get<double>(), total_.Dollars());

  for (const auto& [format, link] : ds.at("links").items()) {
    const Reply doc = Get(link.get<std::string>());
    ASSERT_EQ(doc.status, 200) << link << ": " << doc.body;
    EXPECT_EQ(doc.body, bodies_.at(format)) << link;
    EXPECT_EQ(doc.Header("content-type"), *model::ReportContentType(format)) << link;
    EXPECT_EQ(doc.Header("etag"), fmt::format("\"{}\"", Sha256Hex(doc.body))) << link;
    EXPECT_EQ(doc.Header("content-disposition"),
              fmt::format("{}; filename=\"costledger-data-science-2026-W48.{}\"",
                          format == "csv" ? "attachment" : "inline", format));
    EXPECT_EQ(doc.headers.count("content-security-policy"), format == "html" ? 1U : 0U) << link;
  }
  EXPECT_EQ(
      Get(fmt::format("/v1/reports/2026-W48/{}.html", team_)).Header("content-security-policy"),
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
}

TEST_F(ReportArchiveApiTest, ConditionalAndHeadRequestsCarryNoBody) {
  const std::string target = "/v1/reports/2026-W48/data-science.csv";
  const Reply full = Get(target);
  ASSERT_EQ(full.status, 200);
  const std::string etag = full.Header("etag");

  const Reply same = Get(target, kAdmin, {"If-None-Match: " + etag});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(same.Header("etag"), etag);
  EXPECT_EQ(Get(target, kAdmin, {"If-None-Match: \"stale\""}).status, 200);

  const Reply head = Get(target, kAdmin, {}, /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("content-length"), std::to_string(full.body.size()));
  EXPECT_EQ(head.Header("etag"), etag);
}

TEST_F(ReportArchiveApiTest, ATeamTokenSeesOnlyItsTeamAndMissesAreNamed) {
  const Reply mine = Get("/v1/reports", kLead);
  ASSERT_EQ(mine.status, 200) << mine.body;
  for (const auto& entry : mine.Json().at("data")) EXPECT_EQ(entry.at("team"), team_);
  EXPECT_EQ(mine.Json().at("data").size(), 2U);  // 2026-W48 and 2026-W47

  // The odd team's link, percent-encoded, from an unscoped listing.
  const Reply all = Get("/v1/reports?team=ml%2Fops%20%C3%A9quipe.v2");
  ASSERT_EQ(all.Json().at("data").size(), 1U) << all.body;
  const std::string odd_link = all.Json().at("data").at(0).at("links").at("html");
  EXPECT_EQ(odd_link, "/v1/reports/2026-W48/ml%2Fops%20%C3%A9quipe.v2.html");
  const Reply odd = Get(odd_link);
  EXPECT_EQ(odd.status, 200);
  EXPECT_EQ(odd.body, kOddHtml);

  const Reply refused = Get(odd_link, kLead);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("not of team 'ml/ops \xC3\xA9quipe.v2'"), std::string::npos)
      << refused.body;
  EXPECT_EQ(Get("/v1/reports?team=ml%2Fops%20%C3%A9quipe.v2", kLead).status, 403);

  const Reply format = Get("/v1/reports/2026-W47/data-science.html", kLead);
  EXPECT_EQ(format.status, 404);
  EXPECT_EQ(format.Json().at("formats"), nlohmann::json::parse(R"(["json"])")) << format.body;
  const Reply week = Get("/v1/reports/2026-W40/data-science.html", kLead);
  EXPECT_EQ(week.status, 404);
  EXPECT_NE(week.body.find("no report of team 'data-science' is archived for week 2026-W40"),
            std::string::npos)
      << week.body;
  EXPECT_EQ(Get("/v1/reports/2026-W48/data-science.pdf").status, 400);
  EXPECT_EQ(Get("/v1/reports?week=48").status, 400);
}

TEST_F(ReportArchiveApiTest, InABrowserThePolicyBlocksScriptsAndTheReportRendersWithinIt) {
  ASSERT_TRUE(std::filesystem::exists(kChromium)) << kChromium << " is missing (Debian chromium)";
  const testing::TempDir dir("report-archive-api");
  // Control: the same page from a file (no policy) runs its script.
  std::ofstream(dir.Path("probe.html")) << kOddHtml;
  EXPECT_NE(BrowserDom(dir, "file", "file://" + dir.Path("probe.html")).find("data-ran=\"yes\""),
            std::string::npos);
  // Served with the policy, it does not, and the browser says why.
  const std::string served =
      BrowserDom(dir, "served", Url(*open_, "/v1/reports/2026-W48/ml%2Fops%20%C3%A9quipe.v2.html"));
  EXPECT_NE(served.find("<p>probe</p>"), std::string::npos) << served;
  EXPECT_EQ(served.find("data-ran=\"yes\""), std::string::npos) << served;
  EXPECT_NE(served.find("Content Security Policy"), std::string::npos) << served;
  // The real report needs nothing the policy forbids: no violation, its charts are there.
  const std::string report =
      BrowserDom(dir, "report", Url(*open_, "/v1/reports/2026-W48/data-science.html"));
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_NE(report.find("data-figure=\"total_cost\""), std::string::npos);
  EXPECT_EQ(report.find("Content Security Policy"), std::string::npos) << report;
}

TEST_F(ReportArchiveApiTest, ServeWiresThePostgresArchiveIntoItsApi) {
  const testing::TempDir dir("report-archive-serve");
  const std::string config = dir.Path("serve.json");
  // --role api reads only the database; the collector's sources are required but unused.
  std::ofstream(config) << nlohmann::json{{"cluster", "test"},
                                          {"database_url", url_},
                                          {"listen", "127.0.0.1:0"},
                                          {"sources",
                                           {{"kubernetes", {{"api_url", "http://127.0.0.1:9"}}}}}}
                               .dump();
  testing::ChildProcess serve(
      {COSTLEDGER_BINARY, "serve", "--config", config, "--role", "api", "--log-format", "json"},
      dir.Path("serve.log"));
  const std::string log = serve.WaitForLog(R"("msg":"api listening")", std::chrono::seconds(30));
  std::smatch port;
  ASSERT_TRUE(std::regex_search(log, port, std::regex(R"("msg":"api listening".*"port":(\d+))")))
      << log;
  Reply reply;
  CURL* curl = curl_easy_init();
  const std::string url =
      fmt::format("http://127.0.0.1:{}/v1/reports/2026-W48/data-science.csv", port[1].str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_cleanup(curl);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, bodies_.at("csv"));
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 0) << serve.Log();
}

}  // namespace
}  // namespace costledger::api
