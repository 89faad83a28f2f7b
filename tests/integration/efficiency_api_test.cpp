// The scaling-engine feed end to end: a simulated cluster (whose spot nodes are reclaimed every
// few hours) scraped by the collector over half a day, stored in PostgreSQL, and served by
// GET /v1/efficiency, the priority expander and the Karpenter list. The offering figures are
// checked against SQL written here over the stored rows, independently of the reader; a work
// counter read from a file (with a reset) gives the cost per item. The simulator's nodes carry
// node groups (on-demand: EKS managed node groups `<pool>-on-demand`; spot: Karpenter NodePools
// `<pool>`), stored with the node rows: offerings are per node group, and the autoscaler formats
// name the groups.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <string>
#include <tuple>

#include "costledger/api/cost_api.hpp"
#include "costledger/api/efficiency_metrics.hpp"
#include "costledger/collector/collector.hpp"
#include "costledger/collector/spool.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/fetch/cluster_scraper.hpp"
#include "costledger/fetch/price_loader.hpp"
#include "costledger/fetch/work_counter_scraper.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"
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
// Two consecutive intervals every 15 minutes over 12 hours: long enough for spot nodes (reclaimed
// every 4-20 h in the simulator) to go, short enough to collect in seconds.
constexpr minutes kEvery{15};
constexpr int kPoints = 48;
// Instance type, capacity type, zone, node group.
using Offering = std::tuple<std::string, std::string, std::string, std::string>;

Offering OfferingOf(const pqxx::row& row) {
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<std::string>()};
}

class EfficiencyApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<simulator::Simulator>(simulator::SimulatorOptions{7, {40, 500}});
    sim_http_ = std::make_unique<simulator::HttpServer>(
        "127.0.0.1", 0,
        [](const simulator::HttpRequest& r) {
          return sim_->Handle(r.method, r.target, sys_seconds(seconds(sim_now_.load())));
        },
        2);
    sim_http_->Start();
    const std::string sim_url = fmt::format("http://127.0.0.1:{}", sim_http_->port());

    db_ = std::make_unique<testing::PrivatePostgres>();
    url_ = db_->CreateDatabase("efficiency_api");
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
    dir_ = std::make_unique<testing::TempDir>("costledger-efficiency-api");
    collector::Spool spool(dir_->Path("spool"));
    std::FILE* log_file = std::tmpfile();
    ASSERT_NE(log_file, nullptr);
    {
      common::Logger log(common::Logger::Format::kJson, log_file);
      collector::Collector collector(settings, cluster, prices, spool, store, log);
      for (int i = 1; i <= kPoints; ++i) {
        for (const sys_seconds boundary : {kStart + i * kEvery - kInterval, kStart + i * kEvery}) {
          sim_now_ = boundary.time_since_epoch().count();
          const model::TickReport report = collector.Tick(boundary);
          ASSERT_TRUE(report.attributed) << "point " << i;
          ASSERT_EQ(report.source_errors, 0U) << "point " << i;
        }
      }
    }
    static_cast<void>(std::fclose(log_file));  // a temporary file: nothing to lose

    reader_ = std::make_unique<postgres::PostgresCostReader>(url_, "");
    usage_ = std::make_unique<postgres::PostgresUsageReader>(url_, "");
    api::CostApiSettings api_settings;  // no tokens: open, as the demo runs it
    api_settings.cache_ttl = seconds(0);
    api_ = std::make_unique<api::CostApi>(
        api::CostReaders{*reader_, *reader_, *reader_, *reader_, nullptr, nullptr, usage_.get()},
        nullptr, api_settings, [] { return kStart + std::chrono::hours(13); });
  }
  static void TearDownTestSuite() {
    api_.reset();
    usage_.reset();
    reader_.reset();
    db_.reset();
    dir_.reset();
    sim_http_.reset();
    sim_.reset();
  }

  static std::string Window() {
    return fmt::format("{},{}", kStart.time_since_epoch().count(),
                       (kStart + kPoints * kEvery).time_since_epoch().count());
  }

  static http::HttpResponse Get(const std::string& target) {
    http::HttpRequest request;
    request.method = "GET";
    request.target = target;
    http::ParsedTarget parsed = http::ParseTarget(request.target);
    request.path = std::move(parsed.path);
    request.query = std::move(parsed.query);
    return api_->Handle(request);
  }

  static Json Data(const std::string& target) {
    const http::HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return Json::parse(r.body).at("data");
  }

  static pqxx::result Query(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    return tx.exec(sql);
  }

  static inline std::unique_ptr<simulator::Simulator> sim_;
  static inline std::atomic<std::int64_t> sim_now_{0};
  static inline std::unique_ptr<simulator::HttpServer> sim_http_;
  static inline std::unique_ptr<testing::PrivatePostgres> db_;
  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::string url_;
  static inline std::unique_ptr<postgres::PostgresCostReader> reader_;
  static inline std::unique_ptr<postgres::PostgresUsageReader> usage_;
  static inline std::unique_ptr<api::CostApi> api_;
};

