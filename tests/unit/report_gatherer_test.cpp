#include "costledger/reports/report_gatherer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "costledger/model/allocation_request.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/weekly_report.hpp"
#include "costledger/reports/json_report.hpp"
#include "costledger/reports/weekly_reports.hpp"
#include "listed_quotas.hpp"

namespace costledger::reports {
namespace {

using model::CostProperty;
using model::Money;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::sys_seconds;

// 2026-W48 in UTC: Monday 23 November 2026.
const model::IsoWeek kWeek{2026, 48};
const model::FixedOffsetZone kUtc = model::FixedOffsetZone::Utc();
const sys_seconds kStart = model::WeekWindows(kWeek, kUtc).window.start;

// A stored container-hour: its labels and costs, and its shares of volumes.
struct Record {
  sys_seconds at;
  std::map<CostProperty, std::string> labels;
  std::int64_t cpu_nanos = 0;
  std::vector<model::PvShare> pvs;
};

class FakeStore final : public ports::AllocationReader,
                        public ports::AssetReader,
                        public ports::QueryReader {
 public:
  std::vector<Record> records;
  std::vector<model::IdleRow> idle;  // first_start says when
  std::vector<model::QueryCostRow> queries;
  std::vector<model::VolumeAssetRow> volumes;

  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) override {
    std::vector<model::AllocationRow> out;
    for (const Record& r : records) {
      if (r.at < start || r.at >= end) continue;
      model::AllocationRow row;
      row.step = static_cast<std::size_t>((r.at - start) / step);
      for (const model::PropertyRef& p : grouping) {
        const auto it = r.labels.find(p.property);
        row.values.push_back(it == r.labels.end() ? "" : it->second);
      }
      row.first_start = r.at;
      row.last_end = r.at + hours(1);
      row.container_seconds = 3600;
      row.cpu_cost = Money::FromNanos(r.cpu_nanos);
      row.pvs = r.pvs;
      for (const model::PvShare& pv : r.pvs) row.pv_cost += pv.cost;
      out.push_back(row);
    }
    return out;
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds start, sys_seconds end,
                                       std::chrono::seconds step) override {
    std::vector<model::IdleRow> out;
    for (model::IdleRow i : idle) {
      if (i.first_start < start || i.first_start >= end) continue;
      i.step = static_cast<std::size_t>((i.first_start - start) / step);
      out.push_back(i);
    }
    return out;
  }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds, sys_seconds) override { return {}; }
  std::vector<model::VolumeAssetRow> ReadVolumeAssets(sys_seconds, sys_seconds) override {
    return volumes;
  }
  std::vector<model::QueryCostRow> ReadQueries(sys_seconds start, sys_seconds end) override {
    std::vector<model::QueryCostRow> out;
    for (const model::QueryCostRow& q : queries) {
      if (q.submitted >= start && q.submitted < end) out.push_back(q);
    }
    return out;
  }
};

Record Row(sys_seconds at, const std::string& team, const std::string& workload,
           std::int64_t cpu_nanos) {
  return {at,
          {{CostProperty::kCluster, "c1"},
           {CostProperty::kNamespace, "ns-" + team},
           {CostProperty::kPlatform, "kubernetes"},
           {CostProperty::kWorkload, workload},
           {CostProperty::kCapacityType, "on-demand"},
           {CostProperty::kInstanceType, "m5.xlarge"},
           {CostProperty::kTeam, team},
           {CostProperty::kNode, "n1"}},
          cpu_nanos,
          {}};
}

// A query of team alpha in workgroup analytics, Monday 04:00, costing 5 nano-dollars.
model::QueryCostRow AlphaQuery() {
  model::QueryCostRow q;
  q.team = "alpha";
  q.work_group = "analytics";
  q.cost = Money::FromNanos(5);
  q.submitted = kStart + hours(4);
  return q;
}

