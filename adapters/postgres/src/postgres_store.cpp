#include "costledger/postgres/postgres_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "batch_copy.hpp"
#include "container_columns.hpp"
#include "copy_writer.hpp"
#include "costledger/model/enum_text.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "embedded_migrations.hpp"
#include "hour_rollup.hpp"
#include "local_days.hpp"
#include "pg_arrays.hpp"
#include "pg_session.hpp"
#include "stored_labels.hpp"
#include "volume_tables.hpp"

namespace costledger::postgres {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

// ---- SQL ----------------------------------------------------------------------------------
// Every statement of the collector but those generated from kContainerColumns (the container
// rollups). Table and partition names in the {} placeholders of DDL come from this file only
// (never from input): identifiers cannot be $n parameters.

// Keys of pg_advisory_lock: "costledger/migrate" and "costledger/partitions".
constexpr std::int64_t kMigrationLockKey = 7'310'597'434'226'606'401;
constexpr std::int64_t kPartitionLockKey = 7'310'597'434'226'606'402;

constexpr std::string_view kLockMigrations = "SELECT pg_advisory_lock($1)";
constexpr std::string_view kUnlockMigrations = "SELECT pg_advisory_unlock($1)";
constexpr std::string_view kCreateMigrationsTable = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
))";
constexpr std::string_view kAppliedMigrations = "SELECT version FROM schema_migrations";
constexpr std::string_view kRecordMigration = "INSERT INTO schema_migrations (version) VALUES ($1)";

constexpr std::string_view kPing = "SELECT 1";

// $1: text[] of partition names; returns those that do not exist yet.
constexpr std::string_view kMissingPartitions =
    "SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL";
constexpr std::string_view kLockPartitions = "SELECT pg_advisory_xact_lock($1)";
// {0} partition, {1} parent, {2} and {3} its bounds as timestamptz literals, {4} "" or a
// PARTITION BY clause.
constexpr std::string_view kCreatePartition =
    "CREATE TABLE IF NOT EXISTS {0} PARTITION OF {1} FOR VALUES FROM ('{2}') TO ('{3}'){4};\n";
// A day of container_costs is partitioned again by hour (migration 0006): its raw rows carry
// no index, a read of raw rows scans only the hours it asks for.
constexpr std::string_view kByHour = " PARTITION BY RANGE (interval_start)";
// $1: a partition's name; true when it is partitioned itself.
constexpr std::string_view kIsPartitioned =
    "SELECT coalesce((SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass($1)), false)";
constexpr std::string_view kListPartitions = R"(
SELECT c.relname
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent IN ('container_costs'::regclass, 'node_costs'::regclass))";
// {0}: comma-separated partition names.
constexpr std::string_view kDropPartitions = "DROP TABLE IF EXISTS {0}";

// work_mem: the rollup's aggregation of a large batch stays in memory.
constexpr std::string_view kCreateStaging = R"(
SET LOCAL work_mem = '64MB';
CREATE TEMP TABLE staging_container_costs (LIKE container_costs) ON COMMIT DROP;
CREATE TEMP TABLE staging_node_costs (LIKE node_costs) ON COMMIT DROP)";
constexpr std::string_view kCreateQueryStaging =
    "CREATE TEMP TABLE staging_query_costs (LIKE query_costs) ON COMMIT DROP";
constexpr std::string_view kContainerStaging = "staging_container_costs";
constexpr std::string_view kNodeStaging = "staging_node_costs";
constexpr std::string_view kQueryStaging = "staging_query_costs";

// Query COPY columns, in table order (the raw container and node layouts: batch_copy).
constexpr std::array<const char*, 12> kQueryColumns{"cluster",
                                                    "query_execution_id",
                                                    "work_group",
                                                    "team",
                                                    "state",
                                                    "statement_type",
                                                    "submitted",
                                                    "completed",
                                                    "data_scanned_bytes",
                                                    "engine_execution_millis",
                                                    "cost_nanos",
                                                    "query"};

// Marks an interval of a cluster stored ($1 cluster, $2 epoch seconds); affects no row when it
// was (a replay, a second collector). A new mark means no container row of the interval is
// stored: raw container rows have no unique index (migration 0004), the mark stands for it.
// In the same round trip, first takes the lock of the interval's hour shared ($3 epoch seconds
// of the hour; see kLockHourExclusive) and marks the hour pending for its rollup.
constexpr std::string_view kMarkIntervalStored = R"(
WITH hour_lock AS (
  SELECT pg_advisory_xact_lock_shared(hashtextextended($1 || '/' || $3::text, 0))),
pending AS (
  INSERT INTO rollup_pending (cluster, hour) SELECT $1, to_timestamp($3::bigint) FROM hour_lock
  ON CONFLICT DO NOTHING)
INSERT INTO stored_intervals (cluster, interval_start)
SELECT $1, to_timestamp($2::bigint) FROM hour_lock
ON CONFLICT DO NOTHING)";
// $1 cluster, $2 epoch seconds: rows were added to a stored interval.
constexpr std::string_view kMarkIntervalAmended = R"(
UPDATE stored_intervals SET amended = true
WHERE cluster = $1 AND interval_start = to_timestamp($2::bigint) AND NOT amended)";
// $1 cluster, $2 epoch seconds of the hour: its stored intervals.
constexpr std::string_view kStoredIntervalsOfHour = R"(
SELECT extract(epoch FROM interval_start)::bigint, amended FROM stored_intervals
WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
  AND interval_start < to_timestamp($2::bigint) + interval '1 hour')";
// Replays and duplicate writers of an interval take its lock and insert from staging only the
// rows not stored yet.
constexpr std::string_view kLockInterval =
    "SELECT pg_advisory_xact_lock(hashtextextended('interval/' || $1 || '/' || $2::text, 0))";
// $1: the batch's interval start (every staged row has it).
constexpr std::string_view kInsertContainersFromStaging = R"(
INSERT INTO container_costs
SELECT s.* FROM staging_container_costs s
WHERE NOT EXISTS (SELECT 1 FROM container_costs c
                  WHERE c.interval_start = $1::timestamptz AND c.cluster = s.cluster
                    AND c.container_key = s.container_key)
