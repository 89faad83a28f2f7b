// HTTP throughput: `wrk` at 256 connections against the API serving a repeated allocation query
// (in-process server, 2 I/O threads and the API's worker pool, real PostgreSQL behind it),
// against /healthz on the same server in the same run (the server's ceiling: no query, no JSON
// of costs). Prints requests/s, p99 latency and errors.
#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>

#include "bench_figures.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds kDay{seconds{1'763'251'200}};  // 2025-11-16T00:00:00Z
constexpr const char* kToken = "bench-viewer-token-0123456789";

struct WrkResult {
  double requests_per_second = 0;
  double p99_ms = 0;
  long errors = 0;  // socket errors plus non-2xx responses
  std::string text;
};

double ToMs(const std::string& value, const std::string& unit) {
  const double v = std::stod(value);
  if (unit == "us") return v / 1000.0;
  if (unit == "s") return v * 1000.0;
  if (unit == "m") return v * 60'000.0;
  return v;
}

WrkResult RunWrk(const std::string& url, int seconds_to_run) {
  const std::string command =
      fmt::format("wrk -t2 -c256 -d{}s --latency -H 'Authorization: Bearer {}' '{}' 2>&1",
                  seconds_to_run, kToken, url);
  // NOLINTNEXTLINE(cert-env33-c): wrk is the load generator; the command line is built here
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run wrk (apt-get install wrk)");
  WrkResult r;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) r.text += buffer.data();
  std::smatch m;
  if (std::regex_search(r.text, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    r.requests_per_second = std::stod(m[1]);
  } else {
    throw std::runtime_error("wrk printed no Requests/sec:\n" + r.text);
  }
  if (std::regex_search(r.text, m, std::regex(R"(99%\s+([0-9.]+)(us|ms|s|m))"))) {
    r.p99_ms = ToMs(m[1], m[2]);
  }
  if (std::regex_search(r.text, m, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))"))) {
    r.errors += std::stol(m[1]);
  }
  if (std::regex_search(
          r.text, m,
          std::regex(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"))) {
    r.errors += std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
  }
  return r;
}

int Run() {
  namespace api = costledger::api;
  namespace http = costledger::http;
  namespace bench = costledger::bench;
  namespace postgres = costledger::postgres;
  namespace testing = costledger::testing;
  fmt::print(
      "http bench: private PostgreSQL, two days of a 40-node cluster (10-minute "
      "intervals, rolled up)...\n");
  testing::PrivatePostgres database;
  const std::string url = database.CreateDatabase("http_bench");
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    for (sys_seconds t = kDay; t < kDay + hours(48); t += minutes(10)) {
      store.Write(testing::MakeBatch("bench", t, 40, 20, minutes(10)));
    }
    store.RollUp(kDay + hours(48));
  }
  postgres::PostgresCostReader reader(url, "", 4);
  api::CostApiSettings settings;
  settings.tokens = api::TokenRegistry::Parse(
      fmt::format(R"([{{"name":"bench","sha256":"{}","role":"viewer","teams":["*"]}}])",
                  api::Sha256Hex(kToken)));
  api::CostMetrics metrics;
  api::CostApi cost_api({reader, reader, reader, reader}, &metrics, std::move(settings),
                        [] { return kDay + hours(48); });
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  options.access_log = [&metrics](const http::AccessLogEntry& e) {
    metrics.CountHttpRequest(api::CostApi::RouteOf(e.target.substr(0, e.target.find('?'))),
                             e.status, e.duration);
  };
  // As `costledger serve` runs it: database reads on the worker pool (defaults: 4 threads, 64
  // queued), the rest on the server's threads.
  api::WorkerPool workers(4, 64);
  api::PooledHandler handler(cost_api, workers);
  http::HttpServer server(options, handler.AsHandler());
  server.Start();
  const std::string base = fmt::format("http://127.0.0.1:{}", server.port());
  const std::string query = base + "/v1/allocation?window=2d&aggregate=namespace&accumulate=true";

  fmt::print("wrk -c256 for 10 s against {}\n", query);
  const WrkResult alloc = RunWrk(query, 10);
  fmt::print("{}\n", alloc.text);
  fmt::print("wrk -c256 for 10 s against {}/healthz (baseline: the server alone)\n", base);
  const WrkResult health = RunWrk(base + "/healthz", 10);
  fmt::print("{}\n", health.text);
  server.Stop();

  bench::PrintFigure("http_allocation_rps", alloc.requests_per_second, "requests/s",
                     health.requests_per_second, "GET /healthz on the same server");
  bench::PrintFigure("http_allocation_p99", alloc.p99_ms, "ms", health.p99_ms,
                     "GET /healthz on the same server");
  fmt::print("BENCH {{\"bench\":\"http_allocation_errors\",\"value\":{},\"unit\":\"errors\"}}\n",
             alloc.errors);
  const bool met = alloc.requests_per_second >= 5000 && alloc.errors == 0;
  fmt::print("target: >= 5,000 requests/s with no errors at 256 connections on 2 cores: {}\n",
             met ? "met" : "NOT met");
  return 0;
}

}  // namespace

int main() {
  try {
    return Run();  // the private server and its data are removed on the way out
  } catch (const std::exception& e) {
    fmt::print(stderr, "http_bench: {}\n", e.what());
    return 1;
  }
}
