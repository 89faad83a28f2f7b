#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "costledger/fetch/http_fetch.hpp"
#include "costledger/ports/work_counter_reader.hpp"

namespace costledger::fetch {

/// A workload's work counter: a Prometheus text endpoint and a counter name on it.
struct WorkCounterTarget {
  std::string workload;  ///< as the efficiency feed names it, e.g. "queue/worker"
  std::string url;
  std::string counter;  ///< e.g. items_processed_total; every series of it is summed
};

/// Reads the workloads' work counters (evaluator-side: in the serving process, not stored) and
/// keeps their readings in memory for `retention`, for the efficiency feed. The readings are
/// raw counter values; resets are handled where they are used (model::CounterIncrease, as
/// Prometheus does). Summing a counter's series means a reset of one series while others grow
/// is seen only when the sum drops. Readings are lost on restart.
/// Thread-safe: Scrape and ReadCounters may run concurrently.
class WorkCounterScraper final : public ports::WorkCounterReader {
 public:
  WorkCounterScraper(std::vector<WorkCounterTarget> targets, FetchOptions options,
                     std::chrono::seconds retention);

  /// Fetches every target once and records one reading at `now` per target that answered with
  /// the counter. Returns the errors ("<workload>: <what>"), one per failing target; never
  /// throws for a failing target.
  std::vector<std::string> Scrape(std::chrono::sys_seconds now);

  /// Records a reading as Scrape does (for tests and replays).
  void Record(const std::string& workload, std::chrono::sys_seconds at, double value);

  std::map<std::string, std::vector<model::CounterSample>, std::less<>> ReadCounters(
      model::TimeWindow window) override;

 private:
  std::vector<WorkCounterTarget> targets_;
  FetchOptions options_;
  std::chrono::seconds retention_;
  std::mutex mutex_;
  std::map<std::string, std::deque<model::CounterSample>, std::less<>> readings_;
};

}  // namespace costledger::fetch
