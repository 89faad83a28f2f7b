// Rule 9's price side: what an EBS volume is billed for, and its exact cost per interval.
#include "costledger/model/volume_pricing.hpp"

#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kGiB = std::int64_t{1} << 30;

PersistentVolume Pv(std::int64_t gib, std::string csi_driver = "ebs.csi.aws.com") {
  PersistentVolume pv;
  pv.name = "pvc-1";
  pv.capacity_bytes = gib * kGiB;
  pv.csi_driver = std::move(csi_driver);
  pv.storage_class = "fast";
  return pv;
}

StorageClass Class(std::string provisioner, TextMap parameters) {
  return {"fast", std::move(provisioner), std::move(parameters)};
}

TEST(VolumePricingTest, CsiVolumeTakesTheClassTypeAndBillsGp3IopsAndThroughputAboveTheFreeBase) {
  const StorageClass sc =
      Class("ebs.csi.aws.com", {{"type", "gp3"}, {"iops", "6000"}, {"throughput", "250"}});
  const VolumeSpec spec = VolumeSpecOf(Pv(100), &sc);
  EXPECT_TRUE(spec.ebs);
  EXPECT_EQ(spec.price_key, "gp3");
  EXPECT_EQ(spec.size_bytes, 100 * kGiB);
  EXPECT_EQ(spec.billed_iops, 3000);
  EXPECT_EQ(spec.billed_throughput_mibps, 125);
}

TEST(VolumePricingTest, DefaultTypesAreEachProvisionersOwn) {
  EXPECT_EQ(VolumeSpecOf(Pv(10), nullptr).price_key, "gp3");
  const StorageClass in_tree = Class("kubernetes.io/aws-ebs", {});
  EXPECT_EQ(VolumeSpecOf(Pv(10, ""), &in_tree).price_key, "gp2");
  PersistentVolume legacy = Pv(10, "");
  legacy.aws_ebs_in_tree = true;
  EXPECT_EQ(VolumeSpecOf(legacy, nullptr).price_key, "gp2");
}

TEST(VolumePricingTest, Io1BillsEveryIopsAlsoFromIopsPerGb) {
  const StorageClass sc = Class("kubernetes.io/aws-ebs", {{"type", "io1"}, {"iopsPerGB", "10"}});
  const VolumeSpec spec = VolumeSpecOf(Pv(200, ""), &sc);
  EXPECT_EQ(spec.price_key, "io1");
  EXPECT_EQ(spec.billed_iops, 2000);
  EXPECT_EQ(spec.billed_throughput_mibps, 0);
}

TEST(VolumePricingTest, VolumesThatAreNotEbsArePricedByTheirStorageClass) {
  const StorageClass sc = Class("rancher.io/local-path", {{"type", "gp3"}});
  PersistentVolume pv = Pv(10, "");
  pv.storage_class = "local-path";
  const VolumeSpec spec = VolumeSpecOf(pv, &sc);
  EXPECT_FALSE(spec.ebs);
  EXPECT_EQ(spec.price_key, "local-path");
}

TEST(VolumePricingTest, CostIsSizeTimesPriceOver730HoursRoundedOnce) {
  VolumeSpec spec;
  spec.size_bytes = 100 * kGiB;
  const VolumePrice gp3{Money::ParseDollars("0.08"), Money::ParseDollars("0.005"),
                        Money::ParseDollars("40.96")};
  // 100 GiB x $0.08 = $8 a month; an hour is $8 / 730 = 0.010958904109... -> 10958904 n$.
  EXPECT_EQ(VolumeIntervalCost(spec, gp3, std::chrono::hours(1)).nanos(), 10'958'904);
  EXPECT_EQ(VolumeIntervalCost(spec, gp3, std::chrono::hours(730)).nanos(), 8'000'000'000);
  // 3000 IOPS x $0.005 + 125 MiB/s x $40.96/1024 = $15 + $5 = $20 a month beyond the size.
  spec.billed_iops = 3000;
  spec.billed_throughput_mibps = 125;
  EXPECT_EQ(VolumeIntervalCost(spec, gp3, std::chrono::hours(730)).nanos(), 28'000'000'000);
  EXPECT_EQ(VolumeIntervalCost(spec, gp3, std::chrono::seconds(0)).nanos(), 0);
}

TEST(VolumePricingTest, NegativeInputsAreRefused) {
  VolumeSpec spec;
  spec.size_bytes = -1;
  EXPECT_THROW(VolumeIntervalCost(spec, {}, std::chrono::seconds(60)), InvalidInput);
  spec.size_bytes = 1;
  EXPECT_THROW(VolumeIntervalCost(spec, {}, std::chrono::seconds(-60)), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
