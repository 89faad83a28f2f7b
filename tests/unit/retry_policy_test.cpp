#include "costledger/model/retry_policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using testing::ErrorOf;
using ::testing::HasSubstr;

RetryPolicy Exact() {
  RetryPolicy p;
  p.max_attempts = 6;
  p.initial_delay = milliseconds(1000);
  p.max_delay = milliseconds(10'000);
  p.backoff_factor = 2.0;
  p.jitter = 0.0;
  return p;
}

struct Recorder {
  std::vector<milliseconds> waits;
  std::vector<int> retried_attempts;
  double random = 0.0;
  RetryHooks Hooks() {
    return {[this](milliseconds d) { waits.push_back(d); }, [this] { return random; },
            [this](const DeliveryError&, int attempt, milliseconds) {
              retried_attempts.push_back(attempt);
            }};
  }
};

TEST(RetryPolicyTest, DelaysGrowExponentiallyUpToTheCapAndStopAtMaxAttempts) {
  const RetryPolicy p = Exact();
  std::vector<milliseconds> delays;
  for (int attempt = 1; attempt < p.max_attempts; ++attempt)
    delays.push_back(*RetryDelay(p, attempt, 0.0));
  EXPECT_THAT(delays, ElementsAre(milliseconds(1000), milliseconds(2000), milliseconds(4000),
                                  milliseconds(8000), milliseconds(10'000)));
  EXPECT_EQ(RetryDelay(p, p.max_attempts, 0.0), std::nullopt);
  EXPECT_EQ(RetryDelay(p, p.max_attempts + 5, 0.0), std::nullopt);
}

TEST(RetryPolicyTest, JitterShortensTheDelayByTheInjectedShare) {
  RetryPolicy p = Exact();
  p.jitter = 0.2;
  EXPECT_EQ(RetryDelay(p, 2, 0.0), milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 2, 0.5), milliseconds(1800));
  EXPECT_EQ(RetryDelay(p, 2, 0.999), milliseconds(1600));  // 1600.4, rounded down
  // Out of range and NaN draws are clamped, never a negative or longer wait.
  EXPECT_EQ(RetryDelay(p, 2, 7.0), milliseconds(1600));
  EXPECT_EQ(RetryDelay(p, 2, -1.0), milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 2, std::nan("")), milliseconds(2000));
  p.jitter = 1.0;  // "full jitter": anywhere in [0, delay]
  EXPECT_EQ(RetryDelay(p, 3, 0.25), milliseconds(3000));
}

TEST(RetryPolicyTest, ManyAttemptsStayAtTheCapWithoutOverflow) {
  RetryPolicy p = Exact();
  p.max_attempts = std::numeric_limits<int>::max();
  p.backoff_factor = 10.0;
  EXPECT_EQ(RetryDelay(p, 1'000'000, 0.0), milliseconds(10'000));
  p.backoff_factor = 1.0;  // constant delay
  EXPECT_EQ(RetryDelay(p, 50, 0.0), milliseconds(1000));
}

TEST(RetryPolicyTest, InvalidPoliciesAreRefusedNamingTheField) {
  const auto refused = [](const std::function<void(RetryPolicy&)>& change) {
    RetryPolicy p = Exact();
    change(p);
    return ErrorOf<InvalidInput>([&] { ValidateRetryPolicy(p); });
  };
  EXPECT_THAT(refused([](RetryPolicy& p) { p.max_attempts = 0; }), HasSubstr("max_attempts"));
  EXPECT_THAT(refused([](RetryPolicy& p) { p.initial_delay = milliseconds(-1); }),
              HasSubstr("initial_delay"));
  EXPECT_THAT(refused([](RetryPolicy& p) { p.max_delay = milliseconds(10); }),
              HasSubstr("max_delay"));
  EXPECT_THAT(refused([](RetryPolicy& p) { p.backoff_factor = 0.5; }), HasSubstr("backoff_factor"));
  EXPECT_THAT(refused([](RetryPolicy& p) { p.backoff_factor = std::nan(""); }),
              HasSubstr("backoff_factor"));
  EXPECT_THAT(refused([](RetryPolicy& p) { p.jitter = 1.5; }), HasSubstr("jitter"));
  EXPECT_THAT(ErrorOf<InvalidInput>([] { RetryDelay(Exact(), 0, 0.0); }), HasSubstr("attempt"));
}

TEST(RetryPolicyTest, CallWithRetriesReturnsAtOnceWhenTheFirstAttemptWorks) {
  Recorder r;
  int calls = 0;
  EXPECT_EQ(CallWithRetries(Exact(), r.Hooks(), [&] { ++calls; }), 1);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.waits.empty());
}

TEST(RetryPolicyTest, CallWithRetriesRetriesTransientFailuresWithBackoff) {
  Recorder r;
  int calls = 0;
  const int attempts = CallWithRetries(Exact(), r.Hooks(), [&] {
    if (++calls < 4) throw TransientDeliveryError("busy", 451);
  });
  EXPECT_EQ(attempts, 4);
  EXPECT_THAT(r.waits, ElementsAre(milliseconds(1000), milliseconds(2000), milliseconds(4000)));
  EXPECT_THAT(r.retried_attempts, ElementsAre(1, 2, 3));
}

TEST(RetryPolicyTest, CallWithRetriesGivesUpWithTheLastTransientError) {
  Recorder r;
  int calls = 0;
  const std::string message = ErrorOf<TransientDeliveryError>([&] {
    CallWithRetries(Exact(), r.Hooks(),
                    [&] { throw TransientDeliveryError("attempt " + std::to_string(++calls)); });
  });
  EXPECT_EQ(message, "attempt 6");
  EXPECT_EQ(r.waits.size(), 5U);
}

TEST(RetryPolicyTest, CallWithRetriesNeverRetriesPermanentOrOtherErrors) {
  Recorder r;
  int calls = 0;
  ErrorOf<PermanentDeliveryError>([&] {
    CallWithRetries(Exact(), r.Hooks(), [&] {
      ++calls;
      throw PermanentDeliveryError("550 no such user", 550);
    });
  });
  EXPECT_THROW(CallWithRetries(Exact(), r.Hooks(),
                               [&] {
                                 ++calls;
                                 throw std::logic_error("bug");
                               }),
               std::logic_error);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(r.waits.empty());
}

TEST(RetryPolicyTest, CallWithRetriesHonoursRetryAfterWithinTheCap) {
  Recorder r;
  int calls = 0;
  CallWithRetries(Exact(), r.Hooks(), [&] {
    if (++calls == 1) throw TransientDeliveryError("slow down", 429, std::chrono::seconds(3));
    if (calls == 2) throw TransientDeliveryError("slow down", 429, std::chrono::seconds(1));
  });
  // 3 s is longer than the policy's 1 s; 1 s is shorter than its 2 s.
  EXPECT_THAT(r.waits, ElementsAre(milliseconds(3000), milliseconds(2000)));

  Recorder too_long;
  calls = 0;
  ErrorOf<TransientDeliveryError>([&] {
    CallWithRetries(Exact(), too_long.Hooks(), [&] {
      ++calls;
      throw TransientDeliveryError("come back in an hour", 503, std::chrono::hours(1));
    });
  });
  EXPECT_EQ(calls, 1);  // the caller's schedule retries later; no thread blocks for an hour
  EXPECT_TRUE(too_long.waits.empty());
}

TEST(RetryPolicyTest, CallWithRetriesNeedsItsHooks) {
  RetryHooks none;
  EXPECT_THROW(CallWithRetries(Exact(), none, [] {}), InvalidInput);
}

}  // namespace
}  // namespace costledger::model
