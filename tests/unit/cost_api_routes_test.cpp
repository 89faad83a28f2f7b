// The API's routes through fake reader ports (no database, no socket): team scoping, the error
// mapping, readiness, the cache, and the worker pool behind PooledHandler (a full queue is 503
// with Retry-After; /healthz and /metrics never wait behind a read).
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/principal_limiter.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_status.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::api {
namespace {

using model::CostProperty;
using model::Money;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::ElementsAre;
using testing::ExpectJsonError;
using ::testing::HasSubstr;
using ::testing::Not;

const sys_seconds kNow{seconds{1'763'287'200}};  // 2025-11-16T10:00:00Z

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kAlpha = "alpha-token-0123456789";
constexpr const char* kHook = "hook-token-0123456789";
constexpr const char* kScrape = "scrape-token-0123456789";

// One container's costs over the window, with the properties the reader groups by.
struct FakeContainer {
  std::map<CostProperty, std::string> properties;
  Money cpu_cost;
};

// A gate the fake reader waits at, so that tests can hold reads on the pool's threads.
class Gate {
 public:
  void Close() {
    const std::lock_guard lock(mutex_);
    open_ = false;
  }
  void Open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  // Called by a read: counts it, then waits while the gate is closed.
  void Pass() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    --waiting_;
  }
  // Waits until `count` reads are held at the gate.
  bool AwaitWaiting(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(30), [&] { return waiting_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int waiting_ = 0;
};

// The four reader ports over fixed rows. ReadAllocations groups the containers by whatever it
// is asked to, as the store does; `error` makes every read throw.
class FakeStore final : public ports::AllocationReader,
                        public ports::AssetReader,
                        public ports::QueryReader,
                        public ports::StoreHealth {
 public:
  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds /*step*/,
      std::span<const model::PropertyRef> grouping) override {
    ++allocation_reads;
    gate.Pass();
    Throw();
    std::map<std::vector<std::string>, model::AllocationRow> rows;
    for (const FakeContainer& c : containers) {
      std::vector<std::string> values;
      for (const model::PropertyRef& p : grouping) {
        const auto it = c.properties.find(p.property);
        values.push_back(it == c.properties.end() ? "" : it->second);
      }
      model::AllocationRow& row = rows[values];
      row.values = values;
      row.first_start = start;
      row.last_end = end;
      row.container_seconds += static_cast<double>((end - start).count());
      row.cpu_cost += c.cpu_cost;
    }
    std::vector<model::AllocationRow> out;
    for (auto& [values, row] : rows) out.push_back(row);
    return out;
  }

  std::vector<model::IdleRow> ReadIdle(sys_seconds start, sys_seconds end,
                                       std::chrono::seconds /*step*/) override {
    Throw();
    model::IdleRow idle;
    idle.cluster = "c1";
    idle.node = "n1";
    idle.first_start = start;
    idle.last_end = end;
    idle.cpu_cost = Money::ParseDollars("0.50");
    return {idle};
  }

  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds start, sys_seconds end) override {
    ++asset_reads;
    Throw();
    model::NodeAssetRow node;
    node.cluster = "c1";
    node.node = "n1";
    node.first_start = start;
    node.last_end = end;
    node.cost = Money::ParseDollars("3.50");
    node.node_group = "workers-spot";
    return {node};
  }

  std::vector<model::QueryCostRow> ReadQueries(sys_seconds start, sys_seconds /*end*/) override {
    Throw();
    std::vector<model::QueryCostRow> out;
    for (const auto& [id, team] :
         {std::pair{"q-alpha", "alpha"}, std::pair{"q-beta", "beta"}, std::pair{"q-none", ""}}) {
      model::QueryCostRow q;
      q.query_execution_id = id;
      q.work_group = std::string("wg-") + (team[0] == '\0' ? "none" : team);
      q.team = team;
      q.submitted = start;
      q.cost = Money::ParseDollars("0.25");
      out.push_back(q);
    }
    return out;
  }

  std::vector<ports::StoredPodLabels> ReadPodLabels(
      std::span<const std::pair<std::string, std::string>> pods) override {
    ++pod_label_reads;
    std::vector<ports::StoredPodLabels> out;
    for (const ports::StoredPodLabels& p : pod_labels) {
      const std::pair<std::string, std::string> key{p.pod.namespace_name, p.pod.pod};
      if (std::find(pods.begin(), pods.end(), key) != pods.end()) out.push_back(p);
    }
    return out;
  }

  std::optional<sys_seconds> LatestInterval() override { return latest; }
  bool Ping() override { return reachable; }
  ports::ReplicationStatus Replication() override { return replication; }

  std::vector<FakeContainer> containers;
  std::function<void()> error;  // thrown by every read when set
  Gate gate;
  std::atomic<int> allocation_reads{0};
  std::atomic<int> asset_reads{0};
  std::vector<ports::StoredPodLabels> pod_labels;
  std::atomic<int> pod_label_reads{0};
  std::optional<sys_seconds> latest = kNow - seconds(60);
  bool reachable = true;
  ports::ReplicationStatus replication;  // a primary unless a test says otherwise

 private:
  void Throw() const {
    if (error) error();
  }
};

FakeContainer Container(const std::string& ns, const std::string& team, const char* dollars) {
  return {{{CostProperty::kCluster, "c1"},
           {CostProperty::kNode, "n1"},
           {CostProperty::kNamespace, ns},
           {CostProperty::kPod, ns + "-pod"},
           {CostProperty::kContainer, "main"},
           {CostProperty::kTeam, team}},
          Money::ParseDollars(dollars)};
}

// A request as the server hands it over: path and query parsed from the target.
http::HttpRequest Request(const std::string& target, const char* token = kAdmin) {
  return testing::ApiRequest(target, token);
}

// The names of the allocations of the first (only) set of an allocation response.
std::vector<std::string> AllocationNames(const http::HttpResponse& response) {
  const nlohmann::json body = nlohmann::json::parse(response.body);
  std::vector<std::string> names;
  for (const auto& [name, allocation] : body.at("data").at(0).items()) names.push_back(name);
  return names;
}

class CostApiRoutesTest : public ::testing::Test {
 protected:
  CostApiRoutesTest() {
    store_.containers = {Container("ns-a", "alpha", "1.00"), Container("ns-b", "beta", "2.00"),
                         Container("ns-c", "", "4.00")};
  }

  // The API with tokens (admin: all teams; alpha: viewer of team alpha; hook: admission).
  // `tweak` changes the settings last (bounds, cache size).
  void Build(std::chrono::seconds cache_ttl = seconds(0), bool with_metrics = false,
             std::optional<Role> anonymous_role = std::nullopt,
             const std::function<void(CostApiSettings&)>& tweak = {}) {
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(fmt::format(
        R"([{{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"alpha-lead","sha256":"{}","role":"viewer","teams":["alpha"]}},
            {{"name":"webhook","sha256":"{}","role":"admission","teams":["*"]}},
            {{"name":"prometheus","sha256":"{}","role":"metrics","teams":["*"]}}])",
        Sha256Hex(kAdmin), Sha256Hex(kAlpha), Sha256Hex(kHook), Sha256Hex(kScrape)));
    settings.cache_ttl = cache_ttl;
    settings.ready_max_age = seconds(180);
    settings.max_replication_lag = std::chrono::milliseconds(5000);
    settings.anonymous_role = anonymous_role;
    if (with_metrics) metrics_ = std::make_unique<CostMetrics>();
    if (tweak) tweak(settings);
    api_ = std::make_unique<CostApi>(CostReaders{store_, store_, store_, store_}, metrics_.get(),
                                     std::move(settings), [] { return kNow; });
  }

  // The pooled handler in front of the API, as `costledger serve` runs it.
  // `per_token`: reads one principal may have running (0: no limit).
  void BuildPool(int threads, std::size_t queue, std::size_t per_token = 0) {
    pool_ = std::make_unique<WorkerPool>(threads, queue);
    metrics_pool_ = std::make_unique<WorkerPool>(1, 4);
    limiter_ = std::make_unique<PrincipalLimiter>(per_token);
    handler_ = std::make_unique<PooledHandler>(*api_, *pool_, seconds(1), limiter_.get(),
                                               metrics_pool_.get());
  }

  // Sends a request through the pooled handler; the future holds its response.
  std::future<http::HttpResponse> Send(const http::HttpRequest& request) {
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    auto future = promise->get_future();
    (*handler_)(request, [promise](http::HttpResponse response) {
      promise->set_value(std::move(response));
    });
    return future;
  }

  static http::HttpResponse Get(std::future<http::HttpResponse>& future) {
    EXPECT_EQ(future.wait_for(seconds(30)), std::future_status::ready);
    return future.get();
  }

  http::HttpResponse Call(const http::HttpRequest& request) {
    auto future = Send(request);
    return Get(future);
  }

  // Handle with errors mapped to statuses, as the server does.
  http::HttpResponse Answer(const http::HttpRequest& request) {
    try {
      return api_->Handle(request);
    } catch (...) {
      return http::ErrorResponse(std::current_exception());
    }
  }

  static bool AnsweredAlready(const std::future<http::HttpResponse>& future) {
    return future.wait_for(seconds(0)) == std::future_status::ready;
  }

  void TearDown() override { store_.gate.Open(); }  // no read stays held for the pool's Stop

  FakeStore store_;
  std::unique_ptr<CostMetrics> metrics_;
  std::unique_ptr<CostApi> api_;
  std::unique_ptr<WorkerPool> pool_;  // after the API and the store it reads: stopped first
  std::unique_ptr<WorkerPool> metrics_pool_;
  std::unique_ptr<PrincipalLimiter> limiter_;
  std::unique_ptr<PooledHandler> handler_;
};

// --- Access scoping ---

TEST_F(CostApiRoutesTest, AnUnscopedTokenSeesEveryTeamAndIdle) {
  Build();
  const http::HttpResponse r =
      api_->Handle(Request("/v1/allocation?window=1d&aggregate=namespace&accumulate=true"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(AllocationNames(r), ElementsAre("__idle__", "ns-a", "ns-b", "ns-c"));
}

// OpenCost's properties.labels of a pod's allocations: the pod's labels, of its cluster when
// grouped by cluster, else those its clusters agree on; coarser aggregates read none.
TEST_F(CostApiRoutesTest, PodAllocationsCarryTheirPodsLabels) {
  FakeContainer other = Container("ns-a", "alpha", "1.00");
  other.properties[CostProperty::kCluster] = "c2";
  store_.containers.push_back(other);
  store_.pod_labels = {{"c1", {"ns-a", "ns-a-pod", {{"app", "web"}, {"tier", "front"}}}},
                       {"c2", {"ns-a", "ns-a-pod", {{"app", "web"}, {"tier", "back"}}}},
                       {"c1", {"ns-b", "ns-b-pod", {{"app", "db"}}}}};
  Build();
  const auto labels_of = [&](const std::string& aggregate) {
    const http::HttpResponse r = api_->Handle(
        Request("/v1/allocation?window=1d&accumulate=true&idle=false&aggregate=" + aggregate));
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, nlohmann::json> out;
    const nlohmann::json body = nlohmann::json::parse(r.body);
    for (const auto& [name, a] : body.at("data").at(0).items()) {
      out[name] = a.at("properties").at("labels");
    }
    return out;
  };
  auto by_pod = labels_of("cluster,namespace,pod");
  EXPECT_EQ(by_pod["c1/ns-a/ns-a-pod"], nlohmann::json({{"app", "web"}, {"tier", "front"}}));
  EXPECT_EQ(by_pod["c2/ns-a/ns-a-pod"], nlohmann::json({{"app", "web"}, {"tier", "back"}}));
  EXPECT_EQ(by_pod["c1/ns-b/ns-b-pod"], nlohmann::json({{"app", "db"}}));
  EXPECT_EQ(by_pod["c1/ns-c/ns-c-pod"], nlohmann::json::object());  // no labels stored
  by_pod = labels_of("namespace,pod");
  EXPECT_EQ(by_pod["ns-a/ns-a-pod"], nlohmann::json({{"app", "web"}}));  // the clusters agree
  const int reads = store_.pod_label_reads;
  EXPECT_EQ(labels_of("namespace")["ns-a"], nlohmann::json::object());
  EXPECT_EQ(store_.pod_label_reads, reads);  // not asked for coarser aggregates
}

TEST_F(CostApiRoutesTest, ATeamTokenSeesOnlyItsTeamWhateverItAsks) {
  Build();
  // Whatever the aggregate or filter, only alpha's container ($1) and, when idle is shared,
  // some of the node's idle ($0.50): never beta's or the unlabelled container's costs.
  struct Case {
    const char* query;
    bool alpha_selected;
  };
  for (const Case c : {Case{"aggregate=namespace", true}, Case{"aggregate=team", true},
                       Case{"aggregate=cluster", true}, Case{"aggregate=pod", true},
                       Case{"aggregate=namespace&idle=true", true},
                       Case{"aggregate=namespace&shareIdle=true", true},
                       Case{"aggregate=namespace&filter=team:%22beta%22", false},
                       Case{"aggregate=namespace&filter=namespace!:%22ns-a%22", false}}) {
    const http::HttpResponse r = api_->Handle(
        Request(fmt::format("/v1/allocation?window=1d&accumulate=true&{}", c.query), kAlpha));
    ASSERT_EQ(r.status, 200) << c.query << ": " << r.body;
    const nlohmann::json set = nlohmann::json::parse(r.body).at("data").at(0);
    EXPECT_FALSE(set.contains("__idle__")) << c.query;
    Money total;
    for (const auto& [name, allocation] : set.items()) {
      total += Money::FromNanos(allocation.at("totalCostNanos").get<std::int64_t>());
      if (allocation.at("properties").contains("team")) {
        EXPECT_EQ(allocation.at("properties").at("team"), "alpha") << c.query;
      }
    }
    if (c.alpha_selected) {
      EXPECT_GE(total, Money::ParseDollars("1.00")) << c.query;
      EXPECT_LE(total, Money::ParseDollars("1.50")) << c.query;
    } else {
      EXPECT_EQ(total, Money()) << c.query;
    }
  }
  const http::HttpResponse by_team =
      api_->Handle(Request("/v1/allocation?window=1d&accumulate=true&aggregate=team", kAlpha));
  EXPECT_THAT(AllocationNames(by_team), ElementsAre("alpha"));
  const http::HttpResponse beta_only = api_->Handle(Request(
      "/v1/allocation?window=1d&accumulate=true&aggregate=team&filter=team:%22beta%22", kAlpha));
  EXPECT_THAT(AllocationNames(beta_only), ElementsAre());
}

TEST_F(CostApiRoutesTest, ATeamTokenGetsNoAssetsAndOnlyItsQueries) {
  Build();
  ExpectJsonError(api_->Handle(Request("/v1/assets?window=1d", kAlpha)), 403,
                  "assets need an unscoped token");
  EXPECT_EQ(store_.asset_reads, 0);
  const http::HttpResponse assets = api_->Handle(Request("/v1/assets?window=1d"));
  EXPECT_EQ(assets.status, 200);
  EXPECT_EQ(nlohmann::json::parse(assets.body).at("data").at("c1/n1").at("nodeGroup"),
            "workers-spot");

  const auto groups = [&](const char* token) {
    const nlohmann::json body = nlohmann::json::parse(
        api_->Handle(Request("/v1/queries?window=1d&aggregate=team", token)).body);
    std::vector<std::string> names;
    for (const auto& [name, group] : body.at("data").items()) names.push_back(name);
    return names;
  };
  EXPECT_THAT(groups(kAlpha), ElementsAre("alpha"));
  EXPECT_THAT(groups(kAdmin), ElementsAre("__unallocated__", "alpha", "beta"));
}

TEST_F(CostApiRoutesTest, TokensAreRequiredAndAdmissionTokensRefused) {
  Build();
  const http::HttpResponse missing = api_->Handle(Request("/v1/allocation?window=1d", nullptr));
  ExpectJsonError(missing, 401, "Authorization: Bearer");
  EXPECT_EQ(missing.headers.at(0).first, "WWW-Authenticate");
  ExpectJsonError(api_->Handle(Request("/v1/allocation?window=1d", "wrong-token-0123456789")), 401,
                  "not valid");
  ExpectJsonError(api_->Handle(Request("/v1/queries?window=1d", kHook)), 403, "role admission");
  EXPECT_EQ(store_.allocation_reads, 0);
}

// auth.anonymous_role: OpenCost's paths without a token, nothing else; off by default.
TEST_F(CostApiRoutesTest, AnAnonymousRoleOpensOpenCostPathsOnly) {
  Build();
  for (const char* path : {"/allocation", "/model/allocation/compute", "/assets"}) {
    ExpectJsonError(api_->Handle(Request(std::string(path) + "?window=1d", nullptr)), 401,
                    "Authorization: Bearer");
  }
  Build(seconds(0), false, Role::kViewer);
  for (const char* path :
       {"/allocation", "/allocation/compute", "/allocation/summary", "/model/allocation",
        "/model/allocation/compute", "/assets", "/model/assets"}) {
    EXPECT_EQ(api_->Handle(Request(std::string(path) + "?window=1d", nullptr)).status, 200) << path;
    EXPECT_TRUE(IsOpenCostPath(path)) << path;
  }
  // It sees every team, as a viewer.
  EXPECT_EQ(AllocationNames(api_->Handle(Request("/allocation?window=1d&aggregate=team", nullptr))),
            (std::vector<std::string>{"__unallocated__", "alpha", "beta"}));
  for (const char* path : {"/v1/allocation?window=1d", "/v1/assets?window=1d", "/v1/quotas",
                           "/v1/reports", "/model/v1/allocation?window=1d"}) {
    EXPECT_NE(api_->Handle(Request(path, nullptr)).status, 200) << path;
  }
  EXPECT_FALSE(IsOpenCostPath("/model/v1/allocation"));
  EXPECT_FALSE(IsOpenCostPath("/v1/allocation"));
  // A token that is sent must be valid, anonymous role or not.
  ExpectJsonError(api_->Handle(Request("/allocation?window=1d", "wrong-token-0123456789")), 401,
                  "not valid");
}

// OpenCost's paths ignore what they do not know and say so; /v1 refuses it.
TEST_F(CostApiRoutesTest, OpenCostPathsIgnoreUnknownParametersWithWarnings) {
  Build();
  const http::HttpResponse r =
      api_->Handle(Request("/model/allocation?window=1d&aggregate=namespace&colour=red"));
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json body = nlohmann::json::parse(r.body);
  ASSERT_EQ(body.at("warnings").size(), 1u);
  EXPECT_NE(body["warnings"][0].get<std::string>().find("'colour'"), std::string::npos);
  EXPECT_FALSE(body["data"][0].contains("__idle__"));  // includeIdle defaults to false there
  BuildPool(1, 4);  // maps the parser's InvalidInput to 400, as the server does
  ExpectJsonError(Call(Request("/v1/allocation?window=1d&colour=red")), 400,
                  "unknown parameter 'colour'");
  ExpectJsonError(Call(Request("/allocation?window=1d&includeIdle=perhaps")), 400, "includeIdle");
}

// --- Error mapping, on the pool's threads ---

TEST_F(CostApiRoutesTest, ReadErrorsMapToStatusesWithAJsonBody) {
  Build();
  BuildPool(2, 8);
  const std::string target = "/v1/allocation?window=1d&aggregate=namespace";
  struct Case {
    std::function<void()> error;
    int status;
    std::string message;
  };
  const std::vector<Case> cases{
      {[] { throw InvalidInput("step must divide the window"); }, 400,
       "step must divide the window"},
      {[] { throw Unavailable("the database is unreachable"); }, 503,
       "the database is unreachable"},
      {[] { throw NotFound("no cluster named x"); }, 404, "no cluster named x"},
      {[] { throw std::runtime_error("password=hunter2 in the DSN"); }, 500, "internal error"},
      {[] { throw 42; }, 500, "internal error"},
  };
  for (const Case& c : cases) {
    store_.error = c.error;
    const http::HttpResponse r = Call(Request(target));
    ExpectJsonError(r, c.status, c.message);
    EXPECT_THAT(r.body, Not(HasSubstr("hunter2")));
  }
  store_.error = {};
  ExpectJsonError(Call(Request("/v1/allocation?window=banana")), 400, "banana");
  ExpectJsonError(Call(Request("/v1/queries?window=1d&colour=blue")), 400,
                  "unknown parameter 'colour'");
  ExpectJsonError(Call(Request("/v2/everything")), 404, "no route /v2/everything");
  EXPECT_EQ(Call(Request(target)).status, 200);
}

// --- Readiness ---

TEST_F(CostApiRoutesTest, ReadyNeedsTheDatabaseAndARecentInterval) {
  Build();
  BuildPool(1, 4);
  const http::HttpRequest ready = Request("/readyz", nullptr);
  const http::HttpResponse fresh = Call(ready);
  EXPECT_EQ(fresh.status, 200);
  EXPECT_THAT(fresh.body, HasSubstr(R"("status":"ready")"));

  store_.latest = kNow - seconds(181);
  ExpectJsonError(Call(ready), 503, "started 181 s ago (limit 180 s)");
  store_.latest = std::nullopt;
  ExpectJsonError(Call(ready), 503, "no interval has been stored yet");
  store_.latest = kNow;
  store_.reachable = false;
  ExpectJsonError(Call(ready), 503, "the database is not reachable");
}

TEST_F(CostApiRoutesTest, ReadyOnAReplicaReportsItsLagAndFailsPastTheBound) {
  Build();
  BuildPool(1, 4);
  const http::HttpRequest ready = Request("/readyz", nullptr);
  const nlohmann::json primary = nlohmann::json::parse(Call(ready).body);
  EXPECT_EQ(primary["database"], "primary");
  EXPECT_TRUE(primary["replicationLagSeconds"].is_null());

  store_.replication = {true, std::chrono::milliseconds(1250)};
  const http::HttpResponse behind = Call(ready);
  EXPECT_EQ(behind.status, 200) << behind.body;
  const nlohmann::json replica = nlohmann::json::parse(behind.body);
  EXPECT_EQ(replica["database"], "replica");
  EXPECT_DOUBLE_EQ(replica["replicationLagSeconds"].get<double>(), 1.25);

  store_.replication.lag = std::chrono::milliseconds(5000);
  EXPECT_EQ(Call(ready).status, 200) << "the bound itself is still ready";
  store_.replication.lag = std::chrono::milliseconds(5001);
  ExpectJsonError(Call(ready), 503,
                  "the read replica is 5.001 s behind the primary (limit 5.000 s)");
  store_.replication.lag = std::nullopt;
  ExpectJsonError(Call(ready), 503, "the read replica's replication lag is unknown");
}

// --- The cache ---

TEST_F(CostApiRoutesTest, IdenticalRequestsOfOneScopeShareACachedAnswer) {
  Build(seconds(300));
  const std::string target = "/v1/allocation?window=1d&aggregate=namespace";
  const http::HttpResponse first = api_->Handle(Request(target));
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(store_.allocation_reads, 1);
  // Decide answers it from the cache, without the database.
  const CostApi::Decision cached = api_->Decide(Request(target));
  ASSERT_TRUE(cached.response.has_value());
  EXPECT_EQ(cached.response->body, first.body);
  EXPECT_EQ(api_->Handle(Request(target)).body, first.body);
  EXPECT_EQ(store_.allocation_reads, 1);

  // Another scope, another answer; another target too.
  EXPECT_NE(api_->Handle(Request(target, kAlpha)).body, first.body);
  EXPECT_EQ(store_.allocation_reads, 2);
  api_->Handle(Request(target + "&idle=false"));
  EXPECT_EQ(store_.allocation_reads, 3);
}

TEST_F(CostApiRoutesTest, ErrorsAreNotCachedAndATtlOfZeroCachesNothing) {
  Build(seconds(300));
  const http::HttpRequest request = Request("/v1/allocation?window=1d");
  store_.error = [] { throw Unavailable("down"); };
  EXPECT_THROW(api_->Handle(request), Unavailable);
  store_.error = {};
  EXPECT_EQ(api_->Handle(request).status, 200);
  EXPECT_EQ(store_.allocation_reads, 2);

  Build(seconds(0));
  api_->Handle(request);
  EXPECT_FALSE(api_->Decide(request).response.has_value());
  EXPECT_TRUE(api_->Decide(request).cache_key.empty());
  api_->Handle(request);
  EXPECT_EQ(store_.allocation_reads, 4);
}

TEST_F(CostApiRoutesTest, IdenticalRequestsInFlightShareOneRead) {
  Build(seconds(300));
  BuildPool(2, 8);
  store_.gate.Close();
  const http::HttpRequest request = Request("/v1/allocation?window=1d&aggregate=namespace");
  auto first = Send(request);
  ASSERT_TRUE(store_.gate.AwaitWaiting(1));
  auto second = Send(request);
  auto third = Send(request);
  EXPECT_FALSE(AnsweredAlready(second));
  store_.gate.Open();
  const http::HttpResponse a = Get(first);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(Get(second).body, a.body);
  EXPECT_EQ(Get(third).body, a.body);
  EXPECT_EQ(store_.allocation_reads, 1);
}

// --- The worker pool ---

TEST_F(CostApiRoutesTest, AFullQueueGets503WithRetryAfterWhileHealthAndMetricsAnswerAtOnce) {
  Build(seconds(0), /*with_metrics=*/true);
  BuildPool(1, 1);  // one read running, one waiting
  store_.gate.Close();
  auto running = Send(Request("/v1/allocation?window=1d"));
  ASSERT_TRUE(store_.gate.AwaitWaiting(1));
  auto queued = Send(Request("/v1/allocation?window=2d"));

  auto refused = Send(Request("/v1/allocation?window=3d"));
  ASSERT_TRUE(AnsweredAlready(refused));
  const http::HttpResponse busy = refused.get();
  ExpectJsonError(busy, 503, "busy");
  EXPECT_THAT(busy.headers, ElementsAre(std::pair<std::string, std::string>("Retry-After", "1")));
  // /readyz asks the database, so it queues too.
  auto ready = Send(Request("/readyz", nullptr));
  ASSERT_TRUE(AnsweredAlready(ready));
  EXPECT_EQ(ready.get().status, 503);

  // Health is answered on the calling (I/O) thread; metrics on a thread of their own: neither
  // waits behind a read.
  auto health = Send(Request("/healthz", nullptr));
  ASSERT_TRUE(AnsweredAlready(health));
  EXPECT_EQ(health.get().status, 200);
  auto metrics = Send(Request("/metrics", kAdmin));
  ASSERT_EQ(metrics.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_EQ(metrics.get().status, 200);
  EXPECT_FALSE(AnsweredAlready(running));
  EXPECT_FALSE(AnsweredAlready(queued));

  store_.gate.Open();
  EXPECT_EQ(Get(running).status, 200);
  EXPECT_EQ(Get(queued).status, 200);
  EXPECT_EQ(Call(Request("/v1/allocation?window=3d")).status, 200);  // room again
}

// --- Hardening (issue 15) ---

TEST_F(CostApiRoutesTest, MetricsNeedAnUnscopedOrMetricsTokenOnceTokensAreConfigured) {
  Build(seconds(0), /*with_metrics=*/true);
  ExpectJsonError(Answer(Request("/metrics", nullptr)), 401, "Authorization");
  // Its series hold every team's costs: a team's token would see the others'.
  ExpectJsonError(Answer(Request("/metrics", kAlpha)), 403, "scoped to teams");
  ExpectJsonError(Answer(Request("/metrics", kHook)), 403, "role admission");
  EXPECT_EQ(Answer(Request("/metrics", kAdmin)).status, 200);
  const http::HttpResponse scraped = Answer(Request("/metrics", kScrape));
  EXPECT_EQ(scraped.status, 200);
  EXPECT_THAT(scraped.content_type, HasSubstr("text/plain"));
  // A metrics token reads nothing else.
  ExpectJsonError(Answer(Request("/v1/allocation?window=1d", kScrape)), 403, "role metrics");
  ExpectJsonError(Answer(Request("/allocation?window=1d", kScrape)), 403, "role metrics");
  EXPECT_EQ(store_.allocation_reads, 0);

  // An operator may open it on purpose (auth.protect_metrics: false).
  Build(seconds(0), true, std::nullopt, [](CostApiSettings& s) { s.protect_metrics = false; });
  EXPECT_EQ(Answer(Request("/metrics", nullptr)).status, 200);
}

TEST_F(CostApiRoutesTest, WindowsOutsideWhatTheStoreHoldsAre400NotA500) {
  Build();
  for (const char* window : {"3000000d", "999999999999w", "0,999999999999", "-5,100",
                             "9999-12-31T00:00:00Z,10000-01-02T00:00:00Z"}) {
    const http::HttpResponse r = Answer(Request(std::string("/v1/allocation?window=") + window));
    EXPECT_EQ(r.status, 400) << window << ": " << r.body;
  }
  ExpectJsonError(Answer(Request("/v1/allocation?window=3000000d")), 400,
                  "1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z");
  ExpectJsonError(Answer(Request("/v1/assets?window=999999999999w")), 400, "1970");
  ExpectJsonError(Answer(Request("/v1/queries?window=3000000d")), 400, "1970");
  EXPECT_EQ(store_.allocation_reads, 0);
  EXPECT_EQ(store_.asset_reads, 0);
}

TEST_F(CostApiRoutesTest, RequestsOverABoundGet422SayingTheBoundAndHowToStayWithinIt) {
  Build(seconds(0), false, std::nullopt, [](CostApiSettings& s) {
    s.max_steps = 48;
    s.max_aggregate_keys = 3;
    s.max_rows = 3;
  });
  // 8,640 sets of 10 s (the request that answered 35 MB).
  ExpectJsonError(Answer(Request("/v1/allocation?window=1d&step=10s")), 422,
                  "at most 48 are allowed (api.max_steps)");
  ExpectJsonError(Answer(Request("/allocation?window=1d&step=10m")), 422, "api.max_steps");
  std::string labels;
  for (int i = 0; i < 1400; ++i) labels += fmt::format("{}label:l{}", i == 0 ? "" : ",", i);
  ExpectJsonError(Answer(Request("/v1/allocation?window=1d&aggregate=" + labels)), 422,
                  "aggregate names 1400 properties; at most 3 are allowed");
  EXPECT_EQ(store_.allocation_reads, 0) << "refused before any read";
  // idle, ns-a, ns-b, ns-c: four allocations.
  ExpectJsonError(Answer(Request("/v1/allocation?window=1d&aggregate=namespace&accumulate=true")),
                  422,
                  "the answer has 4 allocations over 1 sets; at most 3 are allowed (api.max_rows)");
  EXPECT_EQ(Answer(Request("/v1/allocation?window=1d&aggregate=team&accumulate=true&"
                           "idle=false"))
                .status,
            200);

  Build(seconds(0), false, std::nullopt, [](CostApiSettings& s) { s.max_response_bytes = 200; });
  ExpectJsonError(Answer(Request("/v1/allocation?window=1d&aggregate=namespace")), 422,
                  "at most 200 are allowed (api.max_response_bytes)");
}

TEST_F(CostApiRoutesTest, OneTokenCannotTakeEveryWorkerFromTheOthers) {
  Build();
  BuildPool(4, 8, /*per_token=*/2);
  store_.gate.Close();
  auto first = Send(Request("/v1/allocation?window=1d"));
  auto second = Send(Request("/v1/allocation?window=2d"));
  ASSERT_TRUE(store_.gate.AwaitWaiting(2));
  auto third = Send(Request("/v1/allocation?window=3d"));
  ASSERT_TRUE(AnsweredAlready(third));
  const http::HttpResponse refused = third.get();
  ExpectJsonError(refused, 429, "'admin' already has 2 requests reading the database");
  EXPECT_THAT(refused.headers,
              ElementsAre(std::pair<std::string, std::string>("Retry-After", "1")));
  // Another token still gets a worker.
  auto other = Send(Request("/v1/allocation?window=1d", kAlpha));
  ASSERT_TRUE(store_.gate.AwaitWaiting(3));
  store_.gate.Open();
  EXPECT_EQ(Get(first).status, 200);
  EXPECT_EQ(Get(second).status, 200);
  EXPECT_EQ(Get(other).status, 200);
  EXPECT_EQ(limiter_->Running("admin"), 0U);
  EXPECT_EQ(Call(Request("/v1/allocation?window=3d")).status, 200);  // room again
}

TEST_F(CostApiRoutesTest, EveryResponseNamesItsPrincipalForTheAccessLog) {
  Build(seconds(300), /*with_metrics=*/true);
  BuildPool(2, 8);
  EXPECT_EQ(Call(Request("/v1/allocation?window=1d")).principal, "admin");
  EXPECT_EQ(Call(Request("/v1/allocation?window=1d")).principal, "admin") << "cached";
  EXPECT_EQ(Call(Request("/v1/allocation?window=1d", kAlpha)).principal, "alpha-lead");
  EXPECT_EQ(Call(Request("/metrics", kScrape)).principal, "prometheus");
  EXPECT_EQ(Call(Request("/v1/allocation?window=1d", kHook)).principal, "webhook");
  EXPECT_EQ(Call(Request("/v1/allocation?window=1d", "not-a-token")).principal, "");
  store_.error = [] { throw std::runtime_error("relation x does not exist"); };
  const http::HttpResponse failed = Call(Request("/v1/allocation?window=2d"));
  ExpectJsonError(failed, 500, "internal error");
  EXPECT_EQ(failed.error_detail, "relation x does not exist");
}

TEST_F(CostApiRoutesTest, TheCacheKeepsToItsBytesDroppingTheOldestAnswers) {
  Build(seconds(300));
  const std::size_t one_answer = Answer(Request("/v1/allocation?window=1d")).body.size();
  // Room for one answer (and its key), not two.
  Build(seconds(300), false, std::nullopt,
        [&](CostApiSettings& s) { s.cache_max_bytes = one_answer + 100; });
  const int reads = store_.allocation_reads;
  Answer(Request("/v1/allocation?window=1d"));
  EXPECT_TRUE(api_->Decide(Request("/v1/allocation?window=1d")).response.has_value());
  Answer(Request("/v1/allocation?window=2d"));
  EXPECT_TRUE(api_->Decide(Request("/v1/allocation?window=2d")).response.has_value());
  EXPECT_FALSE(api_->Decide(Request("/v1/allocation?window=1d")).response.has_value())
      << "the older answer made room";
  EXPECT_EQ(store_.allocation_reads, reads + 2);
  // An answer larger than the whole cache is not kept.
  Build(seconds(300), false, std::nullopt, [](CostApiSettings& s) { s.cache_max_bytes = 10; });
  Answer(Request("/v1/allocation?window=1d"));
  EXPECT_FALSE(api_->Decide(Request("/v1/allocation?window=1d")).response.has_value());
}

}  // namespace
}  // namespace costledger::api