TEST_F(EfficiencyApiTest, OfferingsMatchTheStoredRows) {
  // Per offering from the node rows: node-seconds, CPU pool and cost, and used core-seconds from
  // the container rows on those nodes.
  struct Expected {
    std::int64_t node_seconds = 0;
    std::int64_t cpu_pool = 0;
    std::int64_t cost = 0;
    std::int64_t used_millicore_seconds = 0;
    std::int64_t interruptions = 0;
  };
  std::map<Offering, Expected> expected;
  for (const auto& row : Query(R"(
      SELECT instance_type, capacity_type, zone, node_group, sum(interval_seconds)::bigint,
             sum(pool_cpu_nanos)::bigint, sum(node_cost_nanos)::bigint
      FROM node_costs GROUP BY 1, 2, 3, 4)")) {
    Expected& e = expected[OfferingOf(row)];
    e.node_seconds = row[4].as<std::int64_t>();
    e.cpu_pool = row[5].as<std::int64_t>();
    e.cost = row[6].as<std::int64_t>();
  }
  for (const auto& row : Query(R"(
      SELECT n.instance_type, n.capacity_type, n.zone, n.node_group,
             sum(c.cpu_usage_millicores * c.interval_seconds)::bigint
      FROM container_costs c JOIN node_costs n USING (cluster, interval_start, node)
      GROUP BY 1, 2, 3, 4)")) {
    expected[OfferingOf(row)].used_millicore_seconds = row[4].as<std::int64_t>();
  }
  // A spot node whose last row is more than one interval before the cluster's last one, with
  // pods other than DaemonSets' in that last interval.
  std::int64_t interruptions = 0;
  for (const auto& row : Query(R"(
      WITH last AS (SELECT node, min(instance_type) AS it, min(capacity_type) AS ct,
                           min(zone) AS z, min(node_group) AS g, max(interval_start) AS s
                    FROM node_costs GROUP BY node),
           cluster_end AS (SELECT max(interval_start) AS m FROM node_costs)
      SELECT it, ct, z, g, count(*) FROM last, cluster_end
      WHERE ct = 'spot' AND s < m - interval '60 seconds'
        AND EXISTS (SELECT 1 FROM container_costs c WHERE c.node = last.node
                    AND c.interval_start = last.s AND c.controller_kind <> 'DaemonSet')
      GROUP BY 1, 2, 3, 4)")) {
    expected[OfferingOf(row)].interruptions = row[4].as<std::int64_t>();
    interruptions += row[4].as<std::int64_t>();
  }
  EXPECT_GT(interruptions, 0) << "the simulator reclaimed no spot node in 12 h";

  const Json data = Data("/v1/efficiency?by=offering&window=" + Window());
  ASSERT_EQ(data.size(), expected.size());
  for (const Json& o : data) {
    const Offering key{o.at("instance_type"), o.at("capacity_type"), o.at("zone"),
                       o.at("node_group")};
    ASSERT_TRUE(expected.contains(key)) << o.dump();
    // Every simulated node carries its provisioner's group: an EKS managed node group for
    // on-demand capacity, a Karpenter NodePool for spot.
    const std::string& group = std::get<3>(key);
    EXPECT_FALSE(group.empty());
    EXPECT_EQ(group.ends_with("-on-demand"), std::get<1>(key) == "on-demand") << group;
    const Expected& e = expected.at(key);
    SCOPED_TRACE(o.dump());
    EXPECT_DOUBLE_EQ(o.at("node_hours").get<double>(),
                     static_cast<double>(e.node_seconds) / 3600.0);
    EXPECT_EQ(o.at("cost_nanos").get<std::int64_t>(), e.cost);
    EXPECT_EQ(o.at("cpu_pool_cost_nanos").get<std::int64_t>(), e.cpu_pool);
    EXPECT_EQ(o.at("interruptions").get<std::int64_t>(), e.interruptions);
    const auto per_vcpu =
        model::CostPerUnitHour(model::Money::FromNanos(e.cpu_pool), e.used_millicore_seconds, 1000);
    if (per_vcpu) {
      // Usage is stored per container-interval as whole millicores; the reader sums the same.
      EXPECT_EQ(o.at("effective_cost_per_used_vcpu_hour_nanos").get<std::int64_t>(),
                per_vcpu->nanos());
    } else {
      EXPECT_TRUE(o.at("effective_cost_per_used_vcpu_hour").is_null());
    }
    if (std::get<1>(key) == "on-demand") {
      EXPECT_EQ(o.at("interruptions_per_node_hour"), 0.0);
    } else {
      EXPECT_DOUBLE_EQ(
          o.at("interruptions_per_node_hour").get<double>(),
          static_cast<double>(e.interruptions) / (static_cast<double>(e.node_seconds) / 3600.0));
    }
  }
}

