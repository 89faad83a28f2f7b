// Read replicas end to end: a private PostgreSQL primary and a hot standby made from it with
// `pg_basebackup -R`; `costledger serve --role collector` writes into the primary and `serve
// --role api` with database_read_url reads from the standby. /v1/allocation from the replica
// equals the primary's rows to the nano-dollar and still answers once the primary is gone;
// /readyz reports the replication lag and turns not-ready past database_read_max_lag_seconds
// (replay paused on the standby) and ready again once replay resumes.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "costledger/model/timestamp.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "served_cluster.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;
using testing::HttpCall;
using testing::HttpReply;

constexpr int kMaxLagSeconds = 3;

// cpu + ram + gpu cost (nano-dollars) per namespace in [start, end) as /v1/allocation answers.
std::map<std::string, std::int64_t> ApiCostsByNamespace(const std::string& api, sys_seconds start,
                                                        sys_seconds end) {
  const HttpReply r = HttpCall(
      "GET", fmt::format("{}/v1/allocation?window={},{}&aggregate=namespace&accumulate=true", api,
                         start.time_since_epoch().count(), end.time_since_epoch().count()));
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::int64_t> out;
  const json body = r.Json();
  if (r.status != 200 || body["data"].empty()) return out;
  for (const auto& [name, a] : body["data"][0].items()) {
    if (name == "__idle__") continue;  // the nodes' idle: no stored container or volume row
    out[name] = a.at("cpuCostNanos").get<std::int64_t>() +
                a.at("ramCostNanos").get<std::int64_t>() +
                a.at("gpuCostNanos").get<std::int64_t>() + a.at("pvCostNanos").get<std::int64_t>();
  }
  return out;
}

// The same from the stored raw rows: containers and volume shares (unmounted volumes under
// "__unmounted__").
std::map<std::string, std::int64_t> SqlCostsByNamespace(const std::string& url, sys_seconds start,
                                                        sys_seconds end) {
  pqxx::connection c(url);
  pqxx::read_transaction tx(c);
  std::map<std::string, std::int64_t> out;
  for (const auto& row : tx.exec_params(
           "SELECT namespace, sum(nanos)::bigint FROM (SELECT namespace, interval_start, "
           "cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos AS nanos FROM container_costs "
           "UNION ALL SELECT namespace, interval_start, cost_nanos FROM volume_share_costs) x "
           "WHERE interval_start >= to_timestamp($1) "
           "AND interval_start < to_timestamp($2) GROUP BY namespace",
           start.time_since_epoch().count(), end.time_since_epoch().count())) {
    out[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  }
  return out;
}

TEST(ReadReplicaTest, ApiAnswersFromTheStandbyWhileTheCollectorWritesThePrimary) {
  testing::TempDir dir("read-replica");
  testing::PrivatePostgres primary;
  const std::string primary_url = primary.CreateDatabase("replicated");
  testing::PrivatePostgres standby(testing::PrivatePostgres::StandbyOf{primary});
  const std::string replica_url = standby.Url("replicated");
  {
    pqxx::connection c(replica_url);
    pqxx::nontransaction tx(c);
    ASSERT_TRUE(tx.exec1("SELECT pg_is_in_recovery()")[0].as<bool>()) << "not a standby";
  }

  testing::SimulatedCluster sim(COSTLEDGER_BINARY, dir.Path("simulate.log"), 6, 40, 11);
  const json collector_config = testing::ServeConfigFor("east", primary_url, sim.url(),
                                                        testing::FreeTcpPort(), dir.Path("spool"));
  std::ofstream(dir.Path("collector.json")) << collector_config.dump(1);
  testing::ChildProcess collector(
      {COSTLEDGER_BINARY, "serve", "--config", dir.Path("collector.json"), "--role", "collector",
       "--log-format", "json"},
      dir.Path("collector.log"));

  const int port = testing::FreeTcpPort();
  json api_config =
      testing::ServeConfigFor("east", primary_url, sim.url(), port, dir.Path("spool-api"));
  api_config["database_read_url"] = replica_url;
  api_config["database_read_max_lag_seconds"] = kMaxLagSeconds;
  api_config["api"]["cache_seconds"] = 0;
  std::ofstream(dir.Path("api.json")) << api_config.dump(1);
  testing::ChildProcess api_process({COSTLEDGER_BINARY, "serve", "--config", dir.Path("api.json"),
                                     "--role", "api", "--log-format", "json"},
                                    dir.Path("api.log"));
  const std::string api = fmt::format("http://127.0.0.1:{}", port);

  const HttpReply ready = testing::WaitForHttpStatus(api + "/readyz", 200, seconds(60));
  ASSERT_EQ(ready.status, 200) << ready.body << "\n" << collector.Log() << api_process.Log();
  EXPECT_EQ(ready.Json()["database"], "replica") << ready.body;
  ASSERT_TRUE(ready.Json()["replicationLagSeconds"].is_number()) << ready.body;
  EXPECT_LE(ready.Json()["replicationLagSeconds"].get<double>(), kMaxLagSeconds);

  // A few intervals, then a closed window ending at the newest interval the replica holds.
  std::this_thread::sleep_for(seconds(4));
  const HttpReply later = testing::WaitForHttpStatus(api + "/readyz", 200, seconds(20));
  ASSERT_EQ(later.status, 200) << later.body;
  const sys_seconds end = model::ParseTimestamp(later.Json()["latestInterval"].get<std::string>());
  const sys_seconds start = end - seconds(4);
  const auto from_replica = ApiCostsByNamespace(api, start, end);
  const auto on_primary = SqlCostsByNamespace(primary_url, start, end);
  ASSERT_FALSE(on_primary.empty()) << "the collector stored nothing on the primary";
  EXPECT_EQ(from_replica, on_primary);

  // Replay paused on the standby while the collector goes on writing: lag grows past the bound.
  {
    pqxx::connection c(replica_url);
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_wal_replay_pause()");
  }
  const HttpReply lagging = testing::WaitForHttpStatus(api + "/readyz", 503, seconds(30));
  ASSERT_EQ(lagging.status, 503) << lagging.body;
  EXPECT_THAT(lagging.body, HasSubstr("behind the primary (limit 3.000 s)"));
  {
    pqxx::connection c(replica_url);
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_wal_replay_resume()");
  }
  const HttpReply caught_up = testing::WaitForHttpStatus(api + "/readyz", 200, seconds(30));
  EXPECT_EQ(caught_up.status, 200) << caught_up.body;

  // The reads really go to the replica: with the primary stopped they still answer, the same.
  collector.Signal(SIGTERM);
  EXPECT_EQ(collector.Wait(seconds(30)), 0) << collector.Log();
  primary.Stop();
  EXPECT_EQ(ApiCostsByNamespace(api, start, end), on_primary);

  api_process.Signal(SIGTERM);
  EXPECT_EQ(api_process.Wait(seconds(30)), 0) << api_process.Log();
}

}  // namespace
}  // namespace costledger
