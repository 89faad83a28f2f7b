// Quota alerts from the real binary: two `costledger serve --role api` replicas on one private
// PostgreSQL evaluate every second; a quota over its limit alerts a loopback webhook receiver
// (generic JSON and Slack-compatible) exactly once per webhook, and a restarted replica sends
// nothing again.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "child_process.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "private_webhook_receiver.hpp"
#include "sample_batches.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Waits until `what` is logged at least `times` times.
void WaitForLogCount(const testing::ChildProcess& p, const std::string& what, int times) {
  for (int i = 0; i < 300 && Count(p.Log(), what) < times; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(Count(p.Log(), what), times) << p.Log();
}

TEST(QuotaAlertsServeTest, TwoReplicasAndARestartSendEachAlertOncePerWebhook) {
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("alerts");
  const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    // The current minute too, so that spend falls in the current month even on its first minute.
    for (int m = 5; m >= 0; --m) {
      store.Write(testing::MakeBatch("c1", now - std::chrono::minutes(m), 2, 3));
    }
    postgres::PostgresQuotaStore quotas(url, "");
    model::Quota q;
    q.name = "team0-monthly";
    q.scope.team = "team-0";
    q.period = model::QuotaPeriod::kMonth;
    q.limit = {model::QuotaUnit::kDollars, 1000};  // a micro-dollar: every alert at once
    q.thresholds_ppm = {500'000, 800'000, 1'000'000};
    quotas.Put(q, "test", ports::QuotaSource::kApi);
  }
  testing::PrivateWebhookReceiver receiver;
  testing::TempDir dir("quota-alerts-serve");
  json hooks = json::array();
  hooks.push_back({{"url", receiver.Url("/generic")}, {"format", "json"}});
  hooks.push_back({{"url", receiver.Url("/slack")}, {"format", "slack"}});
  json config = {{"cluster", "c1"}, {"database_url", url}, {"listen", "127.0.0.1:0"}};
  config["sources"]["kubernetes"]["api_url"] = "http://127.0.0.1:9";
  config["reports"]["enabled"] = false;
  config["quotas"]["evaluate_seconds"] = 1;
  config["quotas"]["alerts"]["webhooks"] = hooks;
  const std::string path = dir.Path("config.json");
  std::ofstream(path) << config.dump();
  const std::vector<std::string> argv{COSTLEDGER_BINARY, "serve", "--config",     path,
                                      "--role",          "api",   "--log-format", "json"};
  const std::string evaluated = R"("msg":"quotas evaluated")";

  auto a = std::make_unique<testing::ChildProcess>(argv, dir.Path("a.log"));
  testing::ChildProcess b(argv, dir.Path("b.log"));
  receiver.WaitForRequests(2, seconds(30));
  std::this_thread::sleep_for(seconds(3));  // more evaluations of both
  WaitForLogCount(*a, evaluated, 1);
  WaitForLogCount(b, evaluated, 1);
  EXPECT_EQ(receiver.Requests().size(), 2U);

  a->Signal(SIGTERM);
  EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Log();
  a = std::make_unique<testing::ChildProcess>(argv, dir.Path("a2.log"));  // the restart
  WaitForLogCount(*a, evaluated, 1);
  std::this_thread::sleep_for(seconds(3));

  const std::vector<testing::ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2U) << receiver.Log();
  std::set<std::string> paths;
  for (const testing::ReceivedRequest& r : requests) {
    paths.insert(r.path);
    EXPECT_EQ(r.headers.at("x-costledger-event"), "quota_alert");
    const json body = json::parse(r.body);
    EXPECT_NE(body.dump().find("team0-monthly"), std::string::npos) << r.body;
  }
  EXPECT_EQ(paths, (std::set<std::string>{"/generic", "/slack"}));
  for (const testing::ReceivedRequest& r : requests) {
    const std::string& key = r.headers.at("idempotency-key");
    EXPECT_EQ(key.rfind("team0-monthly/", 0), 0U) << key;
    EXPECT_NE(key.find("/threshold/1000000/webhook:"), std::string::npos) << key;
  }
  a->Signal(SIGTERM);
  b.Signal(SIGTERM);
  EXPECT_EQ(a->Wait(seconds(30)), 0) << a->Log();
  EXPECT_EQ(b.Wait(seconds(30)), 0) << b.Log();
}

}  // namespace
}  // namespace costledger
