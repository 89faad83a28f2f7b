// Admission latency under load: POST /v1/admission at a steady 500 requests/s for 20 s (paced,
// latency counted from each request's scheduled time, so a stall is not hidden), while eight
// clients keep asking GET /v1/allocation?window=30d&aggregate=pod (30 days of 2,000 pods in a
// private PostgreSQL, hourly intervals rolled up). The server is the API as `costledger serve`
// wires it: CostApi behind the PooledHandler (api.workers' default: one per core, 2..8; 64 queued)
// on the Beast server with 2 I/O threads; the admission decision comes from the quota board in
// memory and never queues behind the allocation reads. Baseline: GET /healthz at the same rate
// under the same load. Figures: admission p50 and p99 (ms) against /healthz's; target p99 <= 5 ms.
#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "admission_fixtures.hpp"
#include "bench_figures.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/common/worker_threads.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::hours;
using std::chrono::sys_seconds;

const sys_seconds kStart{std::chrono::seconds{1'760'659'200}};  // 2025-10-17T00:00:00Z
constexpr int kDays = 30;
constexpr int kNodes = 100;
constexpr int kPodsPerNode = 20;
constexpr int kRate = 500;  // requests/s
constexpr int kSeconds = 20;
constexpr int kSenders = 4;  // paced client threads, each on a keep-alive connection
constexpr int kAllocationClients = 8;

sys_seconds Now() { return kStart + hours(24 * kDays); }

std::size_t Keep(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct Latencies {
  std::vector<double> ms;
  long errors = 0;
  double Percentile(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    const auto i = static_cast<std::size_t>(std::lround(p * static_cast<double>(ms.size() - 1)));
    return ms[std::min(i, ms.size() - 1)];
  }
};

// kRate requests/s for kSeconds to `url` (POST `body` when not empty), spread over kSenders
// threads; each request's latency from its scheduled start. `check` says whether a body is right.
Latencies Paced(const std::string& url, const std::string& body,
                bool (*check)(const std::string&)) {
  Latencies all;
  std::mutex mutex;
  std::vector<std::thread> senders;
  const auto begin = Clock::now() + std::chrono::milliseconds(100);
  const auto period = std::chrono::microseconds(1'000'000 * kSenders / kRate);
  const int per_sender = kRate * kSeconds / kSenders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      CURL* curl = curl_easy_init();
      curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
      Latencies mine;
      std::string reply;
      for (int i = 0; i < per_sender; ++i) {
        const auto scheduled = begin + period * i + period * s / kSenders;
        std::this_thread::sleep_until(scheduled);
        reply.clear();
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Keep);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        if (!body.empty()) {
          curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
          curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
        const CURLcode code = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        mine.ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count());
        if (code != CURLE_OK || status != 200 || !check(reply)) ++mine.errors;
      }
      curl_slist_free_all(headers);
      curl_easy_cleanup(curl);
      const std::lock_guard lock(mutex);
      all.ms.insert(all.ms.end(), mine.ms.begin(), mine.ms.end());
      all.errors += mine.errors;
    });
  }
  for (auto& t : senders) t.join();
  return all;
}

bool IsDenial(const std::string& body) {
  try {
    const auto j = nlohmann::json::parse(body);
    return j.at("response").at("allowed") == false;
  } catch (...) {
    return false;
  }
}

bool IsHealthy(const std::string& body) { return body.find("\"ok\"") != std::string::npos; }

