#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "costledger/model/delivery_error.hpp"

namespace costledger::model {

/// How often and how long to retry a delivery: exponential backoff with a cap and jitter.
/// The n-th retry waits min(initial_delay x backoff_factor^(n-1), max_delay), shortened by a
/// random share of at most `jitter` of it (so that replicas that failed together do not retry
/// together).
struct RetryPolicy {
  int max_attempts = 5;                           ///< attempts in all, the first included; >= 1
  std::chrono::milliseconds initial_delay{1000};  ///< before the second attempt; >= 0
  std::chrono::milliseconds max_delay{60'000};    ///< no wait is longer; >= initial_delay
  double backoff_factor = 2.0;                    ///< >= 1
  double jitter = 0.2;  ///< in [0, 1]: 0 waits exactly, 1 waits anywhere in [0, delay]
};

/// Throws InvalidInput naming the field when `policy` breaks a bound stated on its fields.
void ValidateRetryPolicy(const RetryPolicy& policy);

/// How long to wait after attempt `failed_attempt` (1 = the first) failed before the next one,
/// or nullopt when that was the last attempt the policy allows. `random_unit` is a draw from
/// [0, 1) (clamped to it) that the caller injects: the delay is d x (1 - jitter x random_unit)
/// for the capped exponential d, rounded down to whole milliseconds. Pure; throws InvalidInput
/// for an invalid policy or failed_attempt < 1.
std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int failed_attempt,
                                                    double random_unit);

/// What CallWithRetries needs from its caller (so that it reads no clock and sleeps through
/// the caller: tests wait for nothing).
struct RetryHooks {
  std::function<void(std::chrono::milliseconds)> wait;  ///< sleeps; required
  std::function<double()> random_unit;                  ///< uniform in [0, 1); required
  /// Called before each wait with the error, the attempt that failed and the delay (e.g. to
  /// log it and count it in /metrics); optional.
  std::function<void(const DeliveryError&, int, std::chrono::milliseconds)> on_retry;
};

/// Calls `attempt` until it returns; after a TransientDeliveryError it waits RetryDelay (or the
/// error's retry_after when longer) and tries again, up to policy.max_attempts. Returns how many
/// attempts were made (1 when the first succeeded).
/// Throws: a PermanentDeliveryError (or any other exception) from `attempt` at once; the last
/// TransientDeliveryError once the attempts are used up, or at once when its retry_after is
/// longer than policy.max_delay (the caller's schedule should retry later instead of blocking);
/// InvalidInput for an invalid policy or missing hooks. Thread-safe when the hooks are.
int CallWithRetries(const RetryPolicy& policy, const RetryHooks& hooks,
                    const std::function<void()>& attempt);

}  // namespace costledger::model
