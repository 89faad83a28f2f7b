// Read path of GET /v1/allocation over a 30-day window of 10,000 pods: the API's own handling
// path in process, CostApi::Handle without a socket (parse the request, read allocations and,
// on a second connection meanwhile, idle through PostgresCostReader, BuildAllocationSets,
// RenderAllocationResponse), for aggregate=namespace and aggregate=pod, against two baselines
// measured in the same run: a plain SQL GROUP BY over the raw intervals of the same server, and
// OpenCost's way: its PromQL queries to a Prometheus holding the same cluster as OpenCost-style
// metrics, plus the arithmetic OpenCost does on their results (promql_baseline.hpp).
//
// The data is generated server-side (INSERT .. SELECT FROM generate_series) straight into the
// tables the collector maintains: hourly rollups, daily rollups (computed by the store's own
// daily rollup), node rollups and, for the SQL baseline, raw intervals at ONE row per pod per
// hour. A real collector stores one raw row per pod per 60 s interval, 60x more: the baseline
// here is generous.
//
// The server gets shared_buffers = 1GB (the rollups the API reads stay cached, as on a real
// server; the unit-test default is 64MB). Each path is warmed up once, then timed on its own:
// the API path kIterations times, the SQL baseline kBaselineIterations times (~5 s each). The
// database is dropped with the server at exit.
//
// The Prometheus holds the same 30 days x 10,000 pods (allocation_cluster.hpp) as the metrics
// OpenCost's allocation and asset computations query, at one sample per series per hour
// (opencost_tsdb.hpp), backfilled with promtool into blocks cached in the build directory
// (bench-cache/), so only the first run pays for making them. One answer sends 368 queries (30
// daily batches of 12, then 8 for the assets) and takes Prometheus about 70 s of CPU, so it
// is measured kPromqlIterations times after one warm-up, not kIterations (20 would take 20 to
// 60 minutes on the 2-core VM; `--promql-iterations=20` does it). Its totals must agree with
// the API's.
//
// `allocation_bench --explain` also prints the plans the reader's statements got
// (auto_explain) and the SQL baseline's; `--promql-gzip` has the PromQL baseline ask for gzip
// as Go's HTTP client does; `--promql-only` measures only the PromQL baseline and checks it
// against the generator's exact totals (no PostgreSQL); `--no-promql` leaves the PromQL
// baseline out (no TSDB either: the API path and the SQL baseline only, a few minutes);
// `--promql-iterations=N`; `--help`.
#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "allocation_cluster.hpp"
#include "allocation_data.hpp"
#include "costledger/api/allocation_json.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/allocation_request.hpp"
#include "costledger/model/allocation_set.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "opencost_tsdb.hpp"
#include "private_postgres.hpp"
#include "private_prometheus.hpp"
#include "promql_baseline.hpp"

namespace {

using costledger::bench::Exec;
using costledger::model::AllocationSet;
using costledger::model::Money;
using costledger::postgres::PostgresCostReader;
using costledger::postgres::PostgresStore;
using Clock = std::chrono::steady_clock;
using std::chrono::sys_seconds;

using costledger::bench::cluster::kDays;
using costledger::bench::cluster::kFirstDay;
using costledger::bench::cluster::kHours;
using costledger::bench::cluster::kNamespaces;
using costledger::bench::cluster::kNodes;
using costledger::bench::cluster::kPods;
using costledger::bench::cluster::kTeams;
constexpr int kIterations = 20;          // of the API path, after one warm-up
constexpr int kBaselineIterations = 10;  // of the SQL baseline (~5 s each), after one warm-up
constexpr int kPromqlIterations = 3;     // of the PromQL baseline (~1-3 min each), after one
const sys_seconds kStart{std::chrono::seconds{kFirstDay}};
const sys_seconds kEnd = kStart + std::chrono::days(kDays);
// "now" in the middle of the last generated day: window=30d is that day and the 29 before it.
const sys_seconds kNow = kEnd - std::chrono::hours(12);
constexpr std::string_view kBaselineName = "plain SQL GROUP BY over raw samples (1 h resolution)";
constexpr std::string_view kPromqlName =
    "OpenCost's PromQL queries to Prometheus 2.42 (1 h samples) + its Go arithmetic";
// The PromQL baseline's totals must agree with the API's to this relative difference (the
// same data: only floating-point rounding separates them).
constexpr double kPromqlTolerance = 1e-6;

// The baseline: per group, the cost and the request and usage averages over the window,
// straight from the raw intervals, plus the idle of the nodes; {key} is the grouped column.
// $1, $2: epoch seconds [start, end).
constexpr std::string_view kBaseline = R"(
SELECT {key}, sum(cpu_cost_nanos)::bigint, sum(ram_cost_nanos)::bigint,
  sum(gpu_cost_nanos)::bigint,
  sum(cpu_request_millicores * interval_seconds) / 1000.0 / ($2::bigint - $1::bigint),
  sum(memory_request_bytes * interval_seconds) / ($2::bigint - $1::bigint),
  sum(cpu_usage_millicores * interval_seconds) / 1000.0 / ($2::bigint - $1::bigint),
  sum(memory_usage_bytes * interval_seconds) / ($2::bigint - $1::bigint),
  sum(cpu_request_millicores * interval_seconds)::float8
FROM container_costs
WHERE cluster = 'bench' AND interval_start >= to_timestamp($1::bigint)
  AND interval_start < to_timestamp($2::bigint)
GROUP BY {key}
UNION ALL
SELECT '__idle__', sum(idle_cpu_nanos)::bigint, sum(idle_ram_nanos)::bigint,
  sum(idle_gpu_nanos)::bigint, 0, 0, 0, 0, 0
FROM node_costs
WHERE cluster = 'bench' AND interval_start >= to_timestamp($1::bigint)
  AND interval_start < to_timestamp($2::bigint))";

