#include "costledger/postgres/postgres_usage_reader.hpp"

#include <fmt/core.h>

#include <array>
#include <pqxx/pqxx>
#include <set>
#include <utility>

#include "costledger/model/errors.hpp"
#include "pg_session_pool.hpp"
#include "pg_time.hpp"

namespace costledger::postgres {
namespace {

using model::ContainerUsageSeries;

/// A label of container_costs_hourly that keeps series apart, and where it goes.
struct SeriesKeyColumn {
  std::string_view column;
  std::string ContainerUsageSeries::*member;
};

// The labels a series is grouped by, in this order (also the order of the result). Grouping by
// another label of the hourly rollup (a workload, say) is one more entry here plus its member
// in ContainerUsageSeries; the SQL and the reading below follow from this table.
constexpr std::array kSeriesKey{
    SeriesKeyColumn{"cluster", &ContainerUsageSeries::cluster},
    SeriesKeyColumn{"namespace", &ContainerUsageSeries::namespace_name},
    SeriesKeyColumn{"controller_kind", &ContainerUsageSeries::controller_kind},
    SeriesKeyColumn{"controller", &ContainerUsageSeries::controller},
    SeriesKeyColumn{"platform", &ContainerUsageSeries::platform},
    SeriesKeyColumn{"workload", &ContainerUsageSeries::workload},
    SeriesKeyColumn{"container", &ContainerUsageSeries::container},
};

// ---- SQL ----------------------------------------------------------------------------------
// {keys}: the kSeriesKey columns as x.<column>, comma-separated. $1, $2: the window (epoch
// seconds, whole hours); $3: filter by team; $4: the team. Clusters from `clusters`, so the
// hourly primary key (cluster, hour, ...) serves the range.
// Quotients of non-negative integers rounded half up, exactly: div(2a + b, 2b) in numeric.
// Rows with usage_observed_seconds = 0 give NULL usage (no sample).
constexpr std::string_view kSeriesSql = R"(
SELECT {keys}, x.pod, extract(epoch FROM x.hour)::bigint,
  div(2 * sum(x.cpu_usage_millicore_seconds) + sum(x.usage_observed_seconds),
      2 * nullif(sum(x.usage_observed_seconds), 0))::bigint,
  div(2 * sum(x.memory_usage_byte_seconds) + sum(x.usage_observed_seconds),
      2 * nullif(sum(x.usage_observed_seconds), 0))::bigint,
  min(min(x.team)) OVER w,
  div(2 * sum(sum(x.cpu_request_millicore_seconds)) OVER w + sum(sum(x.seconds)) OVER w,
      2 * nullif(sum(sum(x.seconds)) OVER w, 0))::bigint,
  div(2 * sum(sum(x.memory_request_byte_seconds)) OVER w + sum(sum(x.seconds)) OVER w,
      2 * nullif(sum(sum(x.seconds)) OVER w, 0))::bigint,
  (sum(sum(x.seconds)) OVER w)::bigint
FROM container_costs_hourly x
WHERE x.cluster = ANY(ARRAY(SELECT cluster FROM clusters))
  AND x.hour >= to_timestamp($1::bigint) AND x.hour < to_timestamp($2::bigint)
  AND (NOT $3::boolean OR x.team = $4)
GROUP BY {keys}, x.pod, x.hour
WINDOW w AS (PARTITION BY {keys})
ORDER BY {keys}, x.hour, x.pod)";

const std::string& SeriesSql() {
  static const std::string kSql = [] {
    std::string keys;
    for (const SeriesKeyColumn& k : kSeriesKey) {
      if (!keys.empty()) keys += ", ";
      keys += fmt::format("x.{}", k.column);
    }
    return fmt::format(kSeriesSql, fmt::arg("keys", keys));
  }();
  return kSql;
}

bool IsWholeHour(std::chrono::sys_seconds t) { return EpochSeconds(t) % 3600 == 0; }

}  // namespace

struct PostgresUsageReader::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout) {}
  PgSessionPool pool;
};

PostgresUsageReader::PostgresUsageReader(std::string url, std::string password,
                                         std::size_t max_connections,
                                         std::chrono::milliseconds acquire_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout)) {}

PostgresUsageReader::~PostgresUsageReader() = default;

std::vector<ContainerUsageSeries> PostgresUsageReader::ReadUsageSeries(
    model::TimeWindow window, const std::optional<std::string>& team) {
  if (!IsWholeHour(window.start) || !IsWholeHour(window.end) || window.end < window.start) {
    throw InvalidInput("usage series: the window must run from a whole UTC hour to a later one");
  }
  return impl_->pool.Run("read usage series", [&](pqxx::connection& c) {
    pqxx::read_transaction tx(c, "usage_series");
    const pqxx::result result =
        tx.exec_params(SeriesSql(), EpochSeconds(window.start), EpochSeconds(window.end),
                       team.has_value(), team.value_or(""));
    constexpr int kKeys = static_cast<int>(kSeriesKey.size());
    std::vector<ContainerUsageSeries> out;
    std::set<std::string> pods;
    for (const pqxx::row& r : result) {
      bool same_series = !out.empty();
      for (int i = 0; same_series && i < kKeys; ++i) {
        same_series = r[i].as<std::string>() == out.back().*kSeriesKey[i].member;
      }
      if (!same_series) {
        ContainerUsageSeries& s = out.emplace_back();
        for (int i = 0; i < kKeys; ++i) s.*kSeriesKey[i].member = r[i].as<std::string>();
        s.team = r[kKeys + 4].as<std::string>();
        s.cpu_request_millicores = r[kKeys + 5].as<std::int64_t>();
        s.memory_request_bytes = r[kKeys + 6].as<std::int64_t>();
        s.container_seconds = r[kKeys + 7].as<std::int64_t>();
        pods.clear();
      }
      ContainerUsageSeries& s = out.back();
      pods.insert(r[kKeys].as<std::string>());
      s.pods = static_cast<std::int64_t>(pods.size());
      const std::chrono::sys_seconds hour = FromEpochSeconds(r[kKeys + 1].as<std::int64_t>());
      if (!r[kKeys + 2].is_null()) {
        s.cpu_millicores.push_back({hour, r[kKeys + 2].as<std::int64_t>()});
        s.memory_bytes.push_back({hour, r[kKeys + 3].as<std::int64_t>()});
      }
    }
    return out;
  });
}

}  // namespace costledger::postgres
