// End-to-end durability: a simulated cluster, real PostgreSQL servers and the real `costledger
// serve` processes. One collector runs undisturbed as the reference; the other has its database
// stopped for several intervals, or is killed with SIGKILL at random points and restarted.
// Afterwards its stored per-interval totals must equal the reference's, nothing lost, nothing
// counted twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "temp_dir.hpp"

namespace costledger::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ChildProcess;
using testing::PrivatePostgres;

using testing::TempDir;

std::string WriteConfig(const TempDir& ws, const std::string& name, const std::string& sim_url,
                        const std::string& db_url) {
  std::string path = ws.Path(name + ".json");
  std::ofstream(path) << R"({
  "cluster": "fault-test",
  "database_url": ")" << db_url
                      << R"(",
  "interval_seconds": 1,
  "scrape_timeout_seconds": 1,
  "spool_dir": ")" << ws.Path(name + "-spool")
                      << R"(",
  "sources": {
    "kubernetes": {"api_url": ")"
                      << sim_url << R"("},
    "dcgm": {"urls": [")"
                      << sim_url << R"(/dcgm/metrics"]},
    "pricing": {"region": "us-east-1", "on_demand": ")"
                      << sim_url << R"(/pricing/ec2_offer.json",
                "spot_history": ")"
                      << sim_url << R"(/pricing/spot_price_history.json", "refresh_seconds": 1},
    "athena": {"executions": ")"
                      << sim_url << R"(/athena/query_executions.json",
               "workgroup_teams": {"analytics": "alpha"}}
  }
})";
  return path;
}

std::vector<std::string> ServeArgs(const std::string& config) {
  return {COSTLEDGER_BINARY, "serve",     "--config",     config,
          "--role",          "collector", "--log-format", "json"};
}

std::map<std::int64_t, postgres::StoredIntervalTotal> Totals(const std::string& url) {
  postgres::PostgresStore store(url, "");
  std::map<std::int64_t, postgres::StoredIntervalTotal> out;
  for (const postgres::StoredIntervalTotal& t :
       store.IntervalTotals("fault-test", std::chrono::sys_seconds{},
                            std::chrono::sys_seconds{seconds{4'000'000'000}})) {
    out[t.interval_start.time_since_epoch().count()] = t;
  }
  return out;
}

void WaitForIntervals(const std::string& url, std::size_t count, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (Totals(url).size() >= count) return;
    } catch (const std::exception&) {
      // Schema not there yet.
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  FAIL() << "fewer than " << count << " intervals stored in time";
}

// Per interval: the summed requests of the stored containers (deterministic: from pod specs,
// unlike usage, which depends on the instant each collector scraped the kubelets).
std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> RequestsByInterval(
    const std::string& url) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& row :
       tx.exec("SELECT extract(epoch FROM interval_start)::bigint, "
               "sum(cpu_request_millicores)::bigint, "
               "sum(memory_request_bytes)::bigint FROM container_costs GROUP BY 1")) {
    out[row[0].as<std::int64_t>()] = {row[1].as<std::int64_t>(), row[2].as<std::int64_t>()};
  }
  return out;
}

// Raw rows counted once: the hourly rollups (all hours rolled up) equal the raw sums.
void ExpectRollupsEqualRaw(const std::string& url) {
  postgres::PostgresStore store(url, "");
  store.RollUp(std::chrono::sys_seconds{seconds{4'000'000'000}});
  pqxx::connection c(url);
  pqxx::work tx(c);
  const auto raw = tx.exec1(
      "SELECT coalesce(sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos), 0), count(*) "
      "FROM container_costs");
  const auto hourly = tx.exec1(
      "SELECT coalesce(sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos), 0), "
      "coalesce(sum(intervals), 0) FROM container_costs_hourly");
  EXPECT_EQ(raw[0].as<std::int64_t>(), hourly[0].as<std::int64_t>());
  EXPECT_EQ(raw[1].as<std::int64_t>(), hourly[1].as<std::int64_t>());
  const auto nodes = tx.exec1(
      "SELECT (SELECT coalesce(sum(node_cost_nanos), 0) FROM node_costs), "
      "(SELECT coalesce(sum(node_cost_nanos), 0) FROM node_costs_hourly)");
  EXPECT_EQ(nodes[0].as<std::int64_t>(), nodes[1].as<std::int64_t>());
}

// Interval starts the collector logged as attributed and spooled.
std::set<std::int64_t> LoggedIntervals(const std::string& log) {
  static const std::regex kLine(R"re("msg":"interval".*?"interval_start":(\d+))re");
  std::set<std::int64_t> out;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator();
       ++it) {
    if ((*it)[0].str().find("\"containers\":0") == std::string::npos) {
      out.insert(std::stoll((*it)[1].str()));
    }
  }
  return out;
}

class CollectorFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    simulator_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0",
                                 "--nodes", "6", "--pods", "40", "--seed", "3"},
        ws_.Path("simulator.log"));
    const std::string log = simulator_->WaitForLog("http://", seconds(20));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(http://[0-9.]+:\d+)")));
    sim_url_ = m[0];
    ref_url_ = ref_db_.CreateDatabase("reference");
    faulty_url_ = faulty_db_.CreateDatabase("faulty");
    ref_config_ = WriteConfig(ws_, "reference", sim_url_, ref_url_);
    faulty_config_ = WriteConfig(ws_, "faulty", sim_url_, faulty_url_);
  }

  void TearDown() override {
    if (HasFailure()) {
      ws_.Keep();
      std::cerr << "logs kept in " << ws_.path() << "\n";
    }
  }

  // Equal totals for every interval both stored; and the faulty run stored all of `must_have`.
  // Container costs themselves may differ by a few nano-dollars where the two collectors'
  // kubelet scrapes landed in different seconds of the simulator (usage differs, so allocations
  // do); node costs, rows and requests may not.
  void ExpectSameTotals(const std::set<std::int64_t>& must_have, bool compare_requests) {
    const auto ref = Totals(ref_url_);
    const auto faulty = Totals(faulty_url_);
    auto ref_requests = RequestsByInterval(ref_url_);
    auto faulty_requests = RequestsByInterval(faulty_url_);
    ASSERT_FALSE(faulty.empty());
    int compared = 0;
    for (const auto& [start, f] : faulty) {
      EXPECT_EQ(f.node_cost_nanos, f.container_cost_nanos + f.idle_cost_nanos) << start;
      const auto r = ref.find(start);
      if (r == ref.end()) continue;
      EXPECT_EQ(f.node_cost_nanos, r->second.node_cost_nanos) << "interval " << start;
      EXPECT_EQ(f.node_rows, r->second.node_rows) << "interval " << start;
      EXPECT_EQ(f.container_rows, r->second.container_rows) << "interval " << start;
      if (compare_requests) {
        EXPECT_EQ(faulty_requests[start], ref_requests[start]) << "interval " << start;
      }
      ++compared;
    }
    EXPECT_GE(compared, 8);
    for (const std::int64_t start : must_have) {
      EXPECT_EQ(faulty.count(start), 1U) << "interval " << start << " was collected but is lost";
    }
  }

  TempDir ws_{"costledger-fault"};  // destroyed last: the processes stop before it goes
  std::unique_ptr<ChildProcess> simulator_;
  PrivatePostgres ref_db_;
  PrivatePostgres faulty_db_;
  std::string sim_url_, ref_url_, faulty_url_, ref_config_, faulty_config_;
};

