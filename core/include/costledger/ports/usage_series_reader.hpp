#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costledger/model/usage_series.hpp"
#include "costledger/model/window.hpp"

namespace costledger::ports {

/// Where right-sizing reads hourly usage. Thread-safe; throws Unavailable when the store cannot
/// be reached, InvalidInput as stated, std::runtime_error for other failures.
class UsageSeriesReader {
 public:
  UsageSeriesReader() = default;
  virtual ~UsageSeriesReader() = default;
  // An interface: implementations are used by reference, never copied.
  UsageSeriesReader(const UsageSeriesReader&) = delete;
  UsageSeriesReader& operator=(const UsageSeriesReader&) = delete;
  UsageSeriesReader(UsageSeriesReader&&) = delete;
  UsageSeriesReader& operator=(UsageSeriesReader&&) = delete;

  /// One series per cluster, namespace, controller kind, controller, platform, workload and
  /// container with rows
  /// in `window` (of `team` only, when given), every replica (pod) merged; ordered by those
  /// labels. Reads the hourly rollups: hours not rolled up yet are missing. Throws InvalidInput
  /// unless the window's ends are whole UTC hours and start <= end.
  virtual std::vector<model::ContainerUsageSeries> ReadUsageSeries(
      model::TimeWindow window, const std::optional<std::string>& team) = 0;
};

}  // namespace costledger::ports
