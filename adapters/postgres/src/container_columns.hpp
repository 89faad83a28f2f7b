#pragma once

// Internal to the PostgreSQL adapter: the container-cost columns, in one table. The raw
// table's COPY layout and row encoding, the rollup tables' layout and COPY encoding, the SQL
// and in-memory rollups and the cost reader's folds are generated from kContainerColumns, so
// adding a column is one edit here: its raw entry and, when the rollups keep it, its rollup
// entry, each at the end of its part as ALTER TABLE ADD COLUMN appends it (plus its
// migration: the schema stays in SQL files, and container_columns_test holds the table to the
// migrated schema).

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "copy_binary.hpp"
#include "costledger/model/cost_rows.hpp"
#include "costledger/model/interval_attribution.hpp"

namespace costledger::postgres {

/// A column's type, as the migrations declare it and COPY BINARY encodes it.
enum class SqlType : std::uint8_t {
  kText,
  kInteger,
  kBigint,
  kDoublePrecision,
  kBoolean,
  kTimestamptz
};

/// The type as information_schema.columns.data_type spells it.
constexpr std::string_view SqlTypeName(SqlType type) {
  switch (type) {
    case SqlType::kText:
      return "text";
    case SqlType::kInteger:
      return "integer";
    case SqlType::kBigint:
      return "bigint";
    case SqlType::kDoublePrecision:
      return "double precision";
    case SqlType::kBoolean:
      return "boolean";
    case SqlType::kTimestamptz:
      return "timestamp with time zone";
  }
  return "";
}

/// Which container table a column belongs to and, for the rollup tables
/// (container_costs_hourly and _daily, and workload_costs_daily: one row per container, or
/// workload, and period after `cluster` and the period), how it is folded from the raw rows
/// of the period, and from the rollup rows of a finer period for a coarser one.
enum class Rollup : std::uint8_t {
  kNone,   ///< a column of the raw table, container_costs, not of the rollups
  kKey,    ///< a label that identifies the container in a period (GROUP BY)
  kLabel,  ///< a label carried along: the smallest (bytewise) of the period
  kSum,    ///< the sum of `per_interval` over the period
  kMin,    ///< the smallest `per_interval` of the period
  kMax,    ///< the largest `per_interval` of the period
};

/// The SQL aggregate that folds a rollup column's values: sum, max, else min (for labels: the
/// smallest of the period).
constexpr std::string_view FoldFunction(Rollup rollup) {
  switch (rollup) {
    case Rollup::kSum:
      return "sum";
    case Rollup::kMax:
      return "max";
    case Rollup::kMin:
    case Rollup::kLabel:
    case Rollup::kKey:
    case Rollup::kNone:
      break;
  }
  return "min";
}

/// One raw container row to encode: a container's interval in a batch.
struct RawContainerRow {
  const model::ContainerCostRow& row;
  const std::string& cluster;  ///< the row's own, else the batch's
  std::chrono::sys_seconds interval_start;
  std::int32_t interval_seconds;
  std::int64_t container_key;
};

/// One raw container interval, as the in-memory rollup folds it.
struct ContainerInterval {
  const model::ContainerCostRow& row;
  std::int64_t start_seconds;     ///< epoch seconds
  std::int64_t interval_seconds;  ///< length
};

/// The folded value of a kSum, kMin or kMax column: integer columns and timestamps (epoch
/// seconds) in `whole`, exactly; double precision columns as `real()`, in the same 8 bytes (a
/// column is one or the other by its type; an hour of 150k containers holds 17 values each).
struct RollupValue {
  std::int64_t whole = 0;  // 0 is also the real 0.0

  double real() const { return std::bit_cast<double>(whole); }
  void set_real(double value) { whole = std::bit_cast<std::int64_t>(value); }
};
static_assert(sizeof(double) == sizeof(std::int64_t));

/// What the cost reader fills from a rollup column: at most one member of AllocationRow.
struct AllocationField {
  double model::AllocationRow::*quantity = nullptr;
  model::Money model::AllocationRow::*cost = nullptr;
  std::chrono::sys_seconds model::AllocationRow::*time = nullptr;

