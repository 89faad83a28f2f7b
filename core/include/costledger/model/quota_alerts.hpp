#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

/// What has been sent for one quota in its current period. The evaluator keeps one per quota and
/// stores it with the quota, so that a restart does not send an alert again.
struct QuotaAlertLedger {
  std::optional<std::chrono::sys_seconds> period_start;  ///< the period the records belong to
  std::vector<std::int64_t> thresholds_sent_ppm;         ///< ascending
  bool forecast_sent = false;

  bool AnySent() const { return !thresholds_sent_ppm.empty() || forecast_sent; }
  friend bool operator==(const QuotaAlertLedger&, const QuotaAlertLedger&) = default;
};

enum class QuotaAlertKind {
  kThreshold,  ///< spend reached one or more thresholds
  kForecast,   ///< the forecast reached the limit (quotas with forecast_alert)
  kNewPeriod,  ///< a new period started after alerts in the previous one: spend starts again
};

/// "threshold", "forecast", "new_period" (for webhook payloads).
std::string_view ToString(QuotaAlertKind kind);

/// One alert for webhooks and mail.
struct QuotaAlert {
  QuotaAlertKind kind = QuotaAlertKind::kThreshold;
  std::string quota;  ///< the quota's name
  /// kThreshold: the thresholds newly reached (ppm, ascending); the text names the highest.
  std::vector<std::int64_t> thresholds_ppm;
  /// kNewPeriod: the start of the period that ended.
  std::optional<std::chrono::sys_seconds> previous_period_start;
  QuotaStatus status;   ///< the status that raised it
  std::string subject;  ///< one line, e.g. "Quota alpha-weekly: 80% of its weekly limit spent"
  std::string message;  ///< a few sentences for a person, with local times in the zone given
};

struct AlertDecision {
  std::vector<QuotaAlert> alerts;  ///< in this order: new period, threshold, forecast
  QuotaAlertLedger ledger;         ///< what will have been sent once `alerts` are delivered
};

/// The alerts `status` calls for, given what `sent` records for the quota. Rules:
/// - a status of an earlier period than `sent` is stale: no alerts, the ledger unchanged;
/// - a later period starts a new ledger, with a kNewPeriod alert when anything was sent in the
///   previous one (so whoever was warned learns that spend starts again);
/// - each threshold is sent once per period; thresholds reached together make one alert that
///   names the highest (one message, not three, when spend jumps from 40% to 110%);
/// - the forecast alert (quota.forecast_alert only) is sent once per period, while the forecast
///   reaches the limit and spend has not (the 100% threshold covers that).
/// Deliver `alerts`, then store `ledger`; when delivery fails keep the old ledger, and the same
/// alerts come again from the next status. Pure.
AlertDecision DecideAlerts(const Quota& quota, const QuotaStatus& status,
                           const QuotaAlertLedger& sent, const ZoneRules& zone);

}  // namespace costledger::model
