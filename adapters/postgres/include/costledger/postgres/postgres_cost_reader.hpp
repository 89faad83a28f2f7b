#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/ports/cost_reader.hpp"

namespace costledger::postgres {

/// The read side of the PostgreSQL store, for the API. A window is answered from the coarsest
/// tier that is exact for each part of it: daily rollups for whole days, hourly rollups for
/// whole hours, raw intervals for the rest and for every hour or day whose rollup is pending,
/// so results equal a sum over the raw intervals (while they are retained).
/// Thread-safe: reads share a pool of at most `max_connections` sessions (connections), opened
/// as needed and kept open; a read that finds every session busy waits for one, at most
/// `acquire_timeout`. Throws Unavailable when the server is out of reach or no session became
/// free in time, std::runtime_error for other database errors.
class PostgresCostReader final : public ports::AllocationReader,
                                 public ports::AssetReader,
                                 public ports::QueryReader,
                                 public ports::StoreHealth {
 public:
  /// How long a read waits for a busy pool by default: as long as libpq may take to connect.
  static constexpr std::chrono::milliseconds kDefaultAcquireTimeout{10'000};

  /// Connects lazily (nothing happens here). Throws InvalidInput when `max_connections` is 0
  /// or `acquire_timeout` is negative.
  /// `statement_timeout` > 0: a statement running longer is cancelled and the read throws
  /// TimedOut (the API's bound on one read; reports and quotas read without one).
  PostgresCostReader(std::string url, std::string password, std::size_t max_connections = 4,
                     std::chrono::milliseconds acquire_timeout = kDefaultAcquireTimeout,
                     std::chrono::milliseconds statement_timeout = std::chrono::milliseconds(0));
  ~PostgresCostReader() override;
  PostgresCostReader(const PostgresCostReader&) = delete;
  PostgresCostReader& operator=(const PostgresCostReader&) = delete;
  PostgresCostReader(PostgresCostReader&&) = delete;
  PostgresCostReader& operator=(PostgresCostReader&&) = delete;

  /// Container costs in [start, end) grouped by step index (floor((t - start) / step)) and
  /// `grouping` (values in that order; labels of pods never seen are ""), with the persistent
  /// volume shares of the same groups (pv fields; rows of their own for __unmounted__).
  std::vector<model::AllocationRow> ReadAllocations(
      std::chrono::sys_seconds start, std::chrono::sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) override;

  /// As ReadAllocations, but for a single-step window (a local day of a report, or a week of
  /// them) read from fewer rows: each local day of the store's zone (PostgresStore::
  /// SetLocalDayZone) the window covers whole from its rollup when current, and a window that
  /// covers most of a UTC day from a whole hour to a whole hour as the day's rollup less the
  /// hours it does not cover (PlanReadsWithLocalDays, PlanReads' complements). The same sums;
  /// a container's labels are those of the day's rollup it is read from.
  std::vector<model::AllocationRow> ReadAllocationSums(
      std::chrono::sys_seconds start, std::chrono::sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) override;

  /// From pod_labels, in one statement.
  std::vector<ports::StoredPodLabels> ReadPodLabels(
      std::span<const std::pair<std::string, std::string>> pods) override;

  /// From workload_activity_daily, or for a day whose daily rollup is not current from its
  /// hours (workload_activity_of_day); nullopt when an hour of the range waits for its rollup.
  std::optional<std::vector<model::WorkloadActivityRow>> ReadWorkloadActivity(
      std::chrono::sys_days from, std::chrono::sys_days to) override;

  /// Idle cost per step, cluster and node in [start, end).
  std::vector<model::IdleRow> ReadIdle(std::chrono::sys_seconds start, std::chrono::sys_seconds end,
                                       std::chrono::seconds step) override;

  /// As ReadIdle, but a single-step window that covers most of a UTC day from a whole hour to
  /// a whole hour reads the day's node rollup less the hours it does not cover (as
  /// ReadAllocationSums); first_start and last_end are then bounded by the window.
  std::vector<model::IdleRow> ReadIdleSums(std::chrono::sys_seconds start,
                                           std::chrono::sys_seconds end,
                                           std::chrono::seconds step) override;

  /// Nodes seen in [start, end).
  std::vector<model::NodeAssetRow> ReadAssets(std::chrono::sys_seconds start,
                                              std::chrono::sys_seconds end) override;

  /// Persistent volumes seen in [start, end), by cluster and name (Disk assets).
  std::vector<model::VolumeAssetRow> ReadVolumeAssets(std::chrono::sys_seconds start,
                                                      std::chrono::sys_seconds end) override;

  /// From node_labels, in one statement.
  std::vector<ports::StoredNodeLabels> ReadNodeLabels(
      std::span<const std::pair<std::string, std::string>> nodes) override;

  /// Queries submitted in [start, end), most expensive first.
  std::vector<model::QueryCostRow> ReadQueries(std::chrono::sys_seconds start,
                                               std::chrono::sys_seconds end) override;

  /// Queries submitted in [start, end) summarized in the server: one row per group and top
  /// query, so a week of 100k executions comes back as a few hundred rows.
  std::vector<model::QueryGroupSummary> ReadQuerySummaries(std::chrono::sys_seconds start,
                                                           std::chrono::sys_seconds end,
                                                           std::size_t top_per_group) override;

  /// Start of the newest stored interval of any cluster; nothing when none is stored.
  std::optional<std::chrono::sys_seconds> LatestInterval() override;

  /// True when a trivial query succeeds now (waiting for a session like any read); never throws.
  bool Ping() override;

  /// pg_is_in_recovery() and, on a hot standby, the replay lag: zero while a WAL receiver runs
  /// and replay has caught up with what it received, else the time since the last replayed
  /// transaction committed on the primary (nothing before the first one).
  ports::ReplicationStatus Replication() override;

 private:
  std::vector<model::AllocationRow> ReadContainerSums(std::chrono::sys_seconds start,
                                                      std::chrono::sys_seconds end,
                                                      std::chrono::seconds step,
                                                      std::span<const model::PropertyRef> grouping,
                                                      bool complements);
  struct NodeStep {
    std::size_t step = 0;
    model::NodeAssetRow node;
  };
  std::vector<NodeStep> ReadNodeSteps(std::string_view operation, std::chrono::sys_seconds start,
                                      std::chrono::sys_seconds end, std::chrono::seconds step,
                                      bool complements = false);
  std::vector<model::IdleRow> ReadIdleRows(std::chrono::sys_seconds start,
                                           std::chrono::sys_seconds end, std::chrono::seconds step,
                                           bool complements);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
