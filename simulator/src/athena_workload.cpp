#include "costledger/simulator/athena_workload.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/sim_time.hpp"

namespace costledger::simulator {
namespace {

constexpr std::uint64_t kSaltAthena = 0x617468656e61;
constexpr std::int64_t kBinMillis = 60'000;

enum class Kind : std::uint8_t { kSelect, kInsert, kDdl, kUtility };

struct Mix {
  double select = 0;
  double insert = 0;
  double ddl = 0;
  // The rest: utility statements (SHOW, DESCRIBE).
};

struct WorkGroup {
  std::string_view name;
  double share = 0;  // of all queries
  Mix mix;
  double log10_bytes_low = 0;  // data scanned by a SELECT, log-uniform
  double log10_bytes_high = 0;
  std::string_view database;
};

constexpr std::array<WorkGroup, 5> kWorkGroups{{
    {"analytics", 0.35, {0.85, 0.0, 0.0}, 7.0, 11.6, "sales"},
    {"ml-features", 0.25, {0.65, 0.25, 0.08}, 9.0, 12.6, "features"},
    {"reporting", 0.20, {0.90, 0.0, 0.0}, 6.5, 10.2, "reporting"},
    {"platform-etl", 0.12, {0.0, 0.55, 0.42}, 8.5, 11.5, "logs"},
    {"primary", 0.08, {0.75, 0.0, 0.0}, 5.0, 12.3, "default"},
}};

constexpr std::array<std::string_view, 6> kSelects{
    "SELECT country, count(*) AS orders, sum(total_usd) AS revenue FROM {db}.orders WHERE dt = "
    "'{day}' GROUP BY country ORDER BY revenue DESC",
    "SELECT user_id, approx_percentile(latency_ms, 0.99) AS p99 FROM {db}.events WHERE dt >= "
    "'{day}' GROUP BY user_id",
    "SELECT date_trunc('hour', ts) AS hour, count(DISTINCT session_id) FROM {db}.sessions WHERE "
    "dt = '{day}' GROUP BY 1 ORDER BY 1",
    "SELECT * FROM {db}.transactions WHERE dt = '{day}' AND amount_usd > 10000 LIMIT 1000",
    "WITH daily AS (SELECT customer_id, sum(amount_usd) AS spend FROM {db}.transactions WHERE "
    "dt BETWEEN date_add('day', -30, date '{day}') AND date '{day}' GROUP BY 1) SELECT "
    "approx_percentile(spend, ARRAY[0.5, 0.9, 0.99]) FROM daily",
    "SELECT product_id, avg(rating) AS rating, count(*) AS reviews FROM {db}.reviews GROUP BY "
    "product_id HAVING count(*) > 50",
};

constexpr std::array<std::string_view, 3> kInserts{
    "INSERT INTO {db}.user_daily SELECT user_id, date '{day}' AS dt, count(*) AS events, "
    "sum(duration_ms) AS active_ms FROM {db}.events_raw WHERE dt = '{day}' GROUP BY user_id",
    "INSERT INTO {db}.alb_logs_parquet SELECT * FROM {db}.alb_logs WHERE dt = '{day}'",
    "INSERT INTO {db}.item_embeddings_stats SELECT item_id, cardinality(embedding) AS dims, "
    "'{day}' AS dt FROM {db}.item_embeddings",
};

constexpr std::array<std::string_view, 4> kDdls{
    "MSCK REPAIR TABLE {db}.alb_logs",
    "ALTER TABLE {db}.events_raw ADD IF NOT EXISTS PARTITION (dt = '{day}') LOCATION "
    "'s3://acme-datalake/{db}/events_raw/dt={day}/'",
    "CREATE EXTERNAL TABLE IF NOT EXISTS {db}.vpc_flow_logs (version int, account_id string, "
    "srcaddr string, dstaddr string, bytes bigint) PARTITIONED BY (dt string) STORED AS PARQUET "
    "LOCATION 's3://acme-datalake/{db}/vpc_flow_logs/'",
    "DROP TABLE IF EXISTS {db}.tmp_backfill_{n}",
};

constexpr std::array<std::string_view, 3> kUtilities{"SHOW PARTITIONS {db}.events_raw",
                                                     "DESCRIBE {db}.orders", "SHOW TABLES IN {db}"};

constexpr std::array<std::string_view, 3> kFailures{
    "COLUMN_NOT_FOUND: line 1:8: Column 'order_total_usd' cannot be resolved or requester is not "
    "authorized to access requested resources",
    "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{db}.orders_v2' does not exist",
    "Query exhausted resources at this scale factor",
};

std::string Fill(std::string_view text, std::string_view db, std::string_view day, std::int64_t n) {
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 4) == "{db}") {
      out += db;
      i += 3;
    } else if (text.substr(i, 5) == "{day}") {
      out += day;
      i += 4;
    } else if (text.substr(i, 3) == "{n}") {
      out += std::to_string(n);
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

template <typename Array>
std::string_view Pick(const Array& options, std::uint64_t h) {
  return options[h % options.size()];
}

AthenaQuery MakeQuery(std::uint64_t seed, std::size_t group_index, std::int64_t bin,
                      std::int64_t slot, std::int64_t now_millis) {
  const WorkGroup& group = kWorkGroups[group_index];
  const auto draw = [&](std::uint64_t purpose) {
    return Hash(seed, kSaltAthena, group_index, bin, slot, purpose);
  };
  AthenaQuery q;
  q.work_group = group.name;
  q.database = group.database;
  q.submitted_millis = bin * kBinMillis + UniformInt(draw(1), 0, kBinMillis - 1);
  AppendUuid(q.id, draw(2), draw(3));

  std::string day;
  AppendRfc3339(day, FloorDiv(q.submitted_millis, 1000) - 86'400);
  day.resize(10);

  const double r = UnitInterval(draw(4));
  Kind kind = Kind::kUtility;
  if (r < group.mix.select) {
    kind = Kind::kSelect;
  } else if (r < group.mix.select + group.mix.insert) {
    kind = Kind::kInsert;
  } else if (r < group.mix.select + group.mix.insert + group.mix.ddl) {
    kind = Kind::kDdl;
  }
  std::int64_t full_bytes = 0;
  switch (kind) {
    case Kind::kSelect:
      q.statement_type = "DML";
      q.substatement_type = "SELECT";
      q.query = Fill(Pick(kSelects, draw(5)), group.database, day, 0);
      full_bytes = static_cast<std::int64_t>(
          std::pow(10.0, Uniform(draw(6), group.log10_bytes_low, group.log10_bytes_high)));
      break;
    case Kind::kInsert:
      q.statement_type = "DML";
      q.substatement_type = "INSERT";
      q.query = Fill(Pick(kInserts, draw(5)), group.database, day, 0);
      full_bytes = static_cast<std::int64_t>(std::pow(10.0, Uniform(draw(6), 8.5, 11.8)));
      break;
    case Kind::kDdl: {
      q.statement_type = "DDL";
      const std::uint64_t h = draw(5);
      static constexpr std::array<std::string_view, 4> kSub{"MSCK_REPAIR_TABLE", "ALTER_TABLE",
                                                            "CREATE_TABLE", "DROP_TABLE"};
      q.substatement_type = kSub[h % kSub.size()];
      q.query = Fill(kDdls[h % kDdls.size()], group.database, day,
                     static_cast<std::int64_t>(draw(7) % 1000U));
      break;
    }
    case Kind::kUtility: {
      q.statement_type = "UTILITY";
      const std::uint64_t h = draw(5);
      static constexpr std::array<std::string_view, 3> kSub{"SHOW_PARTITIONS", "DESCRIBE_TABLE",
                                                            "SHOW_TABLES"};
      q.substatement_type = kSub[h % kSub.size()];
      q.query = Fill(kUtilities[h % kUtilities.size()], group.database, day, 0);
      break;
    }
  }

  q.queue_millis = UniformInt(draw(8), 40, 900);
  q.planning_millis = UniformInt(draw(9), 60, 1500);
  // About 150-600 MB/s once running, plus a fixed start-up cost.
  const double throughput = Uniform(draw(10), 150e6, 600e6);
  const std::int64_t engine_full = std::min<std::int64_t>(
      static_cast<std::int64_t>(300 + 1000.0 * static_cast<double>(full_bytes) / throughput),
      std::int64_t{30} * 60 * 1000);
  const std::int64_t service_millis = UniformInt(draw(11), 30, 300);

  const double outcome = UnitInterval(draw(12));
  const bool dml = kind == Kind::kSelect || kind == Kind::kInsert;
  AthenaState final_state = AthenaState::kSucceeded;
  double done_fraction = 1;
  if (outcome < (dml ? 0.08 : 0.05)) {
    final_state = AthenaState::kFailed;
    done_fraction = Uniform(draw(13), 0.0, 0.3);
    q.state_change_reason = kFailures[draw(14) % kFailures.size()];
  } else if (dml && outcome < 0.12) {
    final_state = AthenaState::kCancelled;
    done_fraction = Uniform(draw(13), 0.1, 0.8);
    q.state_change_reason = "Query cancelled by user";
  }
  const std::int64_t engine_millis =
      static_cast<std::int64_t>(static_cast<double>(engine_full) * done_fraction) + 50;
  const std::int64_t scanned =
      final_state == AthenaState::kFailed && done_fraction < 0.15
          ? 0
          : static_cast<std::int64_t>(static_cast<double>(full_bytes) * done_fraction);
  const std::int64_t total = q.queue_millis + q.planning_millis + engine_millis + service_millis;
  const std::int64_t elapsed = now_millis - q.submitted_millis;
  if (elapsed < q.queue_millis) {
    q.state = AthenaState::kQueued;
    q.queue_millis = elapsed;
    q.planning_millis = 0;
    q.total_millis = elapsed;
    q.state_change_reason = {};
  } else if (elapsed < total) {
    q.state = AthenaState::kRunning;
    const std::int64_t running = elapsed - q.queue_millis;
    q.engine_millis = running;
    q.total_millis = elapsed;
    q.data_scanned_bytes =
        engine_millis > 0 ? scanned * std::min<std::int64_t>(running, engine_millis) / engine_millis
                          : 0;
    q.state_change_reason = {};
  } else {
    q.state = final_state;
    q.engine_millis = engine_millis;
    q.total_millis = total;
    q.data_scanned_bytes = scanned;
    q.completed_millis = q.submitted_millis + total;
  }
  // DDL and utility statements scan nothing that is billed.
  if (!dml) q.data_scanned_bytes = 0;
  return q;
}

}  // namespace

std::string_view AthenaStateName(AthenaState state) {
  switch (state) {
    case AthenaState::kQueued:
      return "QUEUED";
    case AthenaState::kRunning:
      return "RUNNING";
    case AthenaState::kSucceeded:
      return "SUCCEEDED";
    case AthenaState::kFailed:
      return "FAILED";
    case AthenaState::kCancelled:
      return "CANCELLED";
  }
  return "QUEUED";
}

std::vector<std::string_view> AthenaWorkGroups() {
  std::vector<std::string_view> names;
  names.reserve(std::size(kWorkGroups));
  for (const WorkGroup& group : kWorkGroups) names.push_back(group.name);
  return names;
}

std::vector<AthenaQuery> AthenaQueriesSubmitted(std::uint64_t seed, int queries_per_hour,
                                                std::int64_t now_millis,
                                                std::int64_t window_millis) {
  std::vector<AthenaQuery> queries;
  const std::int64_t from = now_millis - window_millis;
  const std::int64_t first_bin = FloorDiv(from, kBinMillis);
  const std::int64_t last_bin = FloorDiv(now_millis, kBinMillis);
  for (std::size_t g = 0; g < kWorkGroups.size(); ++g) {
    // Expected queries per one-minute bin, spread over a few candidate slots per bin.
    const double per_bin = static_cast<double>(queries_per_hour) * kWorkGroups[g].share / 60.0;
    const auto slots = static_cast<std::int64_t>(std::max(4.0, std::ceil(per_bin * 3)));
    const double chance = per_bin / static_cast<double>(slots);
    for (std::int64_t bin = first_bin; bin <= last_bin; ++bin) {
      for (std::int64_t slot = 0; slot < slots; ++slot) {
        if (UnitInterval(Hash(seed, kSaltAthena, g, bin, slot)) >= chance) continue;
        AthenaQuery q = MakeQuery(seed, g, bin, slot, now_millis);
        if (q.submitted_millis <= from || q.submitted_millis > now_millis) continue;
        queries.push_back(std::move(q));
      }
    }
  }
  std::sort(queries.begin(), queries.end(), [](const AthenaQuery& a, const AthenaQuery& b) {
    if (a.submitted_millis != b.submitted_millis) return a.submitted_millis > b.submitted_millis;
    return a.id < b.id;
  });
  return queries;
}

}  // namespace costledger::simulator
