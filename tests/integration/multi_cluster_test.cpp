// Many clusters, one database: two simulated clusters (`costledger simulate`, the same seed so
// that namespace, pod and node names repeat across them) collected by two `serve --role
// collector` processes named east and west into one private PostgreSQL, read by one `serve
// --role api`. Allocation by cluster, a cluster filter, a quota scoped to each cluster and the
// weekly team reports (`costledger report`) equal the stored rows of that cluster (or of both,
// for a team's week) to the nano-dollar: nothing of one cluster leaks into the other.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/model/timestamp.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "served_cluster.hpp"
#include "shell_command.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::HttpCall;
using testing::HttpReply;
using ::testing::UnorderedElementsAre;

constexpr const char* kAdmin = "multi-cluster-admin-token-0123456789";
using Sums = std::map<std::string, std::int64_t>;

std::int64_t Epoch(sys_seconds t) { return t.time_since_epoch().count(); }

// cluster -> (namespace -> cpu+ram+gpu+volume nano-dollars) of the stored raw rows in
// [start, end); unmounted volumes under "__unmounted__".
std::map<std::string, Sums> SqlByClusterAndNamespace(pqxx::connection& c, sys_seconds start,
                                                     sys_seconds end) {
  pqxx::read_transaction tx(c);
  std::map<std::string, Sums> out;
  for (const auto& row : tx.exec_params(
           "SELECT cluster, namespace, sum(nanos)::bigint FROM ("
           "SELECT cluster, namespace, interval_start, "
           "cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos AS nanos FROM container_costs "
           "UNION ALL SELECT cluster, namespace, interval_start, cost_nanos FROM "
           "volume_share_costs) x "
           "WHERE interval_start >= to_timestamp($1) AND interval_start < to_timestamp($2) "
           "GROUP BY cluster, namespace",
           Epoch(start), Epoch(end))) {
    out[row[0].as<std::string>()][row[1].as<std::string>()] = row[2].as<std::int64_t>();
  }
  return out;
}

Sums Totals(const std::map<std::string, Sums>& by_cluster) {
  Sums out;
  for (const auto& [cluster, sums] : by_cluster) {
    for (const auto& [name, nanos] : sums) out[cluster] += nanos;
  }
  return out;
}

class MultiClusterTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      dir_.Keep();
      std::cerr << "logs and configuration kept in " << dir_.path() << "\n";
    }
  }

  // name -> cpu+ram+gpu nano-dollars of /v1/allocation's accumulated set (idle rows left out).
  Sums Allocation(sys_seconds start, sys_seconds end, const std::string& aggregate,
                  const std::string& filter = {}) const {
    const HttpReply r = HttpCall(
        "GET",
        fmt::format("{}/v1/allocation?window={},{}&aggregate={}&accumulate=true{}", api_,
                    Epoch(start), Epoch(end), aggregate, filter.empty() ? "" : "&filter=" + filter),
        kAdmin);
    EXPECT_EQ(r.status, 200) << r.body;
    Sums out;
    const json body = r.Json();
    if (r.status != 200 || body["data"].empty()) return out;
    for (const auto& [name, a] : body["data"][0].items()) {
      if (name == "__idle__") continue;
      out[name] =
          a.at("cpuCostNanos").get<std::int64_t>() + a.at("ramCostNanos").get<std::int64_t>() +
          a.at("gpuCostNanos").get<std::int64_t>() + a.at("pvCostNanos").get<std::int64_t>();
    }
    return out;
  }

  testing::TempDir dir_{"multi-cluster"};  // destroyed last: the processes stop before it goes
  std::string api_;
};

