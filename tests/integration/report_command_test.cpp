// `costledger report` end to end: batches stored in a private PostgreSQL, the real binary
// building a week's reports in Europe/Berlin, mailing them through a private SMTP server
// (aiosmtpd) exactly once per team across runs, resuming after a failed send, and totals,
// storage and quota status that equal /v1/allocation's for the same window to the nano-dollar.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "costledger/api/cost_api.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "private_smtp.hpp"
#include "sample_batches.hpp"
#include "shell_command.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;

using Output = testing::CommandOutput;

Output RunCostledger(const std::string& args) {
  return testing::RunShellCommand(std::string(COSTLEDGER_BINARY) + " " + args);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr sys_seconds At(int y, unsigned m, unsigned d, int h) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} + hours(h);
}

// 2026-W48 in Europe/Berlin (CET, +1): Monday 23 November 00:00 local = 22 November 23:00 UTC.
constexpr sys_seconds kW48Start = At(2026, 11, 22, 23);
constexpr sys_seconds kW48End = kW48Start + days(7);

class ReportCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<testing::PrivatePostgres>();
    url_ = server_->CreateDatabase("reports");
    postgres::PostgresStore store(url_, "");
    store.Migrate();
    // As a collector with this configuration does: rollups by local day too, which the
    // reports then read (the totals below hold them to /v1/allocation's hours).
    EXPECT_TRUE(store.SetLocalDayZone("Europe/Berlin"));
    // An hour a day, every day of 2026-W47 and W48, at 10:00 local (09:00 UTC), with a volume
    // team-0's first pod mounts and one nobody mounts; then one interval after W48 (its last
    // interval is stored). Each day's cost differs.
    for (int d = -7; d < 7; ++d) {
      model::IntervalBatch batch =
          testing::MakeBatch("c1", kW48Start + days(d) + hours(10), 3 + (d + 7) % 3, 4, hours(1));
      testing::AddSampleVolumes(batch);
      store.Write(batch);
    }
    store.Write(testing::MakeBatch("c1", kW48End + hours(1), 2, 2, hours(1)));
    // 2026-W43 (19-25 October) ends when clocks go back: 169 hours, from 18 October 22:00 UTC
    // (Monday 00:00 CEST) to 25 October 23:00 UTC (Monday 00:00 CET). Its first and last hour.
    store.Write(testing::MakeBatch("c1", At(2026, 10, 18, 22), 2, 2, hours(1)));
    store.Write(testing::MakeBatch("c1", At(2026, 10, 25, 22), 2, 2, hours(1)));
    store.RollUp(kW48End + hours(3));
    // team-0's weekly budget: in Europe/Berlin its period is the report's ISO week.
    postgres::PostgresQuotaStore quotas(url_, "");
    model::QuotaSpec spec;
    spec.name = "team-0-weekly";
    spec.scope = model::QuotaScopeSpec{};
    spec.scope->team = "team-0";
    spec.period = "week";
    spec.limit = model::QuotaLimitSpec{};
    spec.limit->dollars = "1000";
    quotas.Put(model::ValidateQuota(spec), "test", ports::QuotaSource::kApi);
  }
  static void TearDownTestSuite() { server_.reset(); }

  // A configuration for this test's database and SMTP server; team-1's mail goes to
  // `team1_address`.
  std::string WriteConfig(const std::string& smtp_url, const std::string& team1_address) {
    const json config = {{"cluster", "c1"},
                         {"database_url", url_},
                         {"sources", {{"kubernetes", {{"api_url", "http://127.0.0.1:9"}}}}},
                         {"time_zone", "Europe/Berlin"},
                         {"reports",
                          {{"from", "costledger@example.com"},
                           {"base_url", "https://cost.example.com"},
                           {"retry_seconds", 1},
                           {"teams",
                            {{"team-0", {{"mail", {"lead0@example.com"}}}},
                             {"team-1", {{"mail", {team1_address}}}},
                             {"team-2", {{"mail", {"lead2@example.com", "ds2@example.com"}}}}}}}},
                         {"smtp", {{"url", smtp_url}, {"starttls", "none"}}}};
    const std::string path = dir_.path() + "/config.json";
    std::ofstream(path) << config.dump(2);
    return path;
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  static std::string url_;
  testing::TempDir dir_{"report-command-test"};
};

std::unique_ptr<testing::PrivatePostgres> ReportCommandTest::server_;
std::string ReportCommandTest::url_;

