#include "costledger/postgres/postgres_cost_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <pqxx/pqxx>
#include <unordered_map>
#include <utility>

#include "container_columns.hpp"
#include "costledger/model/prometheus_label_name.hpp"
#include "costledger/postgres/read_plan.hpp"
#include "pg_arrays.hpp"
#include "pg_session.hpp"
#include "pg_session_pool.hpp"
#include "stored_labels.hpp"

namespace costledger::postgres {
namespace {

using model::CostProperty;
using model::Money;
using model::PropertyRef;
using std::chrono::sys_seconds;

// ---- SQL ----------------------------------------------------------------------------------
// Column and table names in {} placeholders come from this file and kContainerColumns only;
// every value from a request (times, label names, clusters) is a $n parameter.

constexpr std::string_view kClusters = "SELECT cluster FROM clusters ORDER BY cluster";
constexpr std::string_view kPendingHours = R"(
SELECT DISTINCT extract(epoch FROM hour)::bigint FROM rollup_pending
WHERE hour >= to_timestamp($1::bigint) - interval '1 hour' AND hour < to_timestamp($2::bigint))";
// The local days (migration 0018) in [$1, $2), whole: start, end, whether any cluster's waits.
constexpr std::string_view kLocalDays = R"(
SELECT extract(epoch FROM day)::bigint, extract(epoch FROM day_end)::bigint, bool_or(pending)
FROM local_days
WHERE day >= to_timestamp($1::bigint) AND day_end <= to_timestamp($2::bigint)
GROUP BY day, day_end ORDER BY day)";
constexpr std::string_view kPendingDays = R"(
SELECT DISTINCT extract(epoch FROM day)::bigint FROM rollup_pending_daily
WHERE day >= to_timestamp($1::bigint) - interval '1 day' AND day < to_timestamp($2::bigint))";

// Per tier: the table, its time column and the per-row expressions of the summed columns.
struct TierSql {
  std::string_view container_table;
  std::string_view node_table;
  std::string_view time_column;
  std::string_view container_sums;
  std::string_view node_sums;
};

// The container columns the reader folds, per branch: generated from kContainerColumns.
std::string_view RollupContainerFolds() {
  static const std::string kFolds = ContainerReadFolds(false);
  return kFolds;
}
// The read columns of hours taken away, per row (summed by the outer fold): sums subtract,
// times say nothing (NULL).
std::string_view NegatedRollupContainerColumns() {
  static const std::string kColumns = [] {
    std::string out;
    for (const ContainerColumn& c : kContainerColumns) {
      if (c.read.empty()) continue;
      if (!out.empty()) out += ",\n  ";
      out += c.rollup == Rollup::kSum ? fmt::format("-x.{0} AS {0}", c.name)
                                      : fmt::format("NULL::timestamptz AS {}", c.name);
    }
    return out;
  }();
  return kColumns;
}
// The read columns of a rollup's rows as they are, for a branch whose groups are its rows.
std::string_view RollupContainerColumns() {
  static const std::string kColumns = [] {
    std::string out;
    for (const ContainerColumn& c : kContainerColumns) {
      if (c.read.empty()) continue;
      if (!out.empty()) out += ",\n  ";
      out += fmt::format("x.{0} AS {0}", c.name);
    }
    return out;
  }();
  return kColumns;
}
std::string_view RawContainerFolds() {
  static const std::string kFolds = ContainerReadFolds(true);
  return kFolds;
}

constexpr std::string_view kRollupNodeSums = R"(
  min(x.first_start) AS first_start, max(x.last_end) AS last_end, sum(x.seconds) AS seconds,
  min(x.instance_type) AS instance_type, min(x.zone) AS zone,
  min(x.capacity_type) AS capacity_type, max(x.node_group) AS node_group,
  max(x.cpu_millicores) AS cpu, max(x.memory_bytes) AS mem,
  max(x.gpu_devices) AS gpus, max(x.price_per_hour_nanos) AS price,
  sum(x.node_cost_nanos) AS cost, sum(x.pool_cpu_nanos) AS pool_cpu,
  sum(x.pool_ram_nanos) AS pool_ram, sum(x.pool_gpu_nanos) AS pool_gpu,
  sum(x.idle_cpu_nanos) AS idle_cpu, sum(x.idle_ram_nanos) AS idle_ram,
  sum(x.idle_gpu_nanos) AS idle_gpu)";
constexpr std::string_view kRawNodeSums = R"(
  min(x.interval_start) AS first_start,
  max(x.interval_start + x.interval_seconds * interval '1 second') AS last_end,
  sum(x.interval_seconds) AS seconds,
  min(x.instance_type) AS instance_type, min(x.zone) AS zone,
  min(x.capacity_type) AS capacity_type, max(x.node_group) AS node_group,
  max(x.cpu_millicores) AS cpu, max(x.memory_bytes) AS mem,
  max(x.gpu_devices) AS gpus, max(x.price_per_hour_nanos) AS price,
  sum(x.node_cost_nanos) AS cost, sum(x.pool_cpu_nanos) AS pool_cpu,
  sum(x.pool_ram_nanos) AS pool_ram, sum(x.pool_gpu_nanos) AS pool_gpu,
  sum(x.idle_cpu_nanos) AS idle_cpu, sum(x.idle_ram_nanos) AS idle_ram,
  sum(x.idle_gpu_nanos) AS idle_gpu)";

const TierSql& SqlOf(ReadTier tier) {
  static const TierSql kDaily{"container_costs_daily", "node_costs_daily", "day",
                              RollupContainerFolds(), kRollupNodeSums};
  static const TierSql kHourly{"container_costs_hourly", "node_costs_hourly", "hour",
                               RollupContainerFolds(), kRollupNodeSums};
  static const TierSql kRaw{"container_costs", "node_costs", "interval_start", RawContainerFolds(),
                            kRawNodeSums};
  // Container rows only: idle and assets are read by UTC tiers (node rows are few).
  static const TierSql kLocalDaily{"container_costs_local_daily", "node_costs_daily", "day",
                                   RollupContainerFolds(), kRollupNodeSums};
  switch (tier) {
    case ReadTier::kLocalDaily:
      return kLocalDaily;
    case ReadTier::kDaily:
      return kDaily;
    case ReadTier::kHourly:
      return kHourly;
    case ReadTier::kRaw:
      return kRaw;
  }
  return kRaw;
}

// The rollups of a coarser grain (container_columns.hpp: per workload, or per node and
// controller kind): exact for any grouping by their keys and the cluster, with one row per key
// and period instead of one per container and period.
const TierSql& GrainSql(RollupGrain grain, ReadTier tier) {
  static const auto kTables = [] {
    std::map<std::pair<RollupGrain, ReadTier>, TierSql> out;
    for (const RollupGrain g : kCoarseGrains) {
      out[{g, ReadTier::kDaily}] = {TablesOf(g).daily, "node_costs_daily", "day",
                                    RollupContainerFolds(), kRollupNodeSums};
      out[{g, ReadTier::kHourly}] = {TablesOf(g).hourly, "node_costs_hourly", "hour",
                                     RollupContainerFolds(), kRollupNodeSums};
    }
    return out;
  }();
  return kTables.at({grain, tier});
}