ORDER BY s.cluster, s.interval_start, s.container_key)";
// Sorted bytewise so concurrent writers lock in the same order.
constexpr std::string_view kInsertNodesFromStaging = R"(
INSERT INTO node_costs
SELECT * FROM staging_node_costs ORDER BY cluster COLLATE "C", interval_start, node COLLATE "C"
ON CONFLICT DO NOTHING)";

// Writers of an hour share its lock (kMarkIntervalStored); its rollup takes it
// alone, so a rollup sees every writer that marked the hour before it, and writers after it
// mark the hour again.
constexpr std::string_view kLockHourExclusive =
    "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2::text, 0))";
// $1 epoch seconds: the oldest pending hour that is complete before it.
constexpr std::string_view kNextPendingHour = R"(
SELECT cluster, extract(epoch FROM hour)::bigint FROM rollup_pending
WHERE hour + interval '1 hour' <= to_timestamp($1::bigint)
ORDER BY hour, cluster LIMIT 1)";
constexpr std::string_view kTakePendingHour =
    "DELETE FROM rollup_pending WHERE cluster = $1 AND hour = to_timestamp($2::bigint)";
// Hash aggregation: an hour of a large cluster is ~10^6 rows; sorting them is several times
// slower, and a fresh partition has no statistics to tell the planner so.
constexpr std::string_view kRollUpSettings =
    "SET LOCAL work_mem = '256MB'; SET LOCAL enable_sort = off";
constexpr std::string_view kClearContainerHour =
    "DELETE FROM container_costs_hourly WHERE cluster = $1 AND hour = to_timestamp($2::bigint)";
constexpr std::string_view kClearNodeHour =
    "DELETE FROM node_costs_hourly WHERE cluster = $1 AND hour = to_timestamp($2::bigint)";
constexpr std::string_view kRollUpNodeHour = R"(
INSERT INTO node_costs_hourly (
  cluster, hour, node, instance_type, zone, capacity_type, node_group, intervals, seconds,
  price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices, node_cost_nanos,
  pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos, idle_ram_nanos, idle_gpu_nanos,
  first_start, last_end)
SELECT cluster, to_timestamp($2::bigint), node,
  min(instance_type), min(zone), min(capacity_type), max(node_group), count(*),
  sum(interval_seconds),
  max(price_per_hour_nanos), max(cpu_millicores), max(memory_bytes), max(gpu_devices),
  sum(node_cost_nanos), sum(pool_cpu_nanos), sum(pool_ram_nanos), sum(pool_gpu_nanos),
  sum(idle_cpu_nanos), sum(idle_ram_nanos), sum(idle_gpu_nanos),
  min(interval_start), max(interval_start + interval_seconds * interval '1 second')
FROM node_costs
WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
  AND interval_start < to_timestamp($2::bigint) + interval '1 hour'
GROUP BY cluster, node)";

// Daily rollups: a day is recomputed from its hourly rollups once it is complete and none of
// its hours waits for its hourly rollup. $1 cluster, $2 epoch seconds of the day (UTC).
constexpr std::string_view kMarkDayPending = R"(
INSERT INTO rollup_pending_daily (cluster, day)
VALUES ($1, to_timestamp(floor($2::bigint / 86400.0) * 86400))
ON CONFLICT DO NOTHING)";
// $1 epoch seconds: the oldest pending day complete before it with no pending hour.
// $1 epoch seconds: whether any hour or day is pending and complete before it (one round trip
// for the common tick with nothing to roll up).
constexpr std::string_view kAnythingToRollUp = R"(
SELECT EXISTS (SELECT 1 FROM rollup_pending WHERE hour + interval '1 hour' <= to_timestamp($1::bigint))
    OR EXISTS (SELECT 1 FROM rollup_pending_daily
               WHERE day + interval '1 day' <= to_timestamp($1::bigint))
    OR EXISTS (SELECT 1 FROM local_days
               WHERE pending AND day_end <= to_timestamp($1::bigint)))";
constexpr std::string_view kNextPendingDay = R"(
SELECT d.cluster, extract(epoch FROM d.day)::bigint FROM rollup_pending_daily d
WHERE d.day + interval '1 day' <= to_timestamp($1::bigint)
  AND NOT EXISTS (SELECT 1 FROM rollup_pending p WHERE p.cluster = d.cluster
                  AND p.hour >= d.day AND p.hour < d.day + interval '1 day')
ORDER BY d.day, d.cluster LIMIT 1)";
constexpr std::string_view kTakePendingDay =
    "DELETE FROM rollup_pending_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";
constexpr std::string_view kClearContainerDay =
    "DELETE FROM container_costs_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";
constexpr std::string_view kClearNodeDay =
    "DELETE FROM node_costs_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";
// Containers per day, from their hours.
const std::string& RollUpContainerDay() {
  static const std::string kSql = ContainerDayRollUpSql(
      "container_costs_daily", "container_costs_hourly", "hour", RollupGrain::kContainer);
  return kSql;
}

// The coarser grains' rollups (per workload, per node and kind) of a day, from the day's
// containers (after RollUpContainerDay), and of hours, from the hours' containers; the
// statements that clear a period of them and that apply retention to them.
const std::string& RollUpGrainDay(RollupGrain grain) {
  static const auto kSql = [] {
    std::map<RollupGrain, std::string> out;
    for (const RollupGrain g : kCoarseGrains) {
      out[g] = ContainerDayRollUpSql(TablesOf(g).daily, "container_costs_daily", "day", g);
    }
    return out;
  }();
  return kSql.at(grain);
}
std::string ClearGrainPeriod(RollupGrain grain, bool daily) {
  return fmt::format("DELETE FROM {} WHERE cluster = $1 AND {} = to_timestamp($2::bigint)",
                     daily ? TablesOf(grain).daily : TablesOf(grain).hourly,
                     daily ? "day" : "hour");
}
// $1: epoch seconds; rows whose period ended at or before it.
std::string DeleteGrainBefore(RollupGrain grain, bool daily) {
  return fmt::format("DELETE FROM {0} WHERE {1} <= to_timestamp($1::bigint) - interval '1 {1}'",
                     daily ? TablesOf(grain).daily : TablesOf(grain).hourly,
                     daily ? "day" : "hour");
}
// The day's usage digest for right-sizing (migration 0009), from its hours.
constexpr std::string_view kClearUsageDay =
    "DELETE FROM container_usage_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";