std::mutex print_mutex;
const Clock::time_point kLaunched = Clock::now();

template <typename... Args>
void Progress(fmt::format_string<Args...> format, Args&&... args) {
  const std::lock_guard lock(print_mutex);
  const double t = std::chrono::duration<double>(Clock::now() - kLaunched).count();
  fmt::print("  [{:6.1f} s] {}\n", t, fmt::format(format, std::forward<Args>(args)...));
  static_cast<void>(std::fflush(stdout));
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Ms(Clock::time_point from, Clock::time_point to) { return Ms(to - from); }

// When the reads of one request ended and how long each took (they run concurrently).
struct ReadTimes {
  double allocations_ms = 0, idle_ms = 0;
  Clock::time_point allocations_end, idle_end;
};

// What the reads of one request returned.
struct KeptRows {
  std::vector<costledger::model::PropertyRef> grouping;
  std::vector<costledger::model::AllocationRow> rows;
  std::vector<costledger::model::IdleRow> idle;
};

// The API's allocation reader port around the PostgreSQL reader: times each read (the API
// reads idle on another thread meanwhile) and, when asked, keeps what it returned, so that the
// checks can rebuild the sets the API rendered.
class TimedReader final : public costledger::ports::AllocationReader {
 public:
  explicit TimedReader(PostgresCostReader& reader) : reader_(reader) {}

  std::vector<costledger::model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const costledger::model::PropertyRef> grouping) override {
    const auto t0 = Clock::now();
    auto rows = reader_.ReadAllocations(start, end, step, grouping);
    const auto t1 = Clock::now();
    const std::lock_guard lock(mutex_);
    times_.allocations_ms = Ms(t0, t1);
    times_.allocations_end = t1;
    if (keep_) {
      kept_.grouping.assign(grouping.begin(), grouping.end());
      kept_.rows = rows;
    }
    return rows;
  }

  std::vector<costledger::model::IdleRow> ReadIdle(sys_seconds start, sys_seconds end,
                                                   std::chrono::seconds step) override {
    const auto t0 = Clock::now();
    auto idle = reader_.ReadIdle(start, end, step);
    const auto t1 = Clock::now();
    const std::lock_guard lock(mutex_);
    times_.idle_ms = Ms(t0, t1);
    times_.idle_end = t1;
    if (keep_) kept_.idle = idle;
    return idle;
  }

  // Whether the next reads keep what they return.
  void Keep(bool keep) {
    const std::lock_guard lock(mutex_);
    keep_ = keep;
  }
  ReadTimes times() {
    const std::lock_guard lock(mutex_);
    return times_;
  }
  KeptRows TakeKept() {
    const std::lock_guard lock(mutex_);
    return std::exchange(kept_, {});
  }

 private:
  PostgresCostReader& reader_;
  std::mutex mutex_;
  bool keep_ = false;
  ReadTimes times_;
  KeptRows kept_;
};

// The API over `reader`, as `costledger serve` builds it, minus tokens, metrics and the cache
// (every call reads), at the bench's "now".
struct ApiPath {
  explicit ApiPath(PostgresCostReader& reader)
      : timed(reader),
        api({timed, reader, reader, reader}, nullptr, Settings(), [] { return kNow; }) {}

  static costledger::api::CostApiSettings Settings() {
    costledger::api::CostApiSettings settings;
    settings.cache_ttl = std::chrono::seconds(0);
    return settings;
  }

  TimedReader timed;
  costledger::api::CostApi api;
};

// The request a client sends for `aggregate`, as the server hands it to the API.
costledger::http::HttpRequest AllocationRequest(std::string_view aggregate) {
  costledger::http::HttpRequest request;
  request.method = "GET";
  request.target = fmt::format("/v1/allocation?window=30d&aggregate={}&accumulate=true", aggregate);
  costledger::http::ParsedTarget parsed = costledger::http::ParseTarget(request.target);
  request.path = std::move(parsed.path);
  request.query = std::move(parsed.query);
  return request;
}

// One GET /v1/allocation through CostApi::Handle: the body and, when `keep`, the sets it
// renders (rebuilt from the rows the API read, and checked to render to the very body).
struct Response {
  std::vector<AllocationSet> sets;
  std::string body;
  // Milliseconds: the whole of Handle; each read (concurrent); from the later read's end to
  // the response.
  double total = 0, read_allocations = 0, read_idle = 0, after_reads = 0;
};

