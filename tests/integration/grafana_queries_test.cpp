// The Grafana dashboards (grafana/) tested without Grafana, doing what Grafana would do: the JSON
// is what grafana/generate.py writes; dashboard uids are unique; every datasource a panel, target
// or variable names is provisioned (grafana/provisioning/datasources); every variable a query
// uses is defined; every PromQL query, with its variables and $__range / $__rate_interval
// substituted as Grafana does, returns data from a Prometheus 2.42 scraping a running costledger
// (`costledger simulate` + `serve --role all` on a private PostgreSQL); every SQL query, with
// $__timeFilter and $__timeGroupAlias expanded as Grafana's PostgreSQL datasource does, returns a
// row with a value as the read-only role costledger_dashboards (migration 0013).
#include <date/date.h>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "private_prometheus.hpp"
#include "shell_command.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;
namespace fs = std::filesystem;

const fs::path kGrafana = fs::path(COSTLEDGER_SOURCE_DIR) / "grafana";

std::string Read(const fs::path& path) { return testing::ChildProcess::ReadFile(path.string()); }

std::vector<json> Dashboards() {
  std::vector<json> out;
  for (const auto& e : fs::directory_iterator(kGrafana / "dashboards")) {
    if (e.path().extension() == ".json") out.push_back(json::parse(Read(e.path())));
  }
  return out;
}

/// Every datasource reference of a dashboard: panels, their targets, variables.
std::vector<json> DatasourceRefs(const json& board) {
  std::vector<json> refs;
  for (const json& p : board["panels"]) {
    refs.push_back(p["datasource"]);
    for (const json& t : p["targets"]) refs.push_back(t["datasource"]);
  }
  for (const json& v : board["templating"]["list"]) refs.push_back(v["datasource"]);
  return refs;
}

/// The query text of a target (PromQL or SQL).
std::string QueryOf(const json& target) {
  return target.contains("expr") ? target["expr"].get<std::string>()
                                 : target["rawSql"].get<std::string>();
}

/// Variables a query uses: $name, ${name} and [[name]], Grafana's built-ins ($__...) aside.
std::set<std::string> UsedVariables(const std::string& text) {
  std::set<std::string> used;
  static const std::regex kVar(R"(\$\{?([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z_][A-Za-z0-9_]*)\]\])");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kVar); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    if (!name.starts_with("__")) used.insert(name);
  }
  return used;
}

/// Grafana's substitution of single-value variables: $name, ${name}, [[name]].
std::string Substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    for (const std::string& form : {"${" + name + "}", "[[" + name + "]]", "$" + name}) {
      for (std::size_t at = text.find(form); at != std::string::npos;
           at = text.find(form, at + value.size())) {
        text.replace(at, form.size(), value);
      }
    }
  }
  return text;
}

