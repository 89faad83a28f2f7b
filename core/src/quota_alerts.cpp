#include "costledger/model/quota_alerts.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "costledger/model/quota_text.hpp"
#include "costledger/model/rounding.hpp"

namespace costledger::model {
namespace {

/// Spend as a whole percentage of the limit, rounded down: 99.99% never reads 100%.
std::string WholePercent(const QuotaStatus& s) {
  const std::int64_t percent = DivideFloor(Int128{s.spent} * 100, s.limit);
  return FormatPercent(percent * (kPpm / 100));
}

/// "Quota alpha-weekly (team alpha) has spent $812.40 of its $1,000.00 weekly limit (81%) since
/// Mon 2026-11-30 00:00 UTC"
std::string SpentSentence(const Quota& quota, const QuotaStatus& s, const ZoneRules& zone) {
  return fmt::format("Quota {} ({}) has spent {} of its {} {} limit ({}) since {}", quota.name,
                     DescribeScope(quota.scope), FormatQuotaAmount(s.unit, s.spent),
                     FormatQuotaAmount(s.unit, s.limit), PeriodAdjective(quota.period),
                     WholePercent(s), FormatLocalMinute(s.period.start, zone));
}

/// How the period ends: with a forecast when there is one, else just when.
std::string EndClause(const Quota& quota, const QuotaStatus& s, const ZoneRules& zone) {
  if (s.forecast && s.at < s.period.end) {
    return fmt::format("; at this rate it will have spent {} by the end of the {}, {}.",
                       FormatQuotaAmount(s.unit, *s.forecast), PeriodNoun(quota.period),
                       FormatLocalMinute(s.period.end, zone));
  }
  return fmt::format(". The {} ends {}.", PeriodNoun(quota.period),
                     FormatLocalMinute(s.period.end, zone));
}

std::string ConsequenceSentence(const Quota& quota, const QuotaStatus& s) {
  if (quota.action == QuotaAction::kAlert) return " This quota only alerts; nothing is stopped.";
  if (s.LimitReached()) return " New pods in its scope are denied until the period ends.";
  return " New pods in its scope will be denied once it reaches the limit.";
}

std::string ContactSentence(const Quota& quota) {
  return quota.contact.empty() ? "" : fmt::format(" To raise it, ask {}.", quota.contact);
}

/// Where the quota stands, what follows from it and whom to ask.
std::string StandingMessage(const Quota& quota, const QuotaStatus& s, const ZoneRules& zone) {
  return fmt::format("{}{}{}{}", SpentSentence(quota, s, zone), EndClause(quota, s, zone),
                     ConsequenceSentence(quota, s), ContactSentence(quota));
}

QuotaAlert Alert(QuotaAlertKind kind, const Quota& quota, const QuotaStatus& status) {
  QuotaAlert a;
  a.kind = kind;
  a.quota = quota.name;
  a.status = status;
  return a;
}

}  // namespace

std::string_view ToString(QuotaAlertKind kind) {
  switch (kind) {
    case QuotaAlertKind::kThreshold:
      return "threshold";
    case QuotaAlertKind::kForecast:
      return "forecast";
    case QuotaAlertKind::kNewPeriod:
      return "new_period";
  }
  return "threshold";
}

AlertDecision DecideAlerts(const Quota& quota, const QuotaStatus& status,
                           const QuotaAlertLedger& sent, const ZoneRules& zone) {
  AlertDecision d;
  d.ledger = sent;
  if (sent.period_start && status.period.start < *sent.period_start) return d;  // stale

  if (!sent.period_start || status.period.start > *sent.period_start) {
    d.ledger = QuotaAlertLedger{status.period.start, {}, false};
    if (sent.period_start && sent.AnySent()) {
      QuotaAlert a = Alert(QuotaAlertKind::kNewPeriod, quota, status);
      a.previous_period_start = sent.period_start;
      a.subject = fmt::format("Quota {}: a new {} started", quota.name, PeriodNoun(quota.period));
      const bool was_denying = quota.action == QuotaAction::kDeny &&
                               !sent.thresholds_sent_ppm.empty() &&
                               sent.thresholds_sent_ppm.back() >= kPpm;
      a.message = fmt::format(
          "Quota {} ({}) started a new {} on {}: {} of its {} {} limit spent so far{}{}",
          quota.name, DescribeScope(quota.scope), PeriodNoun(quota.period),
          FormatLocalMinute(status.period.start, zone),
          FormatQuotaAmount(status.unit, status.spent),
          FormatQuotaAmount(status.unit, status.limit), PeriodAdjective(quota.period),
          EndClause(quota, status, zone),
          was_denying && !status.LimitReached() ? " New pods in its scope are admitted again."
                                                : "");
      d.alerts.push_back(std::move(a));
    }
  }

  std::vector<std::int64_t> reached;
  for (const std::int64_t ppm : status.crossed_ppm) {
    if (!std::binary_search(d.ledger.thresholds_sent_ppm.begin(),
                            d.ledger.thresholds_sent_ppm.end(), ppm)) {
      reached.push_back(ppm);
    }
  }
  if (!reached.empty()) {
    QuotaAlert a = Alert(QuotaAlertKind::kThreshold, quota, status);
    a.thresholds_ppm = reached;
    a.subject = fmt::format("Quota {}: {} of its {} limit spent", quota.name,
                            FormatPercent(reached.back()), PeriodAdjective(quota.period));
    a.message = StandingMessage(quota, status, zone);
    d.alerts.push_back(std::move(a));
    d.ledger.thresholds_sent_ppm.insert(d.ledger.thresholds_sent_ppm.end(), reached.begin(),
                                        reached.end());
    std::sort(d.ledger.thresholds_sent_ppm.begin(), d.ledger.thresholds_sent_ppm.end());
  }

  if (quota.forecast_alert && !d.ledger.forecast_sent && status.ForecastReachesLimit() &&
      !status.LimitReached()) {
    QuotaAlert a = Alert(QuotaAlertKind::kForecast, quota, status);
    a.subject = fmt::format("Quota {}: on course to reach its {} limit", quota.name,
                            PeriodAdjective(quota.period));
    a.message = StandingMessage(quota, status, zone);
    d.alerts.push_back(std::move(a));
    d.ledger.forecast_sent = true;
  }
  return d;
}

}  // namespace costledger::model
