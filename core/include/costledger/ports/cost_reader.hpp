#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/query_summary.hpp"
#include "costledger/model/workload_activity.hpp"

namespace costledger::ports {

// Where the API, reports and quotas read stored costs. Every method is thread-safe, throws
// Unavailable when the store cannot be reached and std::runtime_error for other failures.
// Windows are half-open [start, end).

/// A pod's labels as last collected, in one cluster.
struct StoredPodLabels {
  std::string cluster;
  model::PodLabelSet pod;
};

/// A node's labels as last collected.
struct StoredNodeLabels {
  std::string cluster;
  model::NodeLabelSet node;
};

/// Container costs and idle, summed per step.
class AllocationReader {
 public:
  AllocationReader() = default;
  virtual ~AllocationReader() = default;
  // An interface: implementations are used by reference, never copied.
  AllocationReader(const AllocationReader&) = delete;
  AllocationReader& operator=(const AllocationReader&) = delete;
  AllocationReader(AllocationReader&&) = delete;
  AllocationReader& operator=(AllocationReader&&) = delete;
  /// Container costs grouped by step index (floor((t - start) / step)) and `grouping` (values
  /// in that order; labels of pods never seen are ""), persistent volume shares included
  /// (AllocationRow's pv fields).
  virtual std::vector<model::AllocationRow> ReadAllocations(
      std::chrono::sys_seconds start, std::chrono::sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) = 0;
  /// As ReadAllocations, for callers that use the sums only: a row's first_start and last_end
  /// may be the window's bounds instead of the exact times, so that a store can read a window
  /// of most of a day as the day's rollup less the hours outside the window.
  virtual std::vector<model::AllocationRow> ReadAllocationSums(
      std::chrono::sys_seconds start, std::chrono::sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) {
    return ReadAllocations(start, end, step, grouping);
  }
  /// The labels last collected of `pods` ((namespace, pod) pairs), in every cluster that has
  /// them: OpenCost's properties.labels of a pod's allocations. None from a reader that keeps
  /// no labels.
  virtual std::vector<StoredPodLabels> ReadPodLabels(
      std::span<const std::pair<std::string, std::string>> /*pods*/) {
    return {};
  }
  /// Per day of [from, to), cluster, namespace, team and workload name, the time it ran
  /// (WorkloadActivityRow, step = the day's index from `from`). nullopt when the store keeps
  /// none, or when a day of the range still waits for its rollup (its hours are then the only
  /// source of it).
  virtual std::optional<std::vector<model::WorkloadActivityRow>> ReadWorkloadActivity(
      std::chrono::sys_days /*from*/, std::chrono::sys_days /*to*/) {
    return std::nullopt;
  }
  /// Idle cost per step, cluster and node.
  virtual std::vector<model::IdleRow> ReadIdle(std::chrono::sys_seconds start,
                                               std::chrono::sys_seconds end,
                                               std::chrono::seconds step) = 0;
  /// As ReadIdle, for callers that use the costs only: a row's first_start and last_end may be
  /// the window's bounds instead of the exact times (a local day read as a UTC day less hours,
  /// as ReadAllocationSums).
  virtual std::vector<model::IdleRow> ReadIdleSums(std::chrono::sys_seconds start,
                                                   std::chrono::sys_seconds end,
                                                   std::chrono::seconds step) {
    return ReadIdle(start, end, step);
  }
};

/// Nodes seen in a window.
class AssetReader {
 public:
  AssetReader() = default;
  virtual ~AssetReader() = default;
  // An interface: implementations are used by reference, never copied.
  AssetReader(const AssetReader&) = delete;
  AssetReader& operator=(const AssetReader&) = delete;
  AssetReader(AssetReader&&) = delete;
  AssetReader& operator=(AssetReader&&) = delete;
  virtual std::vector<model::NodeAssetRow> ReadAssets(std::chrono::sys_seconds start,
                                                      std::chrono::sys_seconds end) = 0;
  /// Persistent volumes seen in a window (rule 9). Default: none (stores without volumes).
  virtual std::vector<model::VolumeAssetRow> ReadVolumeAssets(std::chrono::sys_seconds /*start*/,
                                                              std::chrono::sys_seconds /*end*/) {
    return {};
  }
  /// The labels last collected of each of `nodes` ((cluster, node) pairs) that has any stored:
  /// OpenCost's labels of a node asset. None from a store that keeps no labels.
  virtual std::vector<StoredNodeLabels> ReadNodeLabels(
      std::span<const std::pair<std::string, std::string>> /*nodes*/) {
    return {};
  }
};

/// Priced queries submitted in a window, most expensive first.
class QueryReader {
 public:
  QueryReader() = default;
  virtual ~QueryReader() = default;
  // An interface: implementations are used by reference, never copied.
  QueryReader(const QueryReader&) = delete;
  QueryReader& operator=(const QueryReader&) = delete;
  QueryReader(QueryReader&&) = delete;
  QueryReader& operator=(QueryReader&&) = delete;
  virtual std::vector<model::QueryCostRow> ReadQueries(std::chrono::sys_seconds start,
                                                       std::chrono::sys_seconds end) = 0;
  /// The queries submitted in the window summarized by team and workgroup, each group with its
  /// `top_per_group` most expensive queries (model::SummarizeQueries' answer). This default
  /// summarizes ReadQueries; a store overrides it to summarize where the rows are.
  virtual std::vector<model::QueryGroupSummary> ReadQuerySummaries(std::chrono::sys_seconds start,
                                                                   std::chrono::sys_seconds end,
                                                                   std::size_t top_per_group) {
    return model::SummarizeQueries(ReadQueries(start, end), top_per_group);
  }
};

/// What the server a reader reads from says about replication.
struct ReplicationStatus {
  /// The server is a hot standby (a streaming read replica), not the primary.
  bool standby = false;
  /// How far the standby's replay is behind the primary (zero when it has replayed all the
  /// primary streamed); nothing when unknown (no WAL received yet) or not a standby.
  std::optional<std::chrono::milliseconds> lag;
};

/// Whether the store answers and how fresh it is (for /readyz).
class StoreHealth {
 public:
  StoreHealth() = default;
  virtual ~StoreHealth() = default;
  // An interface: implementations are used by reference, never copied.
  StoreHealth(const StoreHealth&) = delete;
  StoreHealth& operator=(const StoreHealth&) = delete;
  StoreHealth(StoreHealth&&) = delete;
  StoreHealth& operator=(StoreHealth&&) = delete;
  /// Start of the newest stored interval of any cluster; nothing when none is stored.
  virtual std::optional<std::chrono::sys_seconds> LatestInterval() = 0;
  /// True when a trivial query succeeds now; never throws.
  virtual bool Ping() = 0;
  /// Whether the store is a read replica and its lag; a store without replicas (the default)
  /// is a primary. Throws what reads throw (Unavailable when out of reach).
  virtual ReplicationStatus Replication() { return {}; }
};

}  // namespace costledger::ports