TEST_F(ReportCommandTest, EachTeamGetsOneMailAcrossRunsAndAFailedSendIsResumed) {
  testing::PrivateSmtp smtp;
  const std::string out_dir = dir_.path() + "/out";
  // team-1's server defers (451): team-0 and team-2 are sent, team-1 is left for later.
  std::string config = WriteConfig(smtp.Url(), "defer451-lead1@example.com");
  const std::string args =
      fmt::format("report --config {} --week 2026-W48 --send --out {}", config, out_dir);
  const Output first = RunCostledger(args);
  EXPECT_EQ(first.exit_code, 1) << first.text;
  EXPECT_THAT(first.text, HasSubstr("sent 2, already sent 0, failed 1"));
  std::vector<testing::ReceivedMail> mails = smtp.WaitForMessages(2);
  ASSERT_EQ(mails.size(), 2U);

  for (const testing::ReceivedMail& mail : mails) {
    EXPECT_TRUE(mail.parsed["defects"].empty()) << mail.parsed.dump();
    ASSERT_EQ(mail.rcpt_tos.empty(), false);
    const std::string team = mail.rcpt_tos[0] == "lead0@example.com" ? "team-0" : "team-2";
    EXPECT_THAT(mail.parsed["headers"]["Subject"].dump(), HasSubstr(team));
    std::vector<std::string> types;
    const testing::ReceivedPart* csv = nullptr;
    for (const testing::ReceivedPart& p : mail.parts) {
      types.push_back(p.content_type);
      if (p.disposition == "attachment") csv = &p;
    }
    EXPECT_EQ(types, (std::vector<std::string>{"text/plain", "text/html", "text/csv"}));
    ASSERT_NE(csv, nullptr);
    EXPECT_EQ(csv->filename, fmt::format("costledger-{}-2026-W48.csv", team));
    EXPECT_EQ(csv->bytes, ReadFile(out_dir + "/2026-W48/" + team + ".csv"));
  }
  EXPECT_EQ(mails[0].rcpt_tos.size() + mails[1].rcpt_tos.size(), 3U);  // team-2 has two

  // A second run, after the team-1 server was fixed and its retry time passed (1 s): only
  // team-1's mail goes out; the others were sent and are never sent again.
  config = WriteConfig(smtp.Url(), "lead1@example.com");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const Output second = RunCostledger(args);
  EXPECT_EQ(second.exit_code, 0) << second.text;
  EXPECT_THAT(second.text, HasSubstr("sent 1, already sent 2, failed 0"));
  mails = smtp.WaitForMessages(3);
  ASSERT_EQ(mails.size(), 3U);
  EXPECT_EQ(mails[2].rcpt_tos, std::vector<std::string>{"lead1@example.com"});

  const Output third = RunCostledger(args);
  EXPECT_EQ(third.exit_code, 0) << third.text;
  EXPECT_THAT(third.text, HasSubstr("sent 0, already sent 3, failed 0"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(smtp.Messages().size(), 3U);
}

TEST_F(ReportCommandTest, TeamTotalsStorageAndQuotasEqualTheApisToTheNanoDollar) {
  testing::PrivateSmtp smtp;
  const std::string config = WriteConfig(smtp.Url(), "lead1@example.com");
  postgres::PostgresCostReader reader(url_, "");
  api::CostApi api(api::CostReaders{reader, reader, reader, reader}, nullptr, {},
                   [] { return kW48End + days(1); });
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/v1/allocation";
  request.query = {{"window", "2026-11-22T23:00:00Z,2026-11-29T23:00:00Z"},
                   {"aggregate", "team"},
                   {"accumulate", "true"},
                   {"idle", "false"}};
  const json allocation = json::parse(api.Handle(request).body);
  for (const char* team : {"team-0", "team-1", "team-2"}) {
    const Output out = RunCostledger(
        fmt::format("report --config {} --week 2026-W48 --team {} --format json", config, team));
    ASSERT_EQ(out.exit_code, 0) << out.text;
    const json report = json::parse(out.text.substr(out.text.find('{')));
    EXPECT_EQ(report["team"], team);
    EXPECT_EQ(report["window"]["hours"], 168.0);
    const json& a = allocation["data"][0][team];
    const std::int64_t pv = a["pvCostNanos"].get<std::int64_t>();
    const std::int64_t expected = a["totalCostNanos"].get<std::int64_t>() - pv;
    EXPECT_GT(expected, 0);
    EXPECT_EQ(report["total_cost_nanos"].get<std::int64_t>(), expected) << team;
    // Every day of the week had cost; the days add up to the total exactly.
    std::int64_t days_total = 0;
    for (const json& d : report["days"]) days_total += d["cost_nanos"].get<std::int64_t>();
    EXPECT_EQ(days_total, expected);
    // Storage: the team's shares of the volumes its pods mounted, pvCost to the nano-dollar; the
    // total spend is /v1/allocation's totalCost (no queries here).
    EXPECT_TRUE(report["storage"]["costed"].get<bool>());
    EXPECT_EQ(report["storage"]["total_cost_nanos"].get<std::int64_t>(), pv) << team;
    EXPECT_EQ(report["combined_cost_nanos"].get<std::int64_t>(),
              a["totalCostNanos"].get<std::int64_t>());
    if (std::string(team) == "team-0") {
      EXPECT_GT(pv, 0);
      ASSERT_EQ(report["storage"]["top_volumes"].size(), 1U);
      const json& v = report["storage"]["top_volumes"][0];
      EXPECT_EQ(v["volume"], "pv-data");
      EXPECT_EQ(v["claim"], "data");
      EXPECT_EQ(v["storage_class"], "gp3");
      EXPECT_EQ(v["size_bytes"].get<std::int64_t>(), std::int64_t{100} << 30);
      EXPECT_EQ(v["cost_nanos"].get<std::int64_t>(), pv);
      // The weekly quota's spend is the week's totalCost, volumes included.
      ASSERT_EQ(report["quotas"].size(), 1U);
      const json& q = report["quotas"][0];
      EXPECT_EQ(q["name"], "team-0-weekly");
      EXPECT_EQ(q["period_start"], "2026-11-22T23:00:00Z");
      EXPECT_EQ(q["spent_base_units"].get<std::int64_t>(), a["totalCostNanos"].get<std::int64_t>());
      EXPECT_EQ(q["limit_base_units"].get<std::int64_t>(), 1'000'000'000'000);
    } else {
      EXPECT_EQ(pv, 0) << team;
      EXPECT_TRUE(report["quotas"].empty()) << team;  // team-0's quota is no one else's
    }
  }
  // The mail's HTML says so too (rendered, not "not costed").
  const std::string html =
      RunCostledger(
          fmt::format("report --config {} --week 2026-W48 --team team-0 --format html", config))
          .text;
  EXPECT_THAT(html, HasSubstr("team-0-weekly"));
  EXPECT_THAT(html, HasSubstr("pv-data"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("not costed")));
}

TEST_F(ReportCommandTest, AWeekWhenClocksGoBackHas169HoursAndCountsItsFirstAndLastHour) {
  testing::PrivateSmtp smtp;
  const std::string config = WriteConfig(smtp.Url(), "lead1@example.com");
  postgres::PostgresCostReader reader(url_, "");
  api::CostApi api(api::CostReaders{reader, reader, reader, reader}, nullptr, {},
                   [] { return kW48End; });
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/v1/allocation";
  request.query = {{"window", "2026-10-18T22:00:00Z,2026-10-25T23:00:00Z"},
                   {"aggregate", "team"},
                   {"accumulate", "true"},
                   {"idle", "false"}};
  const json allocation = json::parse(api.Handle(request).body);
  const Output out = RunCostledger(
      fmt::format("report --config {} --week 2026-W43 --team team-0 --format json", config));
  ASSERT_EQ(out.exit_code, 0) << out.text;
  const json report = json::parse(out.text.substr(out.text.find('{')));
  EXPECT_EQ(report["window"]["hours"], 169.0);
  EXPECT_EQ(report["window"]["start"], "2026-10-18T22:00:00Z");
  EXPECT_EQ(report["days"][0]["hours"], 24.0);
  EXPECT_EQ(report["days"][6]["hours"], 25.0);
  EXPECT_EQ(report["combined_cost_nanos"].get<std::int64_t>(),
            allocation["data"][0]["team-0"]["totalCostNanos"].get<std::int64_t>());
  EXPECT_GT(report["days"][0]["cost_nanos"].get<std::int64_t>(), 0);  // Monday 00:00 CEST
  EXPECT_GT(report["days"][6]["cost_nanos"].get<std::int64_t>(), 0);  // Sunday 23:00 CET
  // Both days were read from their rollups by local day: current, and the 25-hour one whole.
  pqxx::connection c(url_);
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM local_days WHERE NOT pending AND ("
                     "(day = '2026-10-18 22:00Z' AND day_end = '2026-10-19 22:00Z') OR "
                     "(day = '2026-10-24 22:00Z' AND day_end = '2026-10-25 23:00Z'))")[0]
                .as<int>(),
            2);
}

TEST_F(ReportCommandTest, BadArgumentsAreNamed) {
  testing::PrivateSmtp smtp;
  const std::string config = WriteConfig(smtp.Url(), "lead1@example.com");
  EXPECT_THAT(RunCostledger(fmt::format("report --config {} --week 2026-48", config)).text,
              HasSubstr("2026-48"));
  EXPECT_THAT(RunCostledger(fmt::format("report --config {} --format pdf --team a", config)).text,
              HasSubstr("--format 'pdf' is not one of html, csv, json, txt"));
  EXPECT_THAT(RunCostledger(fmt::format("report --config {} --format csv", config)).text,
              HasSubstr("give --team too"));
  EXPECT_THAT(
      RunCostledger(fmt::format("report --config {} --week 2026-W48 --team nobody", config)).text,
      HasSubstr("team 'nobody' has no cost in 2026-W48"));
}

}  // namespace
}  // namespace costledger
