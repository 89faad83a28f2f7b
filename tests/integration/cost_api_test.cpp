// The HTTP API end to end against a real PostgreSQL: a small fixed scenario whose costs are
// computed by hand, the access matrix of roles and team scopes, and malformed requests.
#include "costledger/api/cost_api.hpp"

#include <curl/curl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "api_request.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/http/http_status.hpp"
#include "costledger/model/attribution.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace costledger::api {
namespace {

using model::ContainerCostRow;
using model::IntervalBatch;
using model::Money;
using model::NodeCostRow;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
const sys_seconds kHour{seconds{1'763'287'200}};  // 2025-11-16T10:00:00Z

// Rule 1: each 10-minute interval costs $0.40 x 600/3600 = 0.0666666667 $, rounded once (half
// even) to 66,666,667 n$; the hour is six of them.
constexpr std::int64_t kIntervalNanos = 66'666'667;
constexpr std::int64_t kNodeHourNanos = 6 * kIntervalNanos;

// Tokens of the access matrix (the tokens file holds only their SHA-256).
constexpr const char* kViewer = "viewer-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kAdmission = "admission-token-0123456789";
constexpr const char* kAlpha = "alpha-token-0123456789";
constexpr const char* kScrape = "scrape-token-0123456789";

// One on-demand node, 4 cores and 16 GiB at $0.40/h, for one hour in six 10-minute intervals.
// Container a (team alpha) requests 1 core and 4 GiB: a quarter of both, so a quarter of the
// price whatever the split weights: $0.10. Container b (team beta) requests 2 cores and 2 GiB.
IntervalBatch ScenarioBatch(sys_seconds start) {
  IntervalBatch batch;
  batch.cluster = "demo";
  batch.costs.start = start;
  batch.costs.length = minutes(10);
  NodeCostRow n;
  n.node = "node-1";
  n.instance_type = "m5.xlarge";
  n.zone = "us-east-1a";
  n.capacity = {4000, 16 * kGiB, 0};
  n.price = {{Money::ParseDollars("0.40")}, model::PriceSource::kOnDemand};
  const std::vector<model::ContainerDemand> demands{{1000, 500, 4 * kGiB, 3 * kGiB, 0},
                                                    {2000, 2500, 2 * kGiB, 1 * kGiB, 0}};
  std::vector<ContainerCostRow> containers;
  const char* names[] = {"a", "b"};
  const char* teams[] = {"alpha", "beta"};
  for (int i = 0; i < 2; ++i) {
    ContainerCostRow row;
    row.labels = {"demo",
                  "node-1",
                  teams[i],
                  "Deployment",
                  std::string(names[i]) + "-app",
                  std::string(names[i]) + "-pod",
                  "main",
                  teams[i],
                  "on-demand",
                  "m5.xlarge",
                  "kubernetes",
                  "Deployment:" + std::string(names[i]) + "-app"};
    row.demand = demands[static_cast<std::size_t>(i)];
    row.usage_observed = true;
    containers.push_back(row);
  }
  testing::AddCostedNode(batch, std::move(n), std::move(containers));
  return batch;
}

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// clang-tidy 14 takes the implicit default constructor, noexcept like nlohmann::json's, for one
// that throws (as for any default-constructed struct with a json member).
// NOLINTNEXTLINE(bugprone-exception-escape): a false positive, see above
struct Reply {
  long status = 0;
  nlohmann::json body;
  std::string text;
};

class CostApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<testing::PrivatePostgres>();
    url_ = server_->CreateDatabase("api");
    postgres::PostgresStore store(url_, "");
    store.Migrate();
    for (int i = 0; i < 6; ++i) store.Write(ScenarioBatch(kHour + minutes(10 * i)));
    store.RollUp(kHour + hours(1));
    reader_ = std::make_unique<postgres::PostgresCostReader>(url_, "");
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(fmt::format(
        R"([{{"name":"viewer","sha256":"{}","role":"viewer","teams":["*"]}},
            {{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"webhook","sha256":"{}","role":"admission","teams":["*"]}},
            {{"name":"alpha-lead","sha256":"{}","role":"viewer","teams":["alpha"]}},
            {{"name":"prometheus","sha256":"{}","role":"metrics","teams":["*"]}}])",
        Sha256Hex(kViewer), Sha256Hex(kAdmin), Sha256Hex(kAdmission), Sha256Hex(kAlpha),
        Sha256Hex(kScrape)));
    settings.cache_ttl = seconds(0);
    settings.ready_max_age = minutes(15);
    metrics_ = std::make_unique<CostMetrics>();
    api_ = std::make_unique<CostApi>(CostReaders{*reader_, *reader_, *reader_, *reader_},
                                     metrics_.get(), std::move(settings), [] { return now_; });
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_body_bytes = 4096;
    http_ = std::make_unique<http::HttpServer>(
        options, [](const http::HttpRequest& r) { return api_->Handle(r); });
    http_->Start();
  }
  static void TearDownTestSuite() {
    http_.reset();
    api_.reset();
    reader_.reset();
    server_.reset();
  }

  static Reply Get(const std::string& target, const char* token = kViewer,
                   const std::string& post_body = "", const char* method = nullptr) {
    Reply reply;
    CURL* curl = curl_easy_init();
    const std::string url = fmt::format("http://127.0.0.1:{}{}", http_->port(), target);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.text);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_slist* headers = nullptr;
    if (token != nullptr) {
      headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", token).c_str());
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    }
    if (!post_body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body.c_str());
    if (method != nullptr) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << target;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (!reply.text.empty() && (reply.text[0] == '{' || reply.text[0] == '[')) {
      reply.body = nlohmann::json::parse(reply.text);
    }
    return reply;
  }

  static std::string Window() {
    return fmt::format("{},{}", kHour.time_since_epoch().count(),
                       (kHour + hours(1)).time_since_epoch().count());
  }

  static inline std::unique_ptr<testing::PrivatePostgres> server_;
  static inline std::string url_;
  static inline std::unique_ptr<postgres::PostgresCostReader> reader_;
  static inline std::unique_ptr<CostMetrics> metrics_;
  static inline std::unique_ptr<CostApi> api_;
  static inline std::unique_ptr<http::HttpServer> http_;
  static inline sys_seconds now_ = kHour + hours(1) + minutes(1);
};

