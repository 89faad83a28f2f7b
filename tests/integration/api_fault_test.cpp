// The API while its PostgreSQL restarts under load (issue 15, faults): clients keep asking for
// allocations; while the server is down every answer is a 503 JSON that says the database is
// unavailable (never a 500, a hang or a dropped connection), /healthz still answers and /readyz
// says why it is not ready; once the server is back, answers are 200 again with exactly the
// costs they had before (nothing lost, nothing counted twice).
#include <curl/curl.h>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"
#include "served_cluster.hpp"

namespace costledger::api {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds kStart{seconds{1'763'287'200}};  // 2025-11-16T10:00:00Z

// One GET on a new connection; status 0 when the server could not be reached.
testing::HttpReply Get(std::uint16_t port, const std::string& target) {
  return testing::HttpCall("GET", fmt::format("http://127.0.0.1:{}{}", port, target));
}

// Namespace -> totalCostNanos of an accumulated allocation answer.
std::map<std::string, std::int64_t> Totals(const std::string& body) {
  std::map<std::string, std::int64_t> out;
  const nlohmann::json j = nlohmann::json::parse(body);
  for (const auto& [name, a] : j.at("data").at(0).items()) {
    out[name] = a.at("totalCostNanos").get<std::int64_t>();
  }
  return out;
}

TEST(ApiFaultTest, PostgresRestartedUnderLoadIs503JsonThenFullRecovery) {
  ASSERT_EQ(curl_global_init(CURL_GLOBAL_ALL), CURLE_OK);
  testing::PrivatePostgres database;
  const std::string url = database.CreateDatabase("faults");
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    for (int i = 0; i < 6; ++i) {
      store.Write(testing::MakeBatch("prod", kStart + minutes(10 * i), 4, 5, minutes(10)));
    }
    store.RollUp(kStart + hours(1));
  }
  postgres::PostgresCostReader reader(url, "", 4, seconds(2));
  CostApiSettings settings;
  settings.cache_ttl = seconds(0);  // every request reads
  settings.ready_max_age = hours(2);
  CostApi api(CostReaders{reader, reader, reader, reader}, nullptr, std::move(settings),
              [] { return kStart + hours(1) + minutes(5); });
  WorkerPool workers(2, 64);
  PooledHandler handler(api, workers);
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  http::HttpServer server(options, handler.AsHandler());
  server.Start();
  const std::uint16_t port = server.port();
  const std::string target = fmt::format(
      "/v1/allocation?window={},{}&aggregate=namespace&accumulate=true",
      kStart.time_since_epoch().count(), (kStart + hours(1)).time_since_epoch().count());

  const testing::HttpReply before = Get(port, target);
  ASSERT_EQ(before.status, 200) << before.body;
  const auto expected = Totals(before.body);
  ASSERT_FALSE(expected.empty());

  // Two clients ask without pause through the whole restart.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::map<long, int> statuses;
  std::vector<std::string> unexpected;
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        const testing::HttpReply r = Get(port, target);
        const std::lock_guard lock(mutex);
        ++statuses[r.status];  // 0: no answer (refused, reset, timed out)
        const bool ok = (r.status == 200 && Totals(r.body) == expected) ||
                        (r.status == 503 && r.body.find(R"("code":503)") != std::string::npos &&
                         r.body.find("unavailable") != std::string::npos);
        if (!ok && unexpected.size() < 5) {
          unexpected.push_back(fmt::format("{}: {}", r.status, r.body.substr(0, 300)));
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(500));
  database.Stop();
  // Down: reads are refused as unavailable, health still answers, readiness says why.
  const auto down_until = Clock::now() + seconds(3);
  testing::HttpReply ready;
  while (Clock::now() < down_until) {
    EXPECT_EQ(Get(port, "/healthz").status, 200);
    ready = Get(port, "/readyz");
    std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find("not reachable"), std::string::npos) << ready.body;
  int refused_while_down = 0;
  {
    const std::lock_guard lock(mutex);
    refused_while_down = statuses[503];
  }
  database.Start();
  // Back: the next reads reconnect and answer as before.
  testing::HttpReply after;
  for (int i = 0; i < 100; ++i) {
    after = Get(port, target);
    if (after.status == 200) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  std::this_thread::sleep_for(milliseconds(500));
  stop = true;
  for (std::thread& t : clients) t.join();

  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(Totals(after.body), expected);
  EXPECT_EQ(Get(port, "/readyz").status, 200);
  EXPECT_GT(refused_while_down, 0) << "no read happened while the database was down";
  EXPECT_GT(statuses[200], 0);
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  for (const auto& [status, n] : statuses) {
    EXPECT_TRUE(status == 200 || status == 503) << "status " << status << " x" << n;
  }
}

}  // namespace
}  // namespace costledger::api
