#include "costledger/postgres/postgres_usage_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"
#include "pg_arrays.hpp"
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

void RequireWholeHours(model::TimeWindow window) {
  if (!IsWholeHour(window.start) || !IsWholeHour(window.end) || window.end < window.start) {
    throw InvalidInput("usage series: the window must run from a whole UTC hour to a later one");
  }
}

// ---- The daily usage digest (migration 0009) ----------------------------------------------
// Days whose digest row may be stale: hourly or daily rollup pending (any cluster). $1, $2: the
// window (epoch seconds).
constexpr std::string_view kPendingDays = R"(
SELECT DISTINCT floor(extract(epoch FROM hour) / 86400)::bigint * 86400 FROM rollup_pending
WHERE hour >= to_timestamp($1::bigint) AND hour < to_timestamp($2::bigint)
UNION
SELECT DISTINCT extract(epoch FROM day)::bigint FROM rollup_pending_daily
WHERE day >= to_timestamp($1::bigint) - interval '24 hours' AND day < to_timestamp($2::bigint))";
constexpr std::string_view kClusters = "SELECT cluster FROM clusters";
// The first day in the digest of clusters stored before it (migration 0009).
constexpr std::string_view kDigestStarts =
    "SELECT cluster, extract(epoch FROM day)::bigint FROM usage_digest_start";
// The digest columns after cluster and day, in container_usage_daily's order; the per-hour
// ones only for a day the window takes part of ({day}: the day's start; $3, $4: the window).
constexpr std::string_view kDigestColumns = R"(u.namespace, u.controller_kind, u.controller,
  u.platform, u.workload, u.container, u.team, u.seconds, u.cpu_request_millicore_seconds,
  u.memory_request_byte_seconds, CASE WHEN {partial} THEN u.hours END,
  CASE WHEN {partial} THEN u.hour_teams END, CASE WHEN {partial} THEN u.hour_seconds END,
  CASE WHEN {partial} THEN u.hour_cpu_request_millicore_seconds END,
  CASE WHEN {partial} THEN u.hour_memory_request_byte_seconds END, u.pods, u.pod_hours,
  u.pod_sample_hours, u.cpu_millicores, u.memory_bytes)";
constexpr std::string_view kPartialDay =
    "({day} < to_timestamp($3::bigint) OR {day} + interval '24 hours' > to_timestamp($4::bigint))";

std::string DigestColumns(std::string_view day) {
  const std::string partial = fmt::format(kPartialDay, fmt::arg("day", day));
  return fmt::format(kDigestColumns, fmt::arg("partial", partial));
}

// $5: the workloads to read, as the efficiency feed names them (feed_workload_name, migration
// 0016), or NULL for all.
constexpr std::string_view kOfWorkloads =
    "($5::text[] IS NULL OR u.namespace || '/' || "
    "feed_workload_name(u.platform, u.workload, u.controller) = ANY($5::text[]))";

// $1, $2: the first and the last day overlapping the window (epoch seconds); $3, $4: the window.
const std::string& StoredDaysSql() {
  static const std::string kSql = fmt::format(
      "SELECT u.cluster, extract(epoch FROM u.day)::bigint, {} FROM container_usage_daily u "
      "WHERE u.cluster = ANY(ARRAY(SELECT cluster FROM clusters)) "
      "AND u.day >= to_timestamp($1::bigint) AND u.day <= to_timestamp($2::bigint) AND {}",
      DigestColumns("u.day"), kOfWorkloads);
  return kSql;
}
// $1 cluster, $2 day (epoch seconds); $3, $4: the window. The digest of a day from the hourly
// rollups.
const std::string& ComputedDaySql() {
  static const std::string kSql = fmt::format(
      "SELECT $1::text, $2::bigint, {} FROM container_usage_of_day($1, to_timestamp($2::bigint)) u "
      "WHERE {}",
      DigestColumns("to_timestamp($2::bigint)"), kOfWorkloads);
  return kSql;
}
enum DigestColumn : int {
  kCluster = 0,
  kDay = 1,
  kFirstLabel = 2,  // namespace .. container: kSeriesKey after cluster
  kTeam = 8,
  kSeconds,
  kCpuRequest,
  kMemoryRequest,
  kHours,  // NULL (so the hour columns too) when the window takes the whole day
  kHourTeams,
  kHourSeconds,
  kHourCpuRequest,
  kHourMemoryRequest,
  kPods,
  kPodHours,
  kPodSampleHours,
  kCpu,
  kMemory,
};

using model::Int128;