model::IdleRow Idle(sys_seconds at, std::int64_t cpu_nanos) {
  model::IdleRow i;
  i.cluster = "c1";
  i.node = "n1";
  i.first_start = at;
  i.last_end = at + hours(1);
  i.cpu_cost = Money::FromNanos(cpu_nanos);
  return i;
}

std::vector<model::WeeklyReportInput> Gather(FakeStore& store, const GatherSettings& settings) {
  return GatherWeek(ReportSources{store, store, store, nullptr, {}}, kWeek, kUtc, "UTC", settings);
}

TEST(ReportGathererTest, RowsGoToTheirTeamAndDayWithTheClusterIdle) {
  FakeStore store;
  store.records = {Row(kStart + hours(10), "alpha", "Deployment:web", 300),
                   Row(kStart + days(2) + hours(5), "alpha", "Deployment:web", 500),
                   Row(kStart + days(6) + hours(23), "beta", "notebook:bo", 200),
                   Row(kStart + days(1), "", "pod:orphan", 1000),         // no team: in no report
                   Row(kStart + days(7), "alpha", "Deployment:web", 9)};  // next week
  store.idle = {Idle(kStart + hours(10), 100), Idle(kStart + days(3), 400)};
  const auto inputs = Gather(store, {});
  ASSERT_EQ(inputs.size(), 2U);
  const model::WeeklyReportInput& alpha = inputs[0];
  EXPECT_EQ(alpha.team, "alpha");
  ASSERT_EQ(alpha.rows.size(), 2U);
  EXPECT_EQ(alpha.rows[0].day, 0U);
  EXPECT_EQ(alpha.rows[1].day, 2U);
  EXPECT_EQ(alpha.rows[0].workload, "Deployment:web");
  EXPECT_EQ(alpha.rows[0].shared_idle_cost, Money{});
  ASSERT_EQ(alpha.cluster_idle.size(), 1U);
  EXPECT_EQ(alpha.cluster_idle[0].idle_cost, Money::FromNanos(500));
  // Every container of the cluster, teamless ones included, plus its idle.
  EXPECT_EQ(alpha.cluster_idle[0].total_cost, Money::FromNanos(300 + 500 + 200 + 1000 + 500));
  EXPECT_EQ(inputs[1].rows.at(0).day, 6U);
  // Nothing was stored the week before: no change is claimed.
  EXPECT_FALSE(alpha.previous_rows.has_value());
  EXPECT_EQ(model::BuildWeeklyReport(alpha).total, Money::FromNanos(800));
}

TEST(ReportGathererTest, SharedIdleIsCarriedApartAndAddsUpToTheClusterIdle) {
  FakeStore store;
  store.records = {Row(kStart + hours(1), "alpha", "Deployment:web", 300),
                   Row(kStart + hours(1), "beta", "notebook:bo", 100)};
  store.idle = {Idle(kStart + hours(1), 401)};
  GatherSettings settings;
  settings.idle_sharing = model::IdleSharing::kWeightedByCost;
  const auto inputs = Gather(store, settings);
  ASSERT_EQ(inputs.size(), 2U);
  const Money alpha_idle = inputs[0].rows.at(0).shared_idle_cost;
  const Money beta_idle = inputs[1].rows.at(0).shared_idle_cost;
  EXPECT_EQ(alpha_idle + beta_idle, Money::FromNanos(401));  // every nano-dollar, once
  EXPECT_EQ(alpha_idle, Money::FromNanos(301));  // 3:1 by cost, the remainder to the larger
  EXPECT_EQ(inputs[0].rows[0].cpu_cost, Money::FromNanos(300));  // own cost stays apart
  EXPECT_EQ(model::BuildWeeklyReport(inputs[0]).total, Money::FromNanos(601));
}

