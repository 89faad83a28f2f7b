// Workloads named end to end: a simulated cluster (`costledger simulate`'s endpoints, over
// HTTP), the collector scraping and pricing it, PostgreSQL storing and rolling up its intervals,
// and GET /v1/allocation grouping them by platform and workload. The simulator labels its pods
// as JupyterHub, the Spark operator, KubeRay and the CronJob controller do; the rows must carry
// the names people know those workloads by, and group to the same totals as by namespace, to
// the nano-dollar.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>

#include "costledger/api/cost_api.hpp"
#include "costledger/collector/collector.hpp"
#include "costledger/collector/spool.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/fetch/cluster_scraper.hpp"
#include "costledger/fetch/price_loader.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/simulator/http_server.hpp"
#include "costledger/simulator/simulator.hpp"
#include "private_postgres.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using Json = nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr sys_seconds kStart{seconds(1'714'564'800)};  // 2024-05-01T12:00:00Z
constexpr seconds kInterval{60};
constexpr int kIntervals = 5;

class SimulatedWorkloadsTest : public ::testing::Test {
 protected:
  // The cluster collected for kIntervals intervals from kStart, then served by the API.
  static void SetUpTestSuite() {
    sim_ = std::make_unique<simulator::Simulator>(simulator::SimulatorOptions{3, {40, 600}});
    sim_http_ = std::make_unique<simulator::HttpServer>(
        "127.0.0.1", 0,
        [](const simulator::HttpRequest& r) {
          return sim_->Handle(r.method, r.target, sys_seconds(seconds(sim_now_.load())));
        },
        2);
    sim_http_->Start();
    const std::string sim_url = fmt::format("http://127.0.0.1:{}", sim_http_->port());

    db_ = std::make_unique<testing::PrivatePostgres>();
    url_ = db_->CreateDatabase("simulated_workloads");
    postgres::PostgresStore store(url_, "");
    store.Migrate();

    fetch::SourceSettings sources;
    sources.api_url = sim_url;
    sources.dcgm_urls = {sim_url + "/dcgm/metrics"};
    sources.timeout = seconds(30);
    fetch::PriceSettings price_settings;
    price_settings.on_demand = sim_url + "/pricing/ec2_offer.json";
    price_settings.spot_history = sim_url + "/pricing/spot_price_history.json";
    fetch::HttpClusterSource cluster(sources);
    fetch::ConfiguredPriceSource prices(price_settings);
    collector::CollectorSettings settings;
    settings.interval.cluster = "sim";
    settings.interval_length = kInterval;
    const testing::TempDir dir("costledger-simulated-workloads");
    collector::Spool spool(dir.Path("spool"));
    std::FILE* log_file = std::tmpfile();
    ASSERT_NE(log_file, nullptr);
    {
      common::Logger log(common::Logger::Format::kJson, log_file);
      collector::Collector collector(settings, cluster, prices, spool, store, log);
      for (int i = 1; i <= kIntervals; ++i) {
        const sys_seconds boundary = kStart + i * kInterval;
        sim_now_ = boundary.time_since_epoch().count();
        const model::TickReport report = collector.Tick(boundary);
        ASSERT_TRUE(report.attributed) << "interval " << i;
        ASSERT_EQ(report.stored_batches, 1U) << "interval " << i;
        ASSERT_EQ(report.source_errors, 0U) << "interval " << i;
      }
    }
    static_cast<void>(std::fclose(log_file));  // a temporary file: nothing to lose

    reader_ = std::make_unique<postgres::PostgresCostReader>(url_, "");
    api::CostApiSettings api_settings;  // no tokens: open, as the demo runs it
    api_settings.cache_ttl = seconds(0);
    api_ =
        std::make_unique<api::CostApi>(api::CostReaders{*reader_, *reader_, *reader_, *reader_},
                                       nullptr, api_settings, [] { return kStart + minutes(10); });
  }
  static void TearDownTestSuite() {
    api_.reset();
    reader_.reset();
    db_.reset();
    sim_http_.reset();
    sim_.reset();
  }

  // The one set of GET /v1/allocation over the collected window with `parameters` added:
  // allocation name -> allocation.
  static Json Allocations(const std::string& parameters) {
    http::HttpRequest request;
    request.method = "GET";
    request.target =
        fmt::format("/v1/allocation?window={},{}&{}", kStart.time_since_epoch().count(),
                    (kStart + kIntervals * kInterval).time_since_epoch().count(), parameters);
    http::ParsedTarget parsed = http::ParseTarget(request.target);
    request.path = std::move(parsed.path);
    request.query = std::move(parsed.query);
    const http::HttpResponse response = api_->Handle(request);
    EXPECT_EQ(response.status, 200) << request.target << ": " << response.body;
    const Json body = Json::parse(response.body);
    EXPECT_EQ(body.at("data").size(), 1U) << request.target;
    return body.at("data").at(0);
  }

  // Total cost per allocation name, exact.
  static std::map<std::string, std::int64_t> Totals(const Json& set) {
    std::map<std::string, std::int64_t> out;
    for (const auto& [name, allocation] : set.items()) {
      out[name] = allocation.at("totalCostNanos").get<std::int64_t>();
    }
    return out;
  }

  static std::int64_t Sum(const std::map<std::string, std::int64_t>& totals) {
    std::int64_t sum = 0;
    for (const auto& [name, nanos] : totals) sum += nanos;
    return sum;
  }

