#include "container_columns.hpp"

#include <fmt/core.h>

#include <map>

#include "costledger/model/errors.hpp"

namespace costledger::postgres {

bool columns::AddChecked(std::int64_t& sum, std::int64_t value) {
  return !__builtin_add_overflow(sum, value, &sum);
}

bool columns::AddProduct(std::int64_t& sum, std::int64_t value, std::int64_t seconds) {
  std::int64_t product = 0;
  return !__builtin_mul_overflow(value, seconds, &product) &&
         !__builtin_add_overflow(sum, product, &sum);
}

namespace {

// An integer column's value, checked against its 32 bits.
std::int32_t Int32Column(std::int64_t value, std::string_view column) {
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    throw InvalidInput(fmt::format("rollup: {} {} out of range", column, value));
  }
  return static_cast<std::int32_t>(value);
}

// `c` folded over the raw rows `x` of a period. A sum of nothing (NULLs only: GPU busy
// devices never observed) is 0.
std::string FoldOverRaw(const ContainerColumn& c) {
  const std::string_view value = IsRollupValue(c) ? c.per_interval : c.name;
  const std::string_view prefix = IsRollupValue(c) ? "" : "x.";
  if (c.rollup == Rollup::kSum) return fmt::format("coalesce(sum({}{}), 0)", prefix, value);
  return fmt::format("{}({}{})", FoldFunction(c.rollup), prefix, value);
}

// `c` folded over the rows `x` of a finer rollup.
std::string FoldOverRollup(const ContainerColumn& c) {
  return fmt::format("{}(x.{})", FoldFunction(c.rollup), c.name);
}

// Which periods a rollup statement writes (epoch seconds in $2 and $3).
enum class Periods {
  kOne,            // one period of the target's length starting at $2
  kOneUntil,       // one period [$2, $3) (a local day: 23 to 25 hours)
  kPerSourceTime,  // every period of the source rows in [$2, $3); the source is then of the
                   // same period: its time is the target's
};

// INSERT INTO `target` ... SELECT ... FROM `source` x, one row per key and period: `period`
// is "hour" or "day", `source_time` the column of `source` that falls in it; `keys` the
// columns grouped by, `carried` the labels kept; every value folded by `fold`.
template <typename Keys, typename Carried, typename Fold>
std::string RollUpSql(std::string_view target, std::string_view source,
                      std::string_view source_time, std::string_view period, Keys is_key,
                      Carried is_carried, Fold fold, Periods periods = Periods::kOne) {
  const bool per_source_time = periods == Periods::kPerSourceTime;
  std::string columns = fmt::format("cluster, {}", period);
  std::string select = per_source_time ? fmt::format("x.cluster, x.{}", source_time)
                                       : std::string("x.cluster, to_timestamp($2::bigint)");
  std::string group_by =
      per_source_time ? fmt::format("x.cluster, x.{}", source_time) : std::string("x.cluster");
  for (const ContainerColumn& c : kContainerColumns) {
    if (!IsRollupColumn(c)) continue;
    if (is_key(c)) {
      select += fmt::format(", x.{}", c.name);
      group_by += fmt::format(", x.{}", c.name);
    } else if (is_carried(c) || IsRollupValue(c)) {
      select += fmt::format(", {}", fold(c));
    } else {
      continue;
    }
    columns += fmt::format(", {}", c.name);
  }
  const std::string until = periods == Periods::kOne
                                ? fmt::format("to_timestamp($2::bigint) + interval '1 {}'", period)
                                : std::string("to_timestamp($3::bigint)");
  return fmt::format(
      "INSERT INTO {target} ({columns})\nSELECT {select}\nFROM {source} x\n"
      "WHERE x.cluster = $1 AND x.{time} >= to_timestamp($2::bigint)\n"
      "  AND x.{time} < {until}\nGROUP BY {group_by}",
      fmt::arg("target", target), fmt::arg("columns", columns), fmt::arg("select", select),
      fmt::arg("source", source), fmt::arg("time", source_time), fmt::arg("until", until),
      fmt::arg("group_by", group_by));
}

bool IsKey(const ContainerColumn& c) { return c.rollup == Rollup::kKey; }
bool IsCarriedLabel(const ContainerColumn& c) { return c.rollup == Rollup::kLabel; }
bool Never(const ContainerColumn& /*column*/) { return false; }

}  // namespace

