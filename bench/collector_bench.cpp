// One collector interval at 500 nodes / 10,000 pods, end to end: the real `costledger serve`
// scrapes a local `costledger simulate` over HTTP (nodes, pods, 500 kubelets, DCGM, Athena),
// parses, attributes and writes to a private PostgreSQL. Figures: CPU seconds of the serve
// process per interval, and its peak RSS. Baselines measured in the same run: the CPU of only
// fetching the same endpoints in the same encodings (pods in protobuf; no parsing, attribution
// or writing), and the bytes of one interval's responses (the memory floor for holding one
// scrape).
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <exception>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_figures.hpp"
#include "child_process.hpp"
#include "costledger/fetch/http_fetch.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "private_postgres.hpp"
#include "temp_dir.hpp"

namespace {

using costledger::testing::ChildProcess;
using std::chrono::seconds;

// The sizes measured: the README's 500 nodes / 10k pods, and the seed platforms' thousands of
// nodes (5,000 nodes / 150k pods: target <= 10 CPU-s and <= 512 MiB peak RSS per interval).
struct Size {
  int nodes;
  int pods;
  int interval_seconds;    // long enough for one interval's work at this size
  int measured_intervals;  // after the first, which loads prices
};
constexpr Size kSmall{500, 10'000, 10, 5};
constexpr Size kLarge{5'000, 150'000, 40, 3};

struct Figures {
  double cpu_per_interval = 0;  // CPU-s of the serve process per interval
  double fetch_cpu = 0;         // CPU-s of fetching the same endpoints only
  double rss_mib = 0;           // peak RSS of the serve process
  double scrape_mib = 0;        // bytes of one interval's responses
  std::string containers = "?";
  double longest_interval_ms = 0;
};

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

// `fetch_baseline`: also time fetching the same endpoints in this process (whole lists: at
// 150k pods that alone would take the bench's memory and minutes, so only at the small size).
Figures Measure(const std::string& dir, const Size& size, bool fetch_baseline) {
  const int node_count = size.nodes;
  const int pod_count = size.pods;
  const int interval_seconds = size.interval_seconds;
  const int measured_intervals = size.measured_intervals;
  std::filesystem::create_directories(dir);
  costledger::testing::PrivatePostgres pg;
  const std::string db = pg.CreateDatabase("collector_bench");
  ChildProcess sim({COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0", "--nodes",
                    std::to_string(node_count), "--pods", std::to_string(pod_count), "--seed", "7"},
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
  for (int round = 0; round < (fetch_baseline ? 3 : 0); ++round) {
    std::this_thread::sleep_for(seconds(1));  // a fresh simulated second, as serve sees it
    const double before = SelfCpuSeconds();
    std::size_t bytes = 0;
    {
      // Pods in the encoding serve asks for them in (protobuf), the rest as JSON and text.
      costledger::fetch::FetchQueue queue({});
      const auto count = [&bytes](costledger::fetch::FetchResult&& r) { bytes += r.body.size(); };
      for (const std::string& u : urls) {
        queue.Add(
            u, count,
            std::string(u.ends_with("/api/v1/pods") ? costledger::sources::kProtobufThenJson : ""));
      }
      queue.Run();
    }
    for (const auto& r : costledger::fetch::FetchAll(kubelets, {})) bytes += r.body.size();
    fetch_cpu += SelfCpuSeconds() - before;
    scrape_bytes = static_cast<double>(bytes);
  }
  if (fetch_baseline) fetch_cpu /= 3;

  std::ofstream(dir + "/config.json") << fmt::format(
      R"({{"cluster": "bench", "database_url": "{0}", "interval_seconds": {1},
  "spool_dir": "{2}/spool",
  "sources": {{"kubernetes": {{"api_url": "{3}"}}, "dcgm": {{"urls": ["{3}/dcgm/metrics"]}},
    "pricing": {{"on_demand": "{3}/pricing/ec2_offer.json",
                 "spot_history": "{3}/pricing/spot_price_history.json"}},
    "athena": {{"executions": "{3}/athena/query_executions.json"}}}}}})",
      db, interval_seconds, dir, url);
  ChildProcess serve({COSTLEDGER_BINARY, "serve", "--config", dir + "/config.json", "--role",
                      "collector", "--log-format", "json"},
                     dir + "/serve.log");
  // The first interval loads prices and has no CPU counter baseline: measure after it.
  while (CountIntervals(serve.Log()) < 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double cpu0 = ProcessCpuSeconds(serve.pid());
  while (CountIntervals(serve.Log()) < 1 + measured_intervals) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double cpu_per_interval =
      (ProcessCpuSeconds(serve.pid()) - cpu0) / static_cast<double>(measured_intervals);
  const double rss = PeakRssMiB(serve.pid());
  const std::string log = serve.Log();
  serve.Signal(SIGTERM);
  serve.Wait(std::chrono::minutes(1));

  Figures f;
  f.cpu_per_interval = cpu_per_interval;
  f.fetch_cpu = fetch_cpu;
  f.rss_mib = rss;
  f.scrape_mib = scrape_bytes / 1048576.0;
  const std::regex containers_field(R"re("containers":(\d+))re");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), containers_field);
       it != std::sregex_iterator(); ++it) {
    f.containers = (*it)[1].str();
  }
  const std::regex duration_field(R"re("duration_ms":(\d+))re");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), duration_field);
       it != std::sregex_iterator(); ++it) {
    f.longest_interval_ms = std::max(f.longest_interval_ms, std::stod((*it)[1].str()));
  }
  fmt::print("collector: {} nodes, {} pods, {} containers per interval, {} intervals measured\n",
             node_count, pod_count, f.containers, measured_intervals);
  fmt::print("  serve CPU per interval  {:.3f} s   (fetch only: {:.3f} s)\n", f.cpu_per_interval,
             f.fetch_cpu);
  fmt::print("  serve peak RSS          {:.1f} MiB (one scrape's responses: {:.1f} MiB)\n",
             f.rss_mib, f.scrape_mib);
  fmt::print("  longest interval        {:.0f} ms (scrape, attribute, store; interval {} s)\n",
             f.longest_interval_ms, interval_seconds);
  return f;
}