TEST_F(MultiClusterTest, EachClusterIsExactInAllocationQuotasAndReports) {
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("clusters");
  // One seed, two sizes: the same namespaces and pod names in both clusters.
  testing::SimulatedCluster east_sim(COSTLEDGER_BINARY, dir_.Path("east-sim.log"), 6, 40, 21);
  testing::SimulatedCluster west_sim(COSTLEDGER_BINARY, dir_.Path("west-sim.log"), 4, 30, 21);

  std::vector<std::unique_ptr<testing::ChildProcess>> collectors;
  for (const auto& [cluster, sim] :
       {std::pair<std::string, testing::SimulatedCluster*>{"east", &east_sim},
        {"west", &west_sim}}) {
    json config = testing::ServeConfigFor(cluster, url, sim->url(), testing::FreeTcpPort(),
                                          dir_.Path("spool-" + cluster));
    // The collectors keep rollups by local day of their time_zone (checked below).
    config["time_zone"] = "Europe/Berlin";
    std::ofstream(dir_.Path(cluster + ".json")) << config.dump(1);
    collectors.push_back(std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{COSTLEDGER_BINARY, "serve", "--config",
                                 dir_.Path(cluster + ".json"), "--role", "collector",
                                 "--log-format", "json"},
        dir_.Path(cluster + ".log")));
  }

  const std::string tokens = dir_.Path("tokens.json");
  std::ofstream(tokens) << fmt::format(
      R"([{{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}}])", api::Sha256Hex(kAdmin));
  const int port = testing::FreeTcpPort();
  json api_config =
      testing::ServeConfigFor("east", url, east_sim.url(), port, dir_.Path("spool-api"));
  api_config["auth"]["tokens_file"] = tokens;
  api_config["api"]["cache_seconds"] = 0;
  api_config["quotas"]["evaluate_seconds"] = 1;
  std::ofstream(dir_.Path("api.json")) << api_config.dump(1);
  testing::ChildProcess api_process({COSTLEDGER_BINARY, "serve", "--config", dir_.Path("api.json"),
                                     "--role", "api", "--log-format", "json"},
                                    dir_.Path("api.log"));
  api_ = fmt::format("http://127.0.0.1:{}", port);
  const HttpReply ready = testing::WaitForHttpStatus(api_ + "/readyz", 200, seconds(60));
  ASSERT_EQ(ready.status, 200) << ready.body << collectors[0]->Log() << api_process.Log();

  // A quota per cluster (alert only, a day, far from its limit).
  for (const std::string cluster : {"east", "west"}) {
    const json quota = {{"scope", {{"cluster", cluster}}},
                        {"period", "day"},
                        {"limit", {{"dollars", 1'000'000}}},
                        {"action", "alert"}};
    const HttpReply put =
        HttpCall("PUT", fmt::format("{}/v1/quotas/{}-daily", api_, cluster), kAdmin, quota.dump());
    ASSERT_EQ(put.status, 201) << put.body;
  }

  // Both clusters stored a few intervals.
  pqxx::connection db(url);
  sys_seconds end{};
  for (int i = 0; i < 300; ++i) {
    pqxx::read_transaction tx(db);
    const pqxx::row r = tx.exec1(
        "SELECT count(DISTINCT cluster), coalesce(extract(epoch FROM min(latest))::bigint, 0) FROM "
        "(SELECT cluster, max(interval_start) AS latest, count(DISTINCT interval_start) AS n "
        "FROM node_costs GROUP BY cluster HAVING count(DISTINCT interval_start) >= 5) x");
    if (r[0].as<int>() == 2) {
      end = sys_seconds(seconds(r[1].as<std::int64_t>()));
      break;
    }
    tx.commit();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_NE(end, sys_seconds{}) << "both clusters did not store 5 intervals in 60 s\n"
                                << collectors[0]->Log() << collectors[1]->Log();
  const sys_seconds start = end - seconds(5);
  const std::map<std::string, Sums> stored = SqlByClusterAndNamespace(db, start, end);
  ASSERT_EQ(stored.size(), 2U);
  std::set<std::string> shared_namespaces;
  for (const auto& [ns, nanos] : stored.at("east")) {
    if (stored.at("west").contains(ns)) shared_namespaces.insert(ns);
  }
  EXPECT_FALSE(shared_namespaces.empty()) << "the clusters share no namespace name: a weak test";

  // Allocation by cluster, and by namespace within each cluster through the cluster filter.
  EXPECT_EQ(Allocation(start, end, "cluster"), Totals(stored));
  for (const std::string cluster : {"east", "west"}) {
    EXPECT_EQ(Allocation(start, end, "namespace", fmt::format("cluster:%22{}%22", cluster)),
              stored.at(cluster))
        << cluster;
  }
  const Sums both_by_namespace = Allocation(start, end, "namespace");
  for (const std::string& ns : shared_namespaces) {
    EXPECT_EQ(both_by_namespace.at(ns), stored.at("east").at(ns) + stored.at("west").at(ns)) << ns;
  }

  // Each cluster's quota counts that cluster only: its spend equals /v1/allocation by cluster
  // over the evaluator's own period (since the day's start, through what it counted).
  for (const std::string cluster : {"east", "west"}) {
    HttpReply status;
    for (int i = 0; i < 100; ++i) {
      status = HttpCall("GET", fmt::format("{}/v1/quotas/{}-daily/status", api_, cluster), kAdmin);
      if (status.status == 200 && !status.Json()["data"]["countedThrough"].is_null()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(status.status, 200) << status.body;
    const json data = status.Json()["data"];
    const sys_seconds since = model::ParseTimestamp(data["since"].get<std::string>());
    const sys_seconds through = model::ParseTimestamp(data["countedThrough"].get<std::string>());
    const HttpReply alloc =
        HttpCall("GET",
                 fmt::format("{}/v1/allocation?window={},{}&aggregate=cluster&accumulate=true",
                             api_, Epoch(since), Epoch(through)),
                 kAdmin);
    ASSERT_EQ(alloc.status, 200) << alloc.body;
    EXPECT_EQ(data["spentBase"].get<std::int64_t>(),
              alloc.Json()["data"][0][cluster]["totalCostNanos"].get<std::int64_t>())
        << cluster << ": " << data.dump();
  }

  // The weekly reports of this (partial) week, built once the collectors stopped: each team's
  // total is its containers' cost in both clusters, and its idle section names the clusters it
  // ran in with their node cost.
  for (auto& c : collectors) {
    c->Signal(SIGTERM);
    EXPECT_EQ(c->Wait(seconds(30)), 0) << c->Log();
  }
  const std::string week = model::ToString(
      model::IsoWeekOf(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())));
  const testing::CommandOutput report = testing::RunShellCommand(
      fmt::format("'{}' report --config '{}' --week {} --out '{}'", COSTLEDGER_BINARY,
                  dir_.Path("api.json"), week, dir_.Path("reports")));
  ASSERT_EQ(report.exit_code, 0) << report.text;
  pqxx::read_transaction tx(db);
  EXPECT_EQ(tx.exec1("SELECT zone FROM local_day_zone")[0].as<std::string>(), "Europe/Berlin");
  const auto team_rows = tx.exec(
      "SELECT team, sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos)::bigint, "
      "array_to_string(array_agg(DISTINCT cluster ORDER BY cluster), ',') FROM container_costs "
      "WHERE team <> '' GROUP BY team");
  ASSERT_FALSE(team_rows.empty());
  std::map<std::string, std::int64_t> node_cost;
  for (const auto& row :
       tx.exec("SELECT cluster, sum(node_cost_nanos)::bigint FROM node_costs GROUP BY cluster")) {
    node_cost[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  for (const auto& row : team_rows) {
    const std::string team = row[0].as<std::string>();
    const json r = json::parse(
        testing::ChildProcess::ReadFile(dir_.Path(fmt::format("reports/{}/{}.json", week, team))),
        nullptr, false);
    ASSERT_TRUE(r.is_object()) << "no JSON report of team " << team << "\n" << report.text;
    EXPECT_EQ(r["total_cost_nanos"].get<std::int64_t>(), row[1].as<std::int64_t>()) << team;
    std::int64_t clusters_total = 0;
    std::string clusters;
    for (const json& c : r["idle"]["clusters"]) {
      const std::string name = c.is_string() ? c.get<std::string>() : c.value("cluster", "");
      clusters += (clusters.empty() ? "" : ",") + name;
      clusters_total += node_cost[name];
    }
    EXPECT_EQ(clusters, row[2].as<std::string>()) << team;
    EXPECT_EQ(r["idle"]["cluster_total_nanos"].get<std::int64_t>(), clusters_total) << team;
  }

  api_process.Signal(SIGTERM);
  EXPECT_EQ(api_process.Wait(seconds(30)), 0) << api_process.Log();
}

}  // namespace
}  // namespace costledger