// The table of `tier` that answers a grouping of `grain`.
const TierSql& ContainerSqlOf(ReadTier tier, RollupGrain grain) {
  if (grain == RollupGrain::kContainer || tier == ReadTier::kRaw || tier == ReadTier::kLocalDaily) {
    return SqlOf(tier);
  }
  return GrainSql(grain, tier);
}

std::string_view ColumnOf(CostProperty p) {
  switch (p) {
    case CostProperty::kCluster:
      return "x.cluster";
    case CostProperty::kNode:
      return "x.node";
    case CostProperty::kNamespace:
      return "x.namespace";
    case CostProperty::kControllerKind:
      return "x.controller_kind";
    case CostProperty::kController:
      return "x.controller";
    case CostProperty::kPod:
      return "x.pod";
    case CostProperty::kContainer:
      return "x.container";
    case CostProperty::kTeam:
      return "x.team";
    case CostProperty::kCapacityType:
      return "x.capacity_type";
    case CostProperty::kInstanceType:
      return "x.instance_type";
    case CostProperty::kPlatform:
      return "x.platform";
    case CostProperty::kWorkload:
      return "x.workload";
    case CostProperty::kLabel:
    case CostProperty::kAnnotation:
    case CostProperty::kNotCollected:
    case CostProperty::kKindController:
    case CostProperty::kDeployment:
    case CostProperty::kStatefulSet:
    case CostProperty::kDaemonSet:
    case CostProperty::kJob:
      break;
  }
  return "''";
}

// Whether `column` ("x.<name>", as ColumnOf names it) is a key of `grain`'s rollups.
bool IsKeyOf(std::string_view column, RollupGrain grain) {
  return std::any_of(
      kContainerColumns.begin(), kContainerColumns.end(), [&](const ContainerColumn& c) {
        return IsRollupColumn(c) && InKeyOf(c, grain) && column == fmt::format("x.{}", c.name);
      });
}

// The coarsest rollups that answer `grouping`: the first coarser grain whose keys (and the
// cluster) hold every grouped property, else the container rollups. An empty grouping: the
// first.
RollupGrain GrainFor(std::span<const PropertyRef> grouping) {
  for (const RollupGrain grain : kCoarseGrains) {
    const bool answers =
        std::all_of(grouping.begin(), grouping.end(), [grain](const PropertyRef& p) {
          const std::string_view column = ColumnOf(p.property);
          return column == "x.cluster" || IsKeyOf(column, grain);
        });
    if (answers) return grain;
  }
  return RollupGrain::kContainer;
}

// Whether a rollup of `grain` read at steps of its period (`step`: an hour, or a day) has one
// row per group of `grouping`: the grouping holds the cluster and every key of the grain.
bool RowsAreGroups(RollupGrain grain, ReadTier tier, std::chrono::seconds step,
                   std::span<const PropertyRef> grouping) {
  if (tier == ReadTier::kRaw) return false;
  if (step != (tier == ReadTier::kDaily ? std::chrono::seconds(std::chrono::days(1))
                                        : std::chrono::seconds(std::chrono::hours(1)))) {
    return false;
  }
  const auto grouped = [&](std::string_view column) {
    return std::any_of(grouping.begin(), grouping.end(),
                       [&](const PropertyRef& p) { return ColumnOf(p.property) == column; });
  };
  if (!grouped("x.cluster")) return false;
  return std::all_of(
      kContainerColumns.begin(), kContainerColumns.end(), [&](const ContainerColumn& c) {
        return !IsRollupColumn(c) || !InKeyOf(c, grain) || grouped(fmt::format("x.{}", c.name));
      });
}

std::int64_t Epoch(sys_seconds t) { return t.time_since_epoch().count(); }
sys_seconds FromEpoch(std::int64_t s) { return sys_seconds(std::chrono::seconds(s)); }

