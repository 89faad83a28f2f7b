// The quota evaluator against a real PostgreSQL with rows written by the real PostgresStore:
// usage equals what /v1/allocation gives for the same scope and period, to the nano-dollar,
// after the seed and after incremental evaluations; GET /v1/quotas/{name}/status reads it; and
// alerts reach a loopback webhook receiver and an SMTP server exactly once, across a restart of
// the evaluator and with two evaluators on one database.
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/delivery/http_webhook_sender.hpp"
#include "costledger/delivery/smtp_mail_sender.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_notification_ledger.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/quotas/quota_alerter.hpp"
#include "costledger/quotas/quota_evaluator.hpp"
#include "private_postgres.hpp"
#include "private_smtp.hpp"
#include "private_webhook_receiver.hpp"
#include "sample_batches.hpp"

namespace costledger::quotas {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

sys_seconds At(int hour, int minute, int second = 0) {
  return sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30}} +
         std::chrono::hours{hour} + minutes{minute} + seconds{second};
}

model::Quota Make(std::string name, model::QuotaScope scope, model::QuotaUnit unit,
                  std::int64_t limit, model::QuotaPeriod period = model::QuotaPeriod::kDay) {
  model::Quota q;
  q.name = std::move(name);
  q.scope = std::move(scope);
  q.period = period;
  q.limit = {unit, limit};
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

class QuotaEvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = server_.CreateDatabase("quotas");
    store_ = std::make_unique<postgres::PostgresStore>(url_, "");
    store_->Migrate();
  }

  void WriteMinutes(sys_seconds from, int count) {
    for (int m = 0; m < count; ++m)
      store_->Write(testing::MakeBatch("c1", from + minutes{m}, 3, 4));
  }

  static const model::QuotaStatus& StatusOf(const Evaluation& e, const std::string& name) {
    for (std::size_t i = 0; i < e.snapshot->quotas.size(); ++i) {
      if (e.snapshot->quotas[i].name == name) return e.snapshot->statuses[i];
    }
    throw std::runtime_error("no quota " + name);
  }

  testing::PrivatePostgres server_;
  std::string url_;
  std::unique_ptr<postgres::PostgresStore> store_;
};