// Eight clients asking the 30-day pod allocation in a loop until `stop`.
class AllocationLoad {
 public:
  explicit AllocationLoad(std::string url) : url_(std::move(url)) {
    for (int i = 0; i < kAllocationClients; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~AllocationLoad() { Stop(); }
  AllocationLoad(const AllocationLoad&) = delete;
  AllocationLoad& operator=(const AllocationLoad&) = delete;
  AllocationLoad(AllocationLoad&&) = delete;
  AllocationLoad& operator=(AllocationLoad&&) = delete;

  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  long answered() const { return answered_; }
  long failed() const { return failed_; }

 private:
  void Loop() {
    CURL* curl = curl_easy_init();
    std::string reply;
    while (!stop_) {
      reply.clear();
      curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
      curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Keep);
      curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
      const CURLcode code = curl_easy_perform(curl);
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      if (code == CURLE_OK && status == 200) {
        ++answered_;
      } else {
        ++failed_;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // 503: the pool is full
      }
    }
    curl_easy_cleanup(curl);
  }

  std::string url_;
  std::atomic<bool> stop_{false};
  std::atomic<long> answered_{0};
  std::atomic<long> failed_{0};
  std::vector<std::thread> threads_;
};

int Run() {
  namespace api = costledger::api;
  namespace http = costledger::http;
  namespace bench = costledger::bench;
  namespace postgres = costledger::postgres;
  namespace testing = costledger::testing;
  if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) throw std::runtime_error("curl init");
  fmt::print("admission bench: private PostgreSQL, {} days of {} pods on {} nodes (hourly)...\n",
             kDays, kNodes * kPodsPerNode, kNodes);
  static_cast<void>(std::fflush(stdout));
  testing::PrivatePostgres database;
  const std::string url = database.CreateDatabase("admission_bench");
  const auto load_start = Clock::now();
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    store.EnsurePartitions(std::chrono::floor<std::chrono::days>(kStart), kDays + 1);
    for (sys_seconds t = kStart; t < Now(); t += hours(1)) {
      store.Write(testing::MakeBatch("bench", t, kNodes, kPodsPerNode, hours(1)));
    }
    store.RollUp(Now());
  }
  fmt::print("loaded in {:.0f} s\n",
             std::chrono::duration<double>(Clock::now() - load_start).count());

  // A deny quota of team-0 over its limit: the reviews below are all denials (the full path).
  costledger::quotas::QuotaBoard board;
  board.Publish(testing::Snapshot({testing::TeamQuota("team0-weekly", "team-0", "deny", "10"),
                                   testing::TeamQuota("team1-weekly", "team-1", "alert", "10")},
                                  {20'000'000'000, 0}, Now()));
  postgres::PostgresCostReader reader(
      url, "", 2 * static_cast<std::size_t>(costledger::common::DefaultWorkerThreads()));
  api::CostApiSettings settings;
  settings.cache_ttl = std::chrono::seconds(0);  // every allocation request reads
  settings.enforcement.board = &board;
  settings.enforcement.cluster = "bench";
  api::CostApi cost_api({reader, reader, reader, reader}, nullptr, settings, [] { return Now(); });
  api::WorkerPool workers(costledger::common::DefaultWorkerThreads(), 64, api::kReadWorkerNice);
  api::PooledHandler handler(cost_api, workers);
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  http::HttpServer server(options, handler.AsHandler());
  server.Start();
  const std::string base = fmt::format("http://127.0.0.1:{}", server.port());

  testing::ReviewPod pod;
  pod.team = "team-0";
  pod.owner_kind = "Job";
  const std::string review = testing::AdmissionReviewBody(pod);

  fmt::print("{} read workers; eight clients on {}/v1/allocation?window=30d&aggregate=pod\n",
             workers.threads(), base);
  AllocationLoad load(base + "/v1/allocation?window=30d&aggregate=pod&accumulate=true");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the reads are under way
  fmt::print("POST /v1/admission at {} requests/s for {} s ...\n", kRate, kSeconds);
  Latencies admission = Paced(base + "/v1/admission", review, &IsDenial);
  fmt::print("GET /healthz at {} requests/s for {} s (baseline) ...\n", kRate, kSeconds);
  Latencies health = Paced(base + "/healthz", "", &IsHealthy);
  load.Stop();
  server.Stop();
  workers.Stop();

  // The decision's own cost, without sockets or load: CostApi::Decide on this thread.
  const auto in_process = [&cost_api](const std::string& method, const std::string& path,
                                      const std::string& body) {
    http::HttpRequest request;
    request.method = method;
    request.target = path;
    request.path = path;
    request.body = body;
    Latencies l;
    for (int i = 0; i < 20'000; ++i) {
      const auto t0 = Clock::now();
      const api::CostApi::Decision d = cost_api.Decide(request);
      l.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!d.response || d.response->status != 200) ++l.errors;
    }
    return l;
  };
  Latencies decide = in_process("POST", "/v1/admission", review);
  Latencies decide_health = in_process("GET", "/healthz", "");

  const double a50 = admission.Percentile(0.50);
  const double a99 = admission.Percentile(0.99);
  const double h50 = health.Percentile(0.50);
  const double h99 = health.Percentile(0.99);
  fmt::print("\n{:<28} {:>10} {:>10} {:>8}\n", "ms (lower is better)", "admission", "/healthz",
             "errors");
  fmt::print("{:<28} {:>10.2f} {:>10.2f} {:>8}\n", "p50", a50, h50, admission.errors);
  fmt::print("{:<28} {:>10.2f} {:>10.2f} {:>8}\n", "p99", a99, h99, health.errors);
  fmt::print("{:<28} {:>10.2f} {:>10.2f}\n", "max", admission.Percentile(1.0),
             health.Percentile(1.0));
  fmt::print("allocation answers during the run: {} (refused or failed: {})\n", load.answered(),
             load.failed());
  fmt::print(
      "in process (CostApi::Decide, no socket, no load): admission p50 {:.3f} ms, p99 "
      "{:.3f} ms; /healthz p50 {:.3f} ms, p99 {:.3f} ms\n",
      decide.Percentile(0.5), decide.Percentile(0.99), decide_health.Percentile(0.5),
      decide_health.Percentile(0.99));
  bench::PrintFigure("admission_p50", a50, "ms", h50, "GET /healthz under the same load");
  bench::PrintFigure("admission_p99", a99, "ms", h99, "GET /healthz under the same load");
  bench::PrintFigure("admission_decide_p99", decide.Percentile(0.99), "ms",
                     decide_health.Percentile(0.99), "GET /healthz in process");
  fmt::print("BENCH {{\"bench\":\"admission_errors\",\"value\":{},\"unit\":\"errors\"}}\n",
             admission.errors);
  const bool met = a99 <= 5.0 && admission.errors == 0;
  fmt::print(
      "target: admission p99 <= 5 ms at {} requests/s with eight 30-day pod allocations "
      "running: {}\n",
      kRate, met ? "met" : "NOT met");
  return 0;
}

}  // namespace

int main() {
  try {
    return Run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "admission_bench: {}\n", e.what());
    return 1;
  }
}