  constexpr bool empty() const { return quantity == nullptr && cost == nullptr && time == nullptr; }
};

/// One container-cost column: of the raw table (`raw` set) or of the rollup tables (`rollup`
/// set).
struct ContainerColumn {
  std::string_view name{};
  /// Its type in the raw table, or in container_costs_hourly.
  SqlType type = SqlType::kBigint;
  /// A raw column: encodes its value in a raw row (COPY BINARY).
  void (*raw)(CopyBinary&, const RawContainerRow&) = nullptr;
  /// A rollup column: its part.
  Rollup rollup = Rollup::kNone;
  /// kKey and kLabel: the label it holds.
  model::SharedText model::CostLabels::*label = nullptr;
  /// kKey and kLabel: also in the key of the per-workload rollups (else not in it).
  bool workload_key = false;
  /// kKey and kLabel: also in the key of the per-node rollups (else not in it).
  bool node_key = false;
  /// kSum, kMin and kMax: SQL of the value folded, over one raw row `x`.
  std::string_view per_interval{};
  /// kSum, kMin and kMax: folds one raw interval into the value in memory, as the SQL does;
  /// false when an integer overflows (the SQL would fail as well: bigint).
  bool (*fold)(RollupValue&, const ContainerInterval&) = nullptr;
  /// What the cost reader reads from it; nothing for columns the API does not use.
  AllocationField read{};
};

namespace columns {

bool AddChecked(std::int64_t& sum, std::int64_t value);
// sum += value x seconds.
bool AddProduct(std::int64_t& sum, std::int64_t value, std::int64_t seconds);

inline void RawCluster(CopyBinary& out, const RawContainerRow& r) { out.Field(r.cluster); }
inline void RawIntervalStart(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.interval_start);
}
inline void RawIntervalSeconds(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.interval_seconds);
}
template <model::SharedText model::CostLabels::*Label>
void RawLabel(CopyBinary& out, const RawContainerRow& r) {
  out.Field((r.row.labels.*Label).str());
}
template <std::int64_t model::ContainerDemand::*Quantity>
void RawDemand(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.row.demand.*Quantity);
}
inline void RawGpuBusyDevices(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.row.gpu_busy_devices);
}
inline void RawUsageObserved(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.row.usage_observed);
}
template <std::int64_t model::ResourceCosts::*Nanos>
void RawCost(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.row.cost.*Nanos);
}
inline void RawContainerKey(CopyBinary& out, const RawContainerRow& r) {
  out.Field(r.container_key);
}

inline bool FoldCount(RollupValue& v, const ContainerInterval& /*interval*/) {
  return AddChecked(v.whole, 1);
}
inline bool FoldSeconds(RollupValue& v, const ContainerInterval& i) {
  return AddChecked(v.whole, i.interval_seconds);
}
inline bool FoldObservedSeconds(RollupValue& v, const ContainerInterval& i) {
  return !i.row.usage_observed || AddChecked(v.whole, i.interval_seconds);
}
template <std::int64_t model::ContainerDemand::*Quantity>
bool FoldDemandSeconds(RollupValue& v, const ContainerInterval& i) {
  return AddProduct(v.whole, i.row.demand.*Quantity, i.interval_seconds);
}
inline bool FoldCpuAllocatedSeconds(RollupValue& v, const ContainerInterval& i) {
  return AddProduct(v.whole, i.row.demand.CpuAllocationMillicores(), i.interval_seconds);
}
inline bool FoldMemoryAllocatedSeconds(RollupValue& v, const ContainerInterval& i) {
  return AddProduct(v.whole, i.row.demand.MemoryAllocationBytes(), i.interval_seconds);
}
inline bool FoldGpuBusyDeviceSeconds(RollupValue& v, const ContainerInterval& i) {
  if (i.row.gpu_busy_devices) {
    v.set_real(v.real() + *i.row.gpu_busy_devices * static_cast<double>(i.interval_seconds));
  }
  return true;
}
inline bool FoldGpuBusyObservedSeconds(RollupValue& v, const ContainerInterval& i) {
  return !i.row.gpu_busy_devices || AddChecked(v.whole, i.interval_seconds);
}
template <std::int64_t model::ResourceCosts::*Nanos>
bool FoldCost(RollupValue& v, const ContainerInterval& i) {
  return AddChecked(v.whole, i.row.cost.*Nanos);
}
inline bool FoldFirstStart(RollupValue& v, const ContainerInterval& i) {
  if (i.start_seconds < v.whole) v.whole = i.start_seconds;
  return true;
}
inline bool FoldLastEnd(RollupValue& v, const ContainerInterval& i) {
  std::int64_t end = 0;
  if (__builtin_add_overflow(i.start_seconds, i.interval_seconds, &end)) return false;
  if (end > v.whole) v.whole = end;
  return true;
}