Response Serve(ApiPath& path, const costledger::http::HttpRequest& request, bool keep = false) {
  path.timed.Keep(keep);
  const auto start = Clock::now();
  costledger::http::HttpResponse http = path.api.Handle(request);
  const auto done = Clock::now();
  if (http.status != 200) {
    throw std::runtime_error(
        fmt::format("{} answered {}: {}", request.target, http.status, http.body.substr(0, 300)));
  }
  Response r;
  r.body = std::move(http.body);
  const ReadTimes times = path.timed.times();
  r.total = Ms(start, done);
  r.read_allocations = times.allocations_ms;
  r.read_idle = times.idle_ms;
  r.after_reads = Ms(std::max(times.allocations_end, times.idle_end), done);
  if (keep) {
    const KeptRows kept = path.timed.TakeKept();
    r.sets = costledger::model::BuildAllocationSets(
        costledger::model::ParseAllocationRequest(request.query, kNow),
        costledger::model::TeamScope::All(), kept.grouping, kept.rows, kept.idle);
    if (costledger::api::RenderAllocationResponse(r.sets) != r.body) {
      throw std::runtime_error(request.target +
                               ": the sets rebuilt from the rows read do not render to the "
                               "API's answer, so they cannot stand for it in the checks");
    }
  }
  return r;
}

// One group of the baseline's answer.
struct BaselineRow {
  Money cpu, ram, gpu;
  double cpu_request_cores = 0, ram_request_bytes = 0, cpu_usage_cores = 0, ram_usage_bytes = 0,
         cpu_request_millicore_seconds = 0;
};

std::map<std::string, BaselineRow> Baseline(pqxx::connection& c, std::string_view key) {
  pqxx::read_transaction tx(c);
  // The reader's setting, for a fair comparison.
  tx.exec("SET LOCAL work_mem = '256MB'");
  std::map<std::string, BaselineRow> out;
  const std::string sql = fmt::format(fmt::runtime(kBaseline), fmt::arg("key", key));
  for (const pqxx::row& r :
       tx.exec_params(sql, kStart.time_since_epoch().count(), kEnd.time_since_epoch().count())) {
    BaselineRow& b = out[r[0].as<std::string>()];
    b.cpu = Money::FromNanos(r[1].as<std::int64_t>());
    b.ram = Money::FromNanos(r[2].as<std::int64_t>());
    b.gpu = Money::FromNanos(r[3].as<std::int64_t>());
    b.cpu_request_cores = r[4].as<double>();
    b.ram_request_bytes = r[5].as<double>();
    b.cpu_usage_cores = r[6].as<double>();
    b.ram_usage_bytes = r[7].as<double>();
    b.cpu_request_millicore_seconds = r[8].as<double>();
  }
  return out;
}

// Compares the API's answer with the baseline's: every group's cost to the nano-dollar and its
// CPU request; prints the totals. False when they disagree.
bool Agree(const std::string& name, const AllocationSet& set,
           const std::map<std::string, BaselineRow>& baseline) {
  Money api_total;
  Money api_idle;
  Money baseline_total;
  Money baseline_idle;
  int mismatches = 0;
  for (const auto& a : set.allocations) {
    api_total += a.TotalCost();
    if (a.name == costledger::model::kIdleName) api_idle += a.TotalCost();
    const auto it = baseline.find(a.name);
    if (it == baseline.end()) {
      if (mismatches++ < 5) fmt::print("  {}: '{}' is missing from the baseline\n", name, a.name);
      continue;
    }
    const BaselineRow& b = it->second;
    const bool same_cost =
        a.sums.cpu_cost == b.cpu && a.sums.ram_cost == b.ram && a.sums.gpu_cost == b.gpu;
    const bool same_request =
        a.name == costledger::model::kIdleName ||
        a.sums.cpu_request_millicore_seconds == b.cpu_request_millicore_seconds;
    if ((!same_cost || !same_request) && mismatches++ < 5) {
      fmt::print("  {}: '{}' differs: cost {} vs {}, cpu request {} vs {} millicore-s\n", name,
                 a.name, a.TotalCost().ToDecimalString(), (b.cpu + b.ram + b.gpu).ToDecimalString(),
                 a.sums.cpu_request_millicore_seconds, b.cpu_request_millicore_seconds);
    }
  }
  for (const auto& [key, b] : baseline) {
    baseline_total += b.cpu + b.ram + b.gpu;
    if (key == costledger::model::kIdleName) baseline_idle += b.cpu + b.ram + b.gpu;
  }
  if (baseline.size() != set.allocations.size()) ++mismatches;
  const bool agree = mismatches == 0 && api_total == baseline_total;
  fmt::print(
      "  {}: {} allocations; total cost ${} (idle ${}) vs baseline ${} (idle ${}), {} groups: "
      "{}\n",
      name, set.allocations.size(), api_total.ToDecimalString(), api_idle.ToDecimalString(),
      baseline_total.ToDecimalString(), baseline_idle.ToDecimalString(), baseline.size(),
      agree ? "agree to the nano-dollar, per group" : "DISAGREE");
  return agree;
}

// Nearest-rank percentile of `ms` (sorted in place).
double Percentile(std::vector<double>& ms, double q) {
  std::sort(ms.begin(), ms.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size())));
  return ms[std::min(ms.size(), std::max<std::size_t>(rank, 1)) - 1];
}