constexpr std::string_view kRollUpUsageDay = R"(
INSERT INTO container_usage_daily
SELECT $1, to_timestamp($2::bigint), u.*
FROM container_usage_of_day($1, to_timestamp($2::bigint)) u)";
// The time each workload ran in the day (migration 0016), from its hours.
constexpr std::string_view kClearActivityDay =
    "DELETE FROM workload_activity_daily WHERE cluster = $1 AND day = to_timestamp($2::bigint)";
constexpr std::string_view kRollUpActivityDay = R"(
INSERT INTO workload_activity_daily
SELECT $1, to_timestamp($2::bigint), a.*
FROM workload_activity_of_day($1, to_timestamp($2::bigint)) a)";
constexpr std::string_view kRollUpNodeDay = R"(
INSERT INTO node_costs_daily (
  cluster, day, node, instance_type, zone, capacity_type, node_group, intervals, seconds,
  price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices, node_cost_nanos,
  pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos, idle_ram_nanos, idle_gpu_nanos,
  first_start, last_end)
SELECT cluster, to_timestamp($2::bigint), node,
  min(instance_type), min(zone), min(capacity_type), max(node_group), sum(intervals),
  sum(seconds),
  max(price_per_hour_nanos), max(cpu_millicores), max(memory_bytes), max(gpu_devices),
  sum(node_cost_nanos), sum(pool_cpu_nanos), sum(pool_ram_nanos), sum(pool_gpu_nanos),
  sum(idle_cpu_nanos), sum(idle_ram_nanos), sum(idle_gpu_nanos), min(first_start), max(last_end)
FROM node_costs_hourly
WHERE cluster = $1 AND hour >= to_timestamp($2::bigint)
  AND hour < to_timestamp($2::bigint) + interval '1 day'
GROUP BY cluster, node)";

// How long one RollUp call goes on computing pending local days (see RollUp).
constexpr std::chrono::seconds kLocalDayRollUpBudget{5};

constexpr std::string_view kRememberCluster =
    "INSERT INTO clusters (cluster) VALUES ($1) ON CONFLICT DO NOTHING";
// Pod labels go through COPY into staging, row by row: one JSON parameter holding every pod's
// labels (all of them on a collector's first interval) would be tens of MB at 10^4 pods.
constexpr std::string_view kCreatePodLabelStaging =
    "CREATE TEMP TABLE staging_pod_labels (namespace text, pod text, labels jsonb) "
    "ON COMMIT DROP";
constexpr std::string_view kPodLabelStaging = "staging_pod_labels";
constexpr std::array<const char*, 3> kPodLabelColumns{"namespace", "pod", "labels"};
// $1 cluster. Sorted bytewise so concurrent writers lock in the same order.
constexpr std::string_view kUpsertPodLabels = R"(
INSERT INTO pod_labels (cluster, namespace, pod, labels)
SELECT $1, namespace, pod, labels FROM staging_pod_labels
ORDER BY namespace COLLATE "C", pod COLLATE "C"
ON CONFLICT (cluster, namespace, pod) DO UPDATE SET labels = EXCLUDED.labels
WHERE pod_labels.labels IS DISTINCT FROM EXCLUDED.labels)";

// $1 cluster, $2 node names, $3 their labels as JSON text (a few thousand nodes at most: two
// array parameters). Sorted bytewise so concurrent writers lock in the same order.
constexpr std::string_view kUpsertNodeLabels = R"(
INSERT INTO node_labels (cluster, node, labels)
SELECT $1, n.node, n.labels::jsonb FROM unnest($2::text[], $3::text[]) AS n(node, labels)
ORDER BY n.node COLLATE "C"
ON CONFLICT (cluster, node) DO UPDATE SET labels = EXCLUDED.labels
WHERE node_labels.labels IS DISTINCT FROM EXCLUDED.labels)";

// Nodes whose labels one kUpsertNodeLabels writes.
constexpr std::size_t kNodeLabelsPerStatement = 250;

constexpr std::string_view kInsertQueries = R"(
INSERT INTO query_costs
SELECT * FROM staging_query_costs ORDER BY cluster COLLATE "C", query_execution_id COLLATE "C"
ON CONFLICT DO NOTHING)";

// $1 cluster, $2 and $3 epoch seconds [from, to).
constexpr std::string_view kIntervalTotals = R"(
SELECT extract(epoch FROM interval_start)::bigint,
  coalesce(n.node_cost_nanos, 0), coalesce(c.container_cost_nanos, 0),
  coalesce(n.idle_cost_nanos, 0), coalesce(c.container_rows, 0), coalesce(n.node_rows, 0)
FROM (
  SELECT interval_start, sum(node_cost_nanos)::bigint AS node_cost_nanos,
    sum(idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos)::bigint AS idle_cost_nanos,
    count(*) AS node_rows
  FROM node_costs
  WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
    AND interval_start < to_timestamp($3::bigint)
  GROUP BY interval_start) n
FULL JOIN (
  SELECT interval_start,
    sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos)::bigint AS container_cost_nanos,
    count(*) AS container_rows
  FROM container_costs
  WHERE cluster = $1 AND interval_start >= to_timestamp($2::bigint)
    AND interval_start < to_timestamp($3::bigint)
  GROUP BY interval_start) c USING (interval_start)
ORDER BY interval_start)";

// $1: epoch seconds; rows whose hour ended at or before it.
constexpr std::string_view kDeleteContainerHourly =
    "DELETE FROM container_costs_hourly WHERE hour <= to_timestamp($1::bigint) - interval '1 hour'";
