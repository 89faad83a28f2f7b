#pragma once

#include <map>
#include <string>
#include <vector>

#include "costledger/model/window.hpp"
#include "costledger/model/work_counter.hpp"

namespace costledger::ports {

/// Where the efficiency feed reads the readings of the workloads' configured work counters
/// (e.g. a queue consumer's items_processed_total). Thread-safe; never throws for a workload
/// whose counter could not be read (it simply has fewer readings).
class WorkCounterReader {
 public:
  WorkCounterReader() = default;
  virtual ~WorkCounterReader() = default;
  // An interface: implementations are used by reference, never copied.
  WorkCounterReader(const WorkCounterReader&) = delete;
  WorkCounterReader& operator=(const WorkCounterReader&) = delete;
  WorkCounterReader(WorkCounterReader&&) = delete;
  WorkCounterReader& operator=(WorkCounterReader&&) = delete;

  /// Per workload name (as the feed names workloads, e.g. "queue/worker"), its counter's
  /// readings inside `window`, in time order. Workloads without a counter are absent.
  virtual std::map<std::string, std::vector<model::CounterSample>, std::less<>> ReadCounters(
      model::TimeWindow window) = 0;
};

}  // namespace costledger::ports