/// Grafana's PostgreSQL macros (pkg/tsdb/grafana-postgresql-datasource/macros.go):
/// $__timeFilter(c) -> c BETWEEN '<from>' AND '<to>'; $__timeGroupAlias(c, '1h') ->
/// floor(extract(epoch from c)/3600)*3600 AS "time".
std::string ExpandSqlMacros(std::string text, const std::string& from, const std::string& to) {
  static const std::regex kFilter(R"(\$__timeFilter\(([^)]+)\))");
  text = std::regex_replace(text, kFilter, fmt::format("$1 BETWEEN '{}' AND '{}'", from, to));
  static const std::regex kGroup(R"(\$__timeGroupAlias\(([^,]+),\s*'(\d+)([smhd])'\))");
  std::smatch m;
  while (std::regex_search(text, m, kGroup)) {
    const std::map<std::string, int> unit = {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    const int step = std::stoi(m[2].str()) * unit.at(m[3].str());
    text.replace(
        m.position(0), m.length(0),
        fmt::format("floor(extract(epoch from {})/{})*{} AS \"time\"", m[1].str(), step, step));
  }
  EXPECT_EQ(text.find("$__"), std::string::npos) << "a macro left unexpanded: " << text;
  return text;
}

TEST(GrafanaDashboardsTest, JsonIsWhatTheGeneratorWritesAndIsSane) {
  testing::TempDir dir("grafana-generate");
  const testing::CommandOutput generated = testing::RunShellCommand(
      fmt::format("/usr/bin/python3 '{}' '{}'", (kGrafana / "generate.py").string(), dir.path()));
  ASSERT_EQ(generated.exit_code, 0) << generated.text;
  std::set<std::string> uids;
  std::set<std::string> provisioned;
  const std::string yaml = Read(kGrafana / "provisioning/datasources/costledger.yaml");
  static const std::regex kUid(R"(\n\s*uid:\s*([A-Za-z0-9_-]+))");
  for (auto it = std::sregex_iterator(yaml.begin(), yaml.end(), kUid); it != std::sregex_iterator();
       ++it) {
    provisioned.insert((*it)[1].str());
  }
  EXPECT_EQ(provisioned, (std::set<std::string>{"costledger-prometheus", "costledger-postgres"}));
  int files = 0;
  for (const auto& e : fs::directory_iterator(kGrafana / "dashboards")) {
    ++files;
    EXPECT_EQ(Read(e.path()), Read(fs::path(dir.path()) / e.path().filename()))
        << e.path() << " differs from what grafana/generate.py writes: run it";
  }
  EXPECT_EQ(files, 8);
  for (const json& board : Dashboards()) {
    SCOPED_TRACE(board["uid"].get<std::string>());
    EXPECT_TRUE(uids.insert(board["uid"]).second) << "uid used twice";
    std::set<int> panel_ids;
    for (const json& p : board["panels"]) EXPECT_TRUE(panel_ids.insert(p["id"].get<int>()).second);
    for (const json& ref : DatasourceRefs(board)) {
      EXPECT_TRUE(provisioned.contains(ref["uid"].get<std::string>())) << ref;
    }
    std::set<std::string> defined;
    for (const json& v : board["templating"]["list"]) defined.insert(v["name"]);
    for (const json& p : board["panels"]) {
      for (const json& t : p["targets"]) {
        for (const std::string& used : UsedVariables(QueryOf(t))) {
          EXPECT_TRUE(defined.contains(used)) << "$" << used << " is not defined: " << QueryOf(t);
        }
      }
    }
  }
}

TEST(GrafanaDashboardsTest, EveryQueryReturnsDataFromARunningCostledger) {
  testing::TempDir dir("grafana-queries");
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("grafana_queries");
  testing::ChildProcess sim({COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0", "--nodes",
                             "10", "--pods", "80", "--seed", "11"},
                            dir.Path("simulate.log"));
  std::string sim_url;
  {
    const std::string log = sim.WaitForLog("http://", seconds(20));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(http://[0-9.]+:\d+)"))) << log;
    sim_url = m[0];
  }
  const int port = testing::FreeTcpPort();
  const std::string quotas = dir.Path("quotas.json");
  std::ofstream(quotas) << R"({"quotas": [{"name": "alpha-weekly", "scope": {"team": "alpha"},
      "period": "week", "limit": {"dollars": 100}, "action": "alert"}]})";
  json config = {{"cluster", "sim"},
                 {"database_url", url},
                 {"listen", fmt::format("127.0.0.1:{}", port)},
                 {"interval_seconds", 1},
                 {"scrape_timeout_seconds", 1},
                 {"team_label", "team"},
                 {"spool_dir", dir.Path("spool")},
                 {"quotas_file", quotas}};
  config["sources"]["kubernetes"]["api_url"] = sim_url;
  config["sources"]["dcgm"]["urls"] = json::array({sim_url + "/dcgm/metrics"});
  config["sources"]["pricing"] = {{"region", "us-east-1"},
                                  {"on_demand", sim_url + "/pricing/ec2_offer.json"},
                                  {"spot_history", sim_url + "/pricing/spot_price_history.json"}};
  config["sources"]["athena"] = {{"executions", sim_url + "/athena/query_executions.json"},
                                 {"price_per_tb", 5.0},
                                 {"workgroup_teams", {{"analytics", "alpha"}}}};
  config["reports"]["enabled"] = false;
  config["quotas"]["evaluate_seconds"] = 1;
  config["efficiency"]["refresh_seconds"] = 10;
  const std::string config_path = dir.Path("config.json");
  std::ofstream(config_path) << config.dump(1);
  testing::ChildProcess serve({COSTLEDGER_BINARY, "serve", "--config", config_path, "--role", "all",
                               "--log-format", "json"},
                              dir.Path("serve.log"));
  testing::PrivatePrometheusOptions options;
  options.targets = {fmt::format("127.0.0.1:{}", port)};
  testing::PrivatePrometheus prometheus(options);
  // Enough intervals for rates and for the efficiency gauges (refreshed every 10 s).
  prometheus.WaitForSeries("costledger_offering_cpu_utilization_ratio", seconds(90));
  prometheus.WaitForSeries("costledger_quota_usage_ratio", seconds(60));
  std::this_thread::sleep_for(seconds(5));

  // The read-only role of migration 0013, given a login as grafana/README.md says.
  {
    pqxx::connection admin(url);
    pqxx::nontransaction(admin).exec("ALTER ROLE costledger_dashboards LOGIN");
  }
  const std::string dashboards_url =
      std::regex_replace(url, std::regex("://costledger@"), "://costledger_dashboards@");
  pqxx::connection reader(dashboards_url);
  {
    pqxx::nontransaction tx(reader);
    EXPECT_THROW(tx.exec("SELECT 1 FROM container_costs LIMIT 1"), pqxx::sql_error)
        << "the dashboards' role must not read internal tables";
  }
  const auto now = std::chrono::floor<seconds>(std::chrono::system_clock::now());
  const std::string from = date::format("%FT%TZ", now - std::chrono::hours(24));
  const std::string to = date::format("%FT%TZ", now + std::chrono::minutes(1));
  auto run_sql = [&](const std::string& text) {
    pqxx::nontransaction tx(reader);
    return tx.exec(ExpandSqlMacros(text, from, to));
  };
  auto run_promql = [&](const std::string& text, const std::map<std::string, std::string>& vars) {
    std::map<std::string, std::string> all = vars;
    all["__range"] = "1h";
    all["__rate_interval"] = "15s";  // Grafana: max(4 x scrape interval, interval + scrape)
    return prometheus.WaitForSeries(Substitute(text, all), seconds(30));
  };

  int promql = 0;
  int sql = 0;
  for (const json& board : Dashboards()) {
    SCOPED_TRACE(board["uid"].get<std::string>());
    // Variables take the first value their own query gives, as Grafana's default.
    std::map<std::string, std::string> vars;
    for (const json& v : board["templating"]["list"]) {
      const std::string name = v["name"];
      if (v["datasource"]["uid"] == "costledger-postgres") {
        const pqxx::result r = run_sql(v["query"].get<std::string>());
        ASSERT_FALSE(r.empty()) << "variable " << name;
        vars[name] = r[0][0].as<std::string>();
      } else {
        std::smatch m;
        const std::string q = v["query"]["query"];
        ASSERT_TRUE(std::regex_match(q, m, std::regex(R"(label_values\((.+),\s*(\w+)\))"))) << q;
        const json series =
            run_promql(fmt::format("count by ({}) ({})", m[2].str(), m[1].str()), {});
        vars[name] = series[0]["metric"][m[2].str()];
      }
    }
    if (board["uid"] == "costledger-team") vars["team"] = "alpha";  // has Athena queries too
    for (const json& p : board["panels"]) {
      for (const json& t : p["targets"]) {
        SCOPED_TRACE(p["title"].get<std::string>());
        if (t.contains("expr")) {
          EXPECT_NO_THROW(run_promql(t["expr"], vars)) << t["expr"];
          ++promql;
        } else {
          pqxx::result r;
          EXPECT_NO_THROW(r = run_sql(Substitute(t["rawSql"], vars))) << t["rawSql"];
          EXPECT_FALSE(r.empty()) << t["rawSql"];
          if (!r.empty()) {
            EXPECT_FALSE(r[0][r.columns() - 1].is_null()) << t["rawSql"];
          }
          ++sql;
        }
      }
    }
  }
  EXPECT_EQ(promql, 28);
  EXPECT_EQ(sql, 23);
  serve.Signal(SIGTERM);
  serve.Wait(seconds(30));
}

}  // namespace
}  // namespace costledger
