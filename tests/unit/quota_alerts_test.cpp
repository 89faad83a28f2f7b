#include "costledger/model/quota_alerts.hpp"

#include <gtest/gtest.h>

#include <random>

#include "costledger/model/quota_period.hpp"
#include "costledger/model/rounding.hpp"
#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::sys_seconds;
using testing::Utc;

constexpr std::int64_t kDollar = Money::kNanosPerDollar;
constexpr std::int64_t kGpuHour = 3600;  // device-seconds
const FixedOffsetZone kUtc = FixedOffsetZone::Utc();

Quota AlphaWeekly() {
  Quota q;
  q.name = "alpha-weekly";
  q.scope.team = "alpha";
  q.period = QuotaPeriod::kWeek;
  q.limit = {QuotaUnit::kDollars, 1000 * kDollar};
  q.action = QuotaAction::kDeny;
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

const TimeWindow kWeek{Utc(2026, 11, 30), Utc(2026, 12, 7)};
const TimeWindow kNextWeek{Utc(2026, 12, 7), Utc(2026, 12, 14)};

QuotaStatus Status(const Quota& q, std::int64_t spent, sys_seconds at,
                   const TimeWindow& period = kWeek) {
  return StatusAt(q, period, spent, at);
}

QuotaAlertLedger Ledger(sys_seconds period_start, std::vector<std::int64_t> sent,
                        bool forecast = false) {
  return {period_start, std::move(sent), forecast};
}

TEST(QuotaAlertsTest, KindsHaveNames) {
  EXPECT_EQ(ToString(QuotaAlertKind::kThreshold), "threshold");
  EXPECT_EQ(ToString(QuotaAlertKind::kForecast), "forecast");
  EXPECT_EQ(ToString(QuotaAlertKind::kNewPeriod), "new_period");
}

TEST(QuotaAlertsTest, NothingReachedNothingSentButThePeriodIsRecorded) {
  const AlertDecision d =
      DecideAlerts(AlphaWeekly(), Status(AlphaWeekly(), 10 * kDollar, Utc(2026, 12, 1)), {}, kUtc);
  EXPECT_TRUE(d.alerts.empty());
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {}));
}

