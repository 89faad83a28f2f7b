#include "costledger/quotas/quota_evaluator.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "costledger/model/errors.hpp"
#include "listed_quotas.hpp"
#include "quota_test_zones.hpp"

namespace costledger::quotas {
namespace {

using model::testing::Utc;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// One stored container interval, as the fake store keeps it.
struct StoredInterval {
  sys_seconds start;
  std::string team;
  std::string namespace_name;
  std::int64_t cost_nanos = 0;
  double cpu_millicore_seconds = 0;
  double gpu_device_seconds = 0;
};

class FakeStore final : public ports::AllocationReader,
                        public ports::QueryReader,
                        public ports::AssetReader,
                        public ports::StoreHealth,
                        public ports::NotificationLog {
 public:
  std::vector<model::NotificationCount> CountByState() override { return {}; }
  std::vector<model::NotificationRecord> List(std::string_view /*kind*/,
                                              std::size_t /*limit*/) override {
    ++log_reads;
    return records;
  }
  struct Read {
    sys_seconds start, end;
    seconds step;
    std::vector<model::PropertyRef> grouping;
  };

  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, seconds step,
      std::span<const model::PropertyRef> grouping) override {
    if (fail_reads) throw Unavailable("database down");
    reads.push_back({start, end, step, {grouping.begin(), grouping.end()}});
    std::map<std::pair<std::size_t, std::vector<std::string>>, model::AllocationRow> rows;
    for (const StoredInterval& i : intervals) {
      if (i.start < start || i.start >= end) continue;
      std::vector<std::string> values;
      for (const model::PropertyRef& p : grouping) {
        values.push_back(p.property == model::CostProperty::kTeam        ? i.team
                         : p.property == model::CostProperty::kNamespace ? i.namespace_name
                         : p.property == model::CostProperty::kCluster   ? "prod"
                                                                         : "");
      }
      const auto index = static_cast<std::size_t>((i.start - start) / step);
      model::AllocationRow& r = rows[{index, values}];
      const bool fresh = r.last_end == sys_seconds{};
      r.step = index;
      r.values = values;
      r.first_start = fresh ? i.start : std::min(r.first_start, i.start);
      r.last_end = std::max(r.last_end, i.start + minutes{1});
      r.cpu_cost += model::Money::FromNanos(i.cost_nanos);
      r.cpu_allocated_millicore_seconds += i.cpu_millicore_seconds;
      r.gpu_device_seconds += i.gpu_device_seconds;
    }
    std::vector<model::AllocationRow> out;
    for (auto& [key, row] : rows) out.push_back(row);
    return out;
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds /*start*/, sys_seconds /*end*/,
                                       seconds /*step*/) override {
    return {};
  }

  std::vector<model::QueryCostRow> ReadQueries(sys_seconds start, sys_seconds end) override {
    query_reads.emplace_back(start, end);
    std::vector<model::QueryCostRow> out;
    for (const model::QueryCostRow& q : queries) {
      if (q.submitted >= start && q.submitted < end) out.push_back(q);
    }
    return out;
  }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds start, sys_seconds end) override {
    asset_reads.emplace_back(start, end);
    return nodes;
  }
  std::optional<sys_seconds> LatestInterval() override {
    if (fail_health) throw Unavailable("database down");
    std::optional<sys_seconds> latest;
    for (const StoredInterval& i : intervals) latest = std::max(latest.value_or(i.start), i.start);
    return latest;
  }
  bool Ping() override { return true; }