// Bound parameters of one statement, all as text with casts in the SQL.
class Params {
 public:
  std::string Add(std::string value) {
    values_.push_back(std::move(value));
    return fmt::format("${}", values_.size());
  }
  std::string AddEpoch(sys_seconds t) {
    return "to_timestamp(" + Add(std::to_string(Epoch(t))) + "::bigint)";
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

// The value of the pod's (`l`, pod_labels) label `key`, "" when it has none. A key spelled as a
// Prometheus label name (OpenCost's clients send the names its API shows, read from
// kube_pod_labels: "app_kubernetes_io_name") also finds the label it spells when no label has
// that very key: the first such key in key order, as model::WithPrometheusLabelNames. COALESCE
// evaluates the scan only for pods without the exact key.
std::string PodLabelSql(const std::string& key, Params& params) {
  const std::string param = params.Add(key);
  if (!model::IsPrometheusLabelName(key)) return fmt::format("coalesce(l.labels->>{}, '')", param);
  return fmt::format(
      "coalesce(l.labels->>{0}, (SELECT e.value FROM jsonb_each_text(l.labels) AS e(key, value) "
      "WHERE regexp_replace(e.key, '[^a-zA-Z0-9_]', '_', 'g') = {0} ORDER BY e.key COLLATE \"C\" "
      "LIMIT 1), '')",
      param);
}

// "(t >= a AND t < b) OR ..." over the segments of one tier; empty when it has none.
std::string RangeCondition(const std::vector<ReadSegment>& plan, ReadTier tier,
                           std::string_view column, Params& params) {
  std::string out;
  for (const ReadSegment& s : plan) {
    if (s.tier != tier || s.subtract) continue;
    if (!out.empty()) out += " OR ";
    out += fmt::format("(x.{0} >= {1} AND x.{0} < {2})", column, params.AddEpoch(s.start),
                       params.AddEpoch(s.end));
  }
  return out;
}

// "(x.hour >= a AND x.hour < b AND d.day = D) OR ..." over the segments to take away (hourly
// rows `x` of the day `d`; without `day_rows`, no condition on `d`); empty when there are none.
std::string SubtractCondition(const std::vector<ReadSegment>& plan, Params& params,
                              bool day_rows = true) {
  std::string out;
  for (const ReadSegment& s : plan) {
    if (!s.subtract) continue;
    if (!out.empty()) out += " OR ";
    out += fmt::format("(x.hour >= {} AND x.hour < {}", params.AddEpoch(s.start),
                       params.AddEpoch(s.end));
    // The day as a constant: the planner then reads only that day's rows of `d`.
    if (day_rows) {
      out += fmt::format(" AND d.day = {}",
                         params.AddEpoch(std::chrono::floor<std::chrono::days>(s.start)));
    }
    out += ")";
  }
  return out;
}

// The index of the step a row's time falls in; rows are never before the window start, so
// integer division is the floor. date_part is a double (extract is numeric: several times
// slower per row), exact for whole seconds.
std::string StepExpr(std::string_view time_column, const std::string& window_start,
                     const std::string& step_seconds, bool single_step) {
  if (single_step) return "0::bigint";
  return fmt::format("((date_part('epoch', x.{})::bigint - {}::bigint) / {}::bigint)", time_column,
                     window_start, step_seconds);
}

// std::from_chars: pqxx's own conversion of a double goes through a locale-bound stream, a
// tenth of a large read's client time. Both round to the nearest double.
double AsDouble(const pqxx::field& f) {
  if (f.is_null()) return 0.0;
  const std::string_view text(f.c_str(), f.size());
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return f.as<double>();
  return value;
}
std::int64_t AsInt(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }
Money AsMoney(const pqxx::field& f) { return Money::FromNanos(AsInt(f)); }

// Per tier: the volume share table, its time column and the first/last instant it covers.
struct VolumeTierSql {
  std::string_view share_table;
  std::string_view volume_table;
  std::string_view time_column;
  std::string_view first_start;
  std::string_view last_end;
  std::string_view seconds;
  std::string_view byte_seconds;
};

const VolumeTierSql& VolumeSqlOf(ReadTier tier) {
  static const VolumeTierSql kDaily{"volume_share_costs_daily",
                                    "volume_costs_daily",
                                    "day",
                                    "x.first_start",
                                    "x.last_end",
                                    "x.seconds",
                                    "x.byte_seconds"};
  static const VolumeTierSql kHourly{"volume_share_costs_hourly",
                                     "volume_costs_hourly",
                                     "hour",
                                     "x.first_start",
                                     "x.last_end",
                                     "x.seconds",
                                     "x.byte_seconds"};
  static const VolumeTierSql kRaw{"volume_share_costs",
                                  "volume_costs",
                                  "interval_start",
                                  "x.interval_start",
                                  "x.interval_start + x.interval_seconds * interval '1 second'",
                                  "x.interval_seconds",
                                  "x.size_bytes::numeric * x.interval_seconds"};
  switch (tier) {
    case ReadTier::kDaily:
      return kDaily;
    case ReadTier::kHourly:
      return kHourly;
    case ReadTier::kRaw:
      return kRaw;
    case ReadTier::kLocalDaily:  // container rows only: never in a plan of volumes
      break;
  }
  return kRaw;
}

// The key of an allocation row: its step and grouped values.
std::string RowKey(std::size_t step, const std::vector<std::string>& values) {
  std::string key = std::to_string(step);
  for (const std::string& v : values) {
    key += '\0';
    key += v;
  }
  return key;
}

}  // namespace

namespace {

// Volume shares (rule 9) grouped like the container rows and by volume, added to the rows of
// the same step and values (pods that mount a volume have container rows) or as rows of their
// own (__unmounted__). A separate statement: volume rows are few, and the container statement
// stays as it was.
void AddVolumeShares(pqxx::transaction_base& tx, const std::vector<std::string>& cluster_names,
                     const std::vector<ReadSegment>& plan, sys_seconds start, sys_seconds end,
                     std::chrono::seconds step, std::span<const PropertyRef> grouping,
                     std::vector<model::AllocationRow>& rows) {
  if (cluster_names.empty()) return;
  Params params;
  const std::string clusters = params.Add(TextArray(cluster_names));
  const bool single_step = step >= end - start;
  const std::string window_start = single_step ? "" : params.Add(std::to_string(Epoch(start)));
  const std::string step_seconds = single_step ? "" : params.Add(std::to_string(step.count()));
  bool labels = false;
  std::string keys;
  std::string groups;
  for (std::size_t i = 0; i < grouping.size(); ++i) {
    std::string expr;
    if (grouping[i].property == CostProperty::kLabel) {
      expr = PodLabelSql(grouping[i].label, params);
      labels = true;
    } else {
      expr = std::string(ColumnOf(grouping[i].property));
    }
    keys += fmt::format(", {}", expr);
    groups += fmt::format(", {}", i + 2);
  }
  std::string branches;
  for (const ReadTier tier : {ReadTier::kDaily, ReadTier::kHourly, ReadTier::kRaw}) {
    const VolumeTierSql& sql = VolumeSqlOf(tier);
    const std::string ranges = RangeCondition(plan, tier, sql.time_column, params);
    if (ranges.empty()) continue;
    if (!branches.empty()) branches += "\nUNION ALL\n";
    const std::size_t k = grouping.size();
    branches += fmt::format(
        "SELECT {step}{keys}, x.cluster, x.volume, "
        "extract(epoch FROM min({first}))::bigint, extract(epoch FROM max({last}))::bigint, "
        "sum(x.byte_seconds)::double precision, sum(x.cost_nanos)::bigint\n"
        "FROM {table} x{join}\nWHERE x.cluster = ANY({clusters}::text[]) AND ({ranges})\n"
        "GROUP BY 1{groups}, {c}, {v}",
        fmt::arg("step", StepExpr(sql.time_column, window_start, step_seconds, single_step)),
        fmt::arg("keys", keys), fmt::arg("first", sql.first_start), fmt::arg("last", sql.last_end),
        fmt::arg("table", sql.share_table),
        fmt::arg("join", labels ? " LEFT JOIN pod_labels l ON l.cluster = x.cluster AND "
                                  "l.namespace = x.namespace AND l.pod = x.pod"
                                : ""),
        fmt::arg("clusters", clusters), fmt::arg("ranges", ranges), fmt::arg("groups", groups),
        fmt::arg("c", k + 2), fmt::arg("v", k + 3));
  }
  if (branches.empty()) return;
  const pqxx::result shares =
      tx.exec_params(branches, pqxx::prepare::make_dynamic_params(params.values()));
  if (shares.empty()) return;  // no volume: the rows need no index
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    index.emplace(RowKey(rows[i].step, rows[i].values), i);
  const std::size_t k = grouping.size();
  for (const pqxx::row& r : shares) {
    const auto step_index = static_cast<std::size_t>(r[0].as<std::int64_t>());
    std::vector<std::string> values;
    values.reserve(k);
    for (std::size_t i = 0; i < k; ++i)
      values.push_back(r[static_cast<int>(1 + i)].as<std::string>());
    const int f = static_cast<int>(1 + k);
    model::PvShare pv;
    pv.cluster = r[f].as<std::string>();
    pv.volume = r[f + 1].as<std::string>();
    const sys_seconds first = FromEpoch(AsInt(r[f + 2]));
    const sys_seconds last = FromEpoch(AsInt(r[f + 3]));
    pv.byte_seconds = AsDouble(r[f + 4]);
    pv.cost = AsMoney(r[f + 5]);
    const std::string key = RowKey(step_index, values);
    auto it = index.find(key);
    if (it == index.end()) {
      model::AllocationRow row;
      row.step = step_index;
      row.values = std::move(values);
      row.first_start = first;
      row.last_end = last;
      it = index.emplace(key, rows.size()).first;
      rows.push_back(std::move(row));
    }
    model::AllocationRow& row = rows[it->second];
    row.first_start = std::min(row.first_start, first);
    row.last_end = std::max(row.last_end, last);
    row.pv_byte_seconds += pv.byte_seconds;
    row.pv_cost += pv.cost;
    // One row per (step, values, cluster, volume) across tiers: merge a volume's tiers.
    const auto same = std::find_if(row.pvs.begin(), row.pvs.end(), [&](const model::PvShare& p) {
      return p.volume == pv.volume && p.cluster == pv.cluster;
    });
    if (same == row.pvs.end()) {
      row.pvs.push_back(std::move(pv));
    } else {
      same->byte_seconds += pv.byte_seconds;
      same->cost += pv.cost;
    }
  }
}

}  // namespace

struct PostgresCostReader::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout, std::chrono::milliseconds statement_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout,
             statement_timeout) {}

  PgSessionPool pool;

  // Runs `body` on a session of the pool, waiting for one when all are busy.
  template <typename Body>
  auto Run(std::string_view operation, Body&& body) {
    return pool.Run(operation, std::forward<Body>(body));
  }

  struct Context {
    std::vector<std::string> clusters;
    std::vector<ReadSegment> plan;
    // What the plan was made from: the hours and days waiting for their rollups.
    std::set<sys_seconds> pending_hours;
    std::set<sys_seconds> pending_days;
  };

  static Context Prepare(pqxx::transaction_base& tx, sys_seconds start, sys_seconds end,
                         std::chrono::seconds step, bool complements = false) {
    Context ctx;
    for (const pqxx::row& r : tx.exec(std::string(kClusters))) {
      ctx.clusters.push_back(r[0].as<std::string>());
    }
    // Complements read whole days: the hours around the window matter too.
    const sys_seconds hours_start =
        complements ? std::chrono::floor<std::chrono::days>(start) : start;
    const sys_seconds hours_end = complements ? std::chrono::ceil<std::chrono::days>(end) : end;
    for (const pqxx::row& r :
         tx.exec_params(std::string(kPendingHours), Epoch(hours_start), Epoch(hours_end))) {
      ctx.pending_hours.insert(FromEpoch(r[0].as<std::int64_t>()));
    }
    for (const pqxx::row& r : tx.exec_params(std::string(kPendingDays), Epoch(start), Epoch(end))) {
      ctx.pending_days.insert(FromEpoch(r[0].as<std::int64_t>()));
    }
    ctx.plan = PlanReads(start, end, step, ctx.pending_hours, ctx.pending_days, complements);
    return ctx;
  }

  // The plan of container rows of a single-step window read with complements: its local days
  // (migration 0018) from their rollups where current, the rest as ctx.plan plans it.
  static std::vector<ReadSegment> PlanWithLocalDays(pqxx::transaction_base& tx, const Context& ctx,
                                                    sys_seconds start, sys_seconds end) {
    std::vector<LocalDay> local;
    for (const pqxx::row& r : tx.exec_params(std::string(kLocalDays), Epoch(start), Epoch(end))) {
      local.push_back({FromEpoch(r[0].as<std::int64_t>()), FromEpoch(r[1].as<std::int64_t>()),
                       r[2].as<bool>()});
    }
    return PlanReadsWithLocalDays(start, end, ctx.pending_hours, ctx.pending_days, local);
  }
};