// A decimal integer at `p` (optionally negative), advancing `p` past it. Throws
// std::runtime_error when there is none.
Int128 ParseDecimal(const char*& p) {
  const bool negative = *p == '-';
  if (negative) ++p;
  if (*p < '0' || *p > '9') throw std::runtime_error("usage digest: malformed integer");
  Int128 value = 0;
  while (*p >= '0' && *p <= '9') value = value * 10 + (*p++ - '0');
  return negative ? -value : value;
}

// Calls `each` with every element of a PostgreSQL array of non-NULL integers in text form
// ("{1,-2,3}"), as Int128. Throws std::runtime_error on anything else.
template <typename Each>
void ForEachInteger(const pqxx::field& f, Each&& each) {
  const char* p = f.c_str();
  if (*p++ != '{') throw std::runtime_error("usage digest: malformed integer array");
  if (*p == '}') return;
  for (;;) {
    each(ParseDecimal(p));
    if (*p == '}') return;
    if (*p++ != ',') throw std::runtime_error("usage digest: malformed integer array");
  }
}

std::vector<std::int64_t> Integers(const pqxx::field& f) {
  std::vector<std::int64_t> out;
  ForEachInteger(f, [&](Int128 v) { out.push_back(static_cast<std::int64_t>(v)); });
  return out;
}

std::vector<Int128> WideIntegers(const pqxx::field& f) {
  std::vector<Int128> out;
  ForEachInteger(f, [&](Int128 v) { out.push_back(v); });
  return out;
}

// A numeric without fraction (the digest's sums).
Int128 WideInteger(const pqxx::field& f) {
  const char* p = f.c_str();
  const Int128 value = ParseDecimal(p);
  if (*p != '\0') throw std::runtime_error("usage digest: malformed integer");
  return value;
}

// The comma-separated hexadecimal values of to_hex (two's complement for negative bigints).
std::vector<std::int64_t> HexValues(const pqxx::field& f) {
  std::vector<std::int64_t> out;
  const char* p = f.c_str();
  if (*p == '\0') return out;
  for (;;) {
    std::uint64_t value = 0;
    int digits = 0;
    for (;; ++p, ++digits) {
      const char c = *p;
      if (c >= '0' && c <= '9') {
        value = value << 4 | static_cast<std::uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value = value << 4 | static_cast<std::uint64_t>(c - 'a' + 10);
      } else {
        break;
      }
    }
    if (digits == 0 || digits > 16) throw std::runtime_error("usage digest: malformed samples");
    out.push_back(static_cast<std::int64_t>(value));
    if (*p == '\0') return out;
    if (*p++ != ',') throw std::runtime_error("usage digest: malformed samples");
  }
}

std::vector<std::string> Texts(const pqxx::field& f) {
  std::vector<std::string> out;
  pqxx::array_parser parser = f.as_array();
  for (;;) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::done) return out;
    if (juncture == pqxx::array_parser::string_value) out.push_back(std::move(value));
    if (juncture == pqxx::array_parser::null_value) out.emplace_back();
  }
}

// One series being put together from the digest rows of its days.
struct SeriesParts {
  ContainerUsageSeries series;
  bool seen = false;  // some hour in the window has rows
  std::string team;
  std::int64_t seconds = 0;
  Int128 cpu_request = 0;     // millicore-seconds
  Int128 memory_request = 0;  // byte-seconds
  std::set<std::string> pods;
};

using SeriesLabels = std::array<std::string, kSeriesKey.size()>;

// n / d rounded half up, for n >= 0 and d > 0 (as div(2n + d, 2d) in SQL).
std::int64_t HalfUp(Int128 n, Int128 d) { return static_cast<std::int64_t>((2 * n + d) / (2 * d)); }