  void AddMinutes(sys_seconds from, int count, const std::string& team, std::int64_t nanos) {
    for (int m = 0; m < count; ++m) {
      intervals.push_back({from + minutes{m}, team, "ns-" + team, nanos, 60'000.0, 60.0});
    }
  }

  std::vector<StoredInterval> intervals;
  std::vector<model::QueryCostRow> queries;
  std::vector<model::NodeAssetRow> nodes;
  std::vector<Read> reads;
  std::vector<std::pair<sys_seconds, sys_seconds>> query_reads;
  std::vector<std::pair<sys_seconds, sys_seconds>> asset_reads;
  std::vector<model::NotificationRecord> records;
  int log_reads = 0;
  bool fail_reads = false;
  bool fail_health = false;
};

model::Quota TeamQuota(std::string name, std::string team, model::QuotaPeriod period,
                       std::int64_t limit_dollars) {
  model::Quota q;
  q.name = std::move(name);
  q.scope.team = std::move(team);
  q.period = period;
  q.limit = {model::QuotaUnit::kDollars, limit_dollars * 1'000'000'000};
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

constexpr std::int64_t kDollar = 1'000'000'000;

class QuotaEvaluatorTest : public ::testing::Test {
 protected:
  QuotaEvaluator Make(std::shared_ptr<const model::ZoneRules> zone =
                          std::make_shared<model::FixedOffsetZone>(model::FixedOffsetZone::Utc())) {
    return QuotaEvaluator({quotas_, store_, store_, store_, store_, &store_}, EvaluatorSettings{},
                          std::move(zone), board_);
  }
  const model::QuotaStatus& StatusOf(const Evaluation& e, const std::string& name) {
    for (std::size_t i = 0; i < e.snapshot->quotas.size(); ++i) {
      if (e.snapshot->quotas[i].name == name) return e.snapshot->statuses[i];
    }
    throw std::runtime_error("no quota " + name);
  }

  testing::ListedQuotas quotas_;
  FakeStore store_;
  QuotaBoard board_;
};

TEST_F(QuotaEvaluatorTest, SeedsThePeriodThenReadsOnlyTheNewIntervals) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 6, "alpha", kDollar);
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 6, "beta", 7 * kDollar);
  QuotaEvaluator evaluator = Make();

  const Evaluation first = evaluator.Evaluate(Utc(2026, 12, 3, 10, 6, 30));
  ASSERT_EQ(store_.reads.size(), 1U);
  EXPECT_EQ(store_.reads[0].start, Utc(2026, 12, 3));
  EXPECT_EQ(store_.reads[0].end, Utc(2026, 12, 3, 10, 6));
  EXPECT_EQ(store_.reads[0].grouping,
            (std::vector<model::PropertyRef>{{model::CostProperty::kTeam, ""}}));
  EXPECT_EQ(first.seeded, 1U);
  EXPECT_EQ(StatusOf(first, "alpha-daily").spent, 6 * kDollar);
  EXPECT_EQ(first.snapshot->counted_through, Utc(2026, 12, 3, 10, 6));
  EXPECT_EQ(board_.Current(), first.snapshot);

  store_.AddMinutes(Utc(2026, 12, 3, 10, 6), 2, "alpha", 2 * kDollar);
  const Evaluation second = evaluator.Evaluate(Utc(2026, 12, 3, 10, 8, 30));
  ASSERT_EQ(store_.reads.size(), 2U);
  EXPECT_EQ(store_.reads[1].start, Utc(2026, 12, 3, 10, 6));  // only what is new
  EXPECT_EQ(store_.reads[1].end, Utc(2026, 12, 3, 10, 8));
  EXPECT_EQ(second.seeded, 0U);
  EXPECT_EQ(StatusOf(second, "alpha-daily").spent, 10 * kDollar);

  // Nothing new stored: nothing read.
  const Evaluation third = evaluator.Evaluate(Utc(2026, 12, 3, 10, 8, 50));
  EXPECT_EQ(store_.reads.size(), 2U);
  EXPECT_EQ(third.allocation_reads, 0U);
  EXPECT_EQ(StatusOf(third, "alpha-daily").spent, 10 * kDollar);
}

TEST_F(QuotaEvaluatorTest, QuotasOfOneGroupingShareOneRead) {
  quotas_.quotas = {TeamQuota("a", "alpha", model::QuotaPeriod::kDay, 100),
                    TeamQuota("b", "beta", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 1, "alpha", kDollar);
  QuotaEvaluator evaluator = Make();
  evaluator.Evaluate(Utc(2026, 12, 3, 10, 1));
  store_.AddMinutes(Utc(2026, 12, 3, 10, 1), 1, "beta", 3 * kDollar);
  store_.reads.clear();
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 2));
  EXPECT_EQ(store_.reads.size(), 1U);
  EXPECT_EQ(StatusOf(e, "a").spent, kDollar);
  EXPECT_EQ(StatusOf(e, "b").spent, 3 * kDollar);
}

