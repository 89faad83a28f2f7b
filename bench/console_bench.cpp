// Server time of the console's pages over 30 days x 10,000 pods (allocation_cluster.hpp, loaded
// as the allocation bench loads it: allocation_data.hpp): Console::Handle in process (parse,
// the reads through PostgresCostReader, the sums, the HTML and SVG), page by page, against the
// API calls the page makes answered by CostApi::Handle in process on the same reader, measured
// in the same run, alternately. "now" is the middle of the last generated day, so the overview's
// month to date is 15 days and window=30d is every generated day; every page's chart is the
// last 7 days per day. Namespace level: the pages above the workload (the workload and pod
// pages read pod rows; they are not measured). The API calls run one after the other, the page's
// reads partly at once (it has the reader's connections to itself here).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "allocation_cluster.hpp"
#include "allocation_data.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/console/console.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"
#include "private_postgres.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::sys_seconds;
namespace cluster = costledger::bench::cluster;

constexpr int kIterations = 15;  // per page and per baseline, after one warm-up each (see below)
constexpr double kBudgetMs = 100;
const sys_seconds kEnd =
    sys_seconds{std::chrono::seconds{cluster::kFirstDay}} + std::chrono::days(cluster::kDays);
const sys_seconds kNow = kEnd - std::chrono::hours(12);

costledger::http::HttpRequest Get(const std::string& target) {
  costledger::http::HttpRequest r;
  r.method = "GET";
  r.target = target;
  costledger::http::ParsedTarget parsed = costledger::http::ParseTarget(target);
  r.path = std::move(parsed.path);
  r.query = std::move(parsed.query);
  return r;
}

struct PageCase {
  std::string name;
  std::string page;
  std::vector<std::string> api_calls;  ///< what the page reads, as API calls
};

