#include "costledger/quotas/quota_alerter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "costledger/model/delivery_error.hpp"

namespace costledger::quotas {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

// The ledger's claim rules in memory (see ports::NotificationLedger).
class MemoryLedger final : public ports::NotificationLedger, public ports::NotificationLog {
 public:
  std::vector<model::NotificationCount> CountByState() override { return {}; }
  std::vector<model::NotificationRecord> List(std::string_view kind,
                                              std::size_t /*limit*/) override {
    std::vector<model::NotificationRecord> out;
    for (const auto& [id, r] : rows) {
      if (id.rfind(std::string(kind) + "|", 0) != 0) continue;
      model::NotificationRecord rec;
      rec.kind = std::string(kind);
      rec.key = id.substr(kind.size() + 1);
      rec.state = r.state;
      rec.attempts = r.attempt;
      if (r.state == model::NotificationState::kFailed) rec.next_attempt_at = r.next;
      out.push_back(rec);
    }
    return out;
  }
  std::optional<model::NotificationClaim> Claim(std::string_view kind, std::string_view key,
                                                std::string_view owner, seconds lease,
                                                sys_seconds now,
                                                std::string_view /*payload*/) override {
    Row& r = rows[std::string(kind) + "|" + std::string(key)];
    const bool claimable = r.attempt == 0 ||
                           (r.state == model::NotificationState::kFailed && r.next <= now) ||
                           (r.state == model::NotificationState::kClaimed && r.until <= now);
    if (!claimable) return std::nullopt;
    ++r.attempt;
    r.state = model::NotificationState::kClaimed;
    r.until = now + lease;
    r.owner = owner;
    return model::NotificationClaim{std::string(kind), std::string(key), std::string(owner),
                                    r.attempt, r.until};
  }
  bool MarkSent(const model::NotificationClaim& c, sys_seconds /*now*/) override {
    return Mark(c, model::NotificationState::kSent, {});
  }
  bool MarkFailed(const model::NotificationClaim& c, std::string_view /*error*/,
                  sys_seconds /*now*/, sys_seconds next) override {
    return Mark(c, model::NotificationState::kFailed, next);
  }
  bool MarkGivenUp(const model::NotificationClaim& c, std::string_view /*error*/,
                   sys_seconds /*now*/) override {
    return Mark(c, model::NotificationState::kGivenUp, {});
  }

  struct Row {
    model::NotificationState state = model::NotificationState::kClaimed;
    std::int32_t attempt = 0;
    sys_seconds until{};
    sys_seconds next{};
    std::string owner;
  };
  std::map<std::string, Row> rows;

