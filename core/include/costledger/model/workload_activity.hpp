#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace costledger::model {

/// How long one workload ran in one day, per cluster, namespace and team: the sum over the
/// day's hours of the time from its first container's start to its last container's end in
/// the hour (a whole hour when those do not give one). The daily rollup keeps it, so that a
/// week's efficiency feed reads 7 rows per workload instead of 168, with the same active time
/// as its hours give (BuildWorkloadFeed).
struct WorkloadActivityRow {
  std::size_t step = 0;  ///< the day's index, counted from the first day read
  std::string cluster;
  std::string namespace_name;
  std::string team;
  /// Within the namespace: FeedWorkloadName's part after "namespace/" (the workload the
  /// platform named, else the controller).
  std::string name;
  std::int64_t active_seconds = 0;
  friend bool operator==(const WorkloadActivityRow&, const WorkloadActivityRow&) = default;
};

}  // namespace costledger::model