using model::AllocationRow;
using model::ContainerDemand;
using model::CostLabels;
using model::ResourceCosts;

}  // namespace columns

// clang-format off
/// Every container-cost column: the raw table's, in its order (the COPY layout), then the
/// rollup tables', in container_costs_hourly's order after cluster and hour (keys, then labels
/// and values, the labels added by later migrations after the values; the hourly COPY
/// layout).
inline constexpr std::array kContainerColumns{
    // container_costs: one row per container and interval, partitioned by day (and the
    // staging table like it).
    ContainerColumn{.name = "cluster", .type = SqlType::kText, .raw = &columns::RawCluster},
    ContainerColumn{.name = "interval_start", .type = SqlType::kTimestamptz,
                    .raw = &columns::RawIntervalStart},
    ContainerColumn{.name = "interval_seconds", .type = SqlType::kInteger,
                    .raw = &columns::RawIntervalSeconds},
    ContainerColumn{.name = "node", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::node>},
    ContainerColumn{.name = "namespace", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::namespace_name>},
    ContainerColumn{.name = "controller_kind", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::controller_kind>},
    ContainerColumn{.name = "controller", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::controller>},
    ContainerColumn{.name = "pod", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::pod>},
    ContainerColumn{.name = "container", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::container>},
    ContainerColumn{.name = "team", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::team>},
    ContainerColumn{.name = "capacity_type", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::capacity_type>},
    ContainerColumn{.name = "instance_type", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::instance_type>},
    ContainerColumn{.name = "cpu_request_millicores", .type = SqlType::kBigint,
                    .raw = &columns::RawDemand<&columns::ContainerDemand::cpu_request_millicores>},
    ContainerColumn{.name = "cpu_usage_millicores", .type = SqlType::kBigint,
                    .raw = &columns::RawDemand<&columns::ContainerDemand::cpu_usage_millicores>},
    ContainerColumn{.name = "memory_request_bytes", .type = SqlType::kBigint,
                    .raw = &columns::RawDemand<&columns::ContainerDemand::memory_request_bytes>},
    ContainerColumn{.name = "memory_usage_bytes", .type = SqlType::kBigint,
                    .raw = &columns::RawDemand<&columns::ContainerDemand::memory_usage_bytes>},
    ContainerColumn{.name = "gpu_devices", .type = SqlType::kBigint,
                    .raw = &columns::RawDemand<&columns::ContainerDemand::gpu_devices>},
    ContainerColumn{.name = "gpu_busy_devices", .type = SqlType::kDoublePrecision,
                    .raw = &columns::RawGpuBusyDevices},
    ContainerColumn{.name = "usage_observed", .type = SqlType::kBoolean,
                    .raw = &columns::RawUsageObserved},
    ContainerColumn{.name = "cpu_cost_nanos", .type = SqlType::kBigint,
                    .raw = &columns::RawCost<&columns::ResourceCosts::cpu_nanos>},
    ContainerColumn{.name = "ram_cost_nanos", .type = SqlType::kBigint,
                    .raw = &columns::RawCost<&columns::ResourceCosts::ram_nanos>},
    ContainerColumn{.name = "gpu_cost_nanos", .type = SqlType::kBigint,
                    .raw = &columns::RawCost<&columns::ResourceCosts::gpu_nanos>},
    ContainerColumn{.name = "container_key", .type = SqlType::kBigint,
                    .raw = &columns::RawContainerKey},
    // Added by 0005_workload_names.sql: ALTER TABLE ADD COLUMN appends, so they come last.
    ContainerColumn{.name = "platform", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::platform>},
    ContainerColumn{.name = "workload", .type = SqlType::kText,
                    .raw = &columns::RawLabel<&columns::CostLabels::workload>},

    // container_costs_hourly, container_costs_daily (day for hour) and, for the columns
    // marked workload_key (node_key) and the values, workload_costs_hourly and _daily
    // (node_kind_costs_hourly and _daily). Byte-seconds are summed as
    // numeric, so that no read over many rows can overflow.
    ContainerColumn{.name = "namespace", .type = SqlType::kText, .rollup = Rollup::kKey,
                    .label = &columns::CostLabels::namespace_name, .workload_key = true},
    ContainerColumn{.name = "pod", .type = SqlType::kText, .rollup = Rollup::kKey,
                    .label = &columns::CostLabels::pod},
    ContainerColumn{.name = "container", .type = SqlType::kText, .rollup = Rollup::kKey,
                    .label = &columns::CostLabels::container},
    ContainerColumn{.name = "node", .type = SqlType::kText, .rollup = Rollup::kKey,
                    .label = &columns::CostLabels::node, .node_key = true},
    ContainerColumn{.name = "controller_kind", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::controller_kind, .workload_key = true,
                    .node_key = true},
    ContainerColumn{.name = "controller", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::controller, .workload_key = true},
    ContainerColumn{.name = "team", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::team, .workload_key = true},
    ContainerColumn{.name = "capacity_type", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::capacity_type},
    ContainerColumn{.name = "instance_type", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::instance_type},
    ContainerColumn{.name = "intervals", .type = SqlType::kInteger, .rollup = Rollup::kSum,
                    .per_interval = "1", .fold = &columns::FoldCount},
    ContainerColumn{.name = "seconds", .type = SqlType::kBigint, .rollup = Rollup::kSum,
                    .per_interval = "x.interval_seconds", .fold = &columns::FoldSeconds,
                    .read = {.quantity = &columns::AllocationRow::container_seconds}},
    ContainerColumn{.name = "usage_observed_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "CASE WHEN x.usage_observed THEN x.interval_seconds ELSE 0 END",
                    .fold = &columns::FoldObservedSeconds,
                    .read = {.quantity = &columns::AllocationRow::usage_observed_seconds}},
    ContainerColumn{.name = "cpu_request_millicore_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.cpu_request_millicores * x.interval_seconds",
                    .fold = &columns::FoldDemandSeconds<
                        &columns::ContainerDemand::cpu_request_millicores>,
                    .read = {.quantity = &columns::AllocationRow::cpu_request_millicore_seconds}},
    ContainerColumn{.name = "cpu_usage_millicore_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.cpu_usage_millicores * x.interval_seconds",
                    .fold = &columns::FoldDemandSeconds<
                        &columns::ContainerDemand::cpu_usage_millicores>,
                    .read = {.quantity = &columns::AllocationRow::cpu_usage_millicore_seconds}},
    ContainerColumn{.name = "memory_request_byte_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.memory_request_bytes::numeric * x.interval_seconds",
                    .fold = &columns::FoldDemandSeconds<
                        &columns::ContainerDemand::memory_request_bytes>,
                    .read = {.quantity = &columns::AllocationRow::memory_request_byte_seconds}},
    ContainerColumn{.name = "memory_usage_byte_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.memory_usage_bytes::numeric * x.interval_seconds",
                    .fold = &columns::FoldDemandSeconds<
                        &columns::ContainerDemand::memory_usage_bytes>,
                    .read = {.quantity = &columns::AllocationRow::memory_usage_byte_seconds}},
    ContainerColumn{.name = "gpu_device_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.gpu_devices * x.interval_seconds",
                    .fold = &columns::FoldDemandSeconds<&columns::ContainerDemand::gpu_devices>,
                    .read = {.quantity = &columns::AllocationRow::gpu_device_seconds}},
    ContainerColumn{.name = "gpu_busy_device_seconds", .type = SqlType::kDoublePrecision,
                    .rollup = Rollup::kSum,
                    .per_interval = "x.gpu_busy_devices * x.interval_seconds",
                    .fold = &columns::FoldGpuBusyDeviceSeconds,
                    .read = {.quantity = &columns::AllocationRow::gpu_busy_device_seconds}},
    ContainerColumn{.name = "gpu_busy_observed_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "CASE WHEN x.gpu_busy_devices IS NOT NULL"
                                    " THEN x.interval_seconds ELSE 0 END",
                    .fold = &columns::FoldGpuBusyObservedSeconds},
    ContainerColumn{.name = "cpu_cost_nanos", .type = SqlType::kBigint, .rollup = Rollup::kSum,
                    .per_interval = "x.cpu_cost_nanos",
                    .fold = &columns::FoldCost<&columns::ResourceCosts::cpu_nanos>,
                    .read = {.cost = &columns::AllocationRow::cpu_cost}},
    ContainerColumn{.name = "ram_cost_nanos", .type = SqlType::kBigint, .rollup = Rollup::kSum,
                    .per_interval = "x.ram_cost_nanos",
                    .fold = &columns::FoldCost<&columns::ResourceCosts::ram_nanos>,
                    .read = {.cost = &columns::AllocationRow::ram_cost}},
    ContainerColumn{.name = "gpu_cost_nanos", .type = SqlType::kBigint, .rollup = Rollup::kSum,
                    .per_interval = "x.gpu_cost_nanos",
                    .fold = &columns::FoldCost<&columns::ResourceCosts::gpu_nanos>,
                    .read = {.cost = &columns::AllocationRow::gpu_cost}},
    ContainerColumn{.name = "cpu_allocated_millicore_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "greatest(x.cpu_request_millicores, x.cpu_usage_millicores)"
                                    " * x.interval_seconds",
                    .fold = &columns::FoldCpuAllocatedSeconds,
                    .read = {.quantity = &columns::AllocationRow::cpu_allocated_millicore_seconds}},
    ContainerColumn{.name = "memory_allocated_byte_seconds", .type = SqlType::kBigint,
                    .rollup = Rollup::kSum,
                    .per_interval = "greatest(x.memory_request_bytes, x.memory_usage_bytes)"
                                    "::numeric * x.interval_seconds",
                    .fold = &columns::FoldMemoryAllocatedSeconds,
                    .read = {.quantity = &columns::AllocationRow::memory_allocated_byte_seconds}},
    ContainerColumn{.name = "first_start", .type = SqlType::kTimestamptz, .rollup = Rollup::kMin,
                    .per_interval = "x.interval_start", .fold = &columns::FoldFirstStart,
                    .read = {.time = &columns::AllocationRow::first_start}},
    ContainerColumn{.name = "last_end", .type = SqlType::kTimestamptz, .rollup = Rollup::kMax,
                    .per_interval = "x.interval_start + x.interval_seconds * interval '1 second'",
                    .fold = &columns::FoldLastEnd,
                    .read = {.time = &columns::AllocationRow::last_end}},
    // Added by 0005_workload_names.sql, after the values (ALTER TABLE ADD COLUMN appends);
    // a pod's platform and workload are one, so they also key its workload's daily rollup.
    ContainerColumn{.name = "platform", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::platform, .workload_key = true},
    ContainerColumn{.name = "workload", .type = SqlType::kText, .rollup = Rollup::kLabel,
                    .label = &columns::CostLabels::workload, .workload_key = true},
};
// clang-format on