  static std::int64_t CountOf(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  static inline std::unique_ptr<simulator::Simulator> sim_;
  static inline std::atomic<std::int64_t> sim_now_{0};
  static inline std::unique_ptr<simulator::HttpServer> sim_http_;
  static inline std::unique_ptr<testing::PrivatePostgres> db_;
  static inline std::string url_;
  static inline std::unique_ptr<postgres::PostgresCostReader> reader_;
  static inline std::unique_ptr<api::CostApi> api_;
};

bool AnyStartsWith(const std::map<std::string, std::int64_t>& totals, std::string_view prefix) {
  for (const auto& [name, nanos] : totals) {
    if (name.starts_with(prefix) && name.size() > prefix.size() && nanos > 0) return true;
  }
  return false;
}

// Every stored row is named: by its platform's labels, else by its controller or pod.
TEST_F(SimulatedWorkloadsTest, EveryRowCarriesAPlatformAndAWorkload) {
  EXPECT_GT(CountOf("SELECT count(*) FROM container_costs"), 0);
  EXPECT_EQ(CountOf("SELECT count(*) FROM container_costs WHERE platform = '' OR workload = ''"),
            0);
  EXPECT_EQ(CountOf("SELECT count(*) FROM container_costs WHERE platform NOT IN "
                    "('jupyterhub', 'spark', 'ray', 'airflow', 'kubernetes')"),
            0);
  // A platform's workloads are named by it (the CronJob controller's Jobs as their CronJob).
  EXPECT_EQ(CountOf("SELECT count(*) FROM container_costs WHERE (namespace = 'spark') <> "
                    "(workload LIKE 'spark:%')"),
            0);
  EXPECT_EQ(CountOf("SELECT count(*) FROM container_costs WHERE controller_kind = 'Job' AND "
                    "workload NOT LIKE 'CronJob:%'"),
            0);
}

TEST_F(SimulatedWorkloadsTest, AllocationsByWorkloadAreThePlatformsNamesAndSumToTheTotal) {
  const auto by_namespace = Totals(Allocations("aggregate=namespace"));
  const Json workloads = Allocations("aggregate=workload");
  const auto by_workload = Totals(workloads);
  EXPECT_TRUE(AnyStartsWith(by_workload, "notebook:")) << workloads.dump();
  EXPECT_TRUE(AnyStartsWith(by_workload, "spark:")) << workloads.dump();
  EXPECT_TRUE(AnyStartsWith(by_workload, "raycluster:")) << workloads.dump();
  EXPECT_TRUE(AnyStartsWith(by_workload, "CronJob:")) << workloads.dump();
  EXPECT_TRUE(AnyStartsWith(by_workload, "Deployment:")) << workloads.dump();
  EXPECT_FALSE(by_workload.contains("__unallocated__"));
  EXPECT_GT(by_workload.at("__idle__"), 0);
  EXPECT_EQ(by_workload.at("__idle__"), by_namespace.at("__idle__"));
  EXPECT_EQ(Sum(by_workload), Sum(by_namespace));
  for (const auto& [name, allocation] : workloads.items()) {
    if (name == "__idle__") continue;
    EXPECT_EQ(allocation.at("properties").at("workload"), name);
  }

  const auto by_platform = Totals(Allocations("aggregate=platform"));
  for (const char* platform : {"jupyterhub", "spark", "ray", "kubernetes"}) {
    EXPECT_GT(by_platform.contains(platform) ? by_platform.at(platform) : 0, 0) << platform;
  }
  EXPECT_EQ(Sum(by_platform), Sum(by_namespace));

  // A filter on the platform keeps its workloads, and exactly its cost.
  const auto spark =
      Totals(Allocations("aggregate=workload&idle=false&filter=platform:%22spark%22"));
  ASSERT_FALSE(spark.empty());
  for (const auto& [name, nanos] : spark) {
    EXPECT_TRUE(name.starts_with("spark:")) << name;
    EXPECT_EQ(nanos, by_workload.at(name)) << name;
  }
  EXPECT_EQ(Sum(spark), by_platform.at("spark"));
  // And on one workload: one notebook's cost, wherever it ran.
  const auto notebook = std::find_if(by_workload.begin(), by_workload.end(), [](const auto& w) {
    return w.first.starts_with("notebook:");
  });
  ASSERT_NE(notebook, by_workload.end());
  const auto one = Totals(Allocations(
      fmt::format("aggregate=namespace&idle=false&filter=workload:%22{}%22", notebook->first)));
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one.begin()->first, "jupyterhub");
  EXPECT_EQ(one.begin()->second, notebook->second);
}

// By capacity and instance type: the node's, and the same total.
TEST_F(SimulatedWorkloadsTest, AllocationsByCapacityAndInstanceTypeSumToTheTotal) {
  const auto by_namespace = Totals(Allocations("aggregate=namespace"));
  const auto by_capacity = Totals(Allocations("aggregate=capacityType"));
  EXPECT_TRUE(by_capacity.contains("on-demand"));
  EXPECT_TRUE(by_capacity.contains("spot"));
  EXPECT_EQ(Sum(by_capacity), Sum(by_namespace));
  const auto by_type = Totals(Allocations("aggregate=instanceType,capacityType"));
  EXPECT_GT(by_type.size(), 2U);
  EXPECT_EQ(Sum(by_type), Sum(by_namespace));
}

}  // namespace
}  // namespace costledger