struct Latencies {
  double p50 = 0, p99 = 0, baseline_p50 = 0, baseline_p99 = 0;
  AllocationSet answer;  // the API's, for the PromQL baseline's check
};

// The API path, warmed up once, then kIterations; then the baseline the same way, with fewer
// iterations (each scans the raw table). Not interleaved: the baseline's scans of the raw
// partitions (each smaller than a quarter of shared_buffers, so no ring buffer) would evict
// the rollups between two API calls, which is not what a server answering the API sees.
Latencies Measure(const std::string& name, ApiPath& path, pqxx::connection& sql,
                  std::string_view aggregate, bool& agree) {
  const costledger::http::HttpRequest request = AllocationRequest(aggregate);
  const costledger::model::TimeWindow window =
      costledger::model::ParseAllocationRequest(request.query, kNow).window;
  if (window.start != kStart || window.end != kEnd) {
    throw std::runtime_error("window=30d does not cover the generated days");
  }
  const Response warm = Serve(path, request, /*keep=*/true);  // not a sample
  const double warm_ms = warm.total;
  std::vector<double> api_ms;
  std::vector<double> read_allocations_ms;
  std::vector<double> read_idle_ms;
  std::vector<double> after_reads_ms;
  for (int i = 0; i < kIterations; ++i) {
    const Response r = Serve(path, request);
    api_ms.push_back(r.total);
    read_allocations_ms.push_back(r.read_allocations);
    read_idle_ms.push_back(r.read_idle);
    after_reads_ms.push_back(r.after_reads);
  }
  auto t0 = Clock::now();
  const auto baseline = Baseline(sql, aggregate);
  const double warm_baseline_ms = Ms(Clock::now() - t0);
  std::vector<double> baseline_ms;
  for (int i = 0; i < kBaselineIterations; ++i) {
    t0 = Clock::now();
    Baseline(sql, aggregate);
    baseline_ms.push_back(Ms(Clock::now() - t0));
  }
  agree &= warm.sets.size() == 1 && Agree(name, warm.sets.front(), baseline);
  Latencies l;
  if (!warm.sets.empty()) l.answer = warm.sets.front();
  l.p50 = Percentile(api_ms, 0.5);
  l.p99 = Percentile(api_ms, 0.99);
  l.baseline_p50 = Percentile(baseline_ms, 0.5);
  l.baseline_p99 = Percentile(baseline_ms, 0.99);
  fmt::print(
      "  {}: API {} iterations after a {:.1f} ms warm-up: p50 {:.1f} ms, p99 {:.1f} ms "
      "(the slowest); response {:.1f} KiB\n",
      name, kIterations, warm_ms, l.p50, l.p99, static_cast<double>(warm.body.size()) / 1024);
  fmt::print(
      "  {}: p50 by stage: ReadAllocations {:.1f} ms and meanwhile ReadIdle {:.1f} ms; after "
      "the later of them (BuildAllocationSets, RenderAllocationResponse) {:.1f} ms\n",
      name, Percentile(read_allocations_ms, 0.5), Percentile(read_idle_ms, 0.5),
      Percentile(after_reads_ms, 0.5));
  fmt::print(
      "  {}: baseline {} iterations after a {:.1f} ms warm-up: p50 {:.1f} ms, p99 {:.1f} ms "
      "(the slowest)\n",
      name, kBaselineIterations, warm_baseline_ms, l.baseline_p50, l.baseline_p99);
  static_cast<void>(std::fflush(stdout));
  return l;
}

// The contract's `BENCH` line, as bench_figures' PrintFigure prints it, except that the ratio
// of a latency is baseline / value (how many times faster than the baseline); PrintFigure's
// value / baseline suits throughputs.
void PrintLatencyFigure(const std::string& bench, double value_ms, double baseline_ms,
                        std::string_view baseline_name = kBaselineName) {
  static_cast<void>(std::fflush(stdout));
  fmt::print(
      "BENCH {{\"bench\":\"{}\",\"value\":{:.4g},\"unit\":\"ms\",\"baseline\":{:.4g},"
      "\"baseline_name\":\"{}\",\"ratio\":{:.2f}}}\n",
      bench, value_ms, baseline_ms, baseline_name, value_ms > 0 ? baseline_ms / value_ms : 0.0);
  static_cast<void>(std::fflush(stdout));
}