TEST_F(QuotaEvaluationTest, UsageEqualsAllocationForTheSameScopeAndPeriodToTheNanoDollar) {
  postgres::PostgresCostReader reader(url_, "", 4);
  postgres::PostgresQuotaStore quotas(url_, "");
  model::QuotaScope team0;
  team0.team = "team-0";
  model::QuotaScope ns1;
  ns1.namespace_name = "ns-1";
  quotas.Put(Make("team0-daily", team0, model::QuotaUnit::kDollars, 1'000'000'000'000), "test",
             ports::QuotaSource::kApi);
  quotas.Put(Make("ns1-weekly", ns1, model::QuotaUnit::kDollars, 1'000'000'000'000,
                  model::QuotaPeriod::kWeek),
             "test", ports::QuotaSource::kApi);
  WriteMinutes(At(0, 0) - minutes{5}, 5);  // Sunday: the day before, and the week before
  WriteMinutes(At(10, 0), 30);

  QuotaBoard board;
  auto zone = std::make_shared<model::FixedOffsetZone>(model::FixedOffsetZone::Utc());
  QuotaEvaluator evaluator({quotas, reader, reader, reader, reader}, {}, zone, board);
  const Evaluation seeded = evaluator.Evaluate(At(10, 30, 20));
  EXPECT_EQ(seeded.seeded, 2U);

  // What /v1/allocation says through the same reader port.
  api::CostApi cost_api(api::CostReaders{.allocations = reader,
                                         .assets = reader,
                                         .queries = reader,
                                         .health = reader,
                                         .quotas = &quotas,
                                         .quota_board = &board},
                        nullptr, {}, [] { return At(23, 0); });
  const auto allocation = [&](sys_seconds end, const std::string& aggregate,
                              const std::string& name) {
    const http::HttpResponse r = cost_api.Handle(testing::ApiRequest(
        fmt::format("/v1/allocation?window={},{}&aggregate={}&accumulate=true",
                    model::FormatTimestamp(At(0, 0)), model::FormatTimestamp(end), aggregate),
        nullptr));
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["data"][0][name]["totalCostNanos"].get<std::int64_t>();
  };
  const std::int64_t team0_nanos = allocation(At(10, 30), "team", "team-0");
  EXPECT_GT(team0_nanos, 0);
  EXPECT_EQ(StatusOf(seeded, "team0-daily").spent, team0_nanos);
  EXPECT_EQ(StatusOf(seeded, "ns1-weekly").spent, allocation(At(10, 30), "namespace", "ns-1"));

  // Incremental: 17 more minutes, then the rollups the collector would make, then 3 more.
  WriteMinutes(At(10, 30), 17);
  const Evaluation second = evaluator.Evaluate(At(10, 47, 20));
  EXPECT_EQ(second.seeded, 0U);
  store_->RollUp(At(11, 0));
  WriteMinutes(At(10, 47), 3);
  const Evaluation third = evaluator.Evaluate(At(10, 50, 20));
  EXPECT_EQ(StatusOf(third, "team0-daily").spent, allocation(At(10, 50), "team", "team-0"));
  EXPECT_EQ(StatusOf(third, "ns1-weekly").spent, allocation(At(10, 50), "namespace", "ns-1"));
  EXPECT_EQ(third.snapshot->counted_through, At(10, 50));

  // The status route reads the board, and the top spenders the store.
  const http::HttpResponse status =
      cost_api.Handle(testing::ApiRequest("/v1/quotas/team0-daily/status", nullptr));
  ASSERT_EQ(status.status, 200) << status.body;
  const nlohmann::json data = nlohmann::json::parse(status.body)["data"];
  EXPECT_EQ(data["spentBase"].get<std::int64_t>(), StatusOf(third, "team0-daily").spent);
  EXPECT_EQ(data["unit"], "dollars");
  EXPECT_EQ(data["since"], "2026-11-30T00:00:00Z");
  ASSERT_FALSE(data["topSpenders"]["namespaces"].empty());
  std::int64_t top_sum = 0;
  for (const auto& n : data["topSpenders"]["namespaces"])
    top_sum += n["spentBase"].get<std::int64_t>();
  EXPECT_LE(top_sum, data["spentBase"].get<std::int64_t>());
  EXPECT_EQ(cost_api.Handle(testing::ApiRequest("/v1/quotas/nope/status", nullptr)).status, 404);
}

// One evaluator process as serve wires it: evaluator, alerter and its own ledger connection.
struct Replica {
  Replica(const std::string& url, const std::string& owner, AlertDestinations to,
          ports::MailSender& mail, ports::WebhookSender& webhook)
      : reader(url, "", 2),
        quotas(url, ""),
        ledger(url, ""),
        board(),
        evaluator({quotas, reader, reader, reader, reader, &ledger}, {},
                  std::make_shared<model::FixedOffsetZone>(model::FixedOffsetZone::Utc()), board),
        alerter(Settings(owner, std::move(to)), {ledger, &mail, &webhook, {}, &ledger}) {}

  static AlerterSettings Settings(const std::string& owner, AlertDestinations to) {
    AlerterSettings s;
    s.defaults = std::move(to);
    s.owner = owner;
    s.from = "costledger@example.com";
    s.retry.max_attempts = 1;
    return s;
  }

  AlertRun Tick(sys_seconds now) {
    const Evaluation e = evaluator.Evaluate(now);
    return alerter.Deliver(e.alerts, e.snapshot->quotas, [now] { return now; });
  }

  postgres::PostgresCostReader reader;
  postgres::PostgresQuotaStore quotas;
  postgres::PostgresNotificationLedger ledger;
  QuotaBoard board;
  QuotaEvaluator evaluator;
  QuotaAlerter alerter;
};