TEST_F(EfficiencyApiTest, FormatsForAutoscalersRankEveryOffering) {
  const http::HttpResponse expander =
      Get("/v1/efficiency/priority-expander?namespace=autoscaler&window=" + Window());
  ASSERT_EQ(expander.status, 200) << expander.body;
  EXPECT_NE(expander.body.find("name: cluster-autoscaler-priority-expander"), std::string::npos);
  EXPECT_NE(expander.body.find("namespace: autoscaler"), std::string::npos);
  EXPECT_NE(expander.body.find("    1:\n      - '.*'\n"), std::string::npos);
  // Every stored node group is named by its own anchored regex, once; nothing is guessed.
  std::set<std::string> stored_groups;
  for (const auto& row : Query("SELECT DISTINCT node_group FROM node_costs")) {
    stored_groups.insert(row[0].as<std::string>());
  }
  ASSERT_FALSE(stored_groups.contains(""));
  ASSERT_GE(stored_groups.size(), 2U);
  std::set<std::string> named;
  std::size_t entries = 0;
  for (std::size_t at = expander.body.find("      - '"); at != std::string::npos;
       at = expander.body.find("      - '", at + 1)) {
    const std::size_t begin = at + 9;
    const std::string regex = expander.body.substr(begin, expander.body.find('\'', begin) - begin);
    if (regex == ".*") continue;
    ++entries;
    ASSERT_TRUE(regex.starts_with("^") && regex.ends_with("$")) << regex;
    // Each regex matches one stored group: by its name, or as the Cluster Autoscaler knows an
    // EKS managed node group (its Auto Scaling group, eks-<name>-<uuid>).
    const std::regex re(regex);
    std::size_t matched = 0;
    for (const std::string& group : stored_groups) {
      if (!std::regex_match(group, re)) continue;
      ++matched;
      named.insert(group);
      EXPECT_TRUE(std::regex_match("eks-" + group + "-40bbb26b-8679-eb64-d33a-4ba475413529", re))
          << regex;
    }
    EXPECT_EQ(matched, 1U) << regex;
  }
  EXPECT_EQ(named, stored_groups) << expander.body;
  EXPECT_EQ(entries, stored_groups.size()) << expander.body;
  EXPECT_EQ(expander.body.find(".*spot.*"), std::string::npos) << expander.body;

  const Json karpenter = Data("/v1/efficiency/karpenter?window=" + Window());
  std::set<std::string> spot_types;
  for (const auto& row : Query("SELECT DISTINCT instance_type FROM node_costs WHERE "
                               "capacity_type = 'spot'")) {
    spot_types.insert(row[0].as<std::string>());
  }
  std::set<std::string> listed;
  for (const Json& t : karpenter.at("spot").at("instance_types"))
    listed.insert(t.at("instance_type"));
  EXPECT_EQ(listed, spot_types);

  // Per node group: each Karpenter NodePool lists the spot instance types its nodes were.
  const Json by_group =
      Json::parse(Get("/v1/efficiency/karpenter?window=" + Window()).body).at("node_groups");
  std::map<std::string, std::set<std::string>> pool_types;
  for (const auto& row : Query("SELECT DISTINCT node_group, instance_type FROM node_costs WHERE "
                               "capacity_type = 'spot'")) {
    pool_types[row[0].as<std::string>()].insert(row[1].as<std::string>());
  }
  ASSERT_FALSE(pool_types.empty());
  for (const auto& [pool, types] : pool_types) {
    ASSERT_TRUE(by_group.contains(pool)) << pool;
    std::set<std::string> pool_listed;
    for (const Json& t : by_group.at(pool).at("spot").at("instance_types")) {
      EXPECT_EQ(t.at("node_group"), pool);
      pool_listed.insert(t.at("instance_type"));
    }
    EXPECT_EQ(pool_listed, types) << pool;
    EXPECT_EQ(by_group.at(pool).at("spot").at("requirements").at(1).at("values").size(),
              types.size());
  }
}