PostgresCostReader::PostgresCostReader(std::string url, std::string password,
                                       std::size_t max_connections,
                                       std::chrono::milliseconds acquire_timeout,
                                       std::chrono::milliseconds statement_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout, statement_timeout)) {}

PostgresCostReader::~PostgresCostReader() = default;

std::vector<model::AllocationRow> PostgresCostReader::ReadAllocations(
    sys_seconds start, sys_seconds end, std::chrono::seconds step,
    std::span<const PropertyRef> grouping) {
  return ReadContainerSums(start, end, step, grouping, false);
}

std::vector<model::AllocationRow> PostgresCostReader::ReadAllocationSums(
    sys_seconds start, sys_seconds end, std::chrono::seconds step,
    std::span<const PropertyRef> grouping) {
  return ReadContainerSums(start, end, step, grouping, true);
}

std::vector<model::AllocationRow> PostgresCostReader::ReadContainerSums(
    sys_seconds start, sys_seconds end, std::chrono::seconds step,
    std::span<const PropertyRef> grouping, bool complements) {
  return impl_->Run("read allocations", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "allocations");
    const Impl::Context ctx = Impl::Prepare(tx, start, end, step, complements);
    std::vector<model::AllocationRow> out;
    if (ctx.clusters.empty()) return out;
    Params params;
    const std::string clusters = params.Add(TextArray(ctx.clusters));
    // One set: every row is step 0 (and unused parameters would have no type).
    const bool single_step = step >= end - start;
    const std::string window_start = single_step ? "" : params.Add(std::to_string(Epoch(start)));
    const std::string step_seconds = single_step ? "" : params.Add(std::to_string(step.count()));
    bool labels = false;
    std::string keys;
    std::string day_keys;  // the same, of the daily row `d` an hour is taken from (complements)
    for (std::size_t i = 0; i < grouping.size(); ++i) {
      std::string expr;
      std::string day_expr;
      if (grouping[i].property == CostProperty::kLabel) {
        expr = PodLabelSql(grouping[i].label, params);
        day_expr = expr;  // pod labels: keyed by namespace and pod, the same in both
        labels = true;
      } else {
        expr = std::string(ColumnOf(grouping[i].property));
        day_expr = "d." + expr.substr(2);  // "x.team" -> "d.team"
      }
      keys += fmt::format(", {} AS k{}", expr, i);
      day_keys += fmt::format(", {} AS k{}", day_expr, i);
    }
    const RollupGrain grain = GrainFor(grouping);
    std::string groups;  // ", 2, 3, ..." : the grouped keys by position
    for (std::size_t i = 0; i < grouping.size(); ++i) groups += fmt::format(", {}", i + 2);
    // Container rows: local days from their rollups where the window covers them whole.
    const std::vector<ReadSegment> container_plan =
        complements && single_step ? Impl::PlanWithLocalDays(tx, ctx, start, end) : ctx.plan;
    // Hours of a day read whole that the window does not cover, taken away again (below).
    const std::string taken = SubtractCondition(container_plan, params);
    std::string branches;
    for (const ReadTier tier :
         {ReadTier::kLocalDaily, ReadTier::kDaily, ReadTier::kHourly, ReadTier::kRaw}) {
      const TierSql& sql = ContainerSqlOf(tier, grain);
      const std::string ranges = RangeCondition(container_plan, tier, sql.time_column, params);
      if (ranges.empty()) continue;
      if (!branches.empty()) branches += "\nUNION ALL\n";
      // Each branch aggregates on its own first: the raw one can be millions of rows. A
      // rollup whose rows are the groups (hourly steps of the per-workload hours grouped by
      // its key, ...) is read as it is: summing 84k groups of one row cost 0.3 s. So are the
      // rollup rows of a day less hours (a local day: its day, the hours it takes from the
      // day before and those it leaves): a day and 2 + 2 hours of rows summed once, not per
      // branch and again across them (10k pods: a local day 167 -> 105 ms).
      const bool as_rows = (!single_step && RowsAreGroups(grain, tier, step, grouping)) ||
                           (!taken.empty() && tier != ReadTier::kRaw);
      branches += fmt::format(
          "SELECT {step} AS step{keys}, {sums}\nFROM {table} x{join}\nWHERE x.cluster = "
          "ANY({clusters}::text[]) AND ({ranges}){group_by}",
          fmt::arg("step", StepExpr(sql.time_column, window_start, step_seconds, single_step)),
          fmt::arg("keys", keys),
          fmt::arg("sums", as_rows ? RollupContainerColumns() : sql.container_sums),
          fmt::arg("group_by", as_rows ? std::string() : "\nGROUP BY 1" + groups),
          fmt::arg("table", sql.container_table),
          fmt::arg("join", labels ? " LEFT JOIN pod_labels l ON l.cluster = x.cluster AND "
                                    "l.namespace = x.namespace AND l.pod = x.pod"
                                  : ""),
          fmt::arg("clusters", clusters), fmt::arg("ranges", ranges));
    }
    // The hours taken away: with the labels of the day's row of the same container (a label
    // that changed within the day is the day's there), so that they cancel exactly what the
    // day's row added; unaggregated, as the rollup branches are then.
    if (!taken.empty()) {
      branches += fmt::format(
          "\nUNION ALL\nSELECT 0::bigint AS step{keys}, {sums}\nFROM container_costs_hourly x\n"
          "JOIN container_costs_daily d ON d.cluster = x.cluster AND d.namespace = x.namespace "
          "AND d.pod = x.pod AND d.container = x.container AND d.node = x.node{join}\n"
          "WHERE x.cluster = ANY({clusters}::text[]) AND d.cluster = ANY({clusters}::text[]) AND "
          "({taken})",
          fmt::arg("keys", day_keys), fmt::arg("sums", NegatedRollupContainerColumns()),
          fmt::arg("join", labels ? " LEFT JOIN pod_labels l ON l.cluster = x.cluster AND "
                                    "l.namespace = x.namespace AND l.pod = x.pod"
                                  : ""),
          fmt::arg("clusters", clusters), fmt::arg("taken", taken));
    }
    std::string outer_keys;
    for (std::size_t i = 0; i < grouping.size(); ++i) outer_keys += fmt::format(", k{}", i);
    // One tier read: its branch is already grouped, so the outer query only converts.
    const bool one_branch = branches.find("\nUNION ALL\n") == std::string::npos;
    // The read columns of kContainerColumns, in its order: folded again across branches,
    // times as epoch seconds, money as bigint.
    std::string folds;
    for (const ContainerColumn& column : kContainerColumns) {
      if (column.read.empty()) continue;
      std::string value = one_branch
                              ? std::string(column.name)
                              : fmt::format("{}({})", FoldFunction(column.rollup), column.name);
      if (column.read.time != nullptr) {
        // A day read whole spans more than the window: its times are bounded by the window's.
        if (!taken.empty()) {
          value = fmt::format("{}({}, {})", column.rollup == Rollup::kMin ? "GREATEST" : "LEAST",
                              value, params.AddEpoch(column.rollup == Rollup::kMin ? start : end));
        }
        value = fmt::format("extract(epoch FROM {})::bigint", value);
      }
      if (column.read.cost != nullptr) value += "::bigint";
      folds += ", " + value;
    }
    const std::string query = fmt::format(
        "SELECT step{keys}{folds}\nFROM ({branches}) u{group_by}", fmt::arg("keys", outer_keys),
        fmt::arg("folds", folds), fmt::arg("branches", branches),
        fmt::arg("group_by", one_branch
                                 ? std::string()
                                 : " GROUP BY step" + outer_keys +
                                       // groups found only in hours taken away: nothing is left
                                       (taken.empty() ? "" : " HAVING sum(seconds) <> 0")));
    // Hash aggregation of many groups wants memory; the default 4 MB spills to disk.
    tx.exec("SET LOCAL work_mem = '256MB'");
    // A day less hours is three small branches: parallel workers only add a gather and a sort
    // of every group (1.36 s against 0.92 s for a local day, 2 cores busy).
    // The hours taken away join the day's rows (the day's cluster condition lets them come from
    // its primary key, not a scan of every day); the join's row estimate is far too low, and a
    // sort of its rows for a group aggregate cost more than hashing them (10k pods: a local day
    // 105 -> 64 ms).
    if (!taken.empty()) {
      tx.exec("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_sort = off");
    }
    const pqxx::result result =
        tx.exec_params(query, pqxx::prepare::make_dynamic_params(params.values()));
    out.reserve(result.size());
    const std::size_t k = grouping.size();
    for (const pqxx::row& r : result) {
      model::AllocationRow row;
      row.step = static_cast<std::size_t>(r[0].as<std::int64_t>());
      row.values.reserve(k);
      for (std::size_t i = 0; i < k; ++i)
        row.values.push_back(r[static_cast<int>(1 + i)].as<std::string>());
      int field = static_cast<int>(1 + k);
      for (const ContainerColumn& column : kContainerColumns) {
        const AllocationField& read = column.read;
        if (read.empty()) continue;
        const pqxx::field f = r[field++];
        if (read.quantity != nullptr) {
          row.*read.quantity = AsDouble(f);
        } else if (read.cost != nullptr) {
          row.*read.cost = AsMoney(f);
        } else {
          row.*read.time = FromEpoch(AsInt(f));
        }
      }
      out.push_back(std::move(row));
    }
    // Volume shares have no rows of a day read whole to take its other hours away from.
    AddVolumeShares(
        tx, ctx.clusters,
        complements ? PlanReads(start, end, step, ctx.pending_hours, ctx.pending_days) : ctx.plan,
        start, end, step, grouping, out);
    return out;
  });
}

