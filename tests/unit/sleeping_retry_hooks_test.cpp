#include "costledger/delivery/sleeping_retry_hooks.hpp"

#include <gtest/gtest.h>

#include <set>

namespace costledger::delivery {
namespace {

TEST(SleepingRetryHooksTest, DrawsFromTheUnitIntervalAndVaries) {
  const model::RetryHooks hooks = SleepingRetryHooks();
  std::set<double> seen;
  for (int i = 0; i < 1000; ++i) {
    const double r = hooks.random_unit();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
    seen.insert(r);
  }
  EXPECT_GT(seen.size(), 990U);
}

TEST(SleepingRetryHooksTest, WaitsAtLeastTheDelayAndPassesOnRetryThrough) {
  int calls = 0;
  const model::RetryHooks hooks = SleepingRetryHooks(
      [&calls](const DeliveryError&, int, std::chrono::milliseconds) { ++calls; });
  const auto started = std::chrono::steady_clock::now();
  hooks.wait(std::chrono::milliseconds(30));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(30));
  hooks.on_retry(TransientDeliveryError("x"), 1, std::chrono::milliseconds(1));
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(SleepingRetryHooks().on_retry);
}

}  // namespace
}  // namespace costledger::delivery
