// A deny quota crossed mid-week, end to end with the real processes: `costledger simulate` (the
// simulated cluster in the real wire formats), a private PostgreSQL, and `costledger serve --role
// all` collecting from the simulator every second and evaluating quotas every second. Team beta's
// weekly deny quota is lowered through the API to just above what beta has spent so far this
// week; while it has room beta's new pods are admitted, once the evaluator finds it crossed they
// are denied (naming the quota, spent and limit since Monday), while team alpha (a weekly deny
// quota with room) and gamma (none) are still admitted and beta's running pods go on being
// served and costed.
#include <curl/curl.h>
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "admission_fixtures.hpp"
#include "child_process.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/timestamp.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;
constexpr const char* kAdmin = "e2e-quota-admin-token-0123456789";
constexpr const char* kAdmission = "e2e-quota-admission-token-0123456789";
// How many intervals (seconds) of beta's spend rate the lowered limit leaves: enough for the
// checks before the crossing to run against a quota with room, few enough to cross quickly.
constexpr int kIntervalsOfRoom = 8;

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct Reply {
  long status = 0;
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// One HTTP request to `url`; `body` is sent (as JSON) unless empty; status 0 when unreachable.
Reply Call(const std::string& method, const std::string& url, const char* token,
           const std::string& body = {}) {
  Reply reply;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (token != nullptr) {
    headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", token).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

// A weekly deny quota of `team` with a limit of `limit_nanos` nano-dollars, as PUT sends it.
std::string TeamWeeklyDeny(const std::string& team, std::int64_t limit_nanos,
                           const std::string& contact) {
  const json body = {{"scope", {{"team", team}}},
                     {"period", "week"},
                     {"limit",
                      {{"dollars", fmt::format("{}.{:09}", limit_nanos / 1'000'000'000,
                                               limit_nanos % 1'000'000'000)}}},
                     {"action", "deny"},
                     {"contact", contact}};
  return body.dump();
}

// The Monday 00:00 UTC starting the ISO week that holds `t`.
sys_seconds IsoWeekStart(sys_seconds t) {
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(t);
  return day - (std::chrono::weekday{day} - std::chrono::Monday);
}

// "2026-11-30" for any time of that day (UTC).
std::string Day(sys_seconds t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

class QuotaSimulatorTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      dir_.Keep();
      std::cerr << "logs and configuration kept in " << dir_.path() << "\n";
    }
  }

  std::string Api(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

  // GET /v1/quotas/{name}/status's data; null while the route has no status (503) yet.
  json Status(const std::string& name) const {
    const Reply r = Call("GET", Api(fmt::format("/v1/quotas/{}/status", name)), kAdmin);
    if (r.status != 200) return nullptr;
    return r.Json()["data"];
  }

  // Polls the status of `name` until `done` holds for it, for at most `timeout`; the last status
  // seen (null if none).
  template <typename Done>
  json WaitForStatus(const std::string& name, Done done, milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = Status(name);
      if (!last.is_null() && done(last)) break;
      std::this_thread::sleep_for(milliseconds(200));
    }
    return last;
  }

  // The AdmissionReview response for `pod` (HTTP 200 expected: denials are in the body).
  json Admit(const testing::ReviewPod& pod) const {
    const Reply r =
        Call("POST", Api("/v1/admission"), kAdmission, testing::AdmissionReviewBody(pod));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["response"];
  }

  // POST /v1/quotas/check for an hour of one core of `team`.
  json Check(const std::string& team, const std::string& namespace_name) const {
    const json body = {{"scope", {{"team", team}, {"namespace", namespace_name}}},
                       {"resources", {{"cpu", "1"}, {"memory", "2Gi"}}},
                       {"hours", 1}};
    const Reply r = Call("POST", Api("/v1/quotas/check"), kAdmin, body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  // Total cost (nano-dollars) per allocation in [start, end), accumulated, filtered by team beta
  // and grouped by `aggregate`.
  std::map<std::string, std::int64_t> BetaCosts(sys_seconds start, sys_seconds end,
                                                const std::string& aggregate) const {
    const Reply r = Call("GET",
                         Api(fmt::format("/v1/allocation?window={},{}&aggregate={}&accumulate=true"
                                         "&filter=team:%22beta%22",
                                         start.time_since_epoch().count(),
                                         end.time_since_epoch().count(), aggregate)),
                         kAdmin);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::int64_t> out;
    const json body = r.Json();
    if (!body.contains("data") || body["data"].empty()) return out;
    for (const auto& [name, a] : body["data"][0].items()) {
      out[name] = a.at("totalCostNanos").get<std::int64_t>();
    }
    return out;
  }

  // Team beta's pods the simulator serves as Running, as "namespace/name".
  std::set<std::string> RunningBetaPods() const {
    const Reply r = Call("GET", sim_url_ + "/api/v1/pods", nullptr);
    EXPECT_EQ(r.status, 200) << r.body;
    const json list = r.Json();
    std::set<std::string> out;
    for (const json& pod : list["items"]) {
      const json& meta = pod["metadata"];
      if (meta.contains("labels") && meta["labels"].value("team", "") == "beta" &&
          pod["status"].value("phase", "") == "Running") {
        out.insert(fmt::format("{}/{}", meta["namespace"].get<std::string>(),
                               meta["name"].get<std::string>()));
      }
    }
    return out;
  }

  testing::TempDir dir_{"quota-simulator"};  // destroyed last: the processes stop before it goes
  int port_ = 0;
  std::string sim_url_;
};

TEST_F(QuotaSimulatorTest, DenyQuotaCrossedMidWeekDeniesNewPodsOfThatTeamOnly) {
  ASSERT_TRUE(kCurlReady);
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("quota_simulator");

  testing::ChildProcess sim({COSTLEDGER_BINARY, "simulate", "--listen", "127.0.0.1:0", "--nodes",
                             "8", "--pods", "60", "--seed", "7"},
                            dir_.Path("simulate.log"));
  {
    const std::string log = sim.WaitForLog("http://", seconds(20));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(http://[0-9.]+:\d+)"))) << log;
    sim_url_ = m[0];
  }

  const std::string tokens = dir_.Path("tokens.json");
  std::ofstream(tokens) << fmt::format(
      R"([{{"name":"admin","sha256":"{}","role":"admin","teams":["*"]}},
          {{"name":"apiserver","sha256":"{}","role":"admission","teams":["*"]}}])",
      api::Sha256Hex(kAdmin), api::Sha256Hex(kAdmission));
  port_ = testing::FreeTcpPort();
  json config = {{"cluster", "sim"},
                 {"database_url", url},
                 {"listen", fmt::format("127.0.0.1:{}", port_)},
                 {"interval_seconds", 1},
                 {"scrape_timeout_seconds", 1},
                 {"team_label", "team"},
                 {"time_zone", "UTC"},
                 {"spool_dir", dir_.Path("spool")}};
  config["sources"]["kubernetes"]["api_url"] = sim_url_;
  config["sources"]["dcgm"]["urls"] = json::array({sim_url_ + "/dcgm/metrics"});
  config["sources"]["pricing"] = {{"region", "us-east-1"},
                                  {"on_demand", sim_url_ + "/pricing/ec2_offer.json"},
                                  {"spot_history", sim_url_ + "/pricing/spot_price_history.json"},
                                  {"refresh_seconds", 600}};
  config["reports"]["enabled"] = false;
  config["quotas"]["evaluate_seconds"] = 1;
  config["auth"]["tokens_file"] = tokens;
  // A stale state denies: an allowed answer below comes from a fresh evaluation, not a fallback.
  config["admission"]["failure_policy"] = "fail-closed";
  const std::string config_path = dir_.Path("config.json");
  std::ofstream(config_path) << config.dump(1);
  testing::ChildProcess serve({COSTLEDGER_BINARY, "serve", "--config", config_path, "--role", "all",
                               "--log-format", "json"},
                              dir_.Path("serve.log"));

  // Ready once an interval is stored (the schema is migrated by then).
  Reply ready;
  for (int i = 0; i < 300 && ready.status != 200; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    ready = Call("GET", Api("/readyz"), nullptr);
  }
  ASSERT_EQ(ready.status, 200) << "serve not ready in 30 s: " << ready.body << "\n" << serve.Log();

  // Both deny quotas start with a large limit: beta's is lowered once its spend is known.
  constexpr std::int64_t kLarge = 100'000 * std::int64_t{1'000'000'000};  // $100,000
  Reply put = Call("PUT", Api("/v1/quotas/alpha-weekly"), kAdmin,
                   TeamWeeklyDeny("alpha", kLarge, "#ml-platform"));
  ASSERT_EQ(put.status, 201) << put.body << serve.Log();
  put = Call("PUT", Api("/v1/quotas/beta-weekly"), kAdmin,
             TeamWeeklyDeny("beta", kLarge, "#data-eng-leads"));
  ASSERT_EQ(put.status, 201) << put.body;

  // Beta's spend rate from two evaluations a few intervals apart (nano-dollars per second).
  const auto counted_through = [](const json& s) {
    return model::ParseTimestamp(s.at("countedThrough").get<std::string>());
  };
  const json first = WaitForStatus(
      "beta-weekly",
      [](const json& s) { return !s["countedThrough"].is_null() && s["spentBase"] > 0; },
      seconds(30));
  ASSERT_FALSE(first.is_null()) << "no status of beta-weekly in 30 s\n" << serve.Log();
  ASSERT_GT(first["spentBase"].get<std::int64_t>(), 0)
      << "beta spent nothing in 30 s: " << first.dump() << "\n"
      << serve.Log();
  const json second = WaitForStatus(
      "beta-weekly",
      [&](const json& s) { return counted_through(s) >= counted_through(first) + seconds(3); },
      seconds(20));
  ASSERT_GE(counted_through(second), counted_through(first) + seconds(3)) << second.dump();
  const std::int64_t rate =
      (second["spentBase"].get<std::int64_t>() - first["spentBase"].get<std::int64_t>()) /
      (counted_through(second) - counted_through(first)).count();
  ASSERT_GT(rate, 0) << first.dump() << "\n" << second.dump();

  // Before the crossing: beta's new pod is admitted (under the large limit, no race).
  testing::ReviewPod beta;
  beta.namespace_name = "feature-store";
  beta.team = "beta";
  beta.owner_kind = "Job";
  beta.uid = "4b1f6c2a-beta-0000-0000-000000000001";
  json before = Admit(beta);
  EXPECT_EQ(before["allowed"], true) << before.dump();
  EXPECT_FALSE(before.contains("warnings")) << before.dump();
  const json check_before = Check("beta", "feature-store");
  EXPECT_EQ(check_before["allowed"], true) << check_before.dump();
  const std::set<std::string> running_before = RunningBetaPods();
  ASSERT_FALSE(running_before.empty());

  // Lower beta's limit to what it has spent plus kIntervalsOfRoom seconds of its spend rate.
  const std::int64_t spent_now = Status("beta-weekly")["spentBase"].get<std::int64_t>();
  const std::int64_t limit = spent_now + kIntervalsOfRoom * rate;
  put = Call("PUT", Api("/v1/quotas/beta-weekly"), kAdmin,
             TeamWeeklyDeny("beta", limit, "#data-eng-leads"));
  ASSERT_EQ(put.status, 200) << put.body;
  const json lowered = WaitForStatus(
      "beta-weekly", [&](const json& s) { return s["limitBase"] == limit; }, seconds(10));
  ASSERT_EQ(lowered["limitBase"], limit) << lowered.dump();
  ASSERT_LT(lowered["ratio"].get<double>(), 1.0)
      << "beta-weekly crossed before it could be checked with room left: " << lowered.dump();
  before = Admit(beta);
  EXPECT_EQ(before["allowed"], true) << "with room left: " << before.dump();
  EXPECT_FALSE(before.contains("warnings")) << before.dump();

  // The crossing, as the evaluator sees it from what the collector stores.
  const json crossed = WaitForStatus(
      "beta-weekly", [](const json& s) { return s["ratio"].get<double>() >= 1.0; }, seconds(40));
  ASSERT_GE(crossed["ratio"].get<double>(), 1.0)
      << "beta-weekly did not reach its limit within 40 s of being lowered to " << limit
      << " n$ (spend rate " << rate << " n$/s); last status: " << crossed.dump() << "\n"
      << serve.Log();
  EXPECT_EQ(crossed["limitReached"], true);
  EXPECT_GE(crossed["spentBase"].get<std::int64_t>(), limit);

  // The period is the ISO week (UTC) holding the crossing, not its day: it started on Monday
  // 00:00 before the crossing and ends seven days later.
  const sys_seconds crossed_at = counted_through(crossed);
  const sys_seconds monday =
      IsoWeekStart(model::ParseTimestamp(crossed["evaluatedAt"].get<std::string>()));
  EXPECT_EQ(crossed["period"], "week");
  EXPECT_EQ(crossed["since"], model::FormatTimestamp(monday));
  EXPECT_EQ(crossed["until"], model::FormatTimestamp(monday + std::chrono::days(7)));
  EXPECT_GT(crossed_at, monday);

  // Now beta's new pods are denied, whatever their namespace, saying which quota, spent and limit.
  const json denied = Admit(beta);
  ASSERT_EQ(denied["allowed"], false) << denied.dump();
  EXPECT_EQ(denied["uid"], beta.uid);
  EXPECT_EQ(denied["status"]["code"], 403) << denied.dump();
  EXPECT_FALSE(denied.contains("warnings")) << "a stale-state answer: " << denied.dump();
  const std::string message = denied["status"].value("message", "");
  EXPECT_THAT(message,
              AllOf(StartsWith("exceeded quota: beta-weekly, spent: $"),
                    HasSubstr(fmt::format(
                        ", limit: {} per week since Mon {} 00:00 UTC (resets Mon {} 00:00 UTC)",
                        model::FormatQuotaAmount(model::QuotaUnit::kDollars, limit), Day(monday),
                        Day(monday + std::chrono::days(7)))),
                    HasSubstr("this pod would add about $"), HasSubstr("ask #data-eng-leads")))
      << message;
  testing::ReviewPod beta_bare = beta;
  beta_bare.namespace_name = "team-beta";
  beta_bare.owner_kind.clear();
  beta_bare.name = "search-worker-debug";
  EXPECT_EQ(Admit(beta_bare)["allowed"], false);

  // Only beta: alpha (its weekly deny quota has room) and gamma (no quota) are admitted.
  testing::ReviewPod alpha;
  alpha.namespace_name = "team-alpha";
  alpha.team = "alpha";
  alpha.owner_kind = "Job";
  const json alpha_answer = Admit(alpha);
  EXPECT_EQ(alpha_answer["allowed"], true) << alpha_answer.dump();
  EXPECT_FALSE(alpha_answer.contains("warnings")) << alpha_answer.dump();
  testing::ReviewPod gamma = alpha;
  gamma.namespace_name = "analytics";
  gamma.team = "gamma";
  EXPECT_EQ(Admit(gamma)["allowed"], true);
  const json alpha_status = Status("alpha-weekly");
  EXPECT_EQ(alpha_status["limitReached"], false) << alpha_status.dump();
  EXPECT_GT(alpha_status["spentBase"].get<std::int64_t>(), 0) << alpha_status.dump();

  // The pre-launch check agrees: nothing left of beta's week.
  const json beta_check = Check("beta", "feature-store");
  EXPECT_EQ(beta_check["allowed"], false) << beta_check.dump();
  EXPECT_EQ(beta_check["remaining"], 0.0) << beta_check.dump();
  EXPECT_THAT(beta_check.value("message", ""), HasSubstr("quota beta-weekly has $0.00 of its"))
      << beta_check.dump();
  EXPECT_EQ(Check("alpha", "team-alpha")["allowed"], true);

  // Beta's pods that already ran are untouched: served by the simulator and costed in the
  // intervals after the crossing, so beta's spend keeps rising past its limit.
  const json later = WaitForStatus(
      "beta-weekly", [&](const json& s) { return counted_through(s) >= crossed_at + seconds(3); },
      seconds(20));
  const sys_seconds later_at = counted_through(later);
  ASSERT_GE(later_at, crossed_at + seconds(3)) << later.dump();
  EXPECT_GT(later["spentBase"].get<std::int64_t>(), crossed["spentBase"].get<std::int64_t>());
  const std::set<std::string> running_after = RunningBetaPods();
  std::set<std::string> still_running;
  for (const std::string& pod : running_before) {
    if (running_after.contains(pod)) still_running.insert(pod);
  }
  ASSERT_FALSE(still_running.empty()) << "the simulator serves none of beta's pods any more";
  const auto after_crossing = BetaCosts(crossed_at, later_at, "namespace,pod");
  for (const std::string& pod : still_running) {
    const auto it = after_crossing.find(pod);
    EXPECT_TRUE(it != after_crossing.end() && it->second > 0)
        << pod << " runs but is not costed after the crossing";
  }
  const std::int64_t week_at_crossing = BetaCosts(monday, crossed_at, "team")["beta"];
  const std::int64_t week_later = BetaCosts(monday, later_at, "team")["beta"];
  EXPECT_GT(week_at_crossing, 0);
  EXPECT_GT(week_later, week_at_crossing);
  // And new pods of beta are still denied.
  EXPECT_EQ(Admit(beta)["allowed"], false);

  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(seconds(30)), 0) << serve.Log();
  sim.Signal(SIGTERM);
  EXPECT_EQ(sim.Wait(seconds(30)), 0) << sim.Log();
}

}  // namespace
}  // namespace costledger