constexpr std::string_view kDeleteNodeHourly =
    "DELETE FROM node_costs_hourly WHERE hour <= to_timestamp($1::bigint) - interval '1 hour'";
constexpr std::string_view kDeleteContainerDaily =
    "DELETE FROM container_costs_daily WHERE day <= to_timestamp($1::bigint) - interval '1 day'";
constexpr std::string_view kDeleteNodeDaily =
    "DELETE FROM node_costs_daily WHERE day <= to_timestamp($1::bigint) - interval '1 day'";
constexpr std::string_view kDeleteActivityDaily =
    "DELETE FROM workload_activity_daily WHERE day <= to_timestamp($1::bigint) - interval '1 day'";
constexpr std::string_view kDeleteUsageDaily =
    "DELETE FROM container_usage_daily WHERE day <= to_timestamp($1::bigint) - interval '1 day'";
// $1: epoch seconds of the first day whose raw partitions stay.
constexpr std::string_view kDeleteIntervalMarks =
    "DELETE FROM stored_intervals WHERE interval_start < to_timestamp($1::bigint)";
// $1: epoch seconds.
constexpr std::string_view kDeleteQueries =
    "DELETE FROM query_costs WHERE submitted < to_timestamp($1::bigint)";

// Raw tables partitioned by day, in the order their locks are taken.
constexpr std::array<std::string_view, 2> kPartitionedTables{"container_costs", "node_costs"};
// The raw table whose days are partitioned by hour.
constexpr std::string_view kHourPartitionedTable = "container_costs";

// ---- helpers ------------------------------------------------------------------------------

std::string Sql(std::string_view statement) { return std::string(statement); }

std::int64_t EpochSeconds(sys_seconds t) { return t.time_since_epoch().count(); }

// Epoch seconds of the UTC hour that contains `t`.
std::int64_t HourOf(sys_seconds t) {
  return EpochSeconds(std::chrono::floor<std::chrono::hours>(t));
}

std::string PartitionName(std::string_view table, sys_days day) {
  const std::chrono::year_month_day ymd(day);
  return fmt::format("{}_{:04}{:02}{:02}", table, static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "container_costs_20251116_07": hour 07 UTC of a day partition.
std::string HourPartitionName(std::string_view day_partition, int hour) {
  return fmt::format("{}_{:02}", day_partition, hour);
}

// The day of "container_costs_20251116" (any partitioned table); nothing for other names.
std::optional<sys_days> PartitionDay(std::string_view name) {
  for (const std::string_view table : kPartitionedTables) {
    if (name.size() != table.size() + 9 || !name.starts_with(table) || name[table.size()] != '_') {
      continue;
    }
    const std::string_view digits = name.substr(table.size() + 1);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(value / 10000)),
                                          std::chrono::month(value / 100 % 100),
                                          std::chrono::day(value % 100)};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
  }
  return std::nullopt;
}

int CheckedInt(std::int64_t value, std::string_view what) {
  if (value < 0 || value > std::numeric_limits<int>::max()) {
    throw InvalidInput(fmt::format("batch: {} {} out of range", what, value));
  }
  return static_cast<int>(value);
}

// COPY of an hour's container rows kept by HourRollup into container_costs_hourly.
void CopyHourlyContainers(pqxx::dbtransaction& tx, const std::string& cluster, sys_seconds hour,
                          const std::vector<HourlyContainerRow>& rows) {
  CopyWriter<CopyBinary> copy(tx, "container_costs_hourly", kHourlyContainerColumnNames);
  for (const HourlyContainerRow& r : rows) {
    copy.EncodedRow([&](CopyBinary& out) { EncodeHourlyContainerRow(out, cluster, hour, r); });
  }
  copy.Complete();
}

// Adds a batch to a HourRollup on a second thread while the batch is written; the sums are
// discarded when destroyed without Keep(true) (the write failed or did not copy the whole
// batch) or when adding failed.
class SumWhileWriting {
 public:
  SumWhileWriting(HourRollup& rollup, const model::IntervalBatch& batch)
      : rollup_(rollup), batch_(batch) {
    const auto add = [this] { rollup_.Add(batch_); };
    try {
      adding_ = std::async(std::launch::async, add);
    } catch (const std::system_error&) {  // no thread to be had: add after the write
      adding_ = std::async(std::launch::deferred, add);
    }
  }
  SumWhileWriting(const SumWhileWriting&) = delete;
  SumWhileWriting& operator=(const SumWhileWriting&) = delete;
  SumWhileWriting(SumWhileWriting&&) = delete;
  SumWhileWriting& operator=(SumWhileWriting&&) = delete;
  ~SumWhileWriting() {
    bool added = false;
    try {
      adding_.get();
      added = true;
    } catch (...) {  // the sums are only a shortcut: SQL rolls the hour up instead
    }
    if (!keep_ || !added) rollup_.Discard(batch_);
  }

  void Keep(bool keep) { keep_ = keep; }

 private:
  HourRollup& rollup_;
  const model::IntervalBatch& batch_;
  std::future<void> adding_;
  bool keep_ = false;
};

}  // namespace

// ---- PostgresStore ------------------------------------------------------------------------

struct PostgresStore::Impl {
  PgSession session;
  HourRollup hour_rollup;  // of the batches this store copied whole
  // Days whose raw partitions this store created or found, and clusters it recorded: checked
  // once, not on every write. Forgotten when a write fails or retention drops partitions.
  std::set<sys_days> partition_days;
  // Whether a day of container_costs is partitioned by hour (days created before migration
  // 0006 are not); found with its partition, forgotten with it.
  mutable std::map<sys_days, bool> day_by_hour;
  std::set<std::string, std::less<>> recorded_clusters;
  // Set when RollUp found nothing pending and complete before it; reset by a write into an
  // hour complete by then (see RollUp).
  std::optional<sys_seconds> nothing_pending_before;
  RetentionPolicy retention;  // what Maintain applies
  bool migrated = false;      // Migrate succeeded in this store
  // SetLocalDayZone's zone, applied by Migrate; unset: the stored one is left as it is.
  std::optional<std::string> local_day_zone;