double Median(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  // `--database-url=URL`: measure a database loaded before (by an earlier run) instead of
  // loading one; bench/run's Google Benchmark flags are ignored.
  std::string reuse;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--database-url=")) reuse = arg.substr(arg.find('=') + 1);
  }
  try {
    fmt::print(
        "console: page server time (Console::Handle in process) over {} days x {} pods, "
        "against the API calls each page makes (CostApi::Handle in process, same reader)\n",
        cluster::kDays, cluster::kPods);
    std::optional<costledger::testing::PrivatePostgres> server;
    std::string url = reuse;
    if (url.empty()) {
      server.emplace();
      url = server->CreateDatabase("console_bench");
      costledger::bench::LoadAllocationCluster(*server, url, [](const std::string& line) {
        fmt::print("  {}\n", line);
        static_cast<void>(std::fflush(stdout));
      });
    }
    costledger::postgres::PostgresCostReader reader(url, "");
    // The usage digest too, as `serve` wires it: the efficiency page's right-sizing reads it.
    costledger::postgres::PostgresUsageReader usage(url, "");
    costledger::api::CostApiSettings api_settings;
    api_settings.cache_ttl = std::chrono::seconds(0);
    costledger::api::CostApi api({reader, reader, reader, reader, nullptr, nullptr, &usage},
                                 nullptr, api_settings, [] { return kNow; });
    costledger::console::Console console(
        costledger::console::ConsoleReaders{
            reader,
            reader,
            reader,
            nullptr,
            nullptr,
            costledger::api::EfficiencyReaders{reader, reader, &usage, nullptr},
            {}},
        {}, [] { return kNow; });

    // The last 7 days up to now, per day (every page's chart), and the month before today.
    const sys_seconds today{std::chrono::floor<std::chrono::days>(kNow)};
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(kNow)};
    const sys_seconds month_start{std::chrono::sys_days{ymd.year() / ymd.month() / 1}};
    auto epoch = [](sys_seconds t) { return t.time_since_epoch().count(); };
    const std::string week_days =
        fmt::format("window={},{}&step=1d", epoch(today - std::chrono::days(6)), epoch(kNow));
    const std::string month_before_today =
        fmt::format("window={},{}&accumulate=true", epoch(month_start), epoch(today));
    const std::vector<PageCase> cases = {
        {"overview",
         "/",
         {"/v1/allocation?" + month_before_today + "&aggregate=team,namespace",
          "/v1/allocation?" + week_days + "&aggregate=team,namespace", "/v1/assets?window=month"}},
        {"teams",
         "/console/teams?window=30d",
         {"/v1/allocation?window=30d&aggregate=team&accumulate=true"}},
        {"namespaces",
         "/console/namespaces?window=30d",
         {"/v1/allocation?window=30d&aggregate=namespace&accumulate=true"}},
        {"team",
         "/console/team?team=team-0&window=30d",
         {"/v1/"
          "allocation?window=30d&aggregate=namespace,workload&accumulate=true&filter=team:%22team-"
          "0%22&idle=false",
          "/v1/allocation?" + week_days +
              "&aggregate=namespace&filter=team:%22team-0%22&idle=false",
          "/v1/queries?window=30d&aggregate=team"}},
        {"namespace",
         "/console/namespace?namespace=ns-00&window=30d",
         {"/v1/"
          "allocation?window=30d&aggregate=workload,team&accumulate=true&filter=namespace:%22ns-00%"
          "22&idle=false",
          "/v1/allocation?" + week_days +
              "&aggregate=workload&filter=namespace:%22ns-00%22&idle=false"}},
        {"nodes",
         "/console/nodes?window=30d",
         {"/v1/assets?window=30d", "/v1/efficiency?window=30d&by=offering"}},
        {"efficiency", "/console/efficiency?window=7d", {"/v1/efficiency?window=7d&by=workload"}},
    };
    fmt::print("{:<12} {:>12} {:>14} {:>8}  {}\n", "page", "console p50", "its API p50", "ratio",
               "within 100 ms");
    int over = 0;
    for (const PageCase& c : cases) {
      const auto page = Get(c.page);
      std::vector<costledger::http::HttpRequest> calls;
      for (const std::string& t : c.api_calls) calls.push_back(Get(t));
      auto time_page = [&] {
        const auto t0 = Clock::now();
        const auto r = console.Handle(page);
        if (r.status != 200)
          throw std::runtime_error(c.page + ": " + std::to_string(r.status) + " " + r.body);
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      };
      auto time_api = [&] {
        const auto t0 = Clock::now();
        for (const auto& call : calls) {
          const auto r = api.Handle(call);
          if (r.status != 200) throw std::runtime_error(call.target + ": " + r.body);
        }
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      };
      time_page();
      time_api();
      std::vector<double> page_ms, api_ms;
      // kIterations each, fewer (at least 3) for pages whose reads take seconds.
      const auto began = Clock::now();
      for (int i = 0; i < kIterations; ++i) {
        page_ms.push_back(time_page());
        api_ms.push_back(time_api());
        if (i >= 2 && Clock::now() - began > std::chrono::seconds(30)) break;
      }
      const double p = Median(page_ms);
      const double a = Median(api_ms);
      if (p > kBudgetMs) ++over;
      fmt::print("{:<12} {:>9.1f} ms {:>11.1f} ms {:>8.2f}  {}\n", c.name, p, a, a / p,
                 p <= kBudgetMs ? "yes" : "NO");
      fmt::print(
          "BENCH {{\"bench\":\"console_{}\",\"value\":{:.4g},\"unit\":\"ms\",\"baseline\":{:.4g},"
          "\"baseline_name\":\"the API calls the page makes (CostApi::Handle in process)\","
          "\"ratio\":{:.2f}}}\n",
          c.name, p, a, p > 0 ? a / p : 0.0);
      static_cast<void>(std::fflush(stdout));
    }
    fmt::print("{} of {} pages over {} ms\n", over, cases.size(), kBudgetMs);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "console_bench: {}\n", e.what());
    return 1;
  }
}