TEST_F(QuotaEvaluatorTest, PeriodRollsWhereTheDataCrossesMidnightAndAlertsTheEndingPeriodFirst) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 10)};
  store_.AddMinutes(Utc(2026, 12, 3, 23, 50), 4, "alpha", kDollar);  // 40%
  QuotaEvaluator evaluator = Make();
  const Evaluation first = evaluator.Evaluate(Utc(2026, 12, 3, 23, 54, 10));
  EXPECT_TRUE(first.alerts.empty());

  store_.AddMinutes(Utc(2026, 12, 3, 23, 54), 6, "alpha", kDollar);  // 100% by midnight
  store_.AddMinutes(Utc(2026, 12, 4, 0, 0), 2, "alpha", kDollar);
  store_.reads.clear();
  const Evaluation second = evaluator.Evaluate(Utc(2026, 12, 4, 0, 2, 10));
  ASSERT_EQ(store_.reads.size(), 2U);  // cut at midnight
  EXPECT_EQ(store_.reads[0].start, Utc(2026, 12, 3, 23, 54));
  EXPECT_EQ(store_.reads[0].end, Utc(2026, 12, 4));
  EXPECT_EQ(store_.reads[1].start, Utc(2026, 12, 4));
  EXPECT_EQ(store_.reads[1].end, Utc(2026, 12, 4, 0, 2));
  const model::QuotaStatus& s = StatusOf(second, "alpha-daily");
  EXPECT_EQ(s.period.start, Utc(2026, 12, 4));
  EXPECT_EQ(s.spent, 2 * kDollar);
  ASSERT_EQ(second.alerts.size(), 2U);
  EXPECT_EQ(second.alerts[0].kind, model::QuotaAlertKind::kThreshold);
  EXPECT_EQ(second.alerts[0].status.period.start, Utc(2026, 12, 3));
  EXPECT_EQ(second.alerts[0].thresholds_ppm,
            (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
  EXPECT_EQ(second.alerts[1].kind, model::QuotaAlertKind::kNewPeriod);
  EXPECT_EQ(second.alerts[1].previous_period_start, Utc(2026, 12, 3));
}

TEST_F(QuotaEvaluatorTest, TheClockRollsThePeriodWhenNoDataCrossesIt) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 10)};
  store_.AddMinutes(Utc(2026, 12, 3, 23, 50), 3, "alpha", kDollar);
  QuotaEvaluator evaluator = Make();
  evaluator.Evaluate(Utc(2026, 12, 3, 23, 54));
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 4, 0, 5));  // collector silent
  const model::QuotaStatus& s = StatusOf(e, "alpha-daily");
  EXPECT_EQ(s.period.start, Utc(2026, 12, 4));
  EXPECT_EQ(s.spent, 0);
}

TEST_F(QuotaEvaluatorTest, LateIntervalsOfTheEndedPeriodDoNotCountInTheNewOne) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 23, 50), 3, "alpha", kDollar);
  QuotaEvaluator evaluator = Make();
  evaluator.Evaluate(Utc(2026, 12, 3, 23, 53));
  evaluator.Evaluate(Utc(2026, 12, 4, 0, 30));  // the collector is down; the clock rolls
  store_.AddMinutes(Utc(2026, 12, 3, 23, 53), 18, "alpha", kDollar);  // its spool, replayed
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 4, 0, 31));
  EXPECT_EQ(StatusOf(e, "alpha-daily").period.start, Utc(2026, 12, 4));
  EXPECT_EQ(StatusOf(e, "alpha-daily").spent, 11 * kDollar);  // 00:00 to 00:11 only
}