  template <typename Body>
  auto Run(std::string_view operation, Body&& body) {
    return session.Run(operation, std::forward<Body>(body));
  }

  // One attempt at PostgresStore::Write in one transaction on `c`; `via_staging` forces the
  // path that inserts only missing rows. Returns whether every row was copied directly.
  bool WriteIn(pqxx::connection& c, const model::IntervalBatch& batch,
               const std::set<std::string, std::less<>>& clusters,
               const std::vector<const model::PricedQuery*>& queries, bool via_staging) const;

  // Creates the partitions of [first, last] (days) that are missing, in `tx`.
  static void CreatePartitions(pqxx::transaction_base& tx, sys_days first, sys_days last) {
    struct Partition {
      std::string name;
      std::string_view parent;
      sys_days day;
    };
    std::vector<Partition> wanted;
    std::string names = "{";
    for (const std::string_view table : kPartitionedTables) {
      for (sys_days day = first; day <= last; day += days(1)) {
        wanted.push_back({PartitionName(table, day), table, day});
        if (names.size() > 1) names += ',';
        names += wanted.back().name;
      }
    }
    names += '}';
    const pqxx::result missing = tx.exec_params(Sql(kMissingPartitions), names);
    if (missing.empty()) return;
    std::set<std::string, std::less<>> missing_names;
    for (const pqxx::row& row : missing) missing_names.insert(row[0].as<std::string>());
    // Serialises creators; one that waited finds the partition there (IF NOT EXISTS).
    tx.exec_params(Sql(kLockPartitions), kPartitionLockKey);
    std::string ddl;
    for (const Partition& p : wanted) {
      if (!missing_names.contains(p.name)) continue;
      const bool by_hour = p.parent == kHourPartitionedTable;
      ddl += fmt::format(kCreatePartition, p.name, p.parent, model::FormatTimestamp(p.day),
                         model::FormatTimestamp(p.day + days(1)), by_hour ? kByHour : "");
      for (int hour = 0; by_hour && hour < 24; ++hour) {
        const sys_seconds from = p.day + std::chrono::hours(hour);
        ddl += fmt::format(kCreatePartition, HourPartitionName(p.name, hour), p.name,
                           model::FormatTimestamp(from),
                           model::FormatTimestamp(from + std::chrono::hours(1)), "");
      }
    }
    tx.exec(ddl);
  }
};

PostgresStore::PostgresStore(const std::string& url, const std::string& password,
                             RetentionPolicy retention)
    : impl_(std::make_unique<Impl>()) {
  impl_->retention = retention;
  impl_->session.Open(url, password);
}

PostgresStore::~PostgresStore() = default;

std::vector<std::string> PostgresStore::Migrate() {
  std::vector<std::string> applied_now = impl_->Run("migrate", [](pqxx::connection& c) {
    std::set<std::string, std::less<>> applied;
    {
      // Session lock, held across the migrations' transactions; dropping the connection on any
      // failure releases it.
      pqxx::nontransaction tx(c);
      tx.exec_params(Sql(kLockMigrations), kMigrationLockKey);
      tx.exec(Sql(kCreateMigrationsTable));
      for (const pqxx::row& row : tx.exec(Sql(kAppliedMigrations))) {
        applied.insert(row[0].as<std::string>());
      }
    }
    std::vector<std::string> done;
    for (const Migration& m : EmbeddedMigrations()) {
      if (applied.contains(m.version)) continue;
      pqxx::work tx(c, "migrate");
      tx.exec(Sql(m.sql));
      tx.exec_params(Sql(kRecordMigration), Sql(m.version));
      tx.commit();
      done.emplace_back(m.version);
    }
    pqxx::nontransaction tx(c);
    tx.exec_params(Sql(kUnlockMigrations), kMigrationLockKey);
    return done;
  });
  impl_->migrated = true;
  if (impl_->local_day_zone) ApplyLocalDays();
  return applied_now;
}

bool PostgresStore::SetLocalDayZone(std::string zone) {
  impl_->local_day_zone = std::move(zone);
  return !impl_->migrated || ApplyLocalDays();
}

bool PostgresStore::ApplyLocalDays() {
  return impl_->Run("set local day zone", [&](pqxx::connection& c) {
    pqxx::work tx(c, "local day zone");
    const bool known = ApplyLocalDayZone(tx, *impl_->local_day_zone);
    tx.commit();
    return known;
  });
}

void PostgresStore::EnsurePartitions(sys_days from, int days_ahead) {
  if (days_ahead < 0) throw InvalidInput(fmt::format("days_ahead {} is negative", days_ahead));
  impl_->Run("create partitions", [&](pqxx::connection& c) {
    pqxx::work tx(c);
    Impl::CreatePartitions(tx, from, from + days(days_ahead));
    tx.commit();
  });
}