namespace {

// The first and the second of each pair, as two text arrays for unnest($1, $2).
std::pair<std::string, std::string> Unzipped(
    std::span<const std::pair<std::string, std::string>> pairs) {
  std::vector<std::string> firsts;
  std::vector<std::string> seconds;
  firsts.reserve(pairs.size());
  seconds.reserve(pairs.size());
  for (const auto& [first, second] : pairs) {
    firsts.push_back(first);
    seconds.push_back(second);
  }
  return {TextArray(firsts), TextArray(seconds)};
}

}  // namespace

std::vector<ports::StoredNodeLabels> PostgresCostReader::ReadNodeLabels(
    std::span<const std::pair<std::string, std::string>> nodes) {
  if (nodes.empty()) return {};
  // Named, not bound: clang 14 cannot capture structured bindings in the lambda.
  const std::pair<std::string, std::string> clusters_and_names = Unzipped(nodes);
  return impl_->Run("read node labels", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "node labels");
    std::vector<ports::StoredNodeLabels> out;
    for (const pqxx::row& r :
         tx.exec_params("SELECT l.cluster, l.node, l.labels::text FROM node_labels l "
                        "JOIN unnest($1::text[], $2::text[]) AS n(cluster, node) "
                        "ON l.cluster = n.cluster AND l.node = n.node",
                        clusters_and_names.first, clusters_and_names.second)) {
      out.push_back({r[0].as<std::string>(), {r[1].as<std::string>(), ParseStoredLabels(r[2])}});
    }
    return out;
  });
}

std::vector<ports::StoredPodLabels> PostgresCostReader::ReadPodLabels(
    std::span<const std::pair<std::string, std::string>> pods) {
  if (pods.empty()) return {};
  const std::pair<std::string, std::string> namespaces_and_names = Unzipped(pods);
  return impl_->Run("read pod labels", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "pod labels");
    std::vector<ports::StoredPodLabels> out;
    for (const pqxx::row& r :
         tx.exec_params("SELECT l.cluster, l.namespace, l.pod, l.labels::text FROM pod_labels l "
                        "JOIN unnest($1::text[], $2::text[]) AS p(namespace, pod) "
                        "ON l.namespace = p.namespace AND l.pod = p.pod",
                        namespaces_and_names.first, namespaces_and_names.second)) {
      ports::StoredPodLabels row;
      row.cluster = r[0].as<std::string>();
      row.pod.namespace_name = r[1].as<std::string>();
      row.pod.pod = r[2].as<std::string>();
      row.pod.labels = ParseStoredLabels(r[3]);
      out.push_back(std::move(row));
    }
    return out;
  });
}