// Adds the hours of one digest row that lie in [start, end) to its series.
void AddDigestRow(const pqxx::row& r, std::int64_t start, std::int64_t end,
                  std::map<SeriesLabels, SeriesParts>& parts) {
  const auto day = r[kDay].as<std::int64_t>();
  const std::int64_t first = std::max<std::int64_t>(0, (start - day + 3599) / 3600);
  const std::int64_t last = std::min<std::int64_t>(24, (end - day) / 3600);  // exclusive
  if (first >= last) return;
  const auto inside = [&](std::int64_t h) { return h >= first && h < last; };
  const bool whole_day = r[kHours].is_null();
  std::vector<std::int64_t> hours;
  if (!whole_day) {
    hours = Integers(r[kHours]);
    if (std::none_of(hours.begin(), hours.end(), inside)) return;
  }

  SeriesLabels labels;
  labels[0] = r[kCluster].as<std::string>();
  for (std::size_t i = 1; i < labels.size(); ++i) {
    labels[i] = r[kFirstLabel + static_cast<int>(i) - 1].as<std::string>();
  }
  auto [it, inserted] = parts.try_emplace(std::move(labels));
  SeriesParts& p = it->second;
  if (inserted) {
    for (std::size_t i = 0; i < kSeriesKey.size(); ++i) {
      p.series.*kSeriesKey[i].member = it->first[i];
    }
  }
  const auto add_hour = [&p](std::string team, std::int64_t seconds, Int128 cpu_request,
                             Int128 memory_request) {
    if (!p.seen || team < p.team) p.team = std::move(team);
    p.seen = true;
    p.seconds += seconds;
    p.cpu_request += cpu_request;
    p.memory_request += memory_request;
  };
  if (whole_day) {
    add_hour(r[kTeam].as<std::string>(), r[kSeconds].as<std::int64_t>(),
             WideInteger(r[kCpuRequest]), WideInteger(r[kMemoryRequest]));
  } else {
    std::vector<std::string> teams = Texts(r[kHourTeams]);
    const std::vector<std::int64_t> seconds = Integers(r[kHourSeconds]);
    const std::vector<Int128> cpu_request = WideIntegers(r[kHourCpuRequest]);
    const std::vector<Int128> memory_request = WideIntegers(r[kHourMemoryRequest]);
    if (teams.size() != hours.size() || seconds.size() != hours.size() ||
        cpu_request.size() != hours.size() || memory_request.size() != hours.size()) {
      throw std::runtime_error("usage digest: hour arrays of different lengths");
    }
    for (std::size_t i = 0; i < hours.size(); ++i) {
      if (inside(hours[i])) {
        add_hour(std::move(teams[i]), seconds[i], cpu_request[i], memory_request[i]);
      }
    }
  }

  std::uint32_t window_mask = 0;
  for (std::int64_t h = first; h < last; ++h) window_mask |= std::uint32_t{1} << h;
  const std::vector<std::string> pods = Texts(r[kPods]);
  const std::vector<std::int64_t> pod_hours = Integers(r[kPodHours]);
  const std::vector<std::int64_t> pod_sample_hours = Integers(r[kPodSampleHours]);
  if (pod_hours.size() != pods.size() || pod_sample_hours.size() != pods.size()) {
    throw std::runtime_error("usage digest: pod arrays of different lengths");
  }
  for (std::size_t i = 0; i < pods.size(); ++i) {
    if ((static_cast<std::uint32_t>(pod_hours[i]) & window_mask) != 0) p.pods.insert(pods[i]);
  }

  // The samples are in hour, then pod order: the masks say whose each is.
  const std::vector<std::int64_t> cpu = HexValues(r[kCpu]);
  const std::vector<std::int64_t> memory = HexValues(r[kMemory]);
  if (memory.size() != cpu.size()) {
    throw std::runtime_error("usage digest: sample lists of different lengths");
  }
  std::size_t next = 0;
  for (std::int64_t h = 0; h < 24; ++h) {
    const std::uint32_t bit = std::uint32_t{1} << h;
    for (const std::int64_t mask : pod_sample_hours) {
      if ((static_cast<std::uint32_t>(mask) & bit) == 0) continue;
      if (next >= cpu.size()) throw std::runtime_error("usage digest: too few samples");
      if (inside(h)) {
        const std::chrono::sys_seconds at = FromEpochSeconds(day + h * 3600);
        p.series.cpu_millicores.push_back({at, cpu[next]});
        p.series.memory_bytes.push_back({at, memory[next]});
      }
      ++next;
    }
  }
  if (next != cpu.size()) throw std::runtime_error("usage digest: too many samples");
}

