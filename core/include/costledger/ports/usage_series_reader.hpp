#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/efficiency_feed.hpp"
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

  /// As ReadUsageSeries without a team, of the workloads named only (as the efficiency feed
  /// names them: FeedWorkloadName, "namespace/name"), for a page that shows some of them. This
  /// default reads every series and keeps theirs; a store may read theirs alone.
  virtual std::vector<model::ContainerUsageSeries> ReadWorkloadUsageSeries(
      model::TimeWindow window, std::span<const std::string> workloads) {
    std::vector<model::ContainerUsageSeries> series = ReadUsageSeries(window, std::nullopt);
    const std::set<std::string_view> wanted(workloads.begin(), workloads.end());
    std::erase_if(series, [&](const model::ContainerUsageSeries& s) {
      return !wanted.contains(
          model::FeedWorkloadName(s.namespace_name, s.controller, s.platform, s.workload));
    });
    return series;
  }
};

}  // namespace costledger::ports