TEST(ReportGathererTest, ThePreviousWeekQueriesAndTeamsWithoutSpend) {
  FakeStore store;
  store.records = {Row(kStart - days(3), "alpha", "Deployment:web", 70),
                   Row(kStart + hours(3), "alpha", "Deployment:web", 90)};
  model::QueryCostRow q = AlphaQuery();
  store.queries = {q};
  q.submitted = kStart - hours(4);
  q.cost = Money::FromNanos(3);
  store.queries.push_back(q);
  GatherSettings settings;
  settings.teams = {"quiet"};  // has recipients, spent nothing
  const auto inputs = Gather(store, settings);
  ASSERT_EQ(inputs.size(), 2U);
  const model::WeeklyReportInput& alpha = inputs[0];
  ASSERT_TRUE(alpha.previous_rows.has_value());
  ASSERT_EQ(alpha.previous_rows->size(), 1U);
  EXPECT_EQ(alpha.previous_rows->at(0).cpu_cost, Money::FromNanos(70));
  // The week's queries come summarized by the store, the week before only as a total.
  EXPECT_TRUE(alpha.queries.empty());
  ASSERT_EQ(alpha.query_groups.size(), 1U);
  EXPECT_EQ(alpha.query_groups[0].query_count, 1U);
  EXPECT_EQ(alpha.query_groups[0].cost, Money::FromNanos(5));
  ASSERT_EQ(alpha.query_groups[0].top.size(), 1U);
  EXPECT_EQ(alpha.query_groups[0].top[0].submitted, kStart + hours(4));
  EXPECT_EQ(alpha.previous_query_cost, Money::FromNanos(3));
  EXPECT_EQ(inputs[1].team, "quiet");
  EXPECT_TRUE(inputs[1].rows.empty());
  ASSERT_TRUE(inputs[1].previous_rows.has_value());  // known, and nothing
  EXPECT_TRUE(inputs[1].previous_rows->empty());
  EXPECT_FALSE(model::BuildWeeklyReport(inputs[1]).HasSpend());

  settings.only_team = "alpha";
  EXPECT_EQ(Gather(store, settings).size(), 1U);
}

model::PvShare Pv(const std::string& volume, std::int64_t cost_nanos) {
  return {"c1", volume, 3600.0 * 1e9, Money::FromNanos(cost_nanos)};
}

model::VolumeAssetRow Volume(const std::string& name, const std::string& claim,
                             const std::string& storage_class, std::int64_t size_bytes) {
  model::VolumeAssetRow v;
  v.cluster = "c1";
  v.volume = name;
  v.claim = claim;
  v.storage_class = storage_class;
  v.size_bytes = size_bytes;
  return v;
}

// A team's storage is its pods' shares of the volumes they mounted, summed over the week, with
// each volume's claim, class and size; unmounted volumes (no team) are in no report.
TEST(ReportGathererTest, VolumeSharesAreTheTeamsStorage) {
  FakeStore store;
  Record alpha_monday = Row(kStart + hours(2), "alpha", "notebook:al", 100);
  alpha_monday.pvs = {Pv("pv-home", 40), Pv("pv-shared", 7)};
  Record alpha_sunday = Row(kStart + days(6) + hours(2), "alpha", "notebook:al", 100);
  alpha_sunday.pvs = {Pv("pv-home", 41)};
  Record beta = Row(kStart + days(3), "beta", "dag:etl/load", 50);
  beta.pvs = {Pv("pv-shared", 8)};
  Record unmounted = Row(kStart + days(3), "", "__unmounted__", 0);
  unmounted.pvs = {Pv("pv-loose", 500)};
  Record last_week = Row(kStart - hours(2), "alpha", "notebook:al", 100);
  last_week.pvs = {Pv("pv-home", 39)};
  store.records = {alpha_monday, alpha_sunday, beta, unmounted, last_week};
  store.volumes = {Volume("pv-home", "home-al", "gp3", 10LL << 30),
                   Volume("pv-shared", "datasets", "efs", 100LL << 30),
                   Volume("pv-loose", "", "io2", 50LL << 30)};
  GatherSettings settings;
  settings.teams = {"quiet"};
  const auto inputs = Gather(store, settings);
  ASSERT_EQ(inputs.size(), 3U);
  const model::WeeklyReportInput& alpha = inputs[0];
  ASSERT_TRUE(alpha.storage.has_value());
  EXPECT_EQ(
      *alpha.storage,
      (std::vector<model::StorageCostInput>{
          {"c1", "ns-alpha", "pv-home", "home-al", "gp3", 10LL << 30, Money::FromNanos(81)},
          {"c1", "ns-alpha", "pv-shared", "datasets", "efs", 100LL << 30, Money::FromNanos(7)}}));
  ASSERT_TRUE(inputs[1].storage.has_value());
  ASSERT_EQ(inputs[1].storage->size(), 1U);
  EXPECT_EQ(inputs[1].storage->at(0).cost, Money::FromNanos(8));
  // Costed and empty: the report says the team has no volumes, not that storage is unknown.
  ASSERT_TRUE(inputs[2].storage.has_value());
  EXPECT_TRUE(inputs[2].storage->empty());
  const model::WeeklyReport report = model::BuildWeeklyReport(alpha);
  EXPECT_TRUE(report.storage.costed);
  EXPECT_EQ(report.storage.total, Money::FromNanos(88));
  EXPECT_EQ(report.combined_total, Money::FromNanos(200 + 88));
}

