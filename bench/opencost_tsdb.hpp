#pragma once

// The Prometheus side of the allocation bench: the bench's cluster (allocation_cluster.hpp) as
// the metrics OpenCost's allocation and asset computations query, in a TSDB made by
// `promtool tsdb create-blocks-from openmetrics`, cached between runs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace costledger::bench {

using ProgressFn = std::function<void(const std::string&)>;

/// The timestamp (Unix seconds) of the one sample per series that stands for hour h (0 ..
/// kHours-1 from kFirstDay): one second before the hour ends. As OpenCost assumes, a sample
/// stands for the time before it; off the hour, so that no sample sits on the boundary of a
/// day, which Prometheus 2's ranges [t - d, t] include at both ends. A real scrape every 60 s
/// stores 60x more samples: one per hour is generous to Prometheus.
constexpr std::int64_t SampleTime(std::int64_t first_day, int h) {
  return first_day + (std::int64_t{h} + 1) * 3600 - 1;
}

struct OpenCostTsdb {
  std::string blocks_dir;  ///< the TSDB's block directories (PrivatePrometheus blocks_from)
  bool cached = false;     ///< found from an earlier run
  std::string summary;     ///< series, samples, size, what it took to make
};

/// The TSDB for the bench's cluster under `cache_root` (the build directory's bench-cache),
/// keyed by the generator's parameters, the generator version and promtool's version; made if
/// missing: the OpenMetrics text is written one 162-hour block range at a time (each is made
/// into one block by promtool, then deleted), so the disk holds at most one range of text.
/// Reports each long step through `progress`.
OpenCostTsdb EnsureOpenCostTsdb(const std::string& cache_root, const ProgressFn& progress);

}  // namespace costledger::bench
