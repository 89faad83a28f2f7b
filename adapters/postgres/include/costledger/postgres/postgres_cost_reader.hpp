#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/cost_rows.hpp"

namespace costledger::postgres {

/// One node over a window (GET /v1/assets).
struct NodeAssetRow {
  std::string cluster;
  std::string node;
  std::string instance_type;
  std::string zone;
  std::string capacity_type;
  std::chrono::sys_seconds first_start;
  std::chrono::sys_seconds last_end;
  double seconds = 0;  ///< time the node was seen
  std::int64_t cpu_millicores = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t gpu_devices = 0;
  model::Money max_price_per_hour;
  model::Money cost;
  model::Money cpu_cost, ram_cost, gpu_cost;  ///< the node cost by resource pool
  model::Money idle_cpu, idle_ram, idle_gpu;
};

/// One priced Athena query execution (GET /v1/queries).
struct QueryCostRow {
  std::string cluster;
  std::string query_execution_id;
  std::string work_group;
  std::string team;
  std::string state;
  std::string statement_type;
  std::chrono::sys_seconds submitted;
  std::int64_t data_scanned_bytes = 0;
  std::int64_t engine_execution_millis = 0;
  model::Money cost;
  std::string query;
};

/// The read side of the PostgreSQL store, for the API. A window is answered from the coarsest
/// tier that is exact for each part of it: daily rollups for whole days, hourly rollups for
/// whole hours, raw intervals for the rest and for every hour or day whose rollup is pending,
/// so results equal a sum over the raw intervals (while they are retained).
/// Thread-safe: a small pool of connections. Throws Unavailable when the server is out of
/// reach, std::runtime_error for other database errors.
class PostgresCostReader {
 public:
  PostgresCostReader(std::string url, std::string password, std::size_t max_connections = 4);
  ~PostgresCostReader();
  PostgresCostReader(const PostgresCostReader&) = delete;
  PostgresCostReader& operator=(const PostgresCostReader&) = delete;
  PostgresCostReader(PostgresCostReader&&) = delete;
  PostgresCostReader& operator=(PostgresCostReader&&) = delete;

  /// Container costs in [start, end) grouped by step index (floor((t - start) / step)) and
  /// `grouping` (values in that order; labels of pods never seen are "").
  std::vector<model::AllocationRow> ReadAllocations(std::chrono::sys_seconds start,
                                                    std::chrono::sys_seconds end,
                                                    std::chrono::seconds step,
                                                    std::span<const model::PropertyRef> grouping);

  /// Idle cost per step, cluster and node in [start, end).
  std::vector<model::IdleRow> ReadIdle(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                                       std::chrono::seconds step);

  /// Nodes seen in [start, end).
  std::vector<NodeAssetRow> ReadAssets(std::chrono::sys_seconds start,
                                       std::chrono::sys_seconds end);

  /// Queries submitted in [start, end), most expensive first.
  std::vector<QueryCostRow> ReadQueries(std::chrono::sys_seconds start,
                                        std::chrono::sys_seconds end);

  /// Start of the newest stored interval of any cluster; nothing when none is stored.
  std::optional<std::chrono::sys_seconds> LatestInterval();

  /// True when a trivial query succeeds now.
  bool Ping();

 private:
  struct NodeStep {
    std::size_t step = 0;
    NodeAssetRow node;
  };
  std::vector<NodeStep> ReadNodeSteps(std::string_view operation, std::chrono::sys_seconds start,
                                      std::chrono::sys_seconds end, std::chrono::seconds step);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