model::Quota DollarQuota(const std::string& name, model::QuotaScope scope,
                         model::QuotaPeriod period, std::int64_t limit_nanos) {
  model::Quota q;
  q.name = name;
  q.scope = std::move(scope);
  q.period = period;
  q.limit = {model::QuotaUnit::kDollars, limit_nanos};
  q.thresholds_ppm = {800'000, 1'000'000};
  return q;
}

// Each team's report shows the quotas that concern it, with their status at the week's end (or
// at the end of what is stored, when earlier), the spend read over the quota's own period.
TEST(ReportGathererTest, QuotasOfTheTeamWithTheirStatusAtTheWeeksEnd) {
  FakeStore store;
  Record alpha = Row(kStart + hours(2), "alpha", "notebook:al", 300);
  alpha.pvs = {Pv("pv-home", 20)};
  store.records = {alpha, Row(kStart + days(5), "alpha", "notebook:al", 400),
                   Row(kStart - days(10), "beta", "dag:etl/load", 1000),  // November, W46
                   Row(kStart + days(1), "beta", "dag:etl/load", 60),
                   Row(kStart + days(7), "beta", "dag:etl/load", 9)};  // next week
  model::QueryCostRow q = AlphaQuery();
  store.queries = {q};
  testing::ListedQuotas quotas;
  model::QuotaScope alpha_team;
  alpha_team.team = "alpha";
  model::QuotaScope beta_namespace;
  beta_namespace.namespace_name = "ns-beta";
  model::QuotaScope cluster;
  cluster.cluster = "c1";
  quotas.quotas = {DollarQuota("alpha-weekly", alpha_team, model::QuotaPeriod::kWeek, 1000),
                   DollarQuota("beta-monthly", beta_namespace, model::QuotaPeriod::kMonth, 5000),
                   DollarQuota("cluster-daily", cluster, model::QuotaPeriod::kDay, 100)};
  GatherSettings settings;
  const auto gather = [&] {
    return GatherWeek(ReportSources{store, store, store, nullptr, {}, &quotas}, kWeek, kUtc, "UTC",
                      settings);
  };
  auto inputs = gather();
  ASSERT_EQ(inputs.size(), 2U);
  const sys_seconds week_end = kStart + days(7);
  ASSERT_EQ(inputs[0].quotas.size(), 1U);
  const model::QuotaReportInput& weekly = inputs[0].quotas[0];
  EXPECT_EQ(weekly.quota.name, "alpha-weekly");
  EXPECT_EQ(weekly.status.period.start, kStart);
  EXPECT_EQ(weekly.status.at, week_end);
  EXPECT_EQ(weekly.status.spent, 300 + 20 + 400 + 5);  // containers, volumes and queries
  EXPECT_EQ(weekly.status.limit, 1000);
  ASSERT_EQ(inputs[1].quotas.size(), 1U);
  const model::QuotaReportInput& monthly = inputs[1].quotas[0];
  EXPECT_EQ(monthly.quota.name, "beta-monthly");
  // November to the week's end (Monday 30 November 00:00): the earlier week's spend counts.
  EXPECT_EQ(monthly.status.period.start,
            sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}});
  EXPECT_EQ(monthly.status.at, week_end);
  EXPECT_EQ(monthly.status.spent, 1000 + 60);
  ASSERT_TRUE(monthly.status.forecast.has_value());
  const std::vector<model::QuotaLine> lines = model::BuildWeeklyReport(inputs[1]).quotas;
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].name, "beta-monthly");

  // A report of the current week: as of what is stored.
  settings.stored_through = kStart + days(3);
  inputs = gather();
  EXPECT_EQ(inputs[0].quotas.at(0).status.at, kStart + days(3));
  EXPECT_EQ(inputs[0].quotas.at(0).status.spent, 300 + 20 + 5);
  // Nothing stored in the week: no status to show.
  settings.stored_through = kStart;
  inputs = gather();
  EXPECT_TRUE(inputs.at(0).quotas.empty());
}