TEST(QuotaAlertsTest, AThresholdIsSentOnceAndSaysWhereTheQuotaStands) {
  const Quota q = AlphaWeekly();
  const QuotaStatus s = Status(q, 512'300'000'000, Utc(2026, 12, 3, 12));
  const AlertDecision d = DecideAlerts(q, s, Ledger(kWeek.start, {}), kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  const QuotaAlert& a = d.alerts[0];
  EXPECT_EQ(a.kind, QuotaAlertKind::kThreshold);
  EXPECT_EQ(a.quota, "alpha-weekly");
  EXPECT_EQ(a.thresholds_ppm, (std::vector<std::int64_t>{500'000}));
  EXPECT_EQ(a.status, s);
  EXPECT_FALSE(a.previous_period_start);
  EXPECT_EQ(a.subject, "Quota alpha-weekly: 50% of its weekly limit spent");
  EXPECT_EQ(a.message,
            "Quota alpha-weekly (team alpha) has spent $512.30 of its $1,000.00 weekly limit (51%) "
            "since Mon 2026-11-30 00:00 UTC; at this rate it will have spent $1,024.60 by the end "
            "of the week, Mon 2026-12-07 00:00 UTC. New pods in its scope will be denied once it "
            "reaches the limit.");
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {500'000}));
  // The same status, or more spend below the next threshold: nothing new.
  EXPECT_TRUE(DecideAlerts(q, s, d.ledger, kUtc).alerts.empty());
  EXPECT_TRUE(
      DecideAlerts(q, Status(q, 799 * kDollar, Utc(2026, 12, 4)), d.ledger, kUtc).alerts.empty());
  // The next one.
  const AlertDecision next =
      DecideAlerts(q, Status(q, 800 * kDollar, Utc(2026, 12, 4)), d.ledger, kUtc);
  ASSERT_EQ(next.alerts.size(), 1U);
  EXPECT_EQ(next.alerts[0].thresholds_ppm, (std::vector<std::int64_t>{800'000}));
  EXPECT_EQ(next.alerts[0].subject, "Quota alpha-weekly: 80% of its weekly limit spent");
  EXPECT_EQ(next.ledger, Ledger(kWeek.start, {500'000, 800'000}));
}

TEST(QuotaAlertsTest, ThresholdsReachedTogetherMakeOneAlert) {
  const Quota q = AlphaWeekly();
  // 162 of 168 hours: 1,034.20 x 168 / 162 = 1,072.4963 by the end.
  const AlertDecision d = DecideAlerts(q, Status(q, 1'034'200'000'000, Utc(2026, 12, 6, 18)),
                                       Ledger(kWeek.start, {}), kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  EXPECT_EQ(d.alerts[0].thresholds_ppm, (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
  EXPECT_EQ(d.alerts[0].subject, "Quota alpha-weekly: 100% of its weekly limit spent");
  EXPECT_EQ(d.alerts[0].message,
            "Quota alpha-weekly (team alpha) has spent $1,034.20 of its $1,000.00 weekly limit "
            "(103%) since Mon 2026-11-30 00:00 UTC; at this rate it will have spent $1,072.50 by "
            "the end of the week, Mon 2026-12-07 00:00 UTC. New pods in its scope are denied until "
            "the period ends.");
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {500'000, 800'000, 1'000'000}));
}

TEST(QuotaAlertsTest, PercentagesRoundDown) {
  const Quota q = AlphaWeekly();
  const AlertDecision d = DecideAlerts(q, Status(q, 999'999'999'999, Utc(2026, 12, 6, 18)),
                                       Ledger(kWeek.start, {500'000, 800'000}), kUtc);
  EXPECT_TRUE(d.alerts.empty());  // 99.9999999999% is not 100%
  Quota fine = q;
  fine.thresholds_ppm = {999'999};
  const AlertDecision near =
      DecideAlerts(fine, Status(fine, 999'999'999'999, Utc(2026, 12, 6, 18)), {}, kUtc);
  ASSERT_EQ(near.alerts.size(), 1U);
  EXPECT_EQ(near.alerts[0].subject, "Quota alpha-weekly: 99.9999% of its weekly limit spent");
  EXPECT_NE(near.alerts[0].message.find("weekly limit (99%)"), std::string::npos);
}

TEST(QuotaAlertsTest, AlertOnlyQuotasContactsUnitsAndZones) {
  Quota q = AlphaWeekly();
  q.name = "gpu-daily";
  q.scope = {};
  q.scope.namespace_name = "ml";
  q.scope.labels = {{"app", "train"}};
  q.period = QuotaPeriod::kDay;
  q.limit = {QuotaUnit::kGpuHours, 24 * kGpuHour};
  q.action = QuotaAction::kAlert;
  q.contact = "#ml-platform";
  const testing::EuRulesZone berlin = testing::EuRulesZone::Berlin();
  const TimeWindow day = QuotaPeriodWindow(QuotaPeriod::kDay, Utc(2026, 10, 25, 12), berlin);
  ASSERT_EQ(day.length(), hours{25});
  const AlertDecision d =
      DecideAlerts(q, StatusAt(q, day, 20 * kGpuHour, day.start + hours{20}), {}, berlin);
  ASSERT_EQ(d.alerts.size(), 1U);
  EXPECT_EQ(d.alerts[0].subject, "Quota gpu-daily: 80% of its daily limit spent");
  EXPECT_EQ(d.alerts[0].message,
            "Quota gpu-daily (namespace ml, labels app=train) has spent 20 GPU-hours of its 24 "
            "GPU-hours daily limit (83%) since Sun 2026-10-25 00:00 CEST; at this rate it will "
            "have spent 25 GPU-hours by the end of the day, Mon 2026-10-26 00:00 CET. This quota "
            "only alerts; nothing is stopped. To raise it, ask #ml-platform.");
}

TEST(QuotaAlertsTest, WithoutAForecastTheMessageSaysWhenThePeriodEnds) {
  const Quota q = AlphaWeekly();
  // Ten minutes into the week: too early for a forecast.
  const AlertDecision d =
      DecideAlerts(q, Status(q, 600 * kDollar, kWeek.start + std::chrono::minutes{10}), {}, kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  EXPECT_EQ(d.alerts[0].message,
            "Quota alpha-weekly (team alpha) has spent $600.00 of its $1,000.00 weekly limit (60%) "
            "since Mon 2026-11-30 00:00 UTC. The week ends Mon 2026-12-07 00:00 UTC. New pods in "
            "its scope will be denied once it reaches the limit.");
}

TEST(QuotaAlertsTest, TheForecastAlertIsSentOnceWhenAskedFor) {
  Quota q = AlphaWeekly();
  q.forecast_alert = true;
  // 300 dollars in the first day: on course for 2,100 dollars.
  const QuotaStatus s = Status(q, 300 * kDollar, Utc(2026, 12, 1));
  ASSERT_TRUE(s.ForecastReachesLimit());
  const AlertDecision d = DecideAlerts(q, s, Ledger(kWeek.start, {}), kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  EXPECT_EQ(d.alerts[0].kind, QuotaAlertKind::kForecast);
  EXPECT_EQ(d.alerts[0].subject, "Quota alpha-weekly: on course to reach its weekly limit");
  EXPECT_EQ(d.alerts[0].message,
            "Quota alpha-weekly (team alpha) has spent $300.00 of its $1,000.00 weekly limit (30%) "
            "since Mon 2026-11-30 00:00 UTC; at this rate it will have spent $2,100.00 by the end "
            "of the week, Mon 2026-12-07 00:00 UTC. New pods in its scope will be denied once it "
            "reaches the limit.");
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {}, true));
  EXPECT_TRUE(DecideAlerts(q, s, d.ledger, kUtc).alerts.empty());
  // Crossing 50% later is a threshold alert, not a second forecast alert.
  const AlertDecision later =
      DecideAlerts(q, Status(q, 600 * kDollar, Utc(2026, 12, 2)), d.ledger, kUtc);
  ASSERT_EQ(later.alerts.size(), 1U);
  EXPECT_EQ(later.alerts[0].kind, QuotaAlertKind::kThreshold);
  // A forecast exactly at the limit reaches it.
  EXPECT_EQ(
      DecideAlerts(q, Status(q, 500 * kDollar, Utc(2026, 12, 3, 12)), {}, kUtc).alerts.back().kind,
      QuotaAlertKind::kForecast);
}

TEST(QuotaAlertsTest, NoForecastAlertWhenNotAskedTooEarlyOrAlreadyOver) {
  Quota q = AlphaWeekly();
  EXPECT_TRUE(DecideAlerts(q, Status(q, 300 * kDollar, Utc(2026, 12, 1)), {}, kUtc).alerts.empty());
  q.forecast_alert = true;
  EXPECT_TRUE(DecideAlerts(q, Status(q, 100 * kDollar, Utc(2026, 12, 1)), {}, kUtc).alerts.empty());
  EXPECT_TRUE(
      DecideAlerts(q, Status(q, 300 * kDollar, kWeek.start + std::chrono::minutes{30}), {}, kUtc)
          .alerts.empty());
  const AlertDecision over = DecideAlerts(q, Status(q, 1200 * kDollar, Utc(2026, 12, 1)), {}, kUtc);
  ASSERT_EQ(over.alerts.size(), 1U);
  EXPECT_EQ(over.alerts[0].kind, QuotaAlertKind::kThreshold);
  EXPECT_FALSE(over.ledger.forecast_sent);
}

TEST(QuotaAlertsTest, ThresholdAndForecastTogetherInThatOrder) {
  Quota q = AlphaWeekly();
  q.forecast_alert = true;
  const AlertDecision d = DecideAlerts(q, Status(q, 510 * kDollar, Utc(2026, 12, 2)), {}, kUtc);
  ASSERT_EQ(d.alerts.size(), 2U);
  EXPECT_EQ(d.alerts[0].kind, QuotaAlertKind::kThreshold);
  EXPECT_EQ(d.alerts[1].kind, QuotaAlertKind::kForecast);
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {500'000}, true));
}

TEST(QuotaAlertsTest, ANewPeriodAfterAlertsSaysSpendStartsAgain) {
  const Quota q = AlphaWeekly();
  const QuotaAlertLedger last_week = Ledger(kWeek.start, {500'000, 800'000, 1'000'000});
  const QuotaStatus s = Status(q, 3'100'000'000, Utc(2026, 12, 7, 1), kNextWeek);
  const AlertDecision d = DecideAlerts(q, s, last_week, kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  const QuotaAlert& a = d.alerts[0];
  EXPECT_EQ(a.kind, QuotaAlertKind::kNewPeriod);
  EXPECT_EQ(a.previous_period_start, kWeek.start);
  EXPECT_EQ(a.subject, "Quota alpha-weekly: a new week started");
  EXPECT_EQ(a.message,
            "Quota alpha-weekly (team alpha) started a new week on Mon 2026-12-07 00:00 UTC: $3.10 "
            "of its $1,000.00 weekly limit spent so far; at this rate it will have spent $520.80 "
            "by the end of the week, Mon 2026-12-14 00:00 UTC. New pods in its scope are admitted "
            "again.");
  EXPECT_EQ(d.ledger, Ledger(kNextWeek.start, {}));
  EXPECT_TRUE(DecideAlerts(q, s, d.ledger, kUtc).alerts.empty());
}

TEST(QuotaAlertsTest, ANewPeriodMessageOnlyPromisesAdmissionWhenItWasDenying) {
  Quota q = AlphaWeekly();
  const QuotaStatus s = Status(q, 0, Utc(2026, 12, 7), kNextWeek);
  const AlertDecision half = DecideAlerts(q, s, Ledger(kWeek.start, {500'000}), kUtc);
  ASSERT_EQ(half.alerts.size(), 1U);
  EXPECT_EQ(half.alerts[0].message,
            "Quota alpha-weekly (team alpha) started a new week on Mon 2026-12-07 00:00 UTC: $0.00 "
            "of its $1,000.00 weekly limit spent so far. The week ends Mon 2026-12-14 00:00 UTC.");
  q.action = QuotaAction::kAlert;
  const AlertDecision alert_only =
      DecideAlerts(q, s, Ledger(kWeek.start, {500'000, 1'000'000}), kUtc);
  EXPECT_EQ(alert_only.alerts[0].message.find("admitted"), std::string::npos);
  // After only a forecast alert, too.
  EXPECT_EQ(DecideAlerts(q, s, Ledger(kWeek.start, {}, true), kUtc).alerts.size(), 1U);
}

TEST(QuotaAlertsTest, ANewPeriodWithoutAlertsIsQuietAndANewPeriodCanAlertAtOnce) {
  const Quota q = AlphaWeekly();
  const AlertDecision quiet =
      DecideAlerts(q, Status(q, 0, Utc(2026, 12, 7), kNextWeek), Ledger(kWeek.start, {}), kUtc);
  EXPECT_TRUE(quiet.alerts.empty());
  EXPECT_EQ(quiet.ledger, Ledger(kNextWeek.start, {}));
  // Both: the new period, then a threshold of the new period (first status seen late).
  const AlertDecision both = DecideAlerts(q, Status(q, 600 * kDollar, Utc(2026, 12, 9), kNextWeek),
                                          Ledger(kWeek.start, {500'000}), kUtc);
  ASSERT_EQ(both.alerts.size(), 2U);
  EXPECT_EQ(both.alerts[0].kind, QuotaAlertKind::kNewPeriod);
  EXPECT_EQ(both.alerts[1].kind, QuotaAlertKind::kThreshold);
  EXPECT_EQ(both.alerts[1].thresholds_ppm, (std::vector<std::int64_t>{500'000}));
  EXPECT_EQ(both.ledger, Ledger(kNextWeek.start, {500'000}));
}

TEST(QuotaAlertsTest, AStaleStatusChangesNothing) {
  const Quota q = AlphaWeekly();
  const QuotaAlertLedger now = Ledger(kNextWeek.start, {});
  const AlertDecision d = DecideAlerts(q, Status(q, 900 * kDollar, Utc(2026, 12, 6)), now, kUtc);
  EXPECT_TRUE(d.alerts.empty());
  EXPECT_EQ(d.ledger, now);
}

TEST(QuotaAlertsTest, ThresholdsAddedMidPeriodAreSentAndRemovedOnesAreForgotten) {
  Quota q = AlphaWeekly();
  QuotaAlertLedger ledger = Ledger(kWeek.start, {500'000});
  q.thresholds_ppm = {250'000, 500'000};
  const AlertDecision d = DecideAlerts(q, Status(q, 600 * kDollar, Utc(2026, 12, 2)), ledger, kUtc);
  ASSERT_EQ(d.alerts.size(), 1U);
  EXPECT_EQ(d.alerts[0].thresholds_ppm, (std::vector<std::int64_t>{250'000}));
  EXPECT_EQ(d.alerts[0].subject, "Quota alpha-weekly: 25% of its weekly limit spent");
  EXPECT_EQ(d.ledger, Ledger(kWeek.start, {250'000, 500'000}));
}

/// A month of hourly evaluations with random spend: every threshold is announced exactly once per
/// period, the forecast at most once, and a new period is announced exactly when the one before
/// it announced anything.
TEST(QuotaAlertsTest, OverManyPeriodsEachAlertComesOnce) {
  Quota q = AlphaWeekly();
  q.period = QuotaPeriod::kDay;
  q.limit.amount = 100 * kDollar;
  q.thresholds_ppm = {250'000, 500'000, 800'000, 1'000'000, 1'500'000};
  q.forecast_alert = true;
  std::mt19937_64 random(7);
  QuotaAlertLedger ledger;
  QuotaUsage usage(q, QuotaPeriodWindow(q.period, Utc(2026, 11, 1), kUtc));
  std::map<sys_seconds, std::vector<std::int64_t>> announced;  // by period start
  std::map<sys_seconds, int> forecasts;
  std::map<sys_seconds, int> new_periods;
  std::map<sys_seconds, std::int64_t> final_spend;
  for (sys_seconds t = Utc(2026, 11, 1); t < Utc(2026, 12, 1); t += hours{1}) {
    usage.RollTo(t, kUtc);
    // Some days are quiet, some heavy.
    const std::int64_t rate = static_cast<std::int64_t>(random() % 12) * kDollar;
    IntervalBatch batch;
    batch.cluster = "prod";
    batch.costs.start = t;
    batch.costs.length = hours{1};
    ContainerCostRow row;
    row.labels.team = "alpha";
    row.cost.cpu_nanos = rate;
    batch.costs.containers.push_back(row);
    usage.AddBatch(batch, nullptr);
    const QuotaStatus s = StatusAt(usage, t + hours{1});
    const AlertDecision d = DecideAlerts(q, s, ledger, kUtc);
    for (const QuotaAlert& a : d.alerts) {
      switch (a.kind) {
        case QuotaAlertKind::kThreshold:
          for (const std::int64_t ppm : a.thresholds_ppm) announced[s.period.start].push_back(ppm);
          break;
        case QuotaAlertKind::kForecast:
          ++forecasts[s.period.start];
          break;
        case QuotaAlertKind::kNewPeriod:
          ++new_periods[s.period.start];
          EXPECT_EQ(a.previous_period_start, s.period.start - hours{24});
          break;
      }
    }
    ledger = d.ledger;
    final_spend[s.period.start] = s.spent;
  }
  ASSERT_EQ(final_spend.size(), 30U);
  for (const auto& [start, spent] : final_spend) {
    std::vector<std::int64_t> expected;
    for (const std::int64_t ppm : q.thresholds_ppm) {
      if (Int128{spent} * kPpm >= Int128{ppm} * q.limit.amount) expected.push_back(ppm);
    }
    EXPECT_EQ(announced[start], expected) << "day starting " << start.time_since_epoch().count();
    EXPECT_LE(forecasts[start], 1);
    const sys_seconds previous = start - hours{24};
    const bool previous_alerted =
        final_spend.contains(previous) && (!announced[previous].empty() || forecasts[previous] > 0);
    EXPECT_EQ(new_periods[start], previous_alerted ? 1 : 0);
  }
}

}  // namespace
}  // namespace costledger::model