// --explain: the plans the reader's statements got (auto_explain, from the server log; plans
// of statements over 5 ms) and the baseline's, for both aggregations, after the measurement
// (the baseline's plan comes right after the reader's: its partitions may be cold).
void Explain(costledger::testing::PrivatePostgres& server, const std::string& url) {
  {
    pqxx::connection c(url);
    for (const char* setting :
         {"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 5",
          "auto_explain.log_analyze = on", "auto_explain.log_buffers = on",
          "log_min_messages = log"}) {
      Exec(c, fmt::format("ALTER DATABASE allocation_bench SET {}", setting));
    }
  }
  const std::string log_path = server.data_dir() + "/server.log";
  for (const char* aggregate : {"namespace", "pod"}) {
    // A new reader, so that its connections load auto_explain; the second, warm call's plans.
    PostgresCostReader reader(url, "");
    ApiPath path(reader);
    const costledger::http::HttpRequest request = AllocationRequest(aggregate);
    Serve(path, request);
    const auto log_size = std::filesystem::file_size(log_path);
    Serve(path, request);
    std::ifstream log(log_path);
    log.seekg(static_cast<std::streamoff>(log_size));
    std::stringstream text;
    text << log.rdbuf();
    fmt::print("---- reader plans (auto_explain), aggregate={} ----\n{}", aggregate, text.str());
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    tx.exec("SET work_mem = '256MB'");
    const std::string sql = fmt::format(fmt::runtime(kBaseline), fmt::arg("key", aggregate));
    fmt::print("---- baseline plan, aggregate={} ----\n", aggregate);
    for (const pqxx::row& r :
         tx.exec_params("EXPLAIN (ANALYZE, BUFFERS) " + sql, kStart.time_since_epoch().count(),
                        kEnd.time_since_epoch().count())) {
      fmt::print("{}\n", r[0].c_str());
    }
  }
}

// ---- The PromQL baseline ----

std::string CacheRoot() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in this program modifies the environment
  if (const char* env = std::getenv("COSTLEDGER_BENCH_CACHE")) return env;
  return COSTLEDGER_BENCH_CACHE_DIR;  // the build directory's bench-cache
}

struct PromqlLatencies {
  double namespace_p50 = 0, namespace_p99 = 0, pod_p50 = 0, pod_p99 = 0;
  costledger::bench::PromqlAnswer by_namespace, by_pod;
};

void PrintQueries(const std::string& title,
                  const std::vector<std::pair<std::string, std::string>>& queries) {
  fmt::print("  {}\n", title);
  for (const auto& [name, promql] : queries) fmt::print("    {:<22} {}\n", name, promql);
}

// A private Prometheus on (a hard-linked copy of) the cached blocks; OpenCost's queries and
// arithmetic warmed up once, then `iterations` times. The queries are the same for both
// aggregations (OpenCost aggregates in Go, after the queries): each iteration queries once and
// aggregates both ways; a figure is the queries and arithmetic plus its own aggregation.
PromqlLatencies MeasurePromql(const costledger::bench::OpenCostTsdb& tsdb, bool gzip,
                              int iterations) {
  using costledger::bench::OpenCostPromql;
  auto t0 = Clock::now();
  costledger::testing::PrivatePrometheus prom({
      .blocks_from = tsdb.blocks_dir,
      .retention = "10y",  // keep blocks however old (retention counts from the newest)
      // No compaction of the blocks while measuring: only 2-hour blocks would be compacted.
      .extra_flags = {"--storage.tsdb.min-block-duration=2h",
                      "--storage.tsdb.max-block-duration=2h"},
      .start_timeout = std::chrono::minutes(5),
  });
  Progress("Prometheus {} ready on {} in {:.1f} s", costledger::testing::PrometheusBinary(),
           prom.Url(), Seconds(Clock::now() - t0));
  OpenCostPromql promql(prom.Url(), {.gzip = gzip});
  const auto day = kStart + std::chrono::days(1);
  fmt::print(
      "  PromQL baseline: window=30d, OpenCost's batches of 1 day (30 batches, one after the "
      "other); per batch the Pods query, awaited, then the others at once, at most 5 in flight "
      "(MAX_QUERY_CONCURRENCY); then the asset queries of the whole window at once. GET "
      "/api/v1/query, time = the end of the batch, {}. Queries (cluster filter empty, cluster "
      "label cluster_id, resolution 60m as the data has one sample per hour; OpenCost's default "
      "5m would evaluate 12x more subquery steps):\n",
      gzip ? "Accept-Encoding: gzip (as Go's client)"
           : "no compression (Go's client asks for gzip)");
  PrintQueries("per batch (here the first day):", promql.BatchQueries(kStart, day));
  PrintQueries("assets (once, for idle):", promql.AssetQueries(kStart, kEnd));
  static_cast<void>(std::fflush(stdout));

  // Warm-up: the blocks into the page cache, then one day's batch and its assets; a full answer
  // takes minutes.
  std::vector<char> buffer(std::size_t{1} << 20);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tsdb.blocks_dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()))) {
    }
  }
  t0 = Clock::now();
  promql.Compute(kStart, day);
  Progress("PromQL warm-up (blocks read, the first day's queries): {:.0f} ms",
           Ms(Clock::now() - t0));

  PromqlLatencies l;
  std::vector<double> namespace_ms;
  std::vector<double> pod_ms;
  std::vector<double> http_ms;
  std::vector<double> decode_ms;
  for (int i = 0; i < iterations; ++i) {
    costledger::bench::PromqlTimings timings;
    t0 = Clock::now();
    const costledger::bench::PromqlContainers containers = promql.Compute(kStart, kEnd, &timings);
    const auto t1 = Clock::now();
    l.by_namespace = costledger::bench::Aggregate(containers, "namespace");
    const auto t2 = Clock::now();
    l.by_pod = costledger::bench::Aggregate(containers, "pod");
    const auto t3 = Clock::now();
    namespace_ms.push_back(Ms(t0, t2));
    pod_ms.push_back(Ms(t0, t1) + Ms(t2, t3));
    http_ms.push_back(timings.http_ms);
    decode_ms.push_back(timings.decode_ms);
    std::string by_query;
    for (const auto& [name, entry] : timings.by_query) {
      by_query += fmt::format(" {} {:.0f},", name, entry.first / entry.second);
    }
    Progress(
        "PromQL baseline {}/{}: {:.0f} ms for {} queries ({} containers), {:.1f} MiB received; "
        "summed over queries: HTTP {:.0f} ms, JSON decoding {:.0f} ms; mean HTTP ms per "
        "query:{}",
        i + 1, iterations, namespace_ms.back(), timings.queries, containers.containers.size(),
        static_cast<double>(timings.response_bytes) / (1 << 20), timings.http_ms, timings.decode_ms,
        by_query.substr(0, by_query.size() - 1));
  }
  l.namespace_p50 = Percentile(namespace_ms, 0.5);
  l.namespace_p99 = Percentile(namespace_ms, 0.99);
  l.pod_p50 = Percentile(pod_ms, 0.5);
  l.pod_p99 = Percentile(pod_ms, 0.99);
  fmt::print(
      "  PromQL baseline {} iterations: aggregate=namespace p50 {:.0f} ms, p99 {:.0f} ms; "
      "aggregate=pod p50 {:.0f} ms, p99 {:.0f} ms (the slowest); p50 of the summed HTTP {:.0f} "
      "ms and JSON decoding {:.0f} ms (over up to 5 connections)\n",
      iterations, l.namespace_p50, l.namespace_p99, l.pod_p50, l.pod_p99, Percentile(http_ms, 0.5),
      Percentile(decode_ms, 0.5));
  static_cast<void>(std::fflush(stdout));
  return l;
}