// The series of every team from the digest: stored days whose rollup is current, the others
// computed from the hourly rollups by the same SQL function; samples in hour, then pod order.
// `workloads`: a text array literal of the feed's workload names to read, nullopt for all.
std::vector<ContainerUsageSeries> ReadFromDigest(pqxx::transaction_base& tx,
                                                 model::TimeWindow window,
                                                 const std::optional<std::string>& workloads) {
  const std::int64_t start = EpochSeconds(window.start);
  const std::int64_t end = EpochSeconds(window.end);
  const auto day_of = [](std::int64_t t) { return t - ((t % 86400) + 86400) % 86400; };
  const std::int64_t first_day = day_of(start);
  const std::int64_t last_day = day_of(end - 1);
  std::set<std::int64_t> stale;  // of every cluster
  for (const pqxx::row& r : tx.exec_params(std::string(kPendingDays), first_day, end)) {
    stale.insert(r[0].as<std::int64_t>());
  }
  std::map<std::string, std::int64_t> digest_start;  // earlier days of a cluster: not digested
  for (const pqxx::row& r : tx.exec(std::string(kDigestStarts))) {
    digest_start[r[0].as<std::string>()] = r[1].as<std::int64_t>();
  }
  const auto digested = [&](const std::string& cluster, std::int64_t day) {
    if (stale.contains(day)) return false;
    const auto it = digest_start.find(cluster);
    return it == digest_start.end() || day >= it->second;
  };
  std::map<SeriesLabels, SeriesParts> parts;
  for (const pqxx::row& r :
       tx.exec_params(StoredDaysSql(), first_day, last_day, start, end, workloads)) {
    if (digested(r[kCluster].as<std::string>(), r[kDay].as<std::int64_t>())) {
      AddDigestRow(r, start, end, parts);
    }
  }
  if (!stale.empty() || std::any_of(digest_start.begin(), digest_start.end(),
                                    [&](const auto& s) { return first_day < s.second; })) {
    std::vector<std::string> clusters;
    for (const pqxx::row& r : tx.exec(std::string(kClusters))) {
      clusters.push_back(r[0].as<std::string>());
    }
    for (std::int64_t day = first_day; day <= last_day; day += 86400) {
      for (const std::string& cluster : clusters) {
        if (digested(cluster, day)) continue;
        for (const pqxx::row& r :
             tx.exec_params(ComputedDaySql(), cluster, day, start, end, workloads)) {
          AddDigestRow(r, start, end, parts);
        }
      }
    }
  }
  std::vector<ContainerUsageSeries> out;
  out.reserve(parts.size());
  const auto by_hour = [](const model::UsageSample& a, const model::UsageSample& b) {
    return a.at < b.at;
  };
  for (auto& [labels, p] : parts) {
    if (!p.seen) continue;
    ContainerUsageSeries& s = out.emplace_back(std::move(p.series));
    s.team = std::move(p.team);
    s.container_seconds = p.seconds;
    if (p.seconds > 0) {
      s.cpu_request_millicores = HalfUp(p.cpu_request, p.seconds);
      s.memory_request_bytes = HalfUp(p.memory_request, p.seconds);
    }
    s.pods = static_cast<std::int64_t>(p.pods.size());
    // Days may have come in any order; within an hour the pods are in order already.
    if (!std::is_sorted(s.cpu_millicores.begin(), s.cpu_millicores.end(), by_hour)) {
      std::stable_sort(s.cpu_millicores.begin(), s.cpu_millicores.end(), by_hour);
      std::stable_sort(s.memory_bytes.begin(), s.memory_bytes.end(), by_hour);
    }
  }
  return out;
}

}  // namespace

struct PostgresUsageReader::Impl {
  Impl(std::string url, std::string password, std::size_t max_connections,
       std::chrono::milliseconds acquire_timeout)
      : pool(std::move(url), std::move(password), max_connections, acquire_timeout) {}
  PgSessionPool pool;

  // The digest's series of `window`, of the workloads in `workloads` (a text array literal)
  // or, nullopt, of all; one snapshot: the pending marks and the digest rows they qualify.
  std::vector<ContainerUsageSeries> ReadDigest(model::TimeWindow window,
                                               const std::optional<std::string>& workloads) {
    return pool.Run("read usage series", [&](pqxx::connection& c) {
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c, "usage_digest");
      return ReadFromDigest(tx, window, workloads);
    });
  }
};

PostgresUsageReader::PostgresUsageReader(std::string url, std::string password,
                                         std::size_t max_connections,
                                         std::chrono::milliseconds acquire_timeout)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(password), max_connections,
                                   acquire_timeout)) {}

PostgresUsageReader::~PostgresUsageReader() = default;

std::vector<ContainerUsageSeries> PostgresUsageReader::ReadUsageSeries(
    model::TimeWindow window, const std::optional<std::string>& team) {
  RequireWholeHours(window);
  if (!team.has_value()) return impl_->ReadDigest(window, std::nullopt);
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

std::vector<ContainerUsageSeries> PostgresUsageReader::ReadWorkloadUsageSeries(
    model::TimeWindow window, std::span<const std::string> workloads) {
  RequireWholeHours(window);
  if (workloads.empty()) return {};
  return impl_->ReadDigest(window, TextArray(workloads));
}

}  // namespace costledger::postgres
