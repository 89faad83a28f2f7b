#include "costledger/reports/run_all.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace costledger::reports {

void RunAll(const std::vector<std::function<void()>>& tasks, std::size_t concurrency) {
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto work = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) {
      try {
        tasks[i]();
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = tasks.size();  // start nothing more
      }
    }
  };
  std::vector<std::jthread> helpers;
  const std::size_t threads = std::min(std::max<std::size_t>(concurrency, 1), tasks.size());
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  helpers.clear();  // joins
  if (error) std::rethrow_exception(error);
}

}  // namespace costledger::reports
