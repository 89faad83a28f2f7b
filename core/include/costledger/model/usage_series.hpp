#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "costledger/model/rightsizing.hpp"

namespace costledger::model {

/// The hourly usage of one container of one controller over a window, every replica merged,
/// for right-sizing (RecommendCpu/RecommendMemory take the samples as they are).
struct ContainerUsageSeries {
  std::string cluster;
  std::string namespace_name;
  std::string controller_kind;
  std::string controller;
  std::string platform;  ///< as NameWorkload named the pods ("" for rows stored before)
  std::string workload;
  std::string container;
  std::string team;  ///< the smallest team label its rows carry in the window

  /// One sample per pod and hour with usage observed: the hour's average over its observed
  /// seconds, at the hour's start; ordered by hour, then pod. Millicores.
  std::vector<UsageSample> cpu_millicores;
  /// As cpu_millicores, in bytes (working set).
  std::vector<UsageSample> memory_bytes;

  /// Requests averaged over every second any replica ran in the window (so a request changed
  /// mid-week counts by time), rounded half up.
  std::int64_t cpu_request_millicores = 0;
  std::int64_t memory_request_bytes = 0;

  std::int64_t pods = 0;               ///< distinct pods seen in the window
  std::int64_t container_seconds = 0;  ///< seconds summed over the pods (2 all week: 1'209'600)
};

}  // namespace costledger::model
