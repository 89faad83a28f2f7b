#include "quota_wiring.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <array>

#include "costledger/common/time_zone.hpp"
#include "costledger/delivery/http_webhook_sender.hpp"
#include "costledger/delivery/smtp_mail_sender.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/model/webhook_payload.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_notification_ledger.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/quotas/quota_alerter.hpp"
#include "costledger/quotas/quota_evaluator.hpp"

namespace costledger::cli {
namespace {

using std::chrono::sys_seconds;

sys_seconds Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string Owner() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return fmt::format("costledger:{}", getpid());
  return fmt::format("{}:{}", name.data(), getpid());
}

quotas::AlertDestinations ToDestinations(const Config::QuotaEvaluation::Destinations& d) {
  quotas::AlertDestinations out;
  out.mail = d.mail;
  for (const auto& w : d.webhooks) {
    out.webhooks.push_back({w.url, w.format == "slack" ? model::WebhookFormat::kSlack
                                                       : model::WebhookFormat::kGeneric});
  }
  return out;
}

quotas::AlerterSettings AlerterSettingsOf(const Config& c) {
  quotas::AlerterSettings s;
  s.defaults = ToDestinations(c.quota_evaluation.alerts);
  for (const auto& [name, d] : c.quota_evaluation.alerts_by_quota) {
    s.by_quota[name] = ToDestinations(d);
  }
  s.from = c.reports.from;
  s.base_url = c.reports.base_url;
  s.owner = Owner();
  s.retry_after = std::chrono::seconds(c.quota_evaluation.alert_retry_seconds);
  // In-process retries ride out a blip (1 s, then 2 s); longer outages wait for the ledger.
  s.retry.max_attempts = 3;
  s.retry.initial_delay = std::chrono::seconds(1);
  s.retry.max_delay = std::chrono::seconds(10);
  return s;
}

std::unique_ptr<delivery::SmtpMailSender> MakeMail(const Config& c) {
  if (c.smtp.url.empty()) return nullptr;
  delivery::SmtpOptions options;
  options.url = c.smtp.url;
  options.starttls = delivery::ParseStartTls(c.smtp.starttls);
  options.username = c.smtp.username;
  options.password = c.smtp.password;
  options.timeout = std::chrono::seconds(c.smtp.timeout_seconds);
  return std::make_unique<delivery::SmtpMailSender>(options);
}

}  // namespace

struct QuotaEvaluatorThread::Impl {
  Impl(const Config& c, common::Logger& l, api::CostMetrics* m, quotas::QuotaBoard& board)
      : config(c),
        log(l),
        metrics(m),
        mail(MakeMail(c)),
        evaluator({store, costs, costs, costs, costs, &ledger},
                  {std::chrono::seconds(c.interval_seconds),
                   std::chrono::seconds(c.quota_evaluation.query_lookback_seconds)},
                  common::LoadTimeZone(c.time_zone), board),
        alerter(AlerterSettingsOf(c),
                {ledger, mail.get(), &webhook,
                 [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }, &ledger}) {}

  void EvaluateOnce() {
    const auto started = std::chrono::steady_clock::now();
    const quotas::Evaluation e = evaluator.Evaluate(Now());
    if (metrics != nullptr) metrics->ObserveQuotas(e.snapshot->WithStatus());
    const quotas::AlertRun run = alerter.Deliver(e.alerts, e.snapshot->quotas, Now);
    for (const std::string& error : run.errors) log.Warn("quota alert", {{"detail", error}});
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const bool news = e.seeded > 0 || e.allocation_reads > 0 || !e.alerts.empty() ||
                      run.failed > 0 || run.sent > 0;
    if (news || first) {
      log.Info("quotas evaluated",
               {{"quotas", static_cast<std::int64_t>(e.snapshot->quotas.size())},
                {"seeded", static_cast<std::int64_t>(e.seeded)},
                {"reads", static_cast<std::int64_t>(e.allocation_reads + e.query_reads)},
                {"counted_through", e.snapshot->counted_through
                                        ? model::FormatTimestamp(*e.snapshot->counted_through)
                                        : std::string("nothing stored yet")},
                {"alerts", static_cast<std::int64_t>(e.alerts.size())},
                {"alerts_sent", static_cast<std::int64_t>(run.sent)},
                {"alerts_failed", static_cast<std::int64_t>(run.failed)},
                {"duration_ms", static_cast<std::int64_t>(millis.count())}});
    }
    first = false;
  }

  const Config& config;
  common::Logger& log;
  api::CostMetrics* metrics;
  // Spend from the read replica when configured; quotas and alert claims on the primary.
  postgres::PostgresCostReader costs{config.ReadUrl(), config.database_password, 2};
  postgres::PostgresQuotaStore store{config.database_url, config.database_password, 1};
  postgres::PostgresNotificationLedger ledger{config.database_url, config.database_password, 1};
  delivery::HttpWebhookSender webhook;
  std::unique_ptr<delivery::SmtpMailSender> mail;
  quotas::QuotaEvaluator evaluator;
  quotas::QuotaAlerter alerter;
  bool first = true;
};

QuotaEvaluatorThread::QuotaEvaluatorThread(const Config& c, common::Logger& log,
                                           api::CostMetrics* metrics, quotas::QuotaBoard& board,
                                           const std::atomic<bool>& stop) {
  if (!c.quota_evaluation.enabled) {
    log.Info("quota evaluator disabled (quotas.enabled false)", {});
    return;
  }
  impl_ = std::make_unique<Impl>(c, log, metrics, board);
  const auto every = std::chrono::seconds(c.quota_evaluation.evaluate_seconds);
  thread_ = std::thread([this, &stop, &log, every] {
    auto next = std::chrono::steady_clock::now();
    while (!stop) {
      if (std::chrono::steady_clock::now() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      next = std::chrono::steady_clock::now() + every;
      try {
        impl_->EvaluateOnce();
      } catch (const std::exception& e) {
        log.Error("quota evaluation failed; retrying at the next tick",
                  {{"error", e.what()}, {"retry_seconds", every.count()}});
      }
    }
  });
  log.Info(
      "quota evaluator started",
      {{"evaluate_seconds", every.count()},
       {"time_zone", c.time_zone},
       {"alert_webhooks", static_cast<std::int64_t>(c.quota_evaluation.alerts.webhooks.size())},
       {"alert_mail", static_cast<std::int64_t>(c.quota_evaluation.alerts.mail.size())}});
}

QuotaEvaluatorThread::~QuotaEvaluatorThread() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace costledger::cli