TEST_F(CostApiTest, AllocationMatchesTheHandComputedScenario) {
  const Reply r = Get("/v1/allocation?window=" + Window() + "&aggregate=namespace");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["code"], 200);
  ASSERT_EQ(r.body["data"].size(), 1u);
  const auto& set = r.body["data"][0];
  ASSERT_EQ(set.size(), 3u) << set.dump();
  // Split weights: CPU 0.031611 $/core-h, RAM 0.004237 $/GiB-h, scaled to the node's $0.40.
  const double scale = 0.40 / (4 * 0.031611 + 16 * 0.004237);
  const double cpu_rate = 0.031611 * scale;
  const double ram_rate = 0.004237 * scale;
  const auto& alpha = set["alpha"];
  // A quarter of each interval, rounded down per resource (rule 5): within 2 n$ per interval.
  EXPECT_NEAR(alpha["totalCostNanos"].get<double>(), kNodeHourNanos / 4.0, 6 * 2);
  EXPECT_NEAR(alpha["cpuCost"].get<double>(), cpu_rate * 1, 1e-8);
  EXPECT_NEAR(alpha["ramCost"].get<double>(), ram_rate * 4, 1e-8);
  EXPECT_DOUBLE_EQ(alpha["cpuCoreRequestAverage"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(alpha["cpuCoreUsageAverage"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(alpha["cpuEfficiency"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(alpha["ramEfficiency"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(alpha["minutes"].get<double>(), 60.0);
  EXPECT_EQ(alpha["start"], "2025-11-16T10:00:00Z");
  EXPECT_EQ(alpha["end"], "2025-11-16T11:00:00Z");
  const auto& beta = set["beta"];
  // b uses 2.5 cores of its 2 requested: allocated max(request, usage) = 2.5 core-hours.
  EXPECT_DOUBLE_EQ(beta["cpuCoreHours"].get<double>(), 2.5);
  EXPECT_NEAR(beta["totalCost"].get<double>(), cpu_rate * 2.5 + ram_rate * 2, 1e-8);
  EXPECT_NEAR(set["__idle__"]["totalCost"].get<double>(),
              0.40 - 0.10 - (cpu_rate * 2.5 + ram_rate * 2), 1e-8);
  // Every nano-dollar of the node, exactly once.
  EXPECT_EQ(alpha["totalCostNanos"].get<std::int64_t>() +
                beta["totalCostNanos"].get<std::int64_t>() +
                set["__idle__"]["totalCostNanos"].get<std::int64_t>(),
            kNodeHourNanos);
}

TEST_F(CostApiTest, ShareIdleStepsAndOpenCostPaths) {
  const Reply shared = Get("/v1/allocation?window=" + Window() + "&aggregate=team&shareIdle=true");
  ASSERT_EQ(shared.status, 200) << shared.text;
  const auto& set = shared.body["data"][0];
  EXPECT_FALSE(set.contains("__idle__"));
  EXPECT_EQ(set["alpha"]["totalCostNanos"].get<std::int64_t>() +
                set["beta"]["totalCostNanos"].get<std::int64_t>(),
            kNodeHourNanos);
  const Reply steps =
      Get("/allocation?window=" + Window() + "&step=10m&aggregate=cluster&idle=false");
  ASSERT_EQ(steps.status, 200) << steps.text;
  ASSERT_EQ(steps.body["data"].size(), 6u);
  std::int64_t total = 0;
  for (const auto& s : steps.body["data"]) total += s["demo"]["totalCostNanos"].get<std::int64_t>();
  const Reply unshared =
      Get("/allocation/compute?window=" + Window() + "&aggregate=team&idle=false");
  ASSERT_EQ(unshared.status, 200) << unshared.text;
  const auto& teams = unshared.body["data"][0];
  EXPECT_EQ(teams["alpha"]["totalCostNanos"],
            Get("/v1/allocation?window=" + Window() + "&aggregate=namespace")
                .body["data"][0]["alpha"]["totalCostNanos"]);
  EXPECT_EQ(total, teams["alpha"]["totalCostNanos"].get<std::int64_t>() +
                       teams["beta"]["totalCostNanos"].get<std::int64_t>());
}

// costledger's own aggregates: each container's workload, its platform, its node's capacity
// type; in filters too, and within a team scope.
TEST_F(CostApiTest, AggregatesAndFiltersByPlatformAndWorkload) {
  const auto set = [](const Reply& r) {
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body["data"][0];
  };
  const auto by_namespace =
      set(Get("/v1/allocation?window=" + Window() + "&aggregate=namespace&idle=false"));
  const std::int64_t alpha = by_namespace["alpha"]["totalCostNanos"].get<std::int64_t>();
  const std::int64_t beta = by_namespace["beta"]["totalCostNanos"].get<std::int64_t>();
  const auto workloads =
      set(Get("/v1/allocation?window=" + Window() + "&aggregate=workload&idle=false"));
  ASSERT_EQ(workloads.size(), 2u) << workloads.dump();
  EXPECT_EQ(workloads["Deployment:a-app"]["totalCostNanos"], alpha);
  EXPECT_EQ(workloads["Deployment:b-app"]["totalCostNanos"], beta);
  EXPECT_EQ(workloads["Deployment:a-app"]["properties"]["workload"], "Deployment:a-app");
  const auto platforms = set(Get("/v1/allocation?window=" + Window() + "&aggregate=platform"));
  EXPECT_EQ(platforms["kubernetes"]["totalCostNanos"], alpha + beta);
  EXPECT_EQ(platforms["kubernetes"]["totalCostNanos"].get<std::int64_t>() +
                platforms["__idle__"]["totalCostNanos"].get<std::int64_t>(),
            kNodeHourNanos);
  const auto filtered = set(
      Get("/v1/allocation?window=" + Window() +
          "&aggregate=team&filter=workload:%22Deployment:b-app%22%2BcapacityType:%22on-demand%22"
          "&idle=false"));
  ASSERT_EQ(filtered.size(), 1u) << filtered.dump();
  EXPECT_EQ(filtered["beta"]["totalCostNanos"], beta);
  const auto scoped =
      set(Get("/v1/allocation?window=" + Window() + "&aggregate=workload,instanceType", kAlpha));
  ASSERT_EQ(scoped.size(), 1u) << scoped.dump();
  EXPECT_EQ(scoped["Deployment:a-app/m5.xlarge"]["totalCostNanos"], alpha);
}

TEST_F(CostApiTest, TeamScopedTokenSeesOnlyItsTeam) {
  const Reply r = Get("/v1/allocation?window=" + Window() + "&aggregate=namespace", kAlpha);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["data"][0].size(), 1u) << r.text;
  EXPECT_TRUE(r.body["data"][0].contains("alpha"));
  const Reply other =
      Get("/v1/allocation?window=" + Window() + "&aggregate=namespace&filter=namespace:%22beta%22",
          kAlpha);
  ASSERT_EQ(other.status, 200);
  EXPECT_TRUE(other.body["data"][0].empty()) << other.text;
}

TEST_F(CostApiTest, AccessMatrix) {
  const std::string alloc = "/v1/allocation?window=" + Window();
  const std::string assets = "/v1/assets?window=" + Window();
  const std::string queries = "/v1/queries?window=" + Window();
  struct Case {
    std::string target;
    const char* token;
    long status;
  };
  const std::vector<Case> cases{
      {alloc, nullptr, 401},
      {alloc, "wrong", 401},
      {alloc, kViewer, 200},
      {alloc, kAdmin, 200},
      {alloc, kAdmission, 403},
      {alloc, kAlpha, 200},
      {assets, nullptr, 401},
      {assets, kViewer, 200},
      {assets, kAdmin, 200},
      {assets, kAdmission, 403},
      {assets, kAlpha, 403},
      {queries, nullptr, 401},
      {queries, kViewer, 200},
      {queries, kAdmission, 403},
      {queries, kAlpha, 200},
      // /metrics holds every team's costs: unscoped and metrics tokens only (issue 15).
      {"/metrics", nullptr, 401},
      {"/metrics", kAlpha, 403},
      {"/metrics", kAdmission, 403},
      {"/metrics", kViewer, 200},
      {"/metrics", kScrape, 200},
      {alloc, kScrape, 403},
      {"/healthz", nullptr, 200},
      {"/readyz", nullptr, 200},
      {"/nope", kViewer, 404},
  };
  for (const Case& c : cases) {
    const Reply r = Get(c.target, c.token);
    EXPECT_EQ(r.status, c.status) << c.target << " token "
                                  << (c.token != nullptr ? c.token : "none");
    if (r.status >= 400) {
      EXPECT_EQ(r.body["code"], r.status) << r.text;
      EXPECT_FALSE(r.body["message"].get<std::string>().empty());
    }
  }
}

TEST_F(CostApiTest, AssetsAndQueries) {
  const Reply a = Get("/v1/assets?window=" + Window(), kAdmin);
  ASSERT_EQ(a.status, 200) << a.text;
  const auto& node = a.body["data"]["demo/node-1"];
  EXPECT_EQ(node["totalCostNanos"], kNodeHourNanos);
  EXPECT_EQ(node["nodeType"], "m5.xlarge");
  EXPECT_DOUBLE_EQ(node["cpuCores"].get<double>(), 4.0);
  const Reply q = Get("/v1/queries?window=" + Window() + "&aggregate=team");
  ASSERT_EQ(q.status, 200) << q.text;
  EXPECT_TRUE(q.body["data"].is_object());
  EXPECT_EQ(Get("/v1/queries?window=" + Window() + "&aggregate=color").status, 400);
}

TEST_F(CostApiTest, MalformedRequestsSayWhatIsWrong) {
  const Reply agg = Get("/v1/allocation?window=1d&aggregate=colour");
  EXPECT_EQ(agg.status, 400);
  EXPECT_NE(agg.body["message"].get<std::string>().find("controllerKind"), std::string::npos);
  EXPECT_EQ(Get("/v1/allocation?window=yesteryear").status, 400);
  EXPECT_EQ(Get("/v1/allocation").status, 400);
  EXPECT_EQ(Get("/v1/allocation?window=1d&filter=namespace:alpha").status, 400);
  EXPECT_EQ(Get("/v1/allocation?window=1d&step=0h").status, 400);
  EXPECT_EQ(Get("/v1/allocation?window=1d&idle=perhaps").status, 400);
  EXPECT_EQ(Get("/v1/allocation?window=1d&x=%27%3B%20DROP%20TABLE%20clusters").status, 400);
  // Injection attempts reach SQL only as bound parameters: a label named like SQL is a label.
  const Reply label =
      Get("/v1/allocation?window=" + Window() +
          "&aggregate=label:x&filter=label%5Bx%5D:%22%27;DROP%20TABLE%20clusters;--%22");
  EXPECT_EQ(label.status, 200) << label.text;
  EXPECT_EQ(Get("/v1/allocation?window=" + Window()).status, 200);
  const Reply big = Get("/v1/allocation?window=1d", kViewer, std::string(10'000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body["code"], 413);
}

TEST_F(CostApiTest, AReadPastTheStatementTimeoutIs504AndTheNextOneWorks) {
  // The API's reader cancels statements after 300 ms. A session holding the raw container rows
  // locked (as a long migration or a runaway query would) makes the read wait past it.
  postgres::PostgresCostReader bounded(url_, "", 1, std::chrono::seconds(10),
                                       std::chrono::milliseconds(300));
  CostApiSettings settings;
  settings.cache_ttl = seconds(0);
  CostApi api(CostReaders{bounded, bounded, bounded, bounded}, nullptr, std::move(settings),
              [] { return now_; });
  const auto answer = [&] {
    try {
      return api.Handle(testing::ApiRequest("/v1/allocation?window=" + Window(), nullptr));
    } catch (...) {
      return http::ErrorResponse(std::current_exception());
    }
  };
  {
    pqxx::connection locker(url_);
    pqxx::work lock(locker);
    lock.exec(
        "LOCK TABLE container_costs, container_costs_hourly, workload_costs_hourly, "
        "container_costs_daily, workload_costs_daily IN "
        "ACCESS EXCLUSIVE MODE");
    const auto started = std::chrono::steady_clock::now();
    const http::HttpResponse r = answer();
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
    EXPECT_EQ(r.status, 504) << r.body;
    EXPECT_NE(r.body.find("api.statement_timeout_seconds"), std::string::npos) << r.body;
  }  // the lock goes
  EXPECT_EQ(answer().status, 200);
}

TEST_F(CostApiTest, EachRouteSaysWhichMethodsItAllows) {
  for (const char* method : {"PATCH", "POST", "DELETE", "OPTIONS"}) {
    http::HttpRequest r = testing::ApiRequest("/v1/allocation?window=1d", kAdmin);
    r.method = method;
    const http::HttpResponse answer = api_->Handle(r);
    EXPECT_EQ(answer.status, 405) << method;
    ASSERT_EQ(answer.headers.size(), 1U) << method;
    EXPECT_EQ(answer.headers[0], (std::pair<std::string, std::string>("Allow", "GET, HEAD")));
  }
  // The server passes every method on, and the route answers (not a server-wide list).
  const Reply patch = Get("/v1/allocation?window=1d", kAdmin, "", "PATCH");
  EXPECT_EQ(patch.status, 405) << patch.text;
  EXPECT_NE(patch.text.find("GET only"), std::string::npos) << patch.text;
  const Reply twice = Get("/v1/allocation?window=" + Window() + "&window=1d", kAdmin);
  EXPECT_EQ(twice.status, 400) << twice.text;
  EXPECT_NE(twice.text.find("'window' is given more than once"), std::string::npos);
  // A window past what PostgreSQL holds was a 500 with nothing logged.
  const Reply far = Get("/v1/allocation?window=3000000d", kAdmin);
  EXPECT_EQ(far.status, 400) << far.text;
}

TEST_F(CostApiTest, ReadinessFollowsTheNewestInterval) {
  EXPECT_EQ(Get("/readyz", nullptr).status, 200);
  now_ = kHour + hours(5);
  const Reply stale = Get("/readyz", nullptr);
  EXPECT_EQ(stale.status, 503);
  EXPECT_NE(stale.body["message"].get<std::string>().find("newest stored interval"),
            std::string::npos);
  now_ = kHour + hours(1) + minutes(1);
}

}  // namespace
}  // namespace costledger::api
