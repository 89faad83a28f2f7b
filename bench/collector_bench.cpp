// One collector interval at 500 nodes / 10,000 pods, end to end: the real `costledger serve`
// scrapes a local `costledger simulate` over HTTP (nodes, pods, 500 kubelets, DCGM, Athena),
// parses, attributes and writes to a private PostgreSQL. Figures: CPU seconds of the serve
// process per interval, and its peak RSS. Baselines measured in the same run: the CPU of only
// fetching the same endpoints (no parsing, attribution or writing), and the bytes of one
// interval's responses (the memory floor for holding one scrape).
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_figures.hpp"
#include "child_process.hpp"
#include "costledger/fetch/http_fetch.hpp"
#include "private_postgres.hpp"
#include "temp_dir.hpp"

namespace {

using costledger::testing::ChildProcess;
using std::chrono::seconds;

constexpr int kNodes = 500;
constexpr int kPods = 10'000;
constexpr int kIntervalSeconds = 10;
constexpr int kMeasuredIntervals = 5;

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string f;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stol(f);
    if (i == 15) stime = std::stol(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double PeakRssMiB(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

int CountIntervals(const std::string& log) {
  static const std::regex kLine(R"re("msg":"interval")re");
  return static_cast<int>(
      std::distance(std::sregex_iterator(log.begin(), log.end(), kLine), std::sregex_iterator()));
}

double SelfCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int Run(const std::string& dir) {
  costledger::testing::PrivatePostgres pg;
  const std::string db = pg.CreateDatabase("collector_bench");
  ChildProcess sim({COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0", "--nodes",
                    std::to_string(kNodes), "--pods", std::to_string(kPods), "--seed", "7"},
                   dir + "/simulator.log");
  std::smatch m;
  const std::string sim_log = sim.WaitForLog("http://", std::chrono::minutes(2));
  std::regex_search(sim_log, m, std::regex(R"(http://[0-9.]+:\d+)"));
  const std::string url = m[0];

  // Baseline: fetch what one interval fetches, nothing else, in this process.
  std::vector<std::string> urls{url + "/api/v1/nodes", url + "/api/v1/pods", url + "/dcgm/metrics",
                                url + "/athena/query_executions.json"};
  const std::string nodes_body = costledger::fetch::Fetch(urls[0], {}).body;
  const std::regex node_name(R"re("name":"(ip-[^"]+)")re");
  std::vector<std::string> kubelets;
  for (auto it = std::sregex_iterator(nodes_body.begin(), nodes_body.end(), node_name);
       it != std::sregex_iterator(); ++it) {
    const std::string u = url + "/api/v1/nodes/" + (*it)[1].str() + "/proxy/metrics/resource";
    if (kubelets.empty() || kubelets.back() != u) kubelets.push_back(u);
  }
  double fetch_cpu = 0;
  double scrape_bytes = 0;
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(seconds(1));  // a fresh simulated second, as serve sees it
    const double before = SelfCpuSeconds();
    std::size_t bytes = 0;
    for (const auto& r : costledger::fetch::FetchAll(urls, {})) bytes += r.body.size();
    for (const auto& r : costledger::fetch::FetchAll(kubelets, {})) bytes += r.body.size();
    fetch_cpu += SelfCpuSeconds() - before;
    scrape_bytes = static_cast<double>(bytes);
  }
  fetch_cpu /= 3;

  std::ofstream(dir + "/config.json") << fmt::format(
      R"({{"cluster": "bench", "database_url": "{0}", "interval_seconds": {1},
  "spool_dir": "{2}/spool",
  "sources": {{"kubernetes": {{"api_url": "{3}"}}, "dcgm": {{"urls": ["{3}/dcgm/metrics"]}},
    "pricing": {{"on_demand": "{3}/pricing/ec2_offer.json",
                 "spot_history": "{3}/pricing/spot_price_history.json"}},
    "athena": {{"executions": "{3}/athena/query_executions.json"}}}}}})",
      db, kIntervalSeconds, dir, url);
  ChildProcess serve({COSTLEDGER_BINARY, "serve", "--config", dir + "/config.json", "--role",
                      "collector", "--log-format", "json"},
                     dir + "/serve.log");
  // The first interval loads prices and has no CPU counter baseline: measure after it.
  while (CountIntervals(serve.Log()) < 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double cpu0 = ProcessCpuSeconds(serve.pid());
  while (CountIntervals(serve.Log()) < 1 + kMeasuredIntervals) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double cpu_per_interval =
      (ProcessCpuSeconds(serve.pid()) - cpu0) / static_cast<double>(kMeasuredIntervals);
  const double rss = PeakRssMiB(serve.pid());
  const std::string log = serve.Log();
  serve.Signal(SIGTERM);
  serve.Wait(std::chrono::minutes(1));

  std::string containers = "?";
  const std::regex containers_field(R"re("containers":(\d+))re");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), containers_field);
       it != std::sregex_iterator(); ++it) {
    containers = (*it)[1].str();
  }
  fmt::print("collector: {} nodes, {} containers per interval, {} intervals measured\n", kNodes,
             containers, kMeasuredIntervals);
  fmt::print("  serve CPU per interval  {:.3f} s   (fetch only: {:.3f} s)\n", cpu_per_interval,
             fetch_cpu);
  fmt::print("  serve peak RSS          {:.1f} MiB (one scrape's responses: {:.1f} MiB)\n", rss,
             scrape_bytes / 1048576.0);
  costledger::bench::PrintFigure("collector_cpu", cpu_per_interval, "cpu-s/interval", fetch_cpu,
                                 "fetch the same endpoints only");
  costledger::bench::PrintFigure("collector_rss", rss, "MiB", scrape_bytes / 1048576.0,
                                 "bytes of one interval's responses");
  return 0;
}

}  // namespace

int main() {
  try {
    costledger::testing::TempDir dir("costledger-bench");
    try {
      return Run(dir.path());  // the private server and the children are stopped on the way out
    } catch (const std::exception& e) {
      dir.Keep();
      fmt::print(stderr, "collector_bench: {} (logs kept in {})\n", e.what(), dir.path());
      return 1;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "collector_bench: {}\n", e.what());
    return 1;
  }
}
