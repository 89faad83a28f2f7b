#include "costledger/model/usage.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace costledger::model {
namespace {

KubeletContainerSample Cpu(const char* pod, double seconds_total, double working_set = 0) {
  KubeletContainerSample s;
  s.namespace_name = "ns";
  s.pod = pod;
  s.container = "c";
  s.cpu_usage_seconds_total = seconds_total;
  if (working_set > 0) s.memory_working_set_bytes = working_set;
  return s;
}

TEST(UsageTest, CpuRateIsCounterDeltaOverElapsed) {
  const std::vector<KubeletContainerSample> before{Cpu("a", 100.0)};
  const std::vector<KubeletContainerSample> after{Cpu("a", 130.0, 5e8)};
  UsageIndex usage;
  AddKubeletUsage(before, after, std::chrono::seconds(60), usage);
  const ContainerUsage* u = usage.Find(UsageIndex::Key("ns", "a", "c"));
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->cpu_millicores, 500);
  EXPECT_EQ(u->memory_bytes, 500'000'000);
}

TEST(UsageTest, CounterResetIsNotNegativeUsage) {
  const std::vector<KubeletContainerSample> before{Cpu("a", 5000.0)};
  const std::vector<KubeletContainerSample> after{Cpu("a", 6.0)};  // restarted mid-interval
  UsageIndex usage;
  AddKubeletUsage(before, after, std::chrono::seconds(60), usage);
  EXPECT_EQ(usage.Find(UsageIndex::Key("ns", "a", "c"))->cpu_millicores, 100);
}

TEST(UsageTest, MissingPreviousSampleLeavesNoCpuRate) {
  const std::vector<KubeletContainerSample> after{Cpu("new", 30.0, 1e6)};
  UsageIndex usage;
  AddKubeletUsage({}, after, std::chrono::seconds(60), usage);
  const ContainerUsage* u = usage.Find(UsageIndex::Key("ns", "new", "c"));
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->cpu_millicores, 0);
  EXPECT_EQ(u->memory_bytes, 1'000'000);
}

TEST(UsageTest, GpuUtilisationSumsDevicesPerContainer) {
  DcgmGpuSample g0;
  g0.namespace_name = "ml";
  g0.pod = "train";
  g0.container = "c";
  g0.utilisation_percent = 80;
  DcgmGpuSample g1 = g0;
  g1.utilisation_percent = 40;
  DcgmGpuSample idle_device;  // not assigned to a pod
  idle_device.utilisation_percent = 0;
  UsageIndex usage;
  AddGpuUsage(std::vector<DcgmGpuSample>{g0, g1, idle_device}, usage);
  EXPECT_EQ(usage.size(), 1U);
  EXPECT_DOUBLE_EQ(*usage.Find(UsageIndex::Key("ml", "train", "c"))->gpu_busy_devices, 1.2);
}

}  // namespace
}  // namespace costledger::model
