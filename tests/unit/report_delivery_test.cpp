#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/reports/weekly_reports.hpp"

namespace costledger::reports {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;

constexpr sys_seconds kNow{seconds{1'764'547'200}};  // 2025-12-01T00:00:00Z

// The ledger's rules in memory: a key is claimable when new, failed and due, or its lease ended.
class FakeLedger final : public ports::NotificationLedger {
 public:
  struct Entry {
    model::NotificationState state = model::NotificationState::kClaimed;
    int attempt = 0;
    sys_seconds until;
    std::string error;
  };
  std::map<std::string, Entry> entries;

  std::optional<model::NotificationClaim> Claim(std::string_view kind, std::string_view key,
                                                std::string_view owner, seconds lease,
                                                sys_seconds now, std::string_view) override {
    EXPECT_EQ(kind, "report");
    auto [it, inserted] = entries.try_emplace(std::string(key));
    Entry& e = it->second;
    if (!inserted) {
      const bool due = (e.state == model::NotificationState::kFailed && e.until <= now) ||
                       (e.state == model::NotificationState::kClaimed && e.until <= now);
      if (!due) return std::nullopt;
    }
    e.state = model::NotificationState::kClaimed;
    ++e.attempt;
    e.until = now + lease;
    model::NotificationClaim c;
    c.kind = std::string(kind);
    c.key = std::string(key);
    c.owner = std::string(owner);
    c.attempt = e.attempt;
    c.claimed_until = e.until;
    return c;
  }
  bool MarkSent(const model::NotificationClaim& c, sys_seconds) override {
    entries[c.key].state = model::NotificationState::kSent;
    return true;
  }
  bool MarkFailed(const model::NotificationClaim& c, std::string_view error, sys_seconds,
                  sys_seconds next) override {
    Entry& e = entries[c.key];
    e.state = model::NotificationState::kFailed;
    e.until = next;
    e.error = std::string(error);
    return true;
  }
  bool MarkGivenUp(const model::NotificationClaim& c, std::string_view error,
                   sys_seconds) override {
    Entry& e = entries[c.key];
    e.state = model::NotificationState::kGivenUp;
    e.error = std::string(error);
    return true;
  }
};

class FakeMail final : public ports::MailSender {
 public:
  std::vector<model::Mail> sent;
  // Per first recipient: the errors to throw on the next sends, in order.
  std::map<std::string, std::vector<int>> fail;  // 1: transient, 2: permanent
  void Send(const model::Mail& mail) override {
    auto& plan = fail[mail.to.at(0).address];
    if (!plan.empty()) {
      const int kind = plan.front();
      plan.erase(plan.begin());
      if (kind == 1) throw TransientDeliveryError("451 try again later", 451);
      throw PermanentDeliveryError("550 no such user", 550);
    }
    sent.push_back(mail);
  }
};

class FakeWebhook final : public ports::WebhookSender {
 public:
  std::vector<ports::WebhookRequest> posted;
  void Post(const ports::WebhookRequest& r) override { posted.push_back(r); }
};

BuiltReport Report(const std::string& team, std::int64_t total_nanos) {
  BuiltReport b;
  b.content.team = team;
  b.content.week.week = {2025, 48};
  b.content.total = model::Money::FromNanos(total_nanos);
  b.content.combined_total = b.content.total;
  b.content.summary = "Team " + team + " spent a little.";
  b.archived.team = team;
  b.archived.week = {2025, 48};
  b.archived.total_cost = b.content.total;
  b.archived.built_at = kNow;
  b.archived.documents = {{"html", "<p>html " + team + "</p>"},
                          {"csv", "workload,cost\nweb,1\n"},
                          {"json", "{}"},
                          {"txt", "text " + team}};
  return b;
}

struct Fixture {
  FakeLedger ledger;
  FakeMail mail;
  FakeWebhook webhook;
  DeliverySettings settings;
  sys_seconds now = kNow;
  Fixture() {
    settings.from = "costledger@example.com";
    settings.base_url = "https://cost.example.com/";
    settings.owner = "test:1";
    settings.retry.max_attempts = 2;
    settings.retry_after = seconds(300);
    settings.max_attempts = 3;
    settings.teams["alpha"] = {{"a@example.com"}, "https://hooks.example.com/a"};
    settings.teams["beta"] = {{"b@example.com", "b2@example.com"}, ""};
  }
  DeliveryRun Deliver(const std::vector<BuiltReport>& reports) {
    return DeliverWeek(reports, settings,
                       DeliveryPorts{ledger, &mail, &webhook, [](std::chrono::milliseconds) {}},
                       [this] { return now; });
  }
};

TEST(ReportDeliveryTest, EachChannelOfEachTeamIsSentOnceAcrossRuns) {
  Fixture f;
  const std::vector<BuiltReport> reports{Report("alpha", 1'500'000'000),
                                         Report("beta", 2'000'000'000),
                                         Report("gamma", 7)};  // gamma: no recipients
  const DeliveryRun first = f.Deliver(reports);
  EXPECT_EQ(first.sent, 3);  // alpha mail + webhook, beta mail
  EXPECT_EQ(first.failed + first.given_up + first.already_done, 0);
  ASSERT_EQ(f.mail.sent.size(), 2U);
  ASSERT_EQ(f.webhook.posted.size(), 1U);
  EXPECT_EQ(f.mail.sent[1].to.size(), 2U);

  const DeliveryRun second = f.Deliver(reports);
  EXPECT_EQ(second.sent, 0);
  EXPECT_EQ(second.already_done, 3);
  EXPECT_EQ(f.mail.sent.size(), 2U);
  EXPECT_EQ(f.ledger.entries.count("2025-W48/alpha/mail"), 1U);
  EXPECT_EQ(f.ledger.entries.count("2025-W48/alpha/webhook"), 1U);
  EXPECT_EQ(f.ledger.entries.count("2025-W48/gamma/mail"), 0U);
}

TEST(ReportDeliveryTest, TheMailCarriesBothBodiesTheCsvAndAStableId) {
  const BuiltReport r = Report("alpha", 1'500'000'000);
  const model::Mail m =
      ReportMail(r, "costledger@example.com", {"a@example.com"}, "https://cost.example.com");
  EXPECT_EQ(m.from.address, "costledger@example.com");
  EXPECT_THAT(m.subject, HasSubstr("alpha spent $1.50 in 2025-W48"));
  EXPECT_EQ(m.html_body, "<p>html alpha</p>");
  EXPECT_THAT(m.text_body, HasSubstr("text alpha"));
  EXPECT_THAT(m.text_body, HasSubstr("https://cost.example.com/v1/reports/2025-W48/alpha.html"));
  ASSERT_EQ(m.attachments.size(), 1U);
  EXPECT_EQ(m.attachments[0].filename, "costledger-alpha-2025-W48.csv");
  EXPECT_EQ(m.attachments[0].bytes, "workload,cost\nweb,1\n");
  EXPECT_EQ(m.message_id, "<2025-W48.alpha.report@example.com>");
  EXPECT_EQ(ReportMail(r, "costledger@example.com", {"x@example.com"}, "").message_id,
            m.message_id);
  EXPECT_EQ(m.date, kNow);
}

TEST(ReportDeliveryTest, ATransientFailureIsRetriedLaterWithBackoffThenGivenUp) {
  Fixture f;
  f.settings.teams.erase("alpha");
  // Two in-process attempts per run, both deferred, in each of the first three runs.
  f.mail.fail["b@example.com"] = {1, 1, 1, 1, 1, 1};
  const std::vector<BuiltReport> reports{Report("beta", 1)};
  DeliveryRun run = f.Deliver(reports);
  EXPECT_EQ(run.failed, 1);
  ASSERT_EQ(run.errors.size(), 1U);
  EXPECT_THAT(run.errors[0], HasSubstr("2025-W48/beta/mail: attempt 1 failed, will retry"));
  EXPECT_EQ(f.ledger.entries["2025-W48/beta/mail"].until, kNow + seconds(300));

  run = f.Deliver(reports);  // not due yet
  EXPECT_EQ(run.already_done, 1);
  f.now = kNow + seconds(300);
  run = f.Deliver(reports);
  EXPECT_EQ(run.failed, 1);
  EXPECT_EQ(f.ledger.entries["2025-W48/beta/mail"].until, f.now + seconds(600));  // doubled
  f.now += seconds(600);
  run = f.Deliver(reports);  // the third attempt is the last
  EXPECT_EQ(run.given_up, 1);
  EXPECT_EQ(f.ledger.entries["2025-W48/beta/mail"].state, model::NotificationState::kGivenUp);
  EXPECT_TRUE(f.mail.sent.empty());
}

TEST(ReportDeliveryTest, APermanentFailureIsGivenUpAtOnceAndTheOthersStillGo) {
  Fixture f;
  f.mail.fail["a@example.com"] = {2};
  const DeliveryRun run = f.Deliver({Report("alpha", 1), Report("beta", 2)});
  EXPECT_EQ(run.given_up, 1);
  EXPECT_EQ(run.sent, 2);  // alpha's webhook and beta's mail
  ASSERT_EQ(run.errors.size(), 1U);
  EXPECT_THAT(run.errors[0], HasSubstr("2025-W48/alpha/mail: given up: 550 no such user"));
}

TEST(ReportDeliveryTest, AnInProcessRetryRidesOutABlip) {
  Fixture f;
  f.mail.fail["b@example.com"] = {1};  // one 451, then accepted
  const DeliveryRun run = f.Deliver({Report("beta", 2)});
  EXPECT_EQ(run.sent, 1);
  EXPECT_EQ(run.failed, 0);
  EXPECT_EQ(f.mail.sent.size(), 1U);
}

TEST(ReportDeliveryTest, AChannelWithoutASenderIsLeftAlone) {
  Fixture f;
  const DeliveryRun run =
      DeliverWeek({Report("alpha", 1)}, f.settings,
                  DeliveryPorts{f.ledger, nullptr, &f.webhook, [](std::chrono::milliseconds) {}},
                  [] { return kNow; });
  EXPECT_EQ(run.sent, 1);  // the webhook only
  EXPECT_EQ(f.ledger.entries.count("2025-W48/alpha/mail"), 0U);
  ASSERT_EQ(f.webhook.posted.size(), 1U);
  EXPECT_THAT(f.webhook.posted[0].json_body,
              HasSubstr("https://cost.example.com/v1/reports/2025-W48/alpha.html"));
}

TEST(ReportDeliveryTest, ReportUrlsEncodeTheTeam) {
  EXPECT_EQ(ReportUrl("https://c.example.com/", {2026, 1}, "data science", "csv"),
            "https://c.example.com/v1/reports/2026-W01/data%20science.csv");
  EXPECT_EQ(ReportUrl("", {2026, 1}, "alpha", "html"), "");
}

}  // namespace
}  // namespace costledger::reports