// ---- layouts derived from the table ---------------------------------------------------------

constexpr bool IsRawColumn(const ContainerColumn& c) { return c.raw != nullptr; }
constexpr bool IsRollupColumn(const ContainerColumn& c) { return c.rollup != Rollup::kNone; }
constexpr bool IsRollupLabel(const ContainerColumn& c) {
  return c.rollup == Rollup::kKey || c.rollup == Rollup::kLabel;
}
constexpr bool IsRollupValue(const ContainerColumn& c) {
  return c.rollup == Rollup::kSum || c.rollup == Rollup::kMin || c.rollup == Rollup::kMax;
}

namespace columns {

template <typename Predicate>
constexpr std::size_t CountColumns(Predicate predicate) {
  std::size_t n = 0;
  for (const ContainerColumn& c : kContainerColumns) n += predicate(c) ? 1 : 0;
  return n;
}

template <std::size_t N, typename Predicate>
constexpr std::array<const char*, N> NamesOf(Predicate predicate) {
  std::array<const char*, N> out{};
  std::size_t n = 0;
  for (const ContainerColumn& c : kContainerColumns) {
    if (predicate(c)) out[n++] = c.name.data();  // literals: NUL-terminated
  }
  return out;
}

// Whether the table is what the generators assume: every column in exactly one table, raw
// columns first (cluster leading), then the rollup's keys, then its labels and values (a
// label added by a later migration follows the values, as ALTER TABLE ADD COLUMN puts it);
// names unique per table; every rollup label naming its label, every value folded in SQL and
// in memory; only values read.
constexpr bool Consistent() {
  int section = 0;  // 0 raw, 1 keys, 2 labels and values
  for (std::size_t i = 0; i < kContainerColumns.size(); ++i) {
    const ContainerColumn& c = kContainerColumns[i];
    if (IsRawColumn(c) == IsRollupColumn(c)) return false;
    const int at = IsRawColumn(c) ? 0 : c.rollup == Rollup::kKey ? 1 : 2;
    if (at < section) return false;
    section = at;
    for (std::size_t j = 0; j < i; ++j) {
      const ContainerColumn& d = kContainerColumns[j];
      if (d.name == c.name && IsRawColumn(d) == IsRawColumn(c)) return false;
    }
    if (IsRollupLabel(c) != (c.label != nullptr)) return false;
    if (IsRollupValue(c) != (c.fold != nullptr) || IsRollupValue(c) == c.per_interval.empty()) {
      return false;
    }
    if ((c.workload_key || c.node_key) && !IsRollupLabel(c)) return false;
    if (!c.read.empty() && !IsRollupValue(c)) return false;
  }
  return kContainerColumns[0].name == "cluster";
}
static_assert(Consistent(), "kContainerColumns: see Consistent() for what is wrong");

}  // namespace columns

