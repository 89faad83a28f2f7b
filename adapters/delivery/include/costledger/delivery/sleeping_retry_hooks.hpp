#pragma once

#include <chrono>
#include <functional>

#include "costledger/model/delivery_error.hpp"
#include "costledger/model/retry_policy.hpp"

namespace costledger::delivery {

/// model::RetryHooks for production: `wait` sleeps the calling thread, `random_unit` draws from
/// [0, 1) (std::random_device seeds a generator per thread), `on_retry` is the one given (e.g. a
/// log line and a counter; may be empty). A caller that must stop promptly (shutdown) passes
/// hooks of its own whose wait returns early. Thread-safe.
model::RetryHooks SleepingRetryHooks(
    std::function<void(const DeliveryError&, int, std::chrono::milliseconds)> on_retry = {});

}  // namespace costledger::delivery