TEST_F(QuotaEvaluatorTest, DstWeekIsCountedOver167Hours) {
  // Berlin, ISO week 2026-W13: Mon 2026-03-23 00:00 CET (= 03-22 23:00 UTC) to Mon 03-30 00:00
  // CEST (= 03-29 22:00 UTC): 167 hours.
  model::Quota q = TeamQuota("alpha-weekly", "alpha", model::QuotaPeriod::kWeek, 1000);
  quotas_.quotas = {q};
  store_.AddMinutes(Utc(2026, 3, 22, 22, 59), 1, "alpha", 100 * kDollar);  // the week before
  store_.AddMinutes(Utc(2026, 3, 22, 23, 0), 1, "alpha", kDollar);         // first minute
  store_.AddMinutes(Utc(2026, 3, 29, 21, 59), 1, "alpha", 2 * kDollar);    // last minute
  QuotaEvaluator evaluator =
      Make(std::make_shared<model::testing::EuRulesZone>(model::testing::EuRulesZone::Berlin()));
  const Evaluation e = evaluator.Evaluate(Utc(2026, 3, 29, 21, 59, 30));
  const model::QuotaStatus& s = StatusOf(e, "alpha-weekly");
  EXPECT_EQ(s.period.start, Utc(2026, 3, 22, 23));
  EXPECT_EQ(s.period.end, Utc(2026, 3, 29, 22));
  EXPECT_EQ(s.period.length(), hours{167});
  EXPECT_EQ(s.spent, 3 * kDollar);
  ASSERT_EQ(store_.reads.size(), 1U);
  EXPECT_EQ(store_.reads[0].start, Utc(2026, 3, 22, 23));

  store_.AddMinutes(Utc(2026, 3, 29, 22, 0), 1, "alpha", 5 * kDollar);  // the next week
  const Evaluation next = evaluator.Evaluate(Utc(2026, 3, 29, 22, 1, 10));
  EXPECT_EQ(StatusOf(next, "alpha-weekly").period.start, Utc(2026, 3, 29, 22));
  EXPECT_EQ(StatusOf(next, "alpha-weekly").spent, 5 * kDollar);
}

TEST_F(QuotaEvaluatorTest, AChangedQuotaIsReadWholeAgainAndAnUnchangedOneIsNot) {
  quotas_.quotas = {TeamQuota("a", "alpha", model::QuotaPeriod::kDay, 100),
                    TeamQuota("b", "beta", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 5, "alpha", kDollar);
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 5, "beta", kDollar);
  QuotaEvaluator evaluator = Make();
  evaluator.Evaluate(Utc(2026, 12, 3, 10, 5, 30));

  quotas_.quotas[0].scope.team = "beta";  // now counts beta
  quotas_.quotas[0].limit.amount = 8 * kDollar;
  store_.reads.clear();
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 5, 40));
  EXPECT_EQ(e.seeded, 1U);
  ASSERT_EQ(store_.reads.size(), 1U);
  EXPECT_EQ(store_.reads[0].start, Utc(2026, 12, 3));
  EXPECT_EQ(StatusOf(e, "a").spent, 5 * kDollar);
  EXPECT_EQ(StatusOf(e, "a").limit, 8 * kDollar);
  EXPECT_EQ(StatusOf(e, "b").spent, 5 * kDollar);

  quotas_.quotas.erase(quotas_.quotas.begin());
  const Evaluation after_delete = evaluator.Evaluate(Utc(2026, 12, 3, 10, 5, 50));
  ASSERT_EQ(after_delete.snapshot->quotas.size(), 1U);
  EXPECT_EQ(after_delete.snapshot->quotas[0].name, "b");
}

model::QueryCostRow Query(std::string id, sys_seconds submitted, std::int64_t nanos) {
  model::QueryCostRow q;
  q.cluster = "prod";
  q.query_execution_id = std::move(id);
  q.work_group = "analytics";
  q.team = "alpha";
  q.state = "SUCCEEDED";
  q.statement_type = "DML";
  q.submitted = submitted;
  q.data_scanned_bytes = 1 << 20;
  q.cost = model::Money::FromNanos(nanos);
  return q;
}