std::optional<std::vector<model::WorkloadActivityRow>> PostgresCostReader::ReadWorkloadActivity(
    std::chrono::sys_days from, std::chrono::sys_days to) {
  // A day with an hour waiting for its hourly rollup: the day's activity is not in the hours
  // yet either. A day waiting only for its daily rollup: computed from its hours (the same
  // function the rollup inserts).
  constexpr std::string_view kHoursPending = R"(
SELECT EXISTS (SELECT 1 FROM rollup_pending
               WHERE hour >= to_timestamp($1::bigint) AND hour < to_timestamp($2::bigint)))";
  constexpr std::string_view kActivity = R"(
SELECT (date_part('epoch', a.day)::bigint - $1::bigint) / 86400, a.cluster, a.namespace, a.team,
  a.name, a.active_seconds
FROM workload_activity_daily a
WHERE a.cluster = ANY(ARRAY(SELECT cluster FROM clusters))
  AND a.day >= to_timestamp($1::bigint) AND a.day < to_timestamp($2::bigint)
  AND NOT EXISTS (SELECT 1 FROM rollup_pending_daily p
                  WHERE p.cluster = a.cluster AND p.day = a.day)
UNION ALL
SELECT (date_part('epoch', p.day)::bigint - $1::bigint) / 86400, p.cluster, f.namespace, f.team,
  f.name, f.active_seconds
FROM rollup_pending_daily p, LATERAL workload_activity_of_day(p.cluster, p.day) f
WHERE p.cluster = ANY(ARRAY(SELECT cluster FROM clusters))
  AND p.day >= to_timestamp($1::bigint) AND p.day < to_timestamp($2::bigint))";
  const std::int64_t from_epoch = Epoch(from);
  const std::int64_t to_epoch = Epoch(to);
  return impl_->Run(
      "read workload activity",
      [&](pqxx::connection& c) -> std::optional<std::vector<model::WorkloadActivityRow>> {
        pqxx::read_transaction tx(c, "workload activity");
        if (tx.exec_params1(std::string(kHoursPending), from_epoch, to_epoch)[0].as<bool>()) {
          return std::nullopt;
        }
        std::vector<model::WorkloadActivityRow> out;
        const pqxx::result result = tx.exec_params(std::string(kActivity), from_epoch, to_epoch);
        out.reserve(result.size());
        for (const pqxx::row& r : result) {
          model::WorkloadActivityRow row;
          row.step = static_cast<std::size_t>(r[0].as<std::int64_t>());
          row.cluster = r[1].as<std::string>();
          row.namespace_name = r[2].as<std::string>();
          row.team = r[3].as<std::string>();
          row.name = r[4].as<std::string>();
          row.active_seconds = r[5].as<std::int64_t>();
          out.push_back(std::move(row));
        }
        return out;
      });
}

namespace {

// The node sums of hours taken away from a day read whole: a node is its own key, so its hours
// cancel what its day's row added without a join; labels and capacities say nothing (NULL of
// their type).
constexpr std::string_view kNegatedNodeSums = R"(
  min(x.first_start) FILTER (WHERE false) AS first_start,
  max(x.last_end) FILTER (WHERE false) AS last_end, -sum(x.seconds) AS seconds,
  min(x.instance_type) FILTER (WHERE false) AS instance_type,
  min(x.zone) FILTER (WHERE false) AS zone,
  min(x.capacity_type) FILTER (WHERE false) AS capacity_type,
  max(x.node_group) FILTER (WHERE false) AS node_group,
  max(x.cpu_millicores) FILTER (WHERE false) AS cpu,
  max(x.memory_bytes) FILTER (WHERE false) AS mem,
  max(x.gpu_devices) FILTER (WHERE false) AS gpus,
  max(x.price_per_hour_nanos) FILTER (WHERE false) AS price,
  -sum(x.node_cost_nanos) AS cost, -sum(x.pool_cpu_nanos) AS pool_cpu,
  -sum(x.pool_ram_nanos) AS pool_ram, -sum(x.pool_gpu_nanos) AS pool_gpu,
  -sum(x.idle_cpu_nanos) AS idle_cpu, -sum(x.idle_ram_nanos) AS idle_ram,
  -sum(x.idle_gpu_nanos) AS idle_gpu)";

// The node branches of a read over `plan`, grouped by step (or 0 when `step` is empty),
// cluster and node, and the hours it takes away.
std::string NodeBranches(const std::vector<ReadSegment>& plan, const std::string& clusters,
                         const std::string& step_expr_start, const std::string& step_seconds,
                         bool single_step, Params& params) {
  std::string branches;
  for (const ReadTier tier : {ReadTier::kDaily, ReadTier::kHourly, ReadTier::kRaw}) {
    const TierSql& sql = SqlOf(tier);
    const std::string ranges = RangeCondition(plan, tier, sql.time_column, params);
    if (ranges.empty()) continue;
    if (!branches.empty()) branches += "\nUNION ALL\n";
    branches += fmt::format(
        "SELECT {step} AS step, x.cluster, x.node, {sums}\nFROM {table} x\nWHERE x.cluster = "
        "ANY({clusters}::text[]) AND ({ranges})\nGROUP BY 1, 2, 3",
        fmt::arg("step", StepExpr(sql.time_column, step_expr_start, step_seconds, single_step)),
        fmt::arg("sums", sql.node_sums), fmt::arg("table", sql.node_table),
        fmt::arg("clusters", clusters), fmt::arg("ranges", ranges));
  }
  const std::string taken = SubtractCondition(plan, params, false);
  if (!branches.empty() && !taken.empty()) {
    branches += fmt::format(
        "\nUNION ALL\nSELECT 0::bigint AS step, x.cluster, x.node, {sums}\nFROM "
        "node_costs_hourly x\nWHERE x.cluster = ANY({clusters}::text[]) AND ({taken})\n"
        "GROUP BY 1, 2, 3",
        fmt::arg("sums", kNegatedNodeSums), fmt::arg("clusters", clusters),
        fmt::arg("taken", taken));
  }
  return branches;
}

constexpr std::string_view kNodeOuter =
    "SELECT step, cluster, node, extract(epoch FROM min(first_start))::bigint, "
    "extract(epoch FROM max(last_end))::bigint, sum(seconds), min(instance_type), min(zone), "
    "min(capacity_type), max(cpu), max(mem), max(gpus), max(price), sum(cost)::bigint, "
    "sum(pool_cpu)::bigint, sum(pool_ram)::bigint, sum(pool_gpu)::bigint, "
    "sum(idle_cpu)::bigint, sum(idle_ram)::bigint, sum(idle_gpu)::bigint, max(node_group)\n"
    "FROM ({}) u GROUP BY step, cluster, node{} ORDER BY cluster, node, step";
// Nodes found only in hours taken away: nothing is left of them.
constexpr std::string_view kOnlyNodesLeft = " HAVING sum(seconds) <> 0";

}  // namespace

