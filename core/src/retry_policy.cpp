#include "costledger/model/retry_policy.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "costledger/model/errors.hpp"

namespace costledger::model {

void ValidateRetryPolicy(const RetryPolicy& policy) {
  if (policy.max_attempts < 1) {
    throw InvalidInput(fmt::format("retry.max_attempts: {} (at least 1)", policy.max_attempts));
  }
  if (policy.initial_delay.count() < 0) {
    throw InvalidInput(
        fmt::format("retry.initial_delay: {} ms (at least 0)", policy.initial_delay.count()));
  }
  if (policy.max_delay < policy.initial_delay) {
    throw InvalidInput(fmt::format("retry.max_delay: {} ms (at least initial_delay, {} ms)",
                                   policy.max_delay.count(), policy.initial_delay.count()));
  }
  if (!(policy.backoff_factor >= 1.0) || !std::isfinite(policy.backoff_factor)) {
    throw InvalidInput(fmt::format("retry.backoff_factor: {} (at least 1)", policy.backoff_factor));
  }
  if (!(policy.jitter >= 0.0 && policy.jitter <= 1.0)) {
    throw InvalidInput(fmt::format("retry.jitter: {} (from 0 to 1)", policy.jitter));
  }
}

std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int failed_attempt,
                                                    double random_unit) {
  ValidateRetryPolicy(policy);
  if (failed_attempt < 1) {
    throw InvalidInput(fmt::format("retry: failed attempt {} (the first is 1)", failed_attempt));
  }
  if (failed_attempt >= policy.max_attempts) return std::nullopt;
  const auto cap = static_cast<double>(policy.max_delay.count());
  // In doubles, capped before it can overflow: factor^(n-1) grows past any cap quickly.
  auto delay = static_cast<double>(policy.initial_delay.count());
  for (int n = 1; n < failed_attempt && delay < cap; ++n) delay *= policy.backoff_factor;
  delay = std::min(delay, cap);
  const double r = std::isnan(random_unit) ? 0.0 : std::clamp(random_unit, 0.0, 1.0);
  delay *= 1.0 - policy.jitter * r;
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::floor(delay)));
}

int CallWithRetries(const RetryPolicy& policy, const RetryHooks& hooks,
                    const std::function<void()>& attempt) {
  ValidateRetryPolicy(policy);
  if (!hooks.wait || !hooks.random_unit || !attempt) {
    throw InvalidInput("retry: wait, random_unit and the attempt are required");
  }
  for (int n = 1;; ++n) {
    try {
      attempt();
      return n;
    } catch (const TransientDeliveryError& e) {
      std::optional<std::chrono::milliseconds> delay = RetryDelay(policy, n, hooks.random_unit());
      if (!delay) throw;
      if (const auto asked = e.retry_after()) {
        if (*asked > policy.max_delay) throw;
        delay = std::max<std::chrono::milliseconds>(*delay, *asked);
      }
      if (hooks.on_retry) hooks.on_retry(e, n, *delay);
      hooks.wait(*delay);
    }
  }
}

}  // namespace costledger::model
