#include "costledger/delivery/sleeping_retry_hooks.hpp"

#include <random>
#include <thread>

namespace costledger::delivery {

model::RetryHooks SleepingRetryHooks(
    std::function<void(const DeliveryError&, int, std::chrono::milliseconds)> on_retry) {
  return {[](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); },
          [] {
            thread_local std::mt19937_64 generator{std::random_device{}()};
            return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
          },
          std::move(on_retry)};
}

}  // namespace costledger::delivery