/// The raw table's columns, in its order: the COPY layout of raw rows.
inline constexpr std::size_t kRawContainerColumnCount = columns::CountColumns(IsRawColumn);
inline constexpr std::array<const char*, kRawContainerColumnCount> kRawContainerColumnNames =
    columns::NamesOf<kRawContainerColumnCount>(IsRawColumn);

/// The hourly rollup's columns, in its order: cluster, hour, then the rollup columns (the
/// layout EncodeHourlyContainerRow writes).
inline constexpr std::size_t kRollupColumnCount = columns::CountColumns(IsRollupColumn);
inline constexpr std::array<const char*, kRollupColumnCount + 2> kHourlyContainerColumnNames = [] {
  std::array<const char*, kRollupColumnCount + 2> out{"cluster", "hour"};
  const auto names = columns::NamesOf<kRollupColumnCount>(IsRollupColumn);
  for (std::size_t i = 0; i < names.size(); ++i) out[i + 2] = names[i];
  return out;
}();

/// The folded values of a container's period, one per kSum, kMin or kMax column, in table
/// order.
inline constexpr std::size_t kRollupValueCount = columns::CountColumns(IsRollupValue);
using RollupValues = std::array<RollupValue, kRollupValueCount>;

/// The index in RollupValues of the value column `column` (an index of kContainerColumns).
constexpr std::size_t RollupValueIndex(std::size_t column) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < column; ++i) n += IsRollupValue(kContainerColumns[i]) ? 1 : 0;
  return n;
}