// The PromQL answer against the API's: the relative difference of the grand total, of idle and
// the largest of any group's cost and CPU request hours. True within kPromqlTolerance.
bool AgreePromql(const std::string& name, const AllocationSet& set,
                 const costledger::bench::PromqlAnswer& promql) {
  const auto relative = [](double a, double b) {
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-12});
  };
  double api_total = 0;
  double promql_total = 0;
  double largest = 0;
  double largest_request = 0;
  double api_idle = 0;
  double promql_idle = 0;
  std::string worst = "-";
  int missing = 0;
  for (const auto& a : set.allocations) {
    const double api = a.TotalCost().Dollars();
    api_total += api;
    const auto it = promql.find(a.name);
    if (it == promql.end()) {
      if (missing++ < 5) fmt::print("  {}: '{}' is missing from the PromQL answer\n", name, a.name);
      continue;
    }
    if (a.name == costledger::model::kIdleName) {
      api_idle = api;
      promql_idle = it->second.TotalCost();
    } else {
      largest_request =
          std::max(largest_request, relative(a.sums.cpu_request_millicore_seconds / 3.6e6,
                                             it->second.cpu_request_core_hours));
    }
    if (const double d = relative(api, it->second.TotalCost()); d > largest) {
      largest = d;
      worst = a.name;
    }
  }
  for (const auto& [key, group] : promql) promql_total += group.TotalCost();
  const double total_diff = relative(api_total, promql_total);
  const bool agree = missing == 0 && promql.size() == set.allocations.size() &&
                     total_diff <= kPromqlTolerance && largest <= kPromqlTolerance &&
                     largest_request <= kPromqlTolerance;
  fmt::print(
      "  {}: PromQL {} groups, total ${:.6f} (idle ${:.6f}) vs API {} groups, ${:.6f} (idle "
      "${:.6f}): relative difference of the grand total {:.1e}, of idle {:.1e}, largest of a "
      "group's cost {:.1e} ({}), of its CPU request hours {:.1e}: {}\n",
      name, promql.size(), promql_total, promql_idle, set.allocations.size(), api_total, api_idle,
      total_diff, relative(api_idle, promql_idle), largest, worst, largest_request,
      agree ? fmt::format("agree within {:.0e}", kPromqlTolerance) : "DISAGREE");
  return agree;
}

// --promql-only: the exact totals of the generator (allocation_cluster.hpp), in nano-dollars,
// against the PromQL baseline's.
bool AgreeWithGenerator(const costledger::bench::PromqlAnswer& promql) {
  namespace c = costledger::bench::cluster;
  std::int64_t allocated = 0;
  std::int64_t nodes = 0;
  for (int p = 0; p < kPods; ++p) {
    const c::Pod pod = c::PodAt(p);
    const c::Node node = c::NodeAt(pod.k);
    for (int h = 0; h < kHours; ++h) {
      allocated += c::CpuAllocatedMillicores(pod, h) * node.cpu_rate +
                   (c::MemoryAllocatedBytes(pod, h) >> 20) * node.ram_rate +
                   pod.gpus * node.gpu_rate;
    }
  }
  for (int k = 0; k < kNodes; ++k) {
    const c::Node node = c::NodeAt(k);
    nodes +=
        kHours * (c::kNodeMillicores * node.cpu_rate + (c::kNodeMemoryBytes >> 20) * node.ram_rate +
                  (node.gpu_node ? node.gpu_rate : 0));
  }
  double promql_total = 0;
  double promql_idle = 0;
  for (const auto& [key, group] : promql) promql_total += group.TotalCost();
  promql_idle = promql.at(std::string(costledger::model::kIdleName)).TotalCost();
  const double exact_total = static_cast<double>(nodes) / 1e9;
  const double exact_idle = static_cast<double>(nodes - allocated) / 1e9;
  const double d = std::abs(promql_total - exact_total) / exact_total;
  fmt::print(
      "  PromQL total ${:.6f} (idle ${:.6f}) vs the generator's exact ${:.9f} (idle ${:.9f}): "
      "relative difference {:.1e}, of idle {:.1e}\n",
      promql_total, promql_idle, exact_total, exact_idle, d,
      std::abs(promql_idle - exact_idle) / exact_idle);
  return d <= kPromqlTolerance;
}