TEST_F(QuotaEvaluatorTest, QueriesAreCountedOnceThoughLookbackReadsSeeThemAgain) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 1, "alpha", kDollar);
  store_.queries = {Query("q1", Utc(2026, 12, 3, 9, 30), 3 * kDollar)};
  QuotaEvaluator evaluator = Make();
  EXPECT_EQ(StatusOf(evaluator.Evaluate(Utc(2026, 12, 3, 10, 1)), "alpha-daily").spent,
            4 * kDollar);

  // A query that ran long is stored late under its submission time, before what is counted.
  store_.queries.push_back(Query("q2", Utc(2026, 12, 3, 9, 45), 5 * kDollar));
  store_.AddMinutes(Utc(2026, 12, 3, 10, 1), 1, "alpha", kDollar);
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 2));
  EXPECT_EQ(store_.query_reads.back().first, Utc(2026, 12, 3, 4, 1));  // 6 h of lookback
  EXPECT_EQ(store_.query_reads.back().second, Utc(2026, 12, 3, 10, 2));
  EXPECT_EQ(StatusOf(e, "alpha-daily").spent, 10 * kDollar);  // q1 once, q2 once

  store_.AddMinutes(Utc(2026, 12, 3, 10, 2), 1, "alpha", kDollar);
  EXPECT_EQ(StatusOf(evaluator.Evaluate(Utc(2026, 12, 3, 10, 3)), "alpha-daily").spent,
            11 * kDollar);
}

TEST_F(QuotaEvaluatorTest, EachThresholdIsDecidedOncePerPeriod) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 10)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 6, "alpha", kDollar);
  QuotaEvaluator evaluator = Make();
  const Evaluation first = evaluator.Evaluate(Utc(2026, 12, 3, 10, 6));
  ASSERT_EQ(first.alerts.size(), 1U);
  EXPECT_EQ(first.alerts[0].thresholds_ppm, (std::vector<std::int64_t>{500'000}));
  EXPECT_TRUE(evaluator.Evaluate(Utc(2026, 12, 3, 10, 6, 30)).alerts.empty());
  store_.AddMinutes(Utc(2026, 12, 3, 10, 6), 3, "alpha", kDollar);
  const Evaluation third = evaluator.Evaluate(Utc(2026, 12, 3, 10, 9));
  ASSERT_EQ(third.alerts.size(), 1U);
  EXPECT_EQ(third.alerts[0].thresholds_ppm, (std::vector<std::int64_t>{800'000}));
}

TEST_F(QuotaEvaluatorTest, AFailedReadCountsNothingTwice) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 100)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 2, "alpha", kDollar);
  QuotaEvaluator evaluator = Make();
  evaluator.Evaluate(Utc(2026, 12, 3, 10, 2));
  store_.AddMinutes(Utc(2026, 12, 3, 10, 2), 2, "alpha", kDollar);
  store_.fail_reads = true;
  EXPECT_THROW(evaluator.Evaluate(Utc(2026, 12, 3, 10, 4)), Unavailable);
  store_.fail_reads = false;
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 4, 10));
  EXPECT_EQ(StatusOf(e, "alpha-daily").spent, 4 * kDollar);
  EXPECT_EQ(store_.reads.back().start, Utc(2026, 12, 3, 10, 2));
}

TEST_F(QuotaEvaluatorTest, NothingStoredYetPublishesQuotasWithoutCountedThrough) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 100)};
  QuotaEvaluator evaluator = Make();
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 0));
  EXPECT_FALSE(e.snapshot->counted_through);
  EXPECT_EQ(StatusOf(e, "alpha-daily").spent, 0);
  store_.AddMinutes(Utc(2026, 12, 3, 9, 0), 3, "alpha", kDollar);
  const Evaluation later = evaluator.Evaluate(Utc(2026, 12, 3, 10, 1));
  EXPECT_EQ(later.seeded, 1U);
  EXPECT_EQ(StatusOf(later, "alpha-daily").spent, 3 * kDollar);
}