/// Calls `f(std::integral_constant<std::size_t, I>{})` for each column I in table order, so
/// that `f` can use kContainerColumns[I] as a constant (calls through its pointers inline).
template <typename F>
constexpr void ForEachContainerColumn(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
  }
  (std::make_index_sequence<kContainerColumns.size()>{});
}

/// Appends one raw row (the raw table's layout) to `out`.
inline void EncodeRawContainerRow(CopyBinary& out, const RawContainerRow& row) {
  out.BeginRow(static_cast<std::int16_t>(kRawContainerColumnCount));
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (kColumn.raw != nullptr) kColumn.raw(out, row);
  });
}

/// The values of a period before its first interval: 0 for sums, the extremes for min and max.
constexpr RollupValues InitialRollupValues() {
  RollupValues out{};
  std::size_t n = 0;
  for (const ContainerColumn& c : kContainerColumns) {
    if (!IsRollupValue(c)) continue;
    if (c.rollup == Rollup::kMin) out[n].whole = std::numeric_limits<std::int64_t>::max();
    if (c.rollup == Rollup::kMax) out[n].whole = std::numeric_limits<std::int64_t>::min();
    ++n;
  }
  return out;
}

/// Folds one raw interval into a period's values; false when an integer overflowed.
inline bool FoldContainerInterval(RollupValues& values, const ContainerInterval& interval) {
  bool ok = true;
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (IsRollupValue(kColumn)) ok &= kColumn.fold(values[RollupValueIndex(i)], interval);
  });
  return ok;
}