struct Options {
  bool explain = false;
  bool promql_only = false;
  bool no_promql = false;
  bool promql_gzip = false;
  int promql_iterations = kPromqlIterations;
};

int Run(const Options& options) {
  fmt::print(
      "allocation: GET /v1/allocation read path, window=30d accumulate=true over {} days x {} "
      "pods ({} namespaces, {} teams, {} nodes)\n"
      "  baseline: {}: the raw data is generated at ONE row per pod per HOUR ({}M rows); a real "
      "collector at 60 s intervals stores 60x more raw rows, so the baseline is generous\n",
      kDays, kPods, kNamespaces, kTeams, kNodes, kBaselineName, kHours * kPods / 1e6);
  fmt::print(
      "  baseline: {}: the same cluster as OpenCost-style metrics at ONE sample per series per "
      "HOUR (OpenCost's scrape is every minute: 60x more samples), so the baseline is generous\n",
      kPromqlName);
  fmt::print(
      "  servers: a private PostgreSQL 15 with shared_buffers 1GB (unit tests use 64MB), other "
      "settings default; a private Prometheus 2.42 (Debian), default settings but retention; {} "
      "hardware threads\n",
      std::thread::hardware_concurrency());
  auto t0 = Clock::now();
  std::optional<costledger::bench::OpenCostTsdb> tsdb;
  if (!options.no_promql) {
    fmt::print("Prometheus TSDB (promtool tsdb create-blocks-from openmetrics, cached in {}) ...\n",
               CacheRoot());
    static_cast<void>(std::fflush(stdout));
    tsdb = costledger::bench::EnsureOpenCostTsdb(
        CacheRoot(), [](const std::string& text) { Progress("{}", text); });
  }
  const double tsdb_seconds = Seconds(Clock::now() - t0);
  if (options.promql_only) {
    const PromqlLatencies promql =
        MeasurePromql(*tsdb, options.promql_gzip, options.promql_iterations);
    const bool agree = AgreeWithGenerator(promql.by_namespace);
    fmt::print("total: {:.1f} s\n", Seconds(Clock::now() - kLaunched));
    return agree ? 0 : 1;
  }
  costledger::testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("allocation_bench");
  fmt::print("loading (server-side INSERT .. SELECT FROM generate_series) ...\n");
  static_cast<void>(std::fflush(stdout));
  t0 = Clock::now();
  costledger::bench::LoadAllocationCluster(server, url,
                                           [](const std::string& line) { Progress("{}", line); });
  const double load_seconds = Seconds(Clock::now() - t0);

  PostgresCostReader reader(url, "");
  ApiPath path(reader);
  pqxx::connection sql(url);
  bool agree = true;
  fmt::print(
      "measuring: CostApi::Handle (GET /v1/allocation in process: parse, ReadAllocations and "
      "meanwhile ReadIdle, BuildAllocationSets, RenderAllocationResponse), then the SQL "
      "baseline\n");
  t0 = Clock::now();
  const Latencies ns = Measure("aggregate=namespace", path, sql, "namespace", agree);
  const Latencies pod = Measure("aggregate=pod", path, sql, "pod", agree);
  const double measure_seconds = Seconds(Clock::now() - t0);
  if (options.explain) Explain(server, url);

  std::optional<PromqlLatencies> promql;
  double promql_seconds = 0;
  bool promql_agree = true;
  if (tsdb) {
    fmt::print("measuring: the PromQL baseline\n");
    static_cast<void>(std::fflush(stdout));
    t0 = Clock::now();
    promql = MeasurePromql(*tsdb, options.promql_gzip, options.promql_iterations);
    promql_seconds = Seconds(Clock::now() - t0);
    const bool namespace_agree =
        AgreePromql("aggregate=namespace", ns.answer, promql->by_namespace);
    const bool pod_agree = AgreePromql("aggregate=pod", pod.answer, promql->by_pod);
    promql_agree = namespace_agree && pod_agree;
  } else {
    fmt::print("the PromQL baseline is left out (--no-promql)\n");
  }

  fmt::print("\n{:<23} {:>11} {:>11} {:>9} {:>11} {:>12}\n", "ms (lower is better)", "costledger",
             "SQL", "SQL/ours", "PromQL", "PromQL/ours");
  const auto row = [&promql](std::string_view figure, double ours, double sql_ms,
                             double promql_ms) {
    fmt::print("{:<23} {:>11.1f} {:>11.1f} {:>8.1f}x", figure, ours, sql_ms, sql_ms / ours);
    if (promql) {
      fmt::print(" {:>11.1f} {:>11.1f}x\n", promql_ms, promql_ms / ours);
    } else {
      fmt::print(" {:>11} {:>12}\n", "-", "-");
    }
  };
  const PromqlLatencies none;
  const PromqlLatencies& p = promql ? *promql : none;
  row("aggregate=namespace p50", ns.p50, ns.baseline_p50, p.namespace_p50);
  row("aggregate=namespace p99", ns.p99, ns.baseline_p99, p.namespace_p99);
  row("aggregate=pod p50", pod.p50, pod.baseline_p50, p.pod_p50);
  row("aggregate=pod p99", pod.p99, pod.baseline_p99, p.pod_p99);
  fmt::print(
      "phases: Prometheus TSDB {:.1f} s ({}), PostgreSQL load {:.1f} s, API + SQL measurement "
      "{:.1f} s, PromQL measurement {:.1f} s\n\n",
      tsdb_seconds,
      !tsdb          ? "left out"
      : tsdb->cached ? "cached"
                     : "made",
      load_seconds, measure_seconds, promql_seconds);

  PrintLatencyFigure("allocation_namespace_p50", ns.p50, ns.baseline_p50);
  PrintLatencyFigure("allocation_namespace_p99", ns.p99, ns.baseline_p99);
  PrintLatencyFigure("allocation_pod_p50", pod.p50, pod.baseline_p50);
  PrintLatencyFigure("allocation_pod_p99", pod.p99, pod.baseline_p99);
  if (promql) {
    PrintLatencyFigure("allocation_namespace_p50_vs_promql", ns.p50, p.namespace_p50, kPromqlName);
    PrintLatencyFigure("allocation_namespace_p99_vs_promql", ns.p99, p.namespace_p99, kPromqlName);
    PrintLatencyFigure("allocation_pod_p50_vs_promql", pod.p50, p.pod_p50, kPromqlName);
    PrintLatencyFigure("allocation_pod_p99_vs_promql", pod.p99, p.pod_p99, kPromqlName);
  }
  const bool fast = ns.p50 <= 100;
  const bool faster = ns.baseline_p50 >= 20 * ns.p50;
  fmt::print("target namespace p50 <= 100 ms: {} ({:.1f} ms)\n", fast ? "MET" : "NOT MET", ns.p50);
  fmt::print("target namespace >= 20x faster than the baseline: {} ({:.1f}x at p50)\n",
             faster ? "MET" : "NOT MET", ns.baseline_p50 / ns.p50);
  fmt::print("total: {:.1f} s\n", Seconds(Clock::now() - kLaunched));
  if (!agree) {
    fmt::print(stderr, "allocation_bench: the API and the SQL baseline disagree\n");
    return 1;
  }
  if (!promql_agree) {
    fmt::print(stderr, "allocation_bench: the API and the PromQL baseline disagree\n");
    return 1;
  }
  return 0;
}