// The readers of a FakeStore, counting the calls in flight at once; the call numbered
// `fail_call` (from 1; 0: none) throws Unavailable.
class CountingStore final : public ports::AllocationReader,
                            public ports::AssetReader,
                            public ports::QueryReader {
 public:
  explicit CountingStore(FakeStore& store, int fail_call = 0)
      : store_(store), fail_call_(fail_call) {}

  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) override {
    const Call call(*this);
    return store_.ReadAllocations(start, end, step, grouping);
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds start, sys_seconds end,
                                       std::chrono::seconds step) override {
    const Call call(*this);
    return store_.ReadIdle(start, end, step);
  }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds start, sys_seconds end) override {
    const Call call(*this);
    return store_.ReadAssets(start, end);
  }
  std::vector<model::QueryCostRow> ReadQueries(sys_seconds start, sys_seconds end) override {
    const Call call(*this);
    return store_.ReadQueries(start, end);
  }

  int most_in_flight() const { return most_in_flight_; }
  int calls() const { return calls_; }

 private:
  struct Call {
    explicit Call(CountingStore& s) : store(s) {
      const int now = ++store.in_flight_;
      int most = store.most_in_flight_;
      while (now > most && !store.most_in_flight_.compare_exchange_weak(most, now)) {
      }
      if (++store.calls_ == store.fail_call_) {
        --store.in_flight_;
        throw Unavailable("store down");
      }
    }
    ~Call() { --store.in_flight_; }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    CountingStore& store;
  };

  FakeStore& store_;
  int fail_call_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> most_in_flight_{0};
  std::atomic<int> calls_{0};
};

// Every team's report as JSON, for comparing whole inputs.
std::string AllReports(const std::vector<model::WeeklyReportInput>& inputs) {
  std::string out;
  for (const model::WeeklyReportInput& input : inputs) {
    out += RenderJson(model::BuildWeeklyReport(input)) + "\n";
  }
  return out;
}