TEST_F(EfficiencyApiTest, WorkloadsAndTheirCostPerItem) {
  const Json workloads = Data("/v1/efficiency?by=workload&window=" + Window());
  ASSERT_FALSE(workloads.empty());
  // The first workload with a cost gets a work counter: 100 items at each point, the counter
  // restarting from 0 half way (a reset, counted as Prometheus does).
  std::string name;
  std::int64_t cost_nanos = 0;
  for (const Json& w : workloads) {
    if (w.at("cost_nanos").get<std::int64_t>() > 0) {
      name = w.at("workload");
      cost_nanos = w.at("cost_nanos");
      break;
    }
  }
  ASSERT_FALSE(name.empty());
  fetch::WorkCounterScraper scraper({{name, dir_->Path("work.prom"), "items_processed_total"}}, {},
                                    std::chrono::days(30));
  double value = 0;
  for (int i = 0; i <= kPoints; ++i) {
    value = i == kPoints / 2 ? 100 : value + 100;  // reset at the half: 0 -> 100
    std::ofstream(dir_->Path("work.prom"))
        << "# TYPE items_processed_total counter\n"
        << fmt::format("items_processed_total{{queue=\"a\"}} {}\n", value);
    ASSERT_TRUE(scraper.Scrape(kStart + i * kEvery).empty());
  }
  api::CostApiSettings settings;
  settings.cache_ttl = seconds(0);
  api::CostApi with_counter(
      api::CostReaders{*reader_, *reader_, *reader_, *reader_, nullptr, nullptr, nullptr, &scraper},
      nullptr, settings, [] { return kStart + std::chrono::hours(13); });
  http::HttpRequest request;
  request.method = "GET";
  request.target =
      fmt::format("/v1/efficiency?by=workload&window={}&filter=workload:%22{}%22", Window(), name);
  http::ParsedTarget parsed = http::ParseTarget(request.target);
  request.path = std::move(parsed.path);
  request.query = std::move(parsed.query);
  const http::HttpResponse r = with_counter.Handle(request);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json data = Json::parse(r.body).at("data");
  ASSERT_EQ(data.size(), 1U) << r.body;
  const Json& work = data[0].at("work");
  ASSERT_FALSE(work.is_null()) << r.body;
  EXPECT_DOUBLE_EQ(work.at("increase").get<double>(), 100.0 * kPoints);
  // The counter covers the whole window, so all of its cost.
  EXPECT_EQ(work.at("covered_cost_nanos").get<std::int64_t>(), cost_nanos);
  EXPECT_DOUBLE_EQ(work.at("cost_per_item").get<double>(),
                   static_cast<double>(cost_nanos) / 1e9 / (100.0 * kPoints));
}

TEST_F(EfficiencyApiTest, GaugesCarryTheFeed) {
  api::CostMetrics metrics;
  api::EfficiencyGauges gauges(metrics.registry());
  const model::TimeWindow w{kStart, kStart + kPoints * kEvery};
  const api::EfficiencyReaders readers{*reader_, *reader_, usage_.get(), nullptr};
  const api::Principal all{"t", api::Role::kAdmin, model::TeamScope::All()};
  gauges.Publish(api::ReadOfferingFeed(readers, w, {}), api::ReadWorkloadFeed(readers, w, {}, all));
  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("costledger_offering_effective_cost_per_used_vcpu_hour_dollars{"),
            std::string::npos);
  EXPECT_NE(text.find("costledger_offering_interruptions_per_node_hour{"), std::string::npos);
  EXPECT_NE(text.find("costledger_workload_cost_per_hour_dollars{"), std::string::npos);
  EXPECT_NE(text.find("capacity_type=\"spot\""), std::string::npos);
  EXPECT_NE(text.find("node_group=\"general-on-demand\""), std::string::npos) << text;
}

}  // namespace
}  // namespace costledger