// Every node seen in [start, end), per step: what ReadIdle and ReadAssets both need.
std::vector<PostgresCostReader::NodeStep> PostgresCostReader::ReadNodeSteps(
    std::string_view operation, sys_seconds start, sys_seconds end, std::chrono::seconds step,
    bool complements) {
  return impl_->Run(operation, [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "nodes");
    const Impl::Context ctx = Impl::Prepare(tx, start, end, step, complements);
    std::vector<NodeStep> out;
    if (ctx.clusters.empty()) return out;
    Params params;
    const std::string clusters = params.Add(TextArray(ctx.clusters));
    const bool single_step = step >= end - start;
    const std::string ws = single_step ? "" : params.Add(std::to_string(Epoch(start)));
    const std::string st = single_step ? "" : params.Add(std::to_string(step.count()));
    const std::string branches = NodeBranches(ctx.plan, clusters, ws, st, single_step, params);
    if (branches.empty()) return out;
    const bool taken = std::any_of(ctx.plan.begin(), ctx.plan.end(),
                                   [](const ReadSegment& s) { return s.subtract; });
    // A day less hours is ~2,000 node rows: parallel workers only add a gather and a sort
    // (a local day 21 -> 4 ms at 500 nodes).
    if (taken) tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
    for (const pqxx::row& r :
         tx.exec_params(fmt::format(kNodeOuter, branches, taken ? kOnlyNodesLeft : ""),
                        pqxx::prepare::make_dynamic_params(params.values()))) {
      NodeStep n;
      n.step = static_cast<std::size_t>(r[0].as<std::int64_t>());
      model::NodeAssetRow& row = n.node;
      row.cluster = r[1].as<std::string>();
      row.node = r[2].as<std::string>();
      row.first_start = FromEpoch(AsInt(r[3]));
      row.last_end = FromEpoch(AsInt(r[4]));
      row.seconds = AsDouble(r[5]);
      row.instance_type = r[6].as<std::string>();
      row.zone = r[7].as<std::string>();
      row.capacity_type = r[8].as<std::string>();
      row.cpu_millicores = AsInt(r[9]);
      row.memory_bytes = AsInt(r[10]);
      row.gpu_devices = AsInt(r[11]);
      row.max_price_per_hour = AsMoney(r[12]);
      row.cost = AsMoney(r[13]);
      row.cpu_cost = AsMoney(r[14]);
      row.ram_cost = AsMoney(r[15]);
      row.gpu_cost = AsMoney(r[16]);
      row.idle_cpu = AsMoney(r[17]);
      row.idle_ram = AsMoney(r[18]);
      row.idle_gpu = AsMoney(r[19]);
      row.node_group = r[20].as<std::string>();
      out.push_back(std::move(n));
    }
    return out;
  });
}

std::vector<model::IdleRow> PostgresCostReader::ReadIdle(sys_seconds start, sys_seconds end,
                                                         std::chrono::seconds step) {
  return ReadIdleRows(start, end, step, false);
}

std::vector<model::IdleRow> PostgresCostReader::ReadIdleSums(sys_seconds start, sys_seconds end,
                                                             std::chrono::seconds step) {
  return ReadIdleRows(start, end, step, true);
}

std::vector<model::IdleRow> PostgresCostReader::ReadIdleRows(sys_seconds start, sys_seconds end,
                                                             std::chrono::seconds step,
                                                             bool complements) {
  std::vector<model::IdleRow> out;
  for (NodeStep& n : ReadNodeSteps("read idle", start, end, step, complements)) {
    model::IdleRow row;
    row.step = n.step;
    row.cluster = std::move(n.node.cluster);
    row.node = std::move(n.node.node);
    // A day read whole spans more than the window: its times are bounded by the window's.
    row.first_start = complements ? std::max(n.node.first_start, start) : n.node.first_start;
    row.last_end = complements ? std::min(n.node.last_end, end) : n.node.last_end;
    row.cpu_cost = n.node.idle_cpu;
    row.ram_cost = n.node.idle_ram;
    row.gpu_cost = n.node.idle_gpu;
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<model::NodeAssetRow> PostgresCostReader::ReadAssets(sys_seconds start,
                                                                sys_seconds end) {
  std::vector<model::NodeAssetRow> out;
  for (NodeStep& n : ReadNodeSteps("read assets", start, end, end - start)) {
    out.push_back(std::move(n.node));
  }
  return out;
}

std::vector<model::QueryCostRow> PostgresCostReader::ReadQueries(sys_seconds start,
                                                                 sys_seconds end) {
  static constexpr std::string_view kQueries = R"(
SELECT cluster, query_execution_id, work_group, team, state, statement_type,
  extract(epoch FROM submitted)::bigint, data_scanned_bytes, engine_execution_millis, cost_nanos,
  query
FROM query_costs
WHERE cluster IN (SELECT cluster FROM clusters UNION SELECT DISTINCT cluster FROM query_costs
                  WHERE submitted >= to_timestamp($1::bigint) AND submitted < to_timestamp($2::bigint))
  AND submitted >= to_timestamp($1::bigint) AND submitted < to_timestamp($2::bigint)
ORDER BY cost_nanos DESC, query_execution_id)";
  return impl_->Run("read queries", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "queries");
    std::vector<model::QueryCostRow> out;
    for (const pqxx::row& r : tx.exec_params(std::string(kQueries), Epoch(start), Epoch(end))) {
      model::QueryCostRow q;
      q.cluster = r[0].as<std::string>();
      q.query_execution_id = r[1].as<std::string>();
      q.work_group = r[2].as<std::string>();
      q.team = r[3].as<std::string>();
      q.state = r[4].as<std::string>();
      q.statement_type = r[5].as<std::string>();
      q.submitted = FromEpoch(r[6].as<std::int64_t>());
      q.data_scanned_bytes = r[7].as<std::int64_t>();
      q.engine_execution_millis = r[8].as<std::int64_t>();
      q.cost = AsMoney(r[9]);
      q.query = r[10].as<std::string>();
      out.push_back(std::move(q));
    }
    return out;
  });
}

std::vector<model::QueryGroupSummary> PostgresCostReader::ReadQuerySummaries(
    sys_seconds start, sys_seconds end, std::size_t top_per_group) {
  // The same rows and order as ReadQueries + model::SummarizeQueries. The groups' sums are one
  // hash aggregate over the window; each group's top is a bounded top-N sort of that group's
  // rows of the window, found through query_costs_group_submitted (migration 0011), and only the
  // top ones are read in full.
  static constexpr std::string_view kSums = R"(
SELECT team, work_group, count(*), sum(cost_nanos)::bigint, sum(data_scanned_bytes)::bigint
FROM query_costs
WHERE submitted >= to_timestamp($1::bigint) AND submitted < to_timestamp($2::bigint)
GROUP BY team, work_group)";
  static constexpr std::string_view kSummaries = R"(
WITH g AS (
  SELECT team, work_group, count(*) AS n, sum(cost_nanos)::bigint AS cost,
    sum(data_scanned_bytes)::bigint AS bytes
  FROM query_costs
  WHERE submitted >= to_timestamp($1::bigint) AND submitted < to_timestamp($2::bigint)
  GROUP BY team, work_group)
SELECT g.team, g.work_group, g.n, g.cost, g.bytes,
  c.cluster, c.query_execution_id, c.state, c.statement_type,
  extract(epoch FROM c.submitted)::bigint, c.data_scanned_bytes, c.engine_execution_millis,
  c.cost_nanos, c.query
FROM g
LEFT JOIN LATERAL (
  SELECT y.cluster, y.query_execution_id, y.cost_nanos,
    extract(epoch FROM y.submitted)::bigint AS submitted_s
  FROM query_costs y
  WHERE y.team = g.team AND y.work_group = g.work_group
    AND y.submitted >= to_timestamp($1::bigint) AND y.submitted < to_timestamp($2::bigint)
  ORDER BY y.cost_nanos DESC, 4, y.query_execution_id, y.cluster
  LIMIT $3::bigint) t ON true