/// A container's hour as the rollup tables hold it: its key and carried labels (the others
/// are empty) and its folded values.
struct HourlyContainerRow {
  model::CostLabels labels;
  RollupValues values = InitialRollupValues();
};

/// Appends a container's hour of `cluster` to `out` in kHourlyContainerColumnNames' layout.
/// Throws InvalidInput when a value does not fit its column (an integer column).
void EncodeHourlyContainerRow(CopyBinary& out, const std::string& cluster,
                              std::chrono::sys_seconds hour, const HourlyContainerRow& row);

// ---- SQL generated from the table --------------------------------------------------------------

/// INSERT INTO container_costs_hourly the rows of one hour ($1 cluster, $2 epoch seconds of the
/// hour) folded from the raw rows of container_costs.
const std::string& ContainerHourRollUpSql();

/// The grains of the rollups: one row per container, or per workload (the columns marked
/// workload_key: what dashboards group by most), or per node and controller kind (node_key:
/// the nodes' and offerings' usage, `aggregate=node`), each per hour and per UTC day.
enum class RollupGrain { kContainer, kWorkload, kNodeKind };

/// The coarser grains, each kept beside the container rollups of the same period.
inline constexpr std::array<RollupGrain, 2> kCoarseGrains{RollupGrain::kWorkload,
                                                          RollupGrain::kNodeKind};

/// A grain's hourly and daily tables.
struct GrainTables {
  std::string_view hourly;
  std::string_view daily;
};
GrainTables TablesOf(RollupGrain grain);

/// Whether `c` is a key of `grain`'s rollups (for kContainer: Rollup::kKey).
bool InKeyOf(const ContainerColumn& c, RollupGrain grain);

/// INSERT INTO `target` one row per key of `grain` of one UTC day ($1 cluster, $2 epoch
/// seconds of the day), folded from the rows of the rollup table `source` whose `source_time`
/// lies in that day.
std::string ContainerDayRollUpSql(std::string_view target, std::string_view source,
                                  std::string_view source_time, RollupGrain grain);

/// INSERT INTO container_costs_local_daily the rows of cluster $1's local day [$2, $3) (epoch
/// seconds; migration 0018), folded from its hours in container_costs_hourly as a UTC day's
/// rows are (the same keys and carried labels).
const std::string& ContainerLocalDayRollUpSql();

/// INSERT INTO the hourly table of a coarser `grain` one row per key and hour of cluster $1's
/// hours in [$2, $3) (epoch seconds), folded from the rows of container_costs_hourly: what the
/// hourly tier answers for groupings that fine, with fewer rows (migrations 0014, 0015).
const std::string& GrainHourRollUpSql(RollupGrain grain);

/// The cost reader's folded columns of one branch, "<fold>(<expression>) AS <name>, ..." for
/// every column it reads, over the raw rows `x` (`raw`) or the rows `x` of a rollup table.
std::string ContainerReadFolds(bool raw);

}  // namespace costledger::postgres