constexpr std::string_view kHelp =
    R"(usage: allocation_bench [--no-promql | --promql-only] [--explain]
                        [--promql-gzip] [--promql-iterations=N]

GET /v1/allocation?window=30d&aggregate=namespace|pod&accumulate=true over 30 days x 10,000
pods, answered by CostApi::Handle in process against a private PostgreSQL, and two baselines
in the same run: plain SQL over the raw samples, and OpenCost's PromQL queries to a private
Prometheus (its TSDB is made once, 5-8 minutes, and cached in the build directory).

  --no-promql            leave the PromQL baseline out (no TSDB): the API path and SQL only
  --promql-only          only the PromQL baseline, checked against the generator's totals
  --explain              print the reader's and the SQL baseline's query plans
  --promql-gzip          the PromQL baseline asks for gzip, as Go's HTTP client does
  --promql-iterations=N  timed PromQL answers after a warm-up (default 3)
)";

}  // namespace

int main(int argc, char** argv) {
  // bench/run passes Google Benchmark flags (--benchmark_min_time=..); they do not apply here.
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kHelp);
      return 0;
    }
    options.explain |= arg == "--explain";
    options.promql_only |= arg == "--promql-only";
    options.no_promql |= arg == "--no-promql";
    options.promql_gzip |= arg == "--promql-gzip";
    if (arg.starts_with("--promql-iterations=")) {
      const std::string_view value = arg.substr(arg.find('=') + 1);
      int parsed = 0;  // like atoi: a malformed count reads as 0, so 1 iteration
      std::from_chars(value.data(), value.data() + value.size(), parsed);
      options.promql_iterations = std::max(1, parsed);
    }
  }
  if (options.promql_only && options.no_promql) {
    fmt::print(stderr, "allocation_bench: --promql-only and --no-promql exclude each other\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread uses libcurl
  try {
    return Run(options);  // the private server and its data are removed on the way out
  } catch (const std::exception& e) {
    fmt::print(stderr, "allocation_bench: {}\n", e.what());
    return 1;
  }
}