LEFT JOIN query_costs c ON c.cluster = t.cluster AND c.query_execution_id = t.query_execution_id
ORDER BY g.team, g.work_group, t.cost_nanos DESC, t.submitted_s, t.query_execution_id, t.cluster)";
  return impl_->Run("read query summaries", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "query summaries");
    std::vector<model::QueryGroupSummary> out;
    const auto top = static_cast<std::int64_t>(
        std::min<std::size_t>(top_per_group, std::numeric_limits<std::int32_t>::max()));
    // Without a top, the sums alone (a week's totals for the week before).
    const pqxx::result result =
        top == 0 ? tx.exec_params(std::string(kSums), Epoch(start), Epoch(end))
                 : tx.exec_params(std::string(kSummaries), Epoch(start), Epoch(end), top);
    for (const pqxx::row& r : result) {
      const auto team = r[0].as<std::string>();
      const auto work_group = r[1].as<std::string>();
      if (out.empty() || out.back().team != team || out.back().work_group != work_group) {
        model::QueryGroupSummary g;
        g.team = team;
        g.work_group = work_group;
        g.query_count = static_cast<std::size_t>(r[2].as<std::int64_t>());
        g.cost = AsMoney(r[3]);
        g.data_scanned_bytes = r[4].as<std::int64_t>();
        out.push_back(std::move(g));
      }
      if (top == 0 || r[5].is_null()) continue;
      model::QueryCostRow q;
      q.cluster = r[5].as<std::string>();
      q.query_execution_id = r[6].as<std::string>();
      q.work_group = work_group;
      q.team = team;
      q.state = r[7].as<std::string>();
      q.statement_type = r[8].as<std::string>();
      q.submitted = FromEpoch(r[9].as<std::int64_t>());
      q.data_scanned_bytes = r[10].as<std::int64_t>();
      q.engine_execution_millis = r[11].as<std::int64_t>();
      q.cost = AsMoney(r[12]);
      q.query = r[13].as<std::string>();
      out.back().top.push_back(std::move(q));
    }
    return out;
  });
}

std::optional<sys_seconds> PostgresCostReader::LatestInterval() {
  static constexpr std::string_view kLatest = R"(
SELECT extract(epoch FROM max(x.latest))::bigint FROM clusters c,
LATERAL (SELECT n.interval_start AS latest FROM node_costs n WHERE n.cluster = c.cluster
         ORDER BY n.interval_start DESC LIMIT 1) x)";
  return impl_->Run("read latest interval", [&](pqxx::connection& c) -> std::optional<sys_seconds> {
    pqxx::read_transaction tx(c, "latest");
    const pqxx::result r = tx.exec(std::string(kLatest));
    if (r.empty() || r[0][0].is_null()) return std::nullopt;
    return FromEpoch(r[0][0].as<std::int64_t>());
  });
}

ports::ReplicationStatus PostgresCostReader::Replication() {
  // Receive = replay while a receiver runs means caught up, however old the last commit is (an
  // idle primary); otherwise the lag is the age of the last replayed commit. Milliseconds.
  static constexpr std::string_view kReplication = R"(
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
                 AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
                  * 1000)::bigint END)";
  return impl_->Run("read replication status", [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    const pqxx::result r = tx.exec(std::string(kReplication));
    ports::ReplicationStatus status;
    status.standby = r[0][0].as<bool>();
    if (!r[0][1].is_null()) {
      status.lag = std::chrono::milliseconds(std::max<std::int64_t>(0, r[0][1].as<std::int64_t>()));
    }
    return status;
  });
}

bool PostgresCostReader::Ping() {
  try {
    impl_->Run("ping", [](pqxx::connection& c) {
      pqxx::nontransaction tx(c);
      tx.exec("SELECT 1");
    });
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<model::VolumeAssetRow> PostgresCostReader::ReadVolumeAssets(sys_seconds start,
                                                                        sys_seconds end) {
  return impl_->Run("read volume assets", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "volume assets");
    const Impl::Context ctx = Impl::Prepare(tx, start, end, end - start);
    std::vector<model::VolumeAssetRow> out;
    if (ctx.clusters.empty()) return out;
    Params params;
    const std::string clusters = params.Add(TextArray(ctx.clusters));
    std::string branches;
    for (const ReadTier tier : {ReadTier::kDaily, ReadTier::kHourly, ReadTier::kRaw}) {
      const VolumeTierSql& sql = VolumeSqlOf(tier);
      const std::string ranges = RangeCondition(ctx.plan, tier, sql.time_column, params);
      if (ranges.empty()) continue;
      if (!branches.empty()) branches += "\nUNION ALL\n";
      branches += fmt::format(
          "SELECT x.cluster, x.volume, x.provider_id, x.storage_class, x.price_key, "
          "x.claim_namespace, x.claim, x.zone, {first} AS first_start, {last} AS last_end, "
          "{seconds} AS seconds, {bytes} AS byte_seconds, x.size_bytes, "
          "x.per_gib_month_nanos, x.cost_nanos\nFROM {table} x\n"
          "WHERE x.cluster = ANY({clusters}::text[]) AND ({ranges})",
          fmt::arg("first", sql.first_start), fmt::arg("last", sql.last_end),
          fmt::arg("seconds", sql.seconds), fmt::arg("bytes", sql.byte_seconds),
          fmt::arg("table", sql.volume_table), fmt::arg("clusters", clusters),
          fmt::arg("ranges", ranges));
    }
    if (branches.empty()) return out;
    const std::string query = fmt::format(
        "SELECT cluster, volume, max(provider_id), max(storage_class), max(price_key), "
        "max(claim_namespace), max(claim), max(zone), extract(epoch FROM "
        "min(first_start))::bigint, "
        "extract(epoch FROM max(last_end))::bigint, sum(seconds)::double precision, "
        "sum(byte_seconds)::double precision, max(size_bytes), max(per_gib_month_nanos), "
        "sum(cost_nanos)::bigint\nFROM ({}) u GROUP BY cluster, volume ORDER BY cluster, volume",
        branches);
    for (const pqxx::row& r :
         tx.exec_params(query, pqxx::prepare::make_dynamic_params(params.values()))) {
      model::VolumeAssetRow v;
      v.cluster = r[0].as<std::string>();
      v.volume = r[1].as<std::string>();
      v.provider_id = r[2].as<std::string>();
      v.storage_class = r[3].as<std::string>();
      v.price_key = r[4].as<std::string>();
      v.claim_namespace = r[5].as<std::string>();
      v.claim = r[6].as<std::string>();
      v.zone = r[7].as<std::string>();
      v.first_start = FromEpoch(AsInt(r[8]));
      v.last_end = FromEpoch(AsInt(r[9]));
      v.seconds = AsDouble(r[10]);
      v.byte_seconds = AsDouble(r[11]);
      v.size_bytes = AsInt(r[12]);
      v.per_gib_month = AsMoney(r[13]);
      v.cost = AsMoney(r[14]);
      out.push_back(std::move(v));
    }
    return out;
  });
}

}  // namespace costledger::postgres
