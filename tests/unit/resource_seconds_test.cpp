#include "costledger/model/resource_seconds.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::seconds;

TEST(ResourceSecondsTest, CapacityHeldForALength) {
  const ResourceSeconds r = ResourceSeconds::Of(
      {.cpu_millicores = 2000, .memory_bytes = 8 * kBytesPerGiB, .gpu_devices = 1}, seconds(60));
  EXPECT_TRUE(r.cpu_millicore_seconds == 120'000);
  EXPECT_TRUE(r.memory_byte_seconds == Int128{8} * kBytesPerGiB * 60);
  EXPECT_TRUE(r.gpu_millidevice_seconds == 60'000);
  EXPECT_DOUBLE_EQ(r.CpuCoreHours(), 2.0 / 60);
  EXPECT_DOUBLE_EQ(r.MemoryGibHours(), 8.0 / 60);
  EXPECT_DOUBLE_EQ(r.GpuDeviceHours(), 1.0 / 60);
}

TEST(ResourceSecondsTest, SumsBeyondInt64StayExact) {
  // 1 TiB held for a year is about 3.5e19 byte-seconds, more than int64 holds.
  const ResourceSeconds year =
      ResourceSeconds::Of({.memory_bytes = kBytesPerGiB * 1024}, seconds(365 * 24 * 3600));
  ResourceSeconds sum;
  sum += year;
  sum += year;
  EXPECT_TRUE(sum.memory_byte_seconds == Int128{2} * kBytesPerGiB * 1024 * 365 * 24 * 3600);
  EXPECT_TRUE(sum.memory_byte_seconds > std::numeric_limits<std::int64_t>::max());
}

TEST(ResourceSecondsTest, FractionIsNulloptWithoutDenominator) {
  EXPECT_EQ(Fraction(1, 4), 0.25);
  EXPECT_EQ(Fraction(0, 4), 0.0);
  EXPECT_EQ(Fraction(5, 4), 1.25);
  EXPECT_EQ(Fraction(0, 0), std::nullopt);
  EXPECT_EQ(Fraction(3, 0), std::nullopt);
}

TEST(ResourceSecondsTest, CostPerUnitHourIsExactAndHalfEven) {
  // $0.024 paid for 60 core-seconds (1/60 core-hour): $1.44 per core-hour.
  EXPECT_EQ(CostPerUnitHour(Money::FromNanos(24'000'000), 60'000, kMillicoresPerCore),
            Money::FromNanos(1'440'000'000));
  // 1 n$ over 7200 s per node-hour is 0.5 n$: half to even gives 0; 3 n$ gives 1.5 -> 2.
  EXPECT_EQ(CostPerUnitHour(Money::FromNanos(1), 7200, 1), Money::FromNanos(0));
  EXPECT_EQ(CostPerUnitHour(Money::FromNanos(3), 7200, 1), Money::FromNanos(2));
  // 1 n$ over 7 s: 514.28... -> 514.
  EXPECT_EQ(CostPerUnitHour(Money::FromNanos(1), 7, 1), Money::FromNanos(514));
}

TEST(ResourceSecondsTest, CostPerUnitHourWithoutUsageIsNullopt) {
  EXPECT_EQ(CostPerUnitHour(Money::FromNanos(1'000), 0, kMillicoresPerCore), std::nullopt);
  EXPECT_EQ(CostPerUnitHour(Money{}, 0, kBytesPerGiB), std::nullopt);
  // Nothing paid for real usage is a price of zero, not a missing figure.
  EXPECT_EQ(CostPerUnitHour(Money{}, 1'000, kMillicoresPerCore), Money{});
}

TEST(ResourceSecondsTest, CostPerUnitHourOutOfMoneyRangeIsNullopt) {
  // $5M for one millicore-second: $1.8e13 per core-hour, beyond int64 nano-dollars.
  EXPECT_EQ(CostPerUnitHour(Money::ParseDollars("5000000"), 1, kMillicoresPerCore), std::nullopt);
  EXPECT_THROW((void)CostPerUnitHour(Money{}, 1, 0), InvalidInput);
  EXPECT_THROW((void)CostPerUnitHour(Money{}, 1, (std::int64_t{1} << 50) + 1), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