void PostgresStore::Write(const model::IntervalBatch& batch) {
  if (!impl_->migrated) Migrate();
  const model::IntervalCosts& costs = batch.costs;
  const bool has_rows = !costs.nodes.empty() || !costs.containers.empty();
  const int interval_seconds = CheckedInt(costs.length.count(), "interval length");
  if (has_rows && interval_seconds <= 0) {
    throw InvalidInput("batch: interval length must be positive");
  }
  if (batch.cluster.empty()) throw InvalidInput("batch: cluster is empty");
  for (const model::NodeCostRow& n : costs.nodes)
    CheckedInt(static_cast<std::int64_t>(n.containers), "containers");
  std::vector<const model::PricedQuery*> queries;
  for (const model::PricedQuery& q : batch.queries) {
    if (model::IsFinal(q.execution.state)) queries.push_back(&q);
  }

  // The hour's writers share a lock against its rollup (kMarkIntervalStored).
  std::set<std::string, std::less<>> clusters;
  if (has_rows) clusters.insert(batch.cluster);
  for (const model::ContainerCostRow& r : costs.containers) {
    if (!r.labels.cluster.empty()) clusters.insert(r.labels.cluster);
  }

  bool whole_batch_copied = false;
  // The hour's in-memory sums take the batch while the server stores it: the COPY is bound by
  // the server, so summing on a second thread costs no wall time. Undone unless the whole
  // batch was copied directly and committed.
  SumWhileWriting sums(impl_->hour_rollup, batch);
  // Whatever failed, the next write checks partitions and clusters again (another process may
  // have dropped a partition this store thought was there).
  // NOLINTNEXTLINE(cppcoreguidelines-special-member-functions): a local guard, never copied
  struct ForgetCachesUnlessDone {
    Impl& impl;
    bool done = false;
    ~ForgetCachesUnlessDone() {
      if (done) return;
      impl.partition_days.clear();
      impl.day_by_hour.clear();
      impl.recorded_clusters.clear();
    }
  } forget{*impl_};
  // A node row can exist for an interval nobody marked stored (written before marks existed,
  // or by hand): the fast path then fails on its key, and the write is done again through
  // staging.
  bool via_staging = false;
  impl_->Run("write", [&](pqxx::connection& c) {
    for (;;) {
      try {
        whole_batch_copied = impl_->WriteIn(c, batch, clusters, queries, via_staging);
        return;
      } catch (const pqxx::unique_violation&) {
        if (via_staging) throw;
        via_staging = true;
      }
    }
  });
  forget.done = true;
  if (has_rows) {
    std::optional<sys_seconds>& quiet = impl_->nothing_pending_before;
    if (quiet &&
        std::chrono::floor<std::chrono::hours>(costs.start) + std::chrono::hours(1) <= *quiet) {
      quiet.reset();
    }
    impl_->partition_days.insert(std::chrono::floor<days>(costs.start));
    impl_->recorded_clusters.insert(clusters.begin(), clusters.end());
  }
  // Committed whole: the hour's in-memory sums cover it.
  sums.Keep(whole_batch_copied);
}

bool PostgresStore::Impl::WriteIn(pqxx::connection& c, const model::IntervalBatch& batch,
                                  const std::set<std::string, std::less<>>& clusters,
                                  const std::vector<const model::PricedQuery*>& queries,
                                  bool via_staging) const {
  const model::IntervalCosts& costs = batch.costs;
  const bool has_rows = !costs.nodes.empty() || !costs.containers.empty();
  const int interval_seconds = static_cast<int>(costs.length.count());
  const std::int64_t hour = HourOf(costs.start);
  bool whole_batch_copied = false;
  pqxx::work tx(c, "write");
  if (has_rows) {
    const sys_days day = std::chrono::floor<days>(costs.start);
    if (!partition_days.contains(day)) Impl::CreatePartitions(tx, day, day);
    if (!day_by_hour.contains(day)) {
      day_by_hour[day] =
          tx.exec_params1(Sql(kIsPartitioned), PartitionName(kHourPartitionedTable, day))[0]
              .as<bool>();
    }
    std::size_t new_marks = 0;
    for (const std::string& cluster : clusters) {
      new_marks +=
          tx.exec_params(Sql(kMarkIntervalStored), cluster, EpochSeconds(costs.start), hour)
              .affected_rows();
    }
    // Fast path, when nothing of the interval is stored: COPY straight into the day's
    // partitions. Otherwise (a replay after a crash, a second collector) insert through
    // staging only what is missing.
    if (new_marks == clusters.size() && !via_staging) {
      // Straight into the hour's partition (routing each row through the parent and the day
      // costs more than checking the partition's bounds); a day created before migration 0006
      // is one partition.
      const std::string day_partition = PartitionName(kHourPartitionedTable, day);
      CopyContainerRows(
          tx,
          day_by_hour.at(day)
              ? HourPartitionName(day_partition,
                                  static_cast<int>((costs.start - day) / std::chrono::hours(1)))
              : day_partition,
          batch, interval_seconds);
      CopyNodeRows(tx, PartitionName("node_costs", day), batch, interval_seconds);
      whole_batch_copied = true;
    } else {
      for (const std::string& cluster : clusters) {
        tx.exec_params(Sql(kLockInterval), cluster, EpochSeconds(costs.start));
      }
      tx.exec(Sql(kCreateStaging));
      CopyContainerRows(tx, kContainerStaging, batch, interval_seconds);
      CopyNodeRows(tx, kNodeStaging, batch, interval_seconds);
      const std::size_t containers =
          tx.exec_params(Sql(kInsertContainersFromStaging), model::FormatTimestamp(costs.start))
              .affected_rows();
      tx.exec(Sql(kInsertNodesFromStaging));
      if (containers > 0) {
        for (const std::string& cluster : clusters) {
          tx.exec_params(Sql(kMarkIntervalAmended), cluster, EpochSeconds(costs.start));
        }
      }
    }
  }
  if (has_rows) {
    WriteVolumes(tx, batch, interval_seconds);
    for (const std::string& cluster : clusters) {
      if (!recorded_clusters.contains(cluster)) {
        tx.exec_params(Sql(kRememberCluster), cluster);
      }
    }
  }
  if (!batch.pod_labels.empty()) {
    tx.exec(Sql(kCreatePodLabelStaging));
    CopyWriter<CopyText> copy(tx, Sql(kPodLabelStaging), kPodLabelColumns);
    for (const model::PodLabelSet& p : batch.pod_labels) {
      copy.Row(p.namespace_name, p.pod, StoredLabelsText(p.labels));
    }
    copy.Complete();
    tx.exec_params(Sql(kUpsertPodLabels), batch.cluster);
  }
  if (!batch.node_labels.empty()) {
    // In parts, in name order across the parts as within each (the order rows are locked in):
    // every node's labels as texts and array literals at once were the peak of a first
    // interval (~20 MiB at 5,000 nodes).
    std::vector<const model::NodeLabelSet*> by_name;
    by_name.reserve(batch.node_labels.size());
    for (const model::NodeLabelSet& n : batch.node_labels) by_name.push_back(&n);
    std::sort(by_name.begin(), by_name.end(),
              [](const model::NodeLabelSet* a, const model::NodeLabelSet* b) {
                return a->node < b->node;
              });
    std::vector<std::string> nodes;
    std::vector<std::string> labels;
    for (std::size_t first = 0; first < by_name.size(); first += kNodeLabelsPerStatement) {
      nodes.clear();
      labels.clear();
      const std::size_t end = std::min(by_name.size(), first + kNodeLabelsPerStatement);
      for (std::size_t i = first; i < end; ++i) {
        nodes.push_back(by_name[i]->node);
        labels.push_back(StoredLabelsText(by_name[i]->labels));
      }
      tx.exec_params(Sql(kUpsertNodeLabels), batch.cluster, TextArray(nodes), TextArray(labels));
    }
  }
  if (!queries.empty()) {
    tx.exec(Sql(kCreateQueryStaging));
    CopyWriter<CopyText> copy(tx, Sql(kQueryStaging), kQueryColumns);
    for (const model::PricedQuery* q : queries) {
      const model::AthenaQueryExecution& e = q->execution;
      copy.Row(batch.cluster, e.query_execution_id, e.work_group, q->team, QueryStateName(e.state),
               e.statement_type, e.submitted, e.completed, e.data_scanned_bytes,
               e.engine_execution_millis, q->cost.nanos(), e.query);
    }
    copy.Complete();
    tx.exec(Sql(kInsertQueries));
  }
  tx.commit();
  return whole_batch_copied;
}