int Run(const std::string& dir) {
  const Figures small = Measure(dir + "/small", kSmall, true);
  costledger::bench::PrintFigure("collector_cpu", small.cpu_per_interval, "cpu-s/interval",
                                 small.fetch_cpu, "fetch the same endpoints only");
  costledger::bench::PrintFigure("collector_rss", small.rss_mib, "MiB", small.scrape_mib,
                                 "bytes of one interval's responses");
  const Figures large = Measure(dir + "/large", kLarge, false);
  // Against the small size measured in this run: the ratio is the growth.
  costledger::bench::PrintFigure("collector_cpu_5000_nodes", large.cpu_per_interval,
                                 "cpu-s/interval", small.cpu_per_interval,
                                 "500 nodes / 10k pods (ratio: growth)");
  costledger::bench::PrintFigure("collector_rss_5000_nodes", large.rss_mib, "MiB", small.rss_mib,
                                 "500 nodes / 10k pods (ratio: growth)");
  fmt::print(
      "collector growth {} -> {} nodes (x{:.0f} nodes, x{:.0f} pods): CPU per interval {:.2f} -> "
      "{:.2f} s (x{:.1f}), peak RSS {:.0f} -> {:.0f} MiB (x{:.1f}); targets at {} nodes: <= 10 "
      "CPU-s {}, <= 512 MiB {}\n",
      kSmall.nodes, kLarge.nodes, static_cast<double>(kLarge.nodes) / kSmall.nodes,
      static_cast<double>(kLarge.pods) / kSmall.pods, small.cpu_per_interval,
      large.cpu_per_interval, large.cpu_per_interval / small.cpu_per_interval, small.rss_mib,
      large.rss_mib, large.rss_mib / small.rss_mib, kLarge.nodes,
      large.cpu_per_interval <= 10 ? "met" : "MISSED", large.rss_mib <= 512 ? "met" : "MISSED");
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
