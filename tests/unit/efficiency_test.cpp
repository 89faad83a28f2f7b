#include "costledger/model/efficiency.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

TEST(EfficiencyTest, UsageOverRequest) {
  EXPECT_DOUBLE_EQ(ResourceEfficiency(0.5, 2.0), 0.25);
  EXPECT_DOUBLE_EQ(ResourceEfficiency(3.0, 2.0), 1.5);  // may exceed 1
}

TEST(EfficiencyTest, NoRequestIsOneIfUsedElseZero) {
  EXPECT_DOUBLE_EQ(ResourceEfficiency(0.1, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(ResourceEfficiency(0.0, 0.0), 0.0);
}

TEST(EfficiencyTest, GpuIsUtilisationOverRequestedDevices) {
  EXPECT_DOUBLE_EQ(GpuEfficiency(1.5, 2.0), 0.75);
  EXPECT_DOUBLE_EQ(GpuEfficiency(0.3, 0.0), 0.0);
}

TEST(EfficiencyTest, TotalIsCostWeighted) {
  // cpu 0.5 at $3, ram 1.0 at $1 -> (1.5 + 1) / 4.
  EXPECT_DOUBLE_EQ(TotalEfficiency(0.5, Money::ParseDollars("3"), 1.0, Money::ParseDollars("1")),
                   0.625);
  EXPECT_DOUBLE_EQ(TotalEfficiency(0.5, Money{}, 1.0, Money{}), 0.0);
}

}  // namespace
}  // namespace costledger::model