TEST_F(QuotaEvaluationTest, EachAlertArrivesOnceAcrossARestartAndWithTwoEvaluators) {
  testing::PrivateWebhookReceiver receiver;
  testing::PrivateSmtp smtp;
  delivery::HttpWebhookSender webhook;
  delivery::SmtpOptions mail_options;
  mail_options.url = smtp.Url();
  mail_options.starttls = delivery::ParseStartTls("none");
  delivery::SmtpMailSender mail(mail_options);
  AlertDestinations to;
  to.webhooks = {{receiver.Url("/generic"), model::WebhookFormat::kGeneric},
                 {receiver.Url("/slack"), model::WebhookFormat::kSlack}};
  to.mail = {"finops@example.com"};

  // The limit is ten minutes of team-0's spend: 6 minutes cross 50%, 9 cross 80%, 10 reach 100%.
  WriteMinutes(At(9, 0), 1);
  postgres::PostgresCostReader reader(url_, "", 1);
  const std::vector<model::PropertyRef> by_team{{model::CostProperty::kTeam, ""}};
  std::int64_t minute_nanos = 0;
  for (const auto& row : reader.ReadAllocations(At(9, 0), At(9, 1), minutes{1}, by_team)) {
    if (row.values[0] == "team-0")
      minute_nanos = (row.cpu_cost + row.ram_cost + row.gpu_cost).nanos();
  }
  ASSERT_GT(minute_nanos, 0);
  {
    postgres::PostgresQuotaStore quotas(url_, "");
    model::QuotaScope team0;
    team0.team = "team-0";
    quotas.Put(Make("team0-daily", team0, model::QuotaUnit::kDollars, 10 * minute_nanos), "test",
               ports::QuotaSource::kApi);
  }

  auto a = std::make_unique<Replica>(url_, "replica-a", to, mail, webhook);
  Replica b(url_, "replica-b", to, mail, webhook);
  WriteMinutes(At(9, 1), 5);  // 6 minutes: 60%
  const AlertRun a1 = a->Tick(At(9, 6, 10));
  const AlertRun b1 = b.Tick(At(9, 6, 15));
  EXPECT_EQ(a1.sent, 3);
  EXPECT_EQ(b1.sent, 0);  // b's first evaluation finds a's sends in the ledger

  a = std::make_unique<Replica>(url_, "replica-a2", to, mail, webhook);  // a restart
  EXPECT_EQ(a->Tick(At(9, 6, 40)).sent, 0);

  WriteMinutes(At(9, 6), 3);  // 9 minutes: 90%, both evaluate at once
  AlertRun a2;
  AlertRun b2;
  std::thread ta([&] { a2 = a->Tick(At(9, 9, 10)); });
  std::thread tb([&] { b2 = b.Tick(At(9, 9, 10)); });
  ta.join();
  tb.join();
  EXPECT_EQ(a2.sent + b2.sent, 3);

  WriteMinutes(At(9, 9), 1);  // 100%
  EXPECT_EQ(b.Tick(At(9, 10, 10)).sent, 3);
  EXPECT_EQ(a->Tick(At(9, 10, 20)).sent, 0);

  // The next day: one "new period" alert.
  WriteMinutes(At(24, 0), 1);
  const AlertRun a4 = a->Tick(At(24, 1, 10));
  const AlertRun b4 = b.Tick(At(24, 1, 20));
  EXPECT_EQ(a4.sent + b4.sent, 3);

  const std::vector<testing::ReceivedRequest> requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 8U) << receiver.Log();
  std::set<std::string> keys;
  int slack = 0;
  for (const testing::ReceivedRequest& r : requests) {
    EXPECT_EQ(r.headers.at("x-costledger-event"), "quota_alert");
    keys.insert(r.headers.at("idempotency-key"));
    const nlohmann::json body = nlohmann::json::parse(r.body);
    if (r.path == "/slack") {
      ++slack;
      EXPECT_TRUE(body.contains("blocks"));
    } else {
      EXPECT_EQ(body["kind"], "quota_alert");
    }
  }
  EXPECT_EQ(keys.size(), 8U);
  EXPECT_EQ(slack, 4);
  const std::vector<testing::ReceivedMail> mails = smtp.Messages();
  ASSERT_EQ(mails.size(), 4U);
  std::vector<std::string> subjects;
  for (const auto& m : mails) subjects.push_back(m.parsed["headers"]["Subject"].get<std::string>());
  EXPECT_THAT(subjects, ::testing::ElementsAre(
                            ::testing::HasSubstr("50%"), ::testing::HasSubstr("80%"),
                            ::testing::HasSubstr("100%"), ::testing::HasSubstr("new day")));
}

}  // namespace
}  // namespace costledger::quotas
