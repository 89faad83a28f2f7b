#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "costledger/model/archived_report.hpp"
#include "costledger/model/retry_policy.hpp"
#include "costledger/model/weekly_report.hpp"
#include "costledger/ports/mail_sender.hpp"
#include "costledger/ports/notification_ledger.hpp"
#include "costledger/ports/webhook_sender.hpp"
#include "costledger/reports/report_gatherer.hpp"

namespace costledger::reports {

/// One team's report of a week: its content and every rendering (html, csv, json, txt).
struct BuiltReport {
  model::WeeklyReport content;
  model::ArchivedReport archived;
};

/// Gathers `week` (GatherWeek), then BuildReports with `settings.concurrent_reads` teams at a
/// time. Throws what GatherWeek throws.
std::vector<BuiltReport> BuildWeek(const ReportSources& sources, model::IsoWeek week,
                                   const model::ZoneRules& zone, const std::string& zone_name,
                                   const GatherSettings& settings,
                                   std::chrono::sys_seconds built_at, const std::string& base_url);

/// Builds each input's report and renders it four ways, `concurrency` teams at a time (the
/// results do not depend on it), in the inputs' order; the HTML links to
/// `base_url`/v1/reports/<week>/<team>.html when `base_url` is set.
std::vector<BuiltReport> BuildReports(const std::vector<model::WeeklyReportInput>& inputs,
                                      const std::string& zone_name,
                                      std::chrono::sys_seconds built_at,
                                      const std::string& base_url, std::size_t concurrency);

/// The address of a report online ("" without a base URL).
std::string ReportUrl(const std::string& base_url, model::IsoWeek week, const std::string& team,
                      const std::string& format);

/// Who receives a team's report.
struct ReportRecipients {
  std::vector<std::string> mail;  ///< one mail to all of them
  std::string webhook;            ///< a Slack-compatible incoming webhook
};

struct DeliverySettings {
  std::string from;      ///< the mails' From address
  std::string base_url;  ///< for links
  std::map<std::string, ReportRecipients> teams;
  std::string owner;  ///< this process, in the ledger ("host:pid")
  /// How long a claim holds: longer than one send with its in-process retries can take.
  std::chrono::seconds lease{600};
  /// Retries within one run (transient failures), then again at the next run after backoff.
  model::RetryPolicy retry;
  /// The ledger's retries: a failed delivery is claimed again after this, doubling per attempt.
  std::chrono::seconds retry_after{300};
  int max_attempts = 8;  ///< then the delivery is given up (and logged)
};

/// The senders and the exactly-once ledger; a sender may be null (that channel is off).
struct DeliveryPorts {
  ports::NotificationLedger& ledger;
  ports::MailSender* mail = nullptr;
  ports::WebhookSender* webhook = nullptr;
  /// Waits between in-process retries (tests pass a no-op); called with the delay.
  std::function<void(std::chrono::milliseconds)> wait;
};

/// What a delivery run did, per channel of each team.
struct DeliveryRun {
  int sent = 0;
  int already_done = 0;  ///< sent before, given up, or claimed by another process now
  int failed = 0;        ///< will be retried by a later run
  int given_up = 0;
  std::vector<std::string> errors;  ///< one line each, no secrets
};

/// The ledger keys of a team-week: "2026-W48/alpha/mail" and ".../webhook" (kind "report").
inline constexpr std::string_view kReportNotificationKind = "report";
std::string DeliveryKey(model::IsoWeek week, const std::string& team, std::string_view channel);

/// Sends every report to its team's recipients, each channel of each team exactly once across
/// runs, restarts and replicas (claimed in `ports.ledger` first; see NotificationLedger).
/// Teams without recipients are skipped. Never throws for a failed send (it is recorded and
/// counted); throws Unavailable when the ledger cannot be reached.
DeliveryRun DeliverWeek(const std::vector<BuiltReport>& reports, const DeliverySettings& settings,
                        const DeliveryPorts& ports,
                        const std::function<std::chrono::sys_seconds()>& now);

/// The mail of one report: text and HTML alternatives, the CSV attached, a stable Message-ID
/// (a resend is recognisable as the same message). Pure.
model::Mail ReportMail(const BuiltReport& report, const std::string& from,
                       const std::vector<std::string>& to, const std::string& base_url);

}  // namespace costledger::reports
