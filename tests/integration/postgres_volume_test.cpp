// Storage costs (rule 9) through PostgreSQL: volumes and their shares written with the batches,
// replayed without double counting, rolled up by hour and day, retained, and read back into
// allocations (pv fields, __unmounted__ rows) and Disk assets, equal to the attributed costs to
// the nano-dollar from every tier.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"

namespace costledger::postgres {
namespace {

using model::CostProperty;
using model::Money;
using model::PropertyRef;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

const sys_seconds kDay{seconds{1'763'251'200}};  // 2025-11-16T00:00:00Z
const seconds kInterval = minutes(10);
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

class PostgresVolumeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("v_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    store_ = std::make_unique<PostgresStore>(url_, "");
    store_->Migrate();
    reader_ = std::make_unique<PostgresCostReader>(url_, "");
  }

  // A sample batch plus its sample volumes: pv-data mounted by the first pod, pv-loose by none.
  static model::IntervalBatch Batch(sys_seconds t) {
    model::IntervalBatch b = testing::MakeBatch("c1", t, 2, 4, kInterval);
    testing::AddSampleVolumes(b);
    return b;
  }

  std::map<std::string, Money> PvCostByName(sys_seconds from, sys_seconds to,
                                            std::vector<PropertyRef> grouping) {
    std::map<std::string, Money> out;
    for (const model::AllocationRow& r : reader_->ReadAllocations(from, to, to - from, grouping)) {
      std::string name;
      for (const std::string& v : r.values) name += (name.empty() ? "" : "/") + v;
      out[name] += r.pv_cost;
    }
    return out;
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<PostgresCostReader> reader_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresVolumeTest::server_;

TEST_F(PostgresVolumeTest, VolumeCostsReadBackExactlyFromRawHourlyAndDailyTiers) {
  Money mounted_total;
  Money loose_total;
  const sys_seconds end = kDay + hours(26);
  for (sys_seconds t = kDay; t < end; t += kInterval) {
    const model::IntervalBatch b = Batch(t);
    for (const model::VolumeCostRow& v : b.costs.volumes) {
      (v.volume == "pv-data" ? mounted_total : loose_total) += v.cost;
    }
    store_->Write(b);
    if (t == kDay + hours(3)) store_->Write(b);  // a replay counts once
  }
  const std::vector<PropertyRef> by_namespace_pod{{CostProperty::kNamespace, {}},
                                                  {CostProperty::kPod, {}}};
  const model::IntervalBatch sample = Batch(kDay);
  const std::string pod = sample.costs.containers.at(0).labels.namespace_name.str() + "/" +
                          sample.costs.containers.at(0).labels.pod.str();
  const auto check = [&](const char* tier) {
    SCOPED_TRACE(tier);
    std::map<std::string, Money> by = PvCostByName(kDay, end, by_namespace_pod);
    EXPECT_EQ(by[pod], mounted_total);
    EXPECT_EQ(by["__unmounted__/__unmounted__"], loose_total);
    Money other;
    for (const auto& [name, cost] : by) {
      if (name != pod && name != "__unmounted__/__unmounted__") other += cost;
    }
    EXPECT_EQ(other, Money());
    // pvs per volume, byte-hours the size x time.
    for (const model::AllocationRow& r :
         reader_->ReadAllocations(kDay, end, end - kDay, by_namespace_pod)) {
      if (r.pv_cost == Money()) continue;
      ASSERT_EQ(r.pvs.size(), 1U);
      EXPECT_EQ(r.pvs[0].cluster, "c1");
      EXPECT_EQ(r.pvs[0].cost, r.pv_cost);
      const double gib = r.pvs[0].volume == "pv-data" ? 100 : 50;
      EXPECT_DOUBLE_EQ(r.pv_byte_seconds, gib * kGiB * 26 * 3600);
    }
    const std::vector<model::VolumeAssetRow> assets = reader_->ReadVolumeAssets(kDay, end);
    ASSERT_EQ(assets.size(), 2U);
    EXPECT_EQ(assets[0].volume, "pv-data");
    EXPECT_EQ(assets[0].cost, mounted_total);
    EXPECT_EQ(assets[0].size_bytes, 100 * kGiB);
    EXPECT_EQ(assets[0].price_key, "gp3");
    EXPECT_DOUBLE_EQ(assets[0].seconds, 26 * 3600.0);
    EXPECT_EQ(assets[1].volume, "pv-loose");
    EXPECT_EQ(assets[1].cost, loose_total);
    EXPECT_EQ(assets[1].claim, "");
  };
  check("raw");
  EXPECT_GT(store_->RollUp(end), 0);
  check("hourly and daily rollups");
  // Steps of an hour: every step holds the volume's hour.
  const std::vector<PropertyRef> by_namespace{{CostProperty::kNamespace, {}}};
  const auto hourly = reader_->ReadAllocations(kDay, kDay + hours(2), hours(1), by_namespace);
  Money loose_hours;
  for (const model::AllocationRow& r : hourly) {
    if (r.values[0] == "__unmounted__") loose_hours += r.pv_cost;
  }
  Money expected;
  for (sys_seconds t = kDay; t < kDay + hours(2); t += kInterval) {
    for (const model::VolumeCostRow& v : Batch(t).costs.volumes) {
      if (v.volume == "pv-loose") expected += v.cost;
    }
  }
  EXPECT_EQ(loose_hours, expected);
}

// A report's local day read as sums (a UTC day less hours, or a local day's rollup) holds the
// volume costs of its own hours, as reading every hour does: a volume has no rows of the day
// to take the hours it leaves away from.
TEST_F(PostgresVolumeTest, LocalDaysReadAsSumsHoldTheVolumeCostsOfTheirHours) {
  const sys_seconds first = kDay - hours(3);
  const sys_seconds last = kDay + hours(27);
  for (sys_seconds t = first; t < last; t += kInterval) store_->Write(Batch(t));
  store_->RollUp(last);
  const std::vector<PropertyRef> by_namespace_pod{{CostProperty::kNamespace, {}},
                                                  {CostProperty::kPod, {}}};
  const auto pv_costs = [&](const std::vector<model::AllocationRow>& rows) {
    std::map<std::string, Money> out;
    for (const model::AllocationRow& r : rows) {
      if (r.pv_cost != Money()) out[r.values[0] + "/" + r.values[1]] += r.pv_cost;
    }
    return out;
  };
  // Europe/Berlin's 2025-11-16 is 23:00 to 23:00 UTC: read as the UTC day less hours, then
  // from its local day rollup.
  const sys_seconds from = kDay - hours(1);
  const sys_seconds to = kDay + hours(23);
  for (const char* zone : {"", "Europe/Berlin"}) {
    SCOPED_TRACE(zone);
    ASSERT_TRUE(store_->SetLocalDayZone(zone));
    store_->RollUp(last);
    const auto exact = pv_costs(reader_->ReadAllocations(from, to, to - from, by_namespace_pod));
    ASSERT_EQ(exact.size(), 2U);
    EXPECT_EQ(pv_costs(reader_->ReadAllocationSums(from, to, to - from, by_namespace_pod)), exact);
  }
}

TEST_F(PostgresVolumeTest, RetentionRemovesOldVolumeRows) {
  for (sys_seconds t = kDay; t < kDay + hours(2); t += kInterval) store_->Write(Batch(t));
  store_->RollUp(kDay + hours(2));
  RetentionPolicy policy;
  policy.raw_days = 0;
  policy.hourly_days = 0;
  EXPECT_GT(store_->ApplyRetention(policy, kDay + std::chrono::days(3)), 0);
  EXPECT_TRUE(reader_->ReadVolumeAssets(kDay, kDay + hours(2)).empty());
}

}  // namespace
}  // namespace costledger::postgres