void EncodeHourlyContainerRow(CopyBinary& out, const std::string& cluster,
                              std::chrono::sys_seconds hour, const HourlyContainerRow& row) {
  out.BeginRow(static_cast<std::int16_t>(kHourlyContainerColumnNames.size()));
  out.Field(cluster);
  out.Field(hour);
  ForEachContainerColumn([&](auto i) {
    constexpr const ContainerColumn& kColumn = kContainerColumns[i];
    if constexpr (IsRollupLabel(kColumn)) {
      out.Field((row.labels.*kColumn.label).str());
    } else if constexpr (IsRollupValue(kColumn)) {
      const RollupValue& v = row.values[RollupValueIndex(i)];
      if constexpr (kColumn.type == SqlType::kInteger) {
        out.Field(Int32Column(v.whole, kColumn.name));
      } else if constexpr (kColumn.type == SqlType::kBigint) {
        out.Field(v.whole);
      } else if constexpr (kColumn.type == SqlType::kDoublePrecision) {
        out.Field(v.real());
      } else {
        static_assert(kColumn.type == SqlType::kTimestamptz, "a rollup value of no known type");
        out.Field(std::chrono::sys_seconds{std::chrono::seconds{v.whole}});
      }
    }
  });
}

const std::string& ContainerHourRollUpSql() {
  static const std::string kSql =
      RollUpSql("container_costs_hourly", "container_costs", "interval_start", "hour", IsKey,
                IsCarriedLabel, FoldOverRaw);
  return kSql;
}

GrainTables TablesOf(RollupGrain grain) {
  switch (grain) {
    case RollupGrain::kContainer:
      return {"container_costs_hourly", "container_costs_daily"};
    case RollupGrain::kWorkload:
      return {"workload_costs_hourly", "workload_costs_daily"};
    case RollupGrain::kNodeKind:
      return {"node_kind_costs_hourly", "node_kind_costs_daily"};
  }
  return {"container_costs_hourly", "container_costs_daily"};
}

bool InKeyOf(const ContainerColumn& c, RollupGrain grain) {
  switch (grain) {
    case RollupGrain::kContainer:
      return IsKey(c);
    case RollupGrain::kWorkload:
      return c.workload_key;
    case RollupGrain::kNodeKind:
      return c.node_key;
  }
  return false;
}

std::string ContainerDayRollUpSql(std::string_view target, std::string_view source,
                                  std::string_view source_time, RollupGrain grain) {
  const auto is_key = [grain](const ContainerColumn& c) { return InKeyOf(c, grain); };
  if (grain == RollupGrain::kContainer) {
    return RollUpSql(target, source, source_time, "day", is_key, IsCarriedLabel, FoldOverRollup);
  }
  return RollUpSql(target, source, source_time, "day", is_key, Never, FoldOverRollup);
}

const std::string& ContainerLocalDayRollUpSql() {
  static const std::string kSql =
      RollUpSql("container_costs_local_daily", "container_costs_hourly", "hour", "day", IsKey,
                IsCarriedLabel, FoldOverRollup, Periods::kOneUntil);
  return kSql;
}

const std::string& GrainHourRollUpSql(RollupGrain grain) {
  static const auto kSql = [] {
    std::map<RollupGrain, std::string> out;
    for (const RollupGrain g : kCoarseGrains) {
      out[g] = RollUpSql(
          TablesOf(g).hourly, "container_costs_hourly", "hour", "hour",
          [g](const ContainerColumn& c) { return InKeyOf(c, g); }, Never, FoldOverRollup,
          Periods::kPerSourceTime);
    }
    return out;
  }();
  return kSql.at(grain);  // std::out_of_range for the container grain: it has none
}

std::string ContainerReadFolds(bool raw) {
  std::string out;
  for (const ContainerColumn& c : kContainerColumns) {
    if (c.read.empty()) continue;
    if (!out.empty()) out += ",\n  ";
    out += fmt::format("{} AS {}", raw ? FoldOverRaw(c) : FoldOverRollup(c), c.name);
  }
  return out;
}

}  // namespace costledger::postgres