TEST_F(CollectorFaultTest, DatabaseOutageIsBridgedByTheSpool) {
  ChildProcess reference(ServeArgs(ref_config_), ws_.Path("reference.log"));
  ChildProcess faulty(ServeArgs(faulty_config_), ws_.Path("faulty.log"));
  WaitForIntervals(faulty_url_, 3, seconds(30));
  faulty_db_.Stop();
  faulty.WaitForLog("database unavailable", seconds(10));
  std::this_thread::sleep_for(seconds(4));
  faulty_db_.Start();
  std::this_thread::sleep_for(seconds(4));
  faulty.Signal(SIGTERM);
  reference.Signal(SIGTERM);
  EXPECT_EQ(faulty.Wait(seconds(20)), 0);
  EXPECT_EQ(reference.Wait(seconds(20)), 0);

  const std::string log = faulty.Log();
  EXPECT_THAT(log, ::testing::HasSubstr("\"spool_depth\":"));
  EXPECT_THAT(log, ::testing::HasSubstr("collector stopped"));
  EXPECT_TRUE(std::filesystem::is_empty(ws_.Path("faulty-spool")) ||
              std::filesystem::directory_iterator(ws_.Path("faulty-spool"))->path().filename() ==
                  "corrupt");
  // Both collectors ran without restarts, so even usage-driven container costs must match.
  ExpectSameTotals(LoggedIntervals(log), /*compare_requests=*/true);
  ExpectRollupsEqualRaw(faulty_url_);
}

TEST_F(CollectorFaultTest, KillNineAtRandomPointsLosesNothingAndCountsNothingTwice) {
  ChildProcess reference(ServeArgs(ref_config_), ws_.Path("reference.log"));
  std::mt19937 rng(::testing::UnitTest::GetInstance()->random_seed());
  std::string faulty_logs;
  WaitForIntervals(ref_url_, 2, seconds(30));
  for (int round = 0; round < 4; ++round) {
    ChildProcess faulty(ServeArgs(faulty_config_), ws_.Path("faulty.log"));
    std::this_thread::sleep_for(milliseconds(1500 + rng() % 2500));
    if (round < 3) {
      faulty.Signal(SIGKILL);
      faulty.Wait(seconds(10));
      std::this_thread::sleep_for(milliseconds(rng() % 1500));
    } else {
      std::this_thread::sleep_for(seconds(2));
      faulty.Signal(SIGTERM);
      EXPECT_EQ(faulty.Wait(seconds(20)), 0);
    }
  }
  reference.Signal(SIGTERM);
  EXPECT_EQ(reference.Wait(seconds(20)), 0);
  // After a restart the first interval has no CPU counter baseline, so usage (and with it the
  // container/idle split) may differ from the reference; node totals and rows may not.
  ExpectSameTotals(LoggedIntervals(testing::ChildProcess::ReadFile(ws_.Path("faulty.log"))),
                   /*compare_requests=*/false);
  ExpectRollupsEqualRaw(faulty_url_);
}

}  // namespace
}  // namespace costledger::collector