std::int64_t PostgresStore::RollUp(sys_seconds complete_before) {
  std::int64_t hours = 0;
  // Which hours are complete changes only when `complete_before` enters a new hour; until
  // then only a write of this store into a complete hour can make one pending (another
  // writer rolls up what it marks itself, and hours left by one that stopped are found at the
  // next hour). So one query per hour, not per tick, when nothing was pending.
  std::optional<sys_seconds>& quiet = impl_->nothing_pending_before;
  const bool still_quiet = quiet && complete_before >= *quiet &&
                           std::chrono::floor<std::chrono::hours>(complete_before) ==
                               std::chrono::floor<std::chrono::hours>(*quiet);
  const bool pending = !still_quiet && impl_->Run("roll up", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return tx.exec_params1(Sql(kAnythingToRollUp), EpochSeconds(complete_before))[0].as<bool>();
  });
  quiet.reset();
  if (!pending) {
    quiet = complete_before;
    impl_->hour_rollup.ForgetBefore(complete_before - std::chrono::hours(1) +
                                    std::chrono::seconds(1));
    return 0;
  }
  for (;;) {
    const bool rolled = impl_->Run("roll up", [&](pqxx::connection& c) {
      pqxx::work tx(c, "rollup");
      const pqxx::result next =
          tx.exec_params(Sql(kNextPendingHour), EpochSeconds(complete_before));
      if (next.empty()) return false;
      const auto cluster = next[0][0].as<std::string>();
      const auto hour = next[0][1].as<std::int64_t>();
      tx.exec_params(Sql(kLockHourExclusive), cluster, hour);
      // Taken by a concurrent rollup meanwhile: it did the work.
      if (tx.exec_params(Sql(kTakePendingHour), cluster, hour).affected_rows() == 0) {
        tx.commit();
        return true;
      }
      tx.exec(Sql(kRollUpSettings));
      tx.exec_params(Sql(kClearContainerHour), cluster, hour);
      for (const RollupGrain g : kCoarseGrains)
        tx.exec_params(ClearGrainPeriod(g, false), cluster, hour);
      tx.exec_params(Sql(kClearNodeHour), cluster, hour);
      // The sums this store kept while writing, when it wrote every interval of the hour and
      // nobody amended one; otherwise aggregate the raw rows.
      std::set<std::int64_t> stored;
      bool amended = false;
      for (const pqxx::row& r : tx.exec_params(Sql(kStoredIntervalsOfHour), cluster, hour)) {
        stored.insert(r[0].as<std::int64_t>());
        amended |= r[1].as<bool>();
      }
      std::optional<std::vector<HourlyContainerRow>> kept;
      if (!amended) {
        kept = impl_->hour_rollup.Take(cluster, sys_seconds(std::chrono::seconds(hour)), stored);
      }
      if (kept) {
        CopyHourlyContainers(tx, cluster, sys_seconds(std::chrono::seconds(hour)), *kept);
      } else {
        tx.exec_params(ContainerHourRollUpSql(), cluster, hour);
      }
      for (const RollupGrain g : kCoarseGrains) {
        tx.exec_params(GrainHourRollUpSql(g), cluster, hour, hour + std::int64_t{3600});
      }
      tx.exec_params(Sql(kRollUpNodeHour), cluster, hour);
      RollUpVolumeHour(tx, cluster, hour);
      tx.exec_params(Sql(kMarkDayPending), cluster, hour);
      MarkLocalDayPending(tx, cluster, hour);
      tx.commit();
      ++hours;
      return true;
    });
    if (!rolled) break;
  }
  // Complete hours not rolled up here were rolled up elsewhere: their sums are of no use.
  impl_->hour_rollup.ForgetBefore(complete_before - std::chrono::hours(1) +
                                  std::chrono::seconds(1));
  // Days: after their hours, so a day never misses an hour rolled up in this call.
  for (;;) {
    const bool rolled = impl_->Run("daily roll up", [&](pqxx::connection& c) {
      pqxx::work tx(c, "daily rollup");
      const pqxx::result next = tx.exec_params(Sql(kNextPendingDay), EpochSeconds(complete_before));
      if (next.empty()) return false;
      const auto cluster = next[0][0].as<std::string>();
      const auto day = next[0][1].as<std::int64_t>();
      // Concurrent rollups of the same day serialize on the day's first hour lock.
      tx.exec_params(Sql(kLockHourExclusive), cluster, day);
      if (tx.exec_params(Sql(kTakePendingDay), cluster, day).affected_rows() == 0) {
        tx.commit();
        return true;
      }
      tx.exec(Sql(kRollUpSettings));
      tx.exec_params(Sql(kClearContainerDay), cluster, day);
      for (const RollupGrain g : kCoarseGrains)
        tx.exec_params(ClearGrainPeriod(g, true), cluster, day);
      tx.exec_params(Sql(kClearNodeDay), cluster, day);
      tx.exec_params(Sql(kClearUsageDay), cluster, day);
      tx.exec_params(Sql(kClearActivityDay), cluster, day);
      tx.exec_params(RollUpContainerDay(), cluster, day);
      for (const RollupGrain g : kCoarseGrains) tx.exec_params(RollUpGrainDay(g), cluster, day);
      tx.exec_params(Sql(kRollUpNodeDay), cluster, day);
      tx.exec_params(Sql(kRollUpUsageDay), cluster, day);
      tx.exec_params(Sql(kRollUpActivityDay), cluster, day);
      RollUpVolumeDay(tx, cluster, day);
      tx.commit();
      return true;
    });
    if (!rolled) break;
  }
  // Local days (migration 0018), after the hours too. A zone's first start may find months of
  // them pending (at 150k pods each is a few seconds): a few seconds' worth per call, so that
  // the collector's interval is not held up; the rest at the next ticks, read from the UTC
  // rollups until then.
  const auto local_days_until = std::chrono::steady_clock::now() + kLocalDayRollUpBudget;
  while (std::chrono::steady_clock::now() < local_days_until) {
    const bool rolled = impl_->Run("local day roll up", [&](pqxx::connection& c) {
      pqxx::work tx(c, "local day rollup");
      tx.exec(Sql(kRollUpSettings));
      const bool found = RollUpNextLocalDay(tx, EpochSeconds(complete_before));
      tx.commit();
      return found;
    });
    if (!rolled) break;
  }
  return hours;
}