TEST_F(QuotaEvaluatorTest, OfferingsComeFromTheNodesOfTheLatestInterval) {
  quotas_.quotas = {};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 1, "alpha", kDollar);
  model::NodeAssetRow a;
  a.instance_type = "g5.xlarge";
  a.capacity_type = "spot";
  a.cpu_millicores = 4000;
  a.memory_bytes = std::int64_t{16} << 30;
  a.gpu_devices = 1;
  a.max_price_per_hour = model::Money::FromNanos(400'000'000);
  model::NodeAssetRow b = a;
  b.max_price_per_hour = model::Money::FromNanos(450'000'000);
  store_.nodes = {a, b};
  QuotaEvaluator evaluator = Make();
  const Evaluation e = evaluator.Evaluate(Utc(2026, 12, 3, 10, 1));
  ASSERT_EQ(store_.asset_reads.size(), 1U);
  EXPECT_EQ(store_.asset_reads[0].first, Utc(2026, 12, 3, 10, 0));
  EXPECT_EQ(store_.asset_reads[0].second, Utc(2026, 12, 3, 10, 1));
  ASSERT_EQ(e.snapshot->offerings.size(), 1U);
  const model::OfferingPrice& o = e.snapshot->offerings[0];
  EXPECT_EQ(o.instance_type, "g5.xlarge");
  EXPECT_EQ(o.capacity_type, model::CapacityType::kSpot);
  EXPECT_EQ(o.nodes, 2);
  EXPECT_EQ(o.node_price.per_hour.nanos(), 450'000'000);
  EXPECT_EQ(o.capacity.gpu_devices, 1);
}

model::NotificationRecord Record(std::string key, model::NotificationState state) {
  model::NotificationRecord r;
  r.kind = "quota_alert";
  r.key = std::move(key);
  r.state = state;
  return r;
}

TEST_F(QuotaEvaluatorTest, AStartedProcessKnowsFromTheLedgerWhatWasSent) {
  quotas_.quotas = {TeamQuota("alpha-daily", "alpha", model::QuotaPeriod::kDay, 10)};
  store_.AddMinutes(Utc(2026, 12, 3, 10, 0), 6, "alpha", kDollar);  // 60% today
  // Yesterday went to 100%; today 50% was sent, 80% failed (the alerter resumes that one).
  store_.records = {
      Record("alpha-daily/2026-12-02T00:00:00Z/threshold/1000000/mail",
             model::NotificationState::kSent),
      Record("alpha-daily/2026-12-03T00:00:00Z/threshold/500000/webhook:00",
             model::NotificationState::kSent),
      Record("alpha-daily/2026-12-03T00:00:00Z/threshold/800000/mail",
             model::NotificationState::kFailed),
      Record("other/2026-12-03T00:00:00Z/threshold/1000000/mail", model::NotificationState::kSent)};
  QuotaEvaluator evaluator = Make();
  EXPECT_TRUE(evaluator.Evaluate(Utc(2026, 12, 3, 10, 6)).alerts.empty());
  EXPECT_EQ(store_.log_reads, 1);

  // Only yesterday's alerts are in the ledger: today starts with a "new period" alert.
  store_.records.erase(store_.records.begin() + 1, store_.records.end());
  QuotaEvaluator restarted = Make();
  const Evaluation e = restarted.Evaluate(Utc(2026, 12, 3, 10, 6));
  ASSERT_EQ(e.alerts.size(), 2U);
  EXPECT_EQ(e.alerts[0].kind, model::QuotaAlertKind::kNewPeriod);
  EXPECT_EQ(e.alerts[0].previous_period_start, Utc(2026, 12, 2));
  EXPECT_EQ(e.alerts[1].thresholds_ppm, (std::vector<std::int64_t>{500'000}));
  restarted.Evaluate(Utc(2026, 12, 3, 10, 6, 30));
  EXPECT_EQ(store_.log_reads, 2);  // once per process
}

}  // namespace
}  // namespace costledger::quotas
