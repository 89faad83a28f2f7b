#pragma once

// The PromQL baseline of the allocation bench: what OpenCost does to answer
// /allocation?window=30d&aggregate=...&accumulate=true (idle included) from Prometheus, i.e.
// the PromQL queries it sends over HTTP, as it sends them, and the arithmetic its Go code
// does on the results (pkg/costmodel: ComputeAllocation, computeAllocation, buildPodMap,
// ComputeAssets/ClusterNodes, computeIdleAllocations).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace costledger::bench {

/// One group of the answer: dollars, and hours of each resource.
struct PromqlGroup {
  double cpu_cost = 0, ram_cost = 0, gpu_cost = 0;
  double cpu_core_hours = 0, ram_byte_hours = 0, gpu_hours = 0;
  double cpu_request_core_hours = 0, ram_request_byte_hours = 0;
  double cpu_usage_core_hours = 0, ram_usage_byte_hours = 0;
  double TotalCost() const { return cpu_cost + ram_cost + gpu_cost; }
  void Add(const PromqlGroup& other);
};

/// The answer by aggregate value, "__idle__" included (idle per cluster, not shared).
using PromqlAnswer = std::map<std::string, PromqlGroup>;

/// Where the time of one answer went.
struct PromqlTimings {
  int queries = 0;
  std::int64_t response_bytes = 0;  ///< as received (identity or gzip)
  double wall_ms = 0;               ///< all queries, decoding and arithmetic (not aggregation)
  double http_ms = 0;               ///< summed over queries: request to last byte
  double decode_ms = 0;             ///< summed over queries: JSON parsing
  /// Summed HTTP milliseconds and count by query name.
  std::map<std::string, std::pair<double, int>> by_query;
};

/// The container-level result OpenCost accumulates over the window (before aggregation).
struct PromqlContainers {
  struct Container {
    std::string namespace_name, pod, container, node;
    PromqlGroup sums;
  };
  std::vector<Container> containers;
  PromqlGroup idle;  ///< asset costs minus allocated costs, per resource
};

/// Aggregates as OpenCost's AllocationSet.AggregateBy does, for "namespace" or "pod".
PromqlAnswer Aggregate(const PromqlContainers& containers, const std::string& aggregate);

/// Sends OpenCost's queries to a Prometheus at `url` and computes its allocation.
class OpenCostPromql {
 public:
  struct Options {
    /// OpenCost's MAX_QUERY_CONCURRENCY (default 5): queries in flight at once.
    int concurrency = 5;
    /// OpenCost's batch: ComputeAllocation splits a longer window into sets of
    /// ETL_MAX_PROMETHEUS_QUERY_DURATION_MINUTES (default 1440) and accumulates them.
    std::chrono::seconds batch{86'400};
    /// The resolution of the subqueries ([d:<res>m]); the data has one sample per hour.
    std::chrono::minutes resolution{60};
    /// Ask for gzip as Go's HTTP client does by default (Prometheus then compresses).
    bool gzip = false;
  };

  OpenCostPromql(std::string url, Options options);
  ~OpenCostPromql();
  OpenCostPromql(const OpenCostPromql&) = delete;
  OpenCostPromql& operator=(const OpenCostPromql&) = delete;
  OpenCostPromql(OpenCostPromql&&) = delete;
  OpenCostPromql& operator=(OpenCostPromql&&) = delete;

  /// The allocation of [start, end) plus the idle of the window, as OpenCost computes it.
  PromqlContainers Compute(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                           PromqlTimings* timings = nullptr);

  /// The queries Compute sends for one batch [start, end) (in the order OpenCost fires them;
  /// the first is awaited before the others are sent) and, for the whole window, the asset
  /// queries; the time of each is `end`.
  std::vector<std::pair<std::string, std::string>> BatchQueries(std::chrono::sys_seconds start,
                                                                std::chrono::sys_seconds end) const;
  std::vector<std::pair<std::string, std::string>> AssetQueries(std::chrono::sys_seconds start,
                                                                std::chrono::sys_seconds end) const;

 private:
  class Client;
  struct Result;
  std::vector<Result> Run(const std::vector<std::pair<std::string, std::string>>& queries,
                          std::int64_t time, PromqlTimings* timings);

  std::string url_;
  Options options_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace costledger::bench
