#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "costledger/model/interval_batch.hpp"
#include "costledger/ports/interval_store.hpp"

namespace costledger::postgres {

/// How long each table keeps rows (days).
struct RetentionPolicy {
  int raw_days = 35;       ///< container_costs, node_costs (per interval)
  int hourly_days = 800;   ///< container_costs_hourly, node_costs_hourly
  int queries_days = 800;  ///< query_costs
};

/// Per-interval totals as stored, for checks and tests.
struct StoredIntervalTotal {
  std::chrono::sys_seconds interval_start;
  std::int64_t node_cost_nanos = 0;       ///< sum of node_costs.node_cost_nanos
  std::int64_t container_cost_nanos = 0;  ///< sum of container_costs cpu+ram+gpu
  std::int64_t idle_cost_nanos = 0;       ///< sum of node_costs idle
  std::int64_t container_rows = 0;
  std::int64_t node_rows = 0;
};

/// The PostgreSQL adapter: all SQL of the collector lives behind this class.
/// Writes are idempotent (natural keys, conflicts ignored) and maintain the hourly rollups
/// incrementally and exactly once. Not thread-safe: one instance per thread.
/// Throws Unavailable when the server cannot be reached (the caller spools and retries) and
/// InvalidInput/std::runtime_error for anything else.
class PostgresStore final : public ports::IntervalStore {
 public:
  /// `url`: a libpq URL or conninfo; `password` (may be empty) is passed separately so that it
  /// never appears in the URL or logs. Connects lazily and reconnects after failures.
  /// `retention` is what Maintain applies.
  PostgresStore(const std::string& url, const std::string& password,
                RetentionPolicy retention = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;
  PostgresStore(PostgresStore&&) = delete;
  PostgresStore& operator=(PostgresStore&&) = delete;

  /// Applies pending numbered migrations (collector/migrations/NNNN_*.sql, embedded in the
  /// binary) in order, each in its own transaction, recorded in schema_migrations. Safe to run
  /// concurrently from two processes (advisory lock). Returns the names applied.
  std::vector<std::string> Migrate();

  /// Keeps the container rollups by the local days of `zone` too (an IANA name: the reports'
  /// time zone; migration 0018), so that a report reads a local day as one rollup, as it reads
  /// a UTC day. "" or UTC: none. Applied by Migrate, or now when this store has migrated: a
  /// zone other than the stored one clears the local days and marks every stored day of the
  /// new zone for its rollup (RollUp computes them). Returns false, keeping none, when
  /// PostgreSQL does not know `zone` (reads then take the UTC tiers). Every process that rolls
  /// up should set the same zone: the last one set is the one kept.
  bool SetLocalDayZone(std::string zone);

  /// Creates the daily partitions of the raw tables from `from` through `days_ahead` days later.
  void EnsurePartitions(std::chrono::sys_days from, int days_ahead);

  /// Writes one batch in one transaction: COPY straight into the day's raw partitions (created
  /// when missing); when the batch was stored before, in whole or in part (a replay, a second
  /// collector), only the missing rows, through staging. Marks the batch's hour for its
  /// rollup. Replaying a batch counts it once.
  /// Applies pending migrations first when this store has not yet done so (the database may
  /// have been out of reach when the process started).
  void Write(const model::IntervalBatch& batch) override;

  /// Recomputes the hourly rollups of every marked hour that ends at or before
  /// `complete_before`, from its raw rows (so a rollup is exact and idempotent, whatever was
  /// replayed). The current, incomplete hour stays in the raw tables until it ends. Safe with
  /// concurrent writers and rollups. Asks the database only once per hour while nothing is
  /// pending, unless this store writes into a complete hour: hours another writer marks are
  /// rolled up by that writer, or here after the next hour begins. Then the daily rollups of
  /// complete UTC days, and local days (SetLocalDayZone) for at most about 5 s per call.
  /// Returns the hours rolled up.
  std::int64_t RollUp(std::chrono::sys_seconds complete_before) override;

  /// Deletes what is older than the policy allows (drops whole raw partitions), after rolling
  /// up every complete hour so no raw row goes before its hour is in the rollup. Returns the
  /// number of partitions dropped plus rows deleted.
  std::int64_t ApplyRetention(const RetentionPolicy& policy, std::chrono::sys_seconds now);

  /// Hourly housekeeping: partitions for the day of `now` and the next three, then the
  /// retention given at construction (ApplyRetention).
  std::int64_t Maintain(std::chrono::sys_seconds now) override;

  /// Per-interval totals of `cluster` in [from, to), ordered by interval start.
  std::vector<StoredIntervalTotal> IntervalTotals(const std::string& cluster,
                                                  std::chrono::sys_seconds from,
                                                  std::chrono::sys_seconds to);

  /// True when a trivial query succeeds now.
  bool Ping();

 private:
  bool ApplyLocalDays();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