 private:
  bool Mark(const model::NotificationClaim& c, model::NotificationState state, sys_seconds next) {
    Row& r = rows[c.kind + "|" + c.key];
    if (r.attempt != c.attempt || r.state != model::NotificationState::kClaimed) return false;
    r.state = state;
    r.next = next;
    return true;
  }
};

class RecordingWebhook final : public ports::WebhookSender {
 public:
  void Post(const ports::WebhookRequest& request) override {
    if (fail_next > 0) {
      --fail_next;
      throw TransientDeliveryError("503 from receiver");
    }
    if (permanent) throw PermanentDeliveryError("404 from receiver");
    posts.push_back(request);
  }
  int fail_next = 0;
  bool permanent = false;
  std::vector<ports::WebhookRequest> posts;
};

class RecordingMail final : public ports::MailSender {
 public:
  void Send(const model::Mail& mail) override { mails.push_back(mail); }
  std::vector<model::Mail> mails;
};

model::QuotaAlert ThresholdAlert() {
  model::QuotaAlert a;
  a.kind = model::QuotaAlertKind::kThreshold;
  a.quota = "alpha-weekly";
  a.thresholds_ppm = {500'000, 800'000};
  a.status.unit = model::QuotaUnit::kDollars;
  a.status.period = {sys_seconds{std::chrono::days{20'000}},
                     sys_seconds{std::chrono::days{20'007}}};
  a.status.spent = 850'000'000'000;
  a.status.limit = 1'000'000'000'000;
  a.subject = "Quota alpha-weekly: 80% of its weekly limit spent";
  a.message = "Quota alpha-weekly (team alpha) has spent $850.00 of its $1,000.00 weekly limit.";
  return a;
}

AlerterSettings Settings() {
  AlerterSettings s;
  s.defaults.webhooks = {{"http://127.0.0.1:1/generic", model::WebhookFormat::kGeneric},
                         {"http://127.0.0.1:1/slack", model::WebhookFormat::kSlack}};
  s.defaults.mail = {"finops@example.com"};
  s.by_quota["beta-daily"].webhooks = {{"http://127.0.0.1:1/beta", model::WebhookFormat::kGeneric}};
  s.owner = "test:1";
  s.retry.max_attempts = 2;
  s.retry_after = seconds{60};
  return s;
}

const sys_seconds kNow{std::chrono::days{20'003}};

TEST(QuotaAlerterTest, EachAlertGoesToEachChannelOnceAcrossTwoAlertersOnOneLedger) {
  MemoryLedger ledger;
  RecordingWebhook webhook;
  RecordingMail mail;
  QuotaAlerter first(Settings(), {ledger, &mail, &webhook, {}});
  QuotaAlerter second(Settings(), {ledger, &mail, &webhook, {}});
  const auto now = [] { return kNow; };
  const AlertRun a = first.Deliver({ThresholdAlert()}, {}, now);
  const AlertRun b = second.Deliver({ThresholdAlert()}, {}, now);
  const AlertRun again = first.Deliver({ThresholdAlert()}, {}, now);
  EXPECT_EQ(a.sent, 3);
  EXPECT_EQ(b.sent, 0);
  EXPECT_EQ(b.already_done, 3);
  EXPECT_EQ(again.already_done, 3);
  ASSERT_EQ(webhook.posts.size(), 2U);
  ASSERT_EQ(mail.mails.size(), 1U);

  const nlohmann::json generic = nlohmann::json::parse(webhook.posts[0].json_body);
  EXPECT_EQ(generic["kind"], "quota_alert");
  EXPECT_EQ(generic["title"], ThresholdAlert().subject);
  const nlohmann::json slack = nlohmann::json::parse(webhook.posts[1].json_body);
  EXPECT_TRUE(slack.contains("blocks"));
  EXPECT_THAT(mail.mails[0].subject, ::testing::HasSubstr("80%"));
  EXPECT_EQ(mail.mails[0].to.at(0).address, "finops@example.com");
}

TEST(QuotaAlerterTest, KeysNameQuotaPeriodKindHighestThresholdAndChannel) {
  EXPECT_EQ(AlertKey(ThresholdAlert(), "mail"),
            "alpha-weekly/2024-10-04T00:00:00Z/threshold/800000/mail");
  EXPECT_EQ(WebhookChannel("http://a/x"), WebhookChannel("http://a/x"));
  EXPECT_NE(WebhookChannel("http://a/x"), WebhookChannel("http://a/y"));
  EXPECT_THAT(WebhookChannel("http://a/x"), ::testing::StartsWith("webhook:"));
}

TEST(QuotaAlerterTest, ATransientFailureIsRetriedAfterItsBackoff) {
  MemoryLedger ledger;
  RecordingWebhook webhook;
  webhook.fail_next = 2;  // both in-process attempts fail
  AlerterSettings s = Settings();
  s.defaults.mail.clear();
  s.defaults.webhooks.resize(1);
  QuotaAlerter alerter(s, {ledger, nullptr, &webhook, {}});
  sys_seconds t = kNow;
  const auto now = [&] { return t; };
  const AlertRun failed = alerter.Deliver({ThresholdAlert()}, {}, now);
  EXPECT_EQ(failed.failed, 1);
  EXPECT_EQ(alerter.pending(), 1U);
  t += seconds{30};
  EXPECT_EQ(alerter.Deliver({}, {}, now).sent, 0);  // not due yet
  t += seconds{31};
  const AlertRun retried = alerter.Deliver({}, {}, now);
  EXPECT_EQ(retried.sent, 1);
  EXPECT_EQ(alerter.pending(), 0U);
  EXPECT_EQ(webhook.posts.size(), 1U);
}

TEST(QuotaAlerterTest, APermanentFailureIsGivenUpAndNeverSent) {
  MemoryLedger ledger;
  RecordingWebhook webhook;
  webhook.permanent = true;
  AlerterSettings s = Settings();
  s.defaults.mail.clear();
  s.defaults.webhooks.resize(1);
  QuotaAlerter alerter(s, {ledger, nullptr, &webhook, {}});
  const auto now = [] { return kNow; };
  EXPECT_EQ(alerter.Deliver({ThresholdAlert()}, {}, now).given_up, 1);
  EXPECT_EQ(alerter.Deliver({ThresholdAlert()}, {}, now).already_done, 1);
  EXPECT_EQ(alerter.pending(), 0U);
}

TEST(QuotaAlerterTest, AQuotaWithItsOwnDestinationsUsesOnlyThose) {
  MemoryLedger ledger;
  RecordingWebhook webhook;
  RecordingMail mail;
  QuotaAlerter alerter(Settings(), {ledger, &mail, &webhook, {}});
  model::QuotaAlert a = ThresholdAlert();
  a.quota = "beta-daily";
  alerter.Deliver({a}, {}, [] { return kNow; });
  ASSERT_EQ(webhook.posts.size(), 1U);
  EXPECT_EQ(webhook.posts[0].url, "http://127.0.0.1:1/beta");
  EXPECT_TRUE(mail.mails.empty());
}

TEST(QuotaAlerterTest, ARestartedAlerterResumesARetryThatWasWaiting) {
  MemoryLedger ledger;
  RecordingWebhook webhook;
  webhook.fail_next = 2;
  AlerterSettings s = Settings();
  s.defaults.mail.clear();
  s.defaults.webhooks.resize(1);
  sys_seconds t = kNow;
  const auto now = [&] { return t; };
  {
    QuotaAlerter before(s, {ledger, nullptr, &webhook, {}, &ledger});
    EXPECT_EQ(before.Deliver({ThresholdAlert()}, {}, now).failed, 1);
  }  // the process stops during the backoff
  QuotaAlerter after(s, {ledger, nullptr, &webhook, {}, &ledger});
  t += seconds{10};
  EXPECT_EQ(after.Deliver({ThresholdAlert()}, {}, now).sent, 0);  // decided again: not due yet
  EXPECT_EQ(after.pending(), 1U);
  t += seconds{60};
  EXPECT_EQ(after.Deliver({}, {}, now).sent, 1);
  EXPECT_EQ(webhook.posts.size(), 1U);
  EXPECT_EQ(after.Deliver({ThresholdAlert()}, {}, now).already_done, 1);
}

}  // namespace
}  // namespace costledger::quotas
