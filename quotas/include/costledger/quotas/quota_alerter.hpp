#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/mail.hpp"
#include "costledger/model/notification.hpp"
#include "costledger/model/notification_message.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/quota_alerts.hpp"
#include "costledger/model/retry_policy.hpp"
#include "costledger/model/webhook_payload.hpp"
#include "costledger/ports/mail_sender.hpp"
#include "costledger/ports/notification_ledger.hpp"
#include "costledger/ports/webhook_sender.hpp"

namespace costledger::quotas {

/// One webhook that receives quota alerts.
struct AlertWebhook {
  std::string url;  ///< http:// or https://
  model::WebhookFormat format = model::WebhookFormat::kGeneric;
};

/// Where a quota's alerts go.
struct AlertDestinations {
  std::vector<AlertWebhook> webhooks;  ///< each gets every alert
  std::vector<std::string> mail;       ///< one mail to all of them per alert
  bool Empty() const { return webhooks.empty() && mail.empty(); }
};

struct AlerterSettings {
  AlertDestinations defaults;  ///< config quotas.alerts
  /// Per quota name (config quotas.alerts.quotas.<name>): replaces `defaults` for that quota.
  std::map<std::string, AlertDestinations> by_quota;
  std::string from = "costledger@localhost";  ///< the mails' From address
  std::string base_url;                       ///< links to GET /v1/quotas/{name}/status when set
  std::string owner;                          ///< this process in the ledger ("host:pid")
  std::chrono::seconds lease{600};            ///< longer than one send with its in-process retries
  model::RetryPolicy retry;                   ///< in-process retries of a transient failure
  /// Then the ledger's retries: claimed again after this, doubling per attempt.
  std::chrono::seconds retry_after{60};
  int max_attempts = 8;  ///< then given up (and logged)
};

/// The senders and the exactly-once ledger; a sender may be null (that channel is off).
struct AlerterPorts {
  ports::NotificationLedger& ledger;
  ports::MailSender* mail = nullptr;
  ports::WebhookSender* webhook = nullptr;
  /// Waits between in-process retries (tests pass a no-op).
  std::function<void(std::chrono::milliseconds)> wait;
  /// The ledger's records (usually the same adapter as `ledger`); when given, the first Deliver
  /// reads which alerts failed and wait for a retry, so that a restarted process resumes them
  /// when its evaluator decides them again. Null: retries pending at a restart are not resumed.
  ports::NotificationLog* log = nullptr;
};

/// What one Deliver call did, per alert and channel.
struct AlertRun {
  int sent = 0;
  int already_done = 0;  ///< sent before (another replica, an earlier run) or claimed now
  int failed = 0;        ///< retried by a later Deliver once its backoff has passed
  int given_up = 0;
  std::vector<std::string> errors;  ///< one line each, no secrets
};

/// Ledger kind of quota alerts.
inline constexpr std::string_view kQuotaAlertKind = "quota_alert";

/// The ledger key of `alert` on `channel` ("mail" or "webhook:<url digest>"):
/// "<quota>/<period start, RFC 3339>/<threshold|forecast|new_period>[/<highest ppm>]/<channel>".
/// The same alert of the same period has the same key in every process.
std::string AlertKey(const model::QuotaAlert& alert, std::string_view channel);

/// The channel name of a webhook: "webhook:" + 16 hex digits of a digest of its URL (so the
/// key names no secret a URL may hold, and reordering the configuration changes nothing).
std::string WebhookChannel(const std::string& url);

/// What the ledger's `records` (kind kQuotaAlertKind) say was sent for `quota`, as the
/// evaluator's alert ledger, so that a restarted process neither decides those alerts again nor
/// misses the "new period" alert: the latest period with a record, its thresholds up to the
/// highest one sent (an alert covers every threshold below the one it names) and whether its
/// forecast alert went. Records that failed and wait for a retry do not count (the alerter
/// resumes them); claimed ones do (their holder sends them). Empty when there are none. Pure.
model::QuotaAlertLedger SentAlerts(const model::Quota& quota,
                                   const std::vector<model::NotificationRecord>& records);

/// The webhook summary of an alert: kind "quota_alert", the alert's subject and message, figures
/// (alert, spent, limit, ratio, since, forecast, action), a link to its status when `base_url`
/// is set. Pure.
model::Notification AlertNotification(const model::QuotaAlert& alert, const model::Quota* quota,
                                      const std::string& base_url);

/// The mail of an alert, with a stable Message-ID derived from `key`. Pure.
model::Mail AlertMail(const model::QuotaAlert& alert, const std::string& from,
                      const std::vector<std::string>& to, const std::string& key,
                      std::chrono::sys_seconds date);

/// Delivers quota alerts to webhooks (generic JSON or Slack-compatible) and mail, each alert on
/// each channel exactly once across restarts and replicas: claimed in the NotificationLedger
/// first, sent with in-process retries (settings.retry), then recorded sent, failed (claimable
/// again after a backoff; this alerter retries it at a later Deliver) or given up. Pending
/// retries live in this object; with `ports.log`, a new process finds the failed keys in the
/// ledger and resumes each when its alert is decided again (the evaluator decides every reached
/// threshold again after a start). Not thread-safe: one thread delivers.
class QuotaAlerter {
 public:
  QuotaAlerter(AlerterSettings settings, AlerterPorts ports);

  /// Delivers `alerts` (of `quotas`, looked up by name for the message's figures) and retries
  /// the failed deliveries whose backoff has passed. Never throws for a failed send; throws
  /// Unavailable when the ledger cannot be reached (alerts not yet claimed are then lost for
  /// this process; another replica's evaluator decides them too).
  AlertRun Deliver(const std::vector<model::QuotaAlert>& alerts,
                   const std::vector<model::Quota>& quotas,
                   const std::function<std::chrono::sys_seconds()>& now);

  /// Failed deliveries waiting for their next attempt.
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Delivery {
    model::QuotaAlert alert;
    std::optional<model::Quota> quota;
    std::string channel;  ///< "mail" or a WebhookChannel
    std::string key;
    std::optional<AlertWebhook> webhook;
    std::vector<std::string> mail;
    std::chrono::sys_seconds due{};
  };

  void Attempt(Delivery delivery, const std::function<std::chrono::sys_seconds()>& now,
               AlertRun& run, std::vector<Delivery>& still_pending);
  const AlertDestinations& DestinationsOf(const std::string& quota) const;

  AlerterSettings settings_;
  AlerterPorts ports_;
  std::vector<Delivery> pending_;
  bool log_read_ = false;
  /// Keys the ledger holds as failed (from ports.log at the first Deliver), by next attempt.
  std::map<std::string, std::chrono::sys_seconds> failed_before_start_;
};

}  // namespace costledger::quotas