// Reads run several at a time (never more than asked) and give the inputs they give one at a
// time.
TEST(ReportGathererTest, ConcurrentReadsGiveTheSameInputs) {
  FakeStore store;
  for (int d = -7; d < 7; ++d) {
    store.records.push_back(Row(kStart + days(d) + hours(3), "alpha", "Deployment:web", 100 + d));
    store.records.push_back(Row(kStart + days(d) + hours(9), "beta", "notebook:bo", 50 + 2 * d));
    store.idle.push_back(Idle(kStart + days(d) + hours(3), 40 + d));
  }
  model::QueryCostRow q = AlphaQuery();
  store.queries = {q};
  q.submitted = kStart - hours(4);
  store.queries.push_back(q);
  GatherSettings settings;
  settings.idle_sharing = model::IdleSharing::kWeightedByCost;
  settings.concurrent_reads = 1;
  CountingStore one_at_a_time(store);
  const std::string expected =
      AllReports(GatherWeek(ReportSources{one_at_a_time, one_at_a_time, one_at_a_time, nullptr, {}},
                            kWeek, kUtc, "UTC", settings));
  EXPECT_EQ(one_at_a_time.most_in_flight(), 1);
  ASSERT_NE(expected.find("beta"), std::string::npos) << expected;
  for (const std::size_t concurrency : {2U, 3U, 16U}) {
    settings.concurrent_reads = concurrency;
    CountingStore counting(store);
    EXPECT_EQ(AllReports(GatherWeek(ReportSources{counting, counting, counting, nullptr, {}}, kWeek,
                                    kUtc, "UTC", settings)),
              expected)
        << concurrency;
    EXPECT_LE(counting.most_in_flight(), static_cast<int>(concurrency));
    EXPECT_EQ(counting.calls(), one_at_a_time.calls());
  }
}

// A read that fails fails the gathering with its error, once every read started has ended.
TEST(ReportGathererTest, AFailedConcurrentReadIsThrown) {
  FakeStore store;
  store.records = {Row(kStart + hours(1), "alpha", "Deployment:web", 300)};
  for (const int fail_call : {1, 5, 12}) {
    CountingStore failing(store, fail_call);
    GatherSettings settings;
    settings.concurrent_reads = 3;
    EXPECT_THROW(GatherWeek(ReportSources{failing, failing, failing, nullptr, {}}, kWeek, kUtc,
                            "UTC", settings),
                 Unavailable)
        << fail_call;
  }
}

// Teams' reports built several at a time are the ones built one after another, in the inputs'
// order, every rendering byte for byte.
TEST(ReportGathererTest, ReportsBuiltConcurrentlyAreTheSame) {
  FakeStore store;
  for (int d = -7; d < 7; ++d) {
    for (const char* team : {"alpha", "beta", "gamma", "delta", "epsilon"}) {
      store.records.push_back(
          Row(kStart + days(d) + hours(3 + d + 7), team, "Deployment:web", 100 + 3 * d));
    }
  }
  GatherSettings settings;
  const std::vector<model::WeeklyReportInput> inputs = Gather(store, settings);
  ASSERT_EQ(inputs.size(), 5U);
  const sys_seconds built_at = kStart + days(8);
  const std::vector<BuiltReport> expected =
      BuildReports(inputs, "UTC", built_at, "https://cost.example/", 1);
  ASSERT_EQ(expected.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(expected[i].archived.team, inputs[i].team);
    EXPECT_EQ(expected[i].archived.week, kWeek);
    EXPECT_EQ(expected[i].archived.built_at, built_at);
    ASSERT_EQ(expected[i].archived.documents.size(), 4U);
  }
  EXPECT_NE(expected[0].archived.documents[0].body.find(
                "https://cost.example/v1/reports/2026-W48/alpha.html"),
            std::string::npos);
  for (const std::size_t concurrency : {2U, 3U, 16U}) {
    const std::vector<BuiltReport> built =
        BuildReports(inputs, "UTC", built_at, "https://cost.example/", concurrency);
    ASSERT_EQ(built.size(), expected.size()) << concurrency;
    for (std::size_t i = 0; i < built.size(); ++i) {
      EXPECT_EQ(built[i].archived.team, expected[i].archived.team) << concurrency;
      EXPECT_EQ(built[i].archived.total_cost, expected[i].archived.total_cost) << concurrency;
      ASSERT_EQ(built[i].archived.documents.size(), 4U);
      for (std::size_t d = 0; d < 4; ++d) {
        EXPECT_EQ(built[i].archived.documents[d].format, expected[i].archived.documents[d].format);
        EXPECT_EQ(built[i].archived.documents[d].body, expected[i].archived.documents[d].body)
            << concurrency << " " << built[i].archived.team;
      }
    }
  }
}

}  // namespace
}  // namespace costledger::reports