std::int64_t PostgresStore::Maintain(sys_seconds now) {
  EnsurePartitions(std::chrono::floor<days>(now), 3);
  return ApplyRetention(impl_->retention, now);
}

std::int64_t PostgresStore::ApplyRetention(const RetentionPolicy& policy, sys_seconds now) {
  if (policy.raw_days < 0 || policy.hourly_days < 0 || policy.queries_days < 0) {
    throw InvalidInput("retention: days must not be negative");
  }
  // Raw rows are the source of their hour's rollup: roll up every complete hour before any
  // raw partition can go.
  RollUp(now);
  const sys_seconds raw_cutoff = now - days(policy.raw_days);
  const sys_seconds hourly_cutoff = now - days(policy.hourly_days);
  const sys_seconds queries_cutoff = now - days(policy.queries_days);
  return impl_->Run("retention", [&](pqxx::connection& c) {
    pqxx::work tx(c, "retention");
    std::string drop;
    std::int64_t removed = 0;
    for (const pqxx::row& row : tx.exec(Sql(kListPartitions))) {
      const auto name = row[0].as<std::string>();
      const std::optional<sys_days> day = PartitionDay(name);
      // Only partitions whose whole day lies before the cutoff.
      if (!day || *day + days(1) > raw_cutoff) continue;
      if (!drop.empty()) drop += ", ";
      drop += name;
      ++removed;
    }
    if (!drop.empty()) tx.exec(fmt::format(kDropPartitions, drop));
    impl_->partition_days.clear();
    impl_->day_by_hour.clear();
    // The marks of the dropped days go with them (bookkeeping, not counted as removed rows).
    tx.exec_params(Sql(kDeleteIntervalMarks), EpochSeconds(std::chrono::floor<days>(raw_cutoff)));
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteContainerHourly), EpochSeconds(hourly_cutoff)).affected_rows());
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteNodeHourly), EpochSeconds(hourly_cutoff)).affected_rows());
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteContainerDaily), EpochSeconds(hourly_cutoff)).affected_rows());
    for (const RollupGrain g : kCoarseGrains) {
      for (const bool daily : {false, true}) {
        removed += static_cast<std::int64_t>(
            tx.exec_params(DeleteGrainBefore(g, daily), EpochSeconds(hourly_cutoff))
                .affected_rows());
      }
    }
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteNodeDaily), EpochSeconds(hourly_cutoff)).affected_rows());
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteUsageDaily), EpochSeconds(hourly_cutoff)).affected_rows());
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteActivityDaily), EpochSeconds(hourly_cutoff)).affected_rows());
    removed += DeleteLocalDays(tx, EpochSeconds(hourly_cutoff));
    removed += static_cast<std::int64_t>(
        tx.exec_params(Sql(kDeleteQueries), EpochSeconds(queries_cutoff)).affected_rows());
    removed += DeleteVolumeRows(tx, EpochSeconds(std::chrono::floor<days>(raw_cutoff)),
                                EpochSeconds(hourly_cutoff));
    tx.commit();
    return removed;
  });
}

std::vector<StoredIntervalTotal> PostgresStore::IntervalTotals(const std::string& cluster,
                                                               sys_seconds from, sys_seconds to) {
  return impl_->Run("read totals", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "totals");
    std::vector<StoredIntervalTotal> out;
    for (const pqxx::row& row :
         tx.exec_params(Sql(kIntervalTotals), cluster, EpochSeconds(from), EpochSeconds(to))) {
      StoredIntervalTotal t;
      t.interval_start = sys_seconds(std::chrono::seconds(row[0].as<std::int64_t>()));
      t.node_cost_nanos = row[1].as<std::int64_t>();
      t.container_cost_nanos = row[2].as<std::int64_t>();
      t.idle_cost_nanos = row[3].as<std::int64_t>();
      t.container_rows = row[4].as<std::int64_t>();
      t.node_rows = row[5].as<std::int64_t>();
      out.push_back(t);
    }
    return out;
  });
}

bool PostgresStore::Ping() {
  try {
    impl_->Run("ping", [](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      tx.exec(Sql(kPing));
    });
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace costledger::postgres
