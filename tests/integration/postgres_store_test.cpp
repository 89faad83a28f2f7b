#include "costledger/postgres/postgres_store.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <latch>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "costledger/model/attribution.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/split_weights.hpp"
#include "costledger/postgres/postgres_cost_reader.hpp"
#include "costledger/postgres/postgres_usage_reader.hpp"
#include "embedded_migrations.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"
#include "test_data.hpp"

namespace costledger::postgres {
namespace {

using testing::MakeBatch;

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
// 2025-11-16T10:00:00Z, a whole hour.
const sys_seconds kHour{seconds{1'763'287'200}};

model::PricedQuery MakeQuery(const std::string& id, model::QueryState state) {
  model::PricedQuery q;
  q.execution.query_execution_id = id;
  q.execution.work_group = "analytics";
  q.execution.statement_type = "DML";
  q.execution.query = "SELECT *\tFROM \"events\" WHERE note = 'a\\b'\n-- ✓";
  q.execution.state = state;
  q.execution.submitted = kHour + seconds(5);
  if (model::IsFinal(state)) q.execution.completed = kHour + seconds(65);
  q.execution.data_scanned_bytes = 10 * kGiB;
  q.execution.engine_execution_millis = 60'000;
  q.team = "alpha";
  q.cost = model::Money::FromNanos(48'828'125);
  return q;
}

std::int64_t ContainerCostNanos(const model::IntervalBatch& b) {
  std::int64_t total = 0;
  for (const model::ContainerCostRow& c : b.costs.containers) total += c.cost.Total().nanos();
  return total;
}

// Raw tables against their hourly rollups.
struct Sums {
  std::int64_t raw_container_rows = 0;
  std::int64_t hourly_container_intervals = 0;
  std::int64_t raw_container_cost = 0;
  std::int64_t hourly_container_cost = 0;
  std::int64_t raw_node_rows = 0;
  std::int64_t hourly_node_intervals = 0;
  std::int64_t raw_node_cost = 0;
  std::int64_t hourly_node_cost = 0;
  std::int64_t raw_idle = 0;
  std::int64_t hourly_idle = 0;
};

class PostgresStoreTest : public ::testing::Test {
 protected:
  // One server per suite (starting one takes a second or two); one database per test.
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("t_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
  }

  std::unique_ptr<PostgresStore> MigratedStore() {
    auto store = std::make_unique<PostgresStore>(url_, "");
    store->Migrate();
    return store;
  }

  pqxx::row Query1(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    return tx.exec1(sql);
  }

  std::int64_t Count(const std::string& sql) { return Query1(sql)[0].as<std::int64_t>(); }

  // Rolls up every marked hour, complete or not, then reads raw and hourly sums.
  Sums ReadSums() {
    PostgresStore(url_, "").RollUp(sys_seconds{seconds{4'000'000'000}});
    const pqxx::row r = Query1(R"(
      SELECT
        (SELECT count(*) FROM container_costs),
        (SELECT coalesce(sum(intervals), 0) FROM container_costs_hourly),
        (SELECT coalesce(sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos), 0)
           FROM container_costs),
        (SELECT coalesce(sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos), 0)
           FROM container_costs_hourly),
        (SELECT count(*) FROM node_costs),
        (SELECT coalesce(sum(intervals), 0) FROM node_costs_hourly),
        (SELECT coalesce(sum(node_cost_nanos), 0) FROM node_costs),
        (SELECT coalesce(sum(node_cost_nanos), 0) FROM node_costs_hourly),
        (SELECT coalesce(sum(idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos), 0)
           FROM node_costs),
        (SELECT coalesce(sum(idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos), 0)
           FROM node_costs_hourly))");
    Sums s;
    s.raw_container_rows = r[0].as<std::int64_t>();
    s.hourly_container_intervals = r[1].as<std::int64_t>();
    s.raw_container_cost = r[2].as<std::int64_t>();
    s.hourly_container_cost = r[3].as<std::int64_t>();
    s.raw_node_rows = r[4].as<std::int64_t>();
    s.hourly_node_intervals = r[5].as<std::int64_t>();
    s.raw_node_cost = r[6].as<std::int64_t>();
    s.hourly_node_cost = r[7].as<std::int64_t>();
    s.raw_idle = r[8].as<std::int64_t>();
    s.hourly_idle = r[9].as<std::int64_t>();
    return s;
  }

  static void ExpectRollupsMatchRaw(const Sums& s) {
    EXPECT_EQ(s.hourly_container_intervals, s.raw_container_rows);
    EXPECT_EQ(s.hourly_container_cost, s.raw_container_cost);
    EXPECT_EQ(s.hourly_node_intervals, s.raw_node_rows);
    EXPECT_EQ(s.hourly_node_cost, s.raw_node_cost);
    EXPECT_EQ(s.hourly_idle, s.raw_idle);
    EXPECT_EQ(s.raw_node_cost, s.raw_container_cost + s.raw_idle);
  }

  std::vector<std::string> Partitions() {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    std::vector<std::string> names;
    for (const pqxx::row& r : tx.exec(R"(
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent IN ('container_costs'::regclass, 'node_costs'::regclass)
        ORDER BY 1)")) {
      names.push_back(r[0].as<std::string>());
    }
    return names;
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresStoreTest::server_;

// The versions of the embedded migrations after `version`, in order.
std::vector<std::string> MigrationsAfter(std::string_view version) {
  std::vector<std::string> out;
  for (const Migration& m : EmbeddedMigrations()) {
    if (m.version > version) out.emplace_back(m.version);
  }
  return out;
}

TEST_F(PostgresStoreTest, MigrationsApplyOnceAndAreIdempotent) {
  PostgresStore store(url_, "");
  // Every embedded migration, in order; those this test knows must be among them (a later one
  // may be listed too).
  const std::vector<std::string> all = MigrationsAfter("");
  for (const char* known :
       {"0001_initial", "0002_allocation_reads", "0003_workload_daily", "0004_interval_markers",
        "0005_workload_names", "0006_raw_rows_by_hour", "0007_reports_and_notifications",
        "0008_quotas", "0009_usage_digest", "0010_node_groups"}) {
    EXPECT_NE(std::find(all.begin(), all.end(), known), all.end()) << known;
  }
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(store.Migrate(), all);
  EXPECT_EQ(store.Migrate(), std::vector<std::string>{});
  EXPECT_EQ(PostgresStore(url_, "").Migrate(), std::vector<std::string>{});
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations WHERE applied_at IS NOT NULL"),
            static_cast<std::int64_t>(all.size()));
  EXPECT_EQ(Count(R"(SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN
      ('container_costs', 'node_costs', 'container_costs_hourly', 'node_costs_hourly',
       'query_costs', 'schema_migrations'))"),
            6);
}

// README's "Past one PostgreSQL server" distributes every table keyed by cluster with Citus:
// each table of the migrated schema with a `cluster` column (partitions aside: they follow
// their parent) is named there, so that a new table cannot be left out of the plan unnoticed.
TEST_F(PostgresStoreTest, ReadmesCitusPlanNamesEveryTableKeyedByCluster) {
  MigratedStore();
  const std::string readme = testing::ReadTestData("../../README.md");
  const std::size_t from = readme.find("SELECT create_distributed_table('container_costs'");
  const std::size_t to = readme.find("create_reference_table('clusters')", from);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string plan = readme.substr(from, to - from);
  pqxx::connection c(url_);
  pqxx::read_transaction tx(c);
  int tables = 0;
  for (const pqxx::row& r : tx.exec(R"(
      SELECT c.relname FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'cluster' AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'clusters'
      ORDER BY 1)")) {
    const std::string table = r[0].as<std::string>();
    ++tables;
    EXPECT_NE(plan.find("'" + table + "'"), std::string::npos)
        << table << " is keyed by cluster but not in README's Citus plan";
  }
  EXPECT_GE(tables, 25);
}

// A database of schema version 4 with costs in every container table, its raw partition made
// before: migration 5 gives the stored rows platform and workload '' (in the partition too) and
// puts both in the per-workload daily rollup's key; the upgraded store then writes named rows
// into that partition and day, and reads group old and new by workload, each tier alike.
TEST_F(PostgresStoreTest, UpgradeToWorkloadNamesKeepsEarlierRowsWithEmptyNames) {
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE schema_migrations (version text PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    for (const Migration& m : EmbeddedMigrations()) {
      if (m.version > "0004_interval_markers") break;
      tx.exec0(std::string(m.sql));
      tx.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)",
                      std::string(m.version));
    }
    // An hour of one container, as a version-4 store left it: raw, hourly, daily, per workload.
    tx.exec0(R"(
      CREATE TABLE container_costs_20251116 PARTITION OF container_costs
        FOR VALUES FROM ('2025-11-16 00:00:00+00') TO ('2025-11-17 00:00:00+00');
      INSERT INTO clusters VALUES ('prod');
      INSERT INTO container_costs (cluster, interval_start, interval_seconds, node, namespace,
        controller_kind, controller, pod, container, team, capacity_type, instance_type,
        cpu_request_millicores, cpu_usage_millicores, memory_request_bytes, memory_usage_bytes,
        gpu_devices, gpu_busy_devices, usage_observed, cpu_cost_nanos, ram_cost_nanos,
        gpu_cost_nanos, container_key)
      VALUES ('prod', '2025-11-16 10:00:00+00', 3600, 'n0', 'ns-0', 'Deployment', 'old', 'old-1',
        'app', 'team-0', 'spot', 'm5.4xlarge', 1000, 500, 1073741824, 0, 0, NULL, true, 7000,
        3000, 0, 1);
      INSERT INTO container_costs_hourly SELECT cluster, interval_start, namespace, pod,
        container, node, controller_kind, controller, team, capacity_type, instance_type, 1,
        interval_seconds, interval_seconds, cpu_request_millicores * 3600, 0,
        memory_request_bytes * 3600, 0, 0, 0, 0, cpu_cost_nanos, ram_cost_nanos, gpu_cost_nanos,
        cpu_request_millicores * 3600, memory_request_bytes * 3600, interval_start,
        interval_start + interval '1 hour'
      FROM container_costs;
      INSERT INTO container_costs_daily SELECT * FROM container_costs_hourly;
      INSERT INTO workload_costs_daily SELECT cluster, hour, namespace, controller_kind,
        controller, team, intervals, seconds, usage_observed_seconds,
        cpu_request_millicore_seconds, cpu_usage_millicore_seconds, memory_request_byte_seconds,
        memory_usage_byte_seconds, gpu_device_seconds, gpu_busy_device_seconds,
        gpu_busy_observed_seconds, cpu_cost_nanos, ram_cost_nanos, gpu_cost_nanos,
        cpu_allocated_millicore_seconds, memory_allocated_byte_seconds, first_start, last_end
      FROM container_costs_hourly;
      UPDATE container_costs_daily SET day = '2025-11-16 00:00:00+00';
      UPDATE workload_costs_daily SET day = '2025-11-16 00:00:00+00';)");
    tx.commit();
  }
  auto store = std::make_unique<PostgresStore>(url_, "");
  EXPECT_EQ(store->Migrate(), MigrationsAfter("0004_interval_markers"));
  // A day stored before migration 0006 stays whole and keeps a BRIN index of its own.
  EXPECT_EQ(Count(R"(SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                     WHERE c.relname = 'container_costs_20251116')"),
            1);
  for (const char* table :
       {"container_costs", "container_costs_20251116", "container_costs_hourly",
        "container_costs_daily", "workload_costs_daily", "workload_costs_hourly"}) {
    EXPECT_EQ(
        Count(fmt::format("SELECT count(*) FROM {} WHERE platform = '' AND workload = ''", table)),
        1)
        << table;
  }
  // The per-node rollups (0015) of the hour and day kept before: one node, one kind.
  for (const char* table : {"node_kind_costs_hourly", "node_kind_costs_daily"}) {
    EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM {} WHERE node = 'n0' AND controller_kind = "
                                "'Deployment' AND cpu_cost_nanos = 7000",
                                table)),
              1)
        << table;
  }
  EXPECT_EQ(Query1(R"(
      SELECT string_agg(a.attname, ',' ORDER BY k.n)
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = 'workload_costs_daily'::regclass AND i.indisprimary)")[0]
                .as<std::string>(),
            "cluster,day,namespace,controller_kind,controller,team,platform,workload");

  // The next hour, written and rolled up (hour and day) by the upgraded store.
  model::IntervalBatch batch = MakeBatch("prod", kHour + hours(1), 1, 4, hours(1));
  store->Write(batch);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_20251116 WHERE workload <> ''"), 4);
  std::map<std::string, model::Money> expected{{"", model::Money::FromNanos(10'000)}};
  for (const model::ContainerCostRow& c : batch.costs.containers) {
    expected[c.labels.workload] += c.cost.Total();
  }
  ASSERT_EQ(expected.size(), 5U);
  const auto by_workload = [&](sys_seconds from, sys_seconds to) {
    PostgresCostReader reader(url_, "");
    std::map<std::string, model::Money> out;
    const std::vector<model::PropertyRef> grouping{{model::CostProperty::kWorkload, {}}};
    for (const model::AllocationRow& r : reader.ReadAllocations(from, to, to - from, grouping)) {
      out[r.values.at(0)] += r.cpu_cost + r.ram_cost + r.gpu_cost;
    }
    return out;
  };
  EXPECT_EQ(by_workload(kHour, kHour + hours(2)), expected);  // hourly and raw
  store->RollUp(kHour + hours(2));
  EXPECT_EQ(by_workload(kHour, kHour + hours(2)), expected);  // hourly
  const sys_seconds day{std::chrono::floor<days>(kHour)};
  store->RollUp(day + days(1));
  EXPECT_EQ(Count("SELECT count(*) FROM workload_costs_daily"), 5);
  EXPECT_EQ(by_workload(day, day + days(1)), expected);  // per-workload daily
}

// A database of the schema before migration 0010 with an hour of a node in every node table
// (its raw partition made before): migration 10 gives those rows node_group '' (in the partition
// too); the upgraded store writes the node's next hour with its group, and ReadAssets names the
// group over both hours, from raw rows, hourly and daily rollups alike, the earlier hour counted.
TEST_F(PostgresStoreTest, UpgradeToNodeGroupsKeepsEarlierNodeRows) {
  std::string last_before;
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE schema_migrations (version text PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    for (const Migration& m : EmbeddedMigrations()) {
      if (m.version >= "0010_node_groups") break;
      tx.exec0(std::string(m.sql));
      tx.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)",
                      std::string(m.version));
      last_before = m.version;
    }
    tx.exec0(R"(
      CREATE TABLE node_costs_20251116 PARTITION OF node_costs
        FOR VALUES FROM ('2025-11-16 00:00:00+00') TO ('2025-11-17 00:00:00+00');
      INSERT INTO clusters VALUES ('prod') ON CONFLICT DO NOTHING;
      INSERT INTO node_costs (cluster, interval_start, interval_seconds, node, instance_type, zone,
        capacity_type, price_source, price_per_hour_nanos, cpu_millicores, memory_bytes,
        gpu_devices, cpu_per_core_hour, ram_per_gib_hour, gpu_per_device_hour, node_cost_nanos,
        pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos, idle_ram_nanos,
        idle_gpu_nanos, containers, cpu_overcommitted, memory_overcommitted, gpu_overcommitted)
      VALUES ('prod', '2025-11-16 10:00:00+00', 3600, 'ip-10-0-0-0', 'm5.4xlarge', 'us-east-1a',
        'spot', 'spot', 7000, 16000, 68719476736, 0, 0.01, 0.001, 0, 7000, 5000, 2000, 0, 5000,
        2000, 0, 0, false, false, false);
      INSERT INTO node_costs_hourly (cluster, hour, node, instance_type, zone, capacity_type,
        intervals, seconds, price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices,
        node_cost_nanos, pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos,
        idle_ram_nanos, idle_gpu_nanos, first_start, last_end)
      SELECT cluster, interval_start, node, instance_type, zone, capacity_type, 1,
        interval_seconds, price_per_hour_nanos, cpu_millicores, memory_bytes, gpu_devices,
        node_cost_nanos, pool_cpu_nanos, pool_ram_nanos, pool_gpu_nanos, idle_cpu_nanos,
        idle_ram_nanos, idle_gpu_nanos, interval_start, interval_start + interval '1 hour'
      FROM node_costs;
      INSERT INTO node_costs_daily SELECT * FROM node_costs_hourly;
      UPDATE node_costs_daily SET day = '2025-11-16 00:00:00+00';)");
    tx.commit();
  }
  ASSERT_LT(last_before, "0010_node_groups");
  auto store = std::make_unique<PostgresStore>(url_, "");
  const std::vector<std::string> applied = store->Migrate();
  EXPECT_EQ(applied, MigrationsAfter(last_before));
  EXPECT_NE(std::find(applied.begin(), applied.end(), "0010_node_groups"), applied.end());
  for (const char* table :
       {"node_costs", "node_costs_20251116", "node_costs_hourly", "node_costs_daily"}) {
    EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM {} WHERE node_group = ''", table)), 1)
        << table;
  }

  // The node's next hour, written with its group by the upgraded store.
  model::IntervalBatch batch = MakeBatch("prod", kHour + hours(1), 1, 4, hours(1));
  ASSERT_EQ(batch.costs.nodes.at(0).node, "ip-10-0-0-0");
  batch.costs.nodes[0].node_group = "workers-spot";
  store->Write(batch);
  EXPECT_EQ(Count("SELECT count(*) FROM node_costs_20251116 WHERE node_group = 'workers-spot'"), 1);
  const model::Money expected =
      model::Money::FromNanos(7000) + batch.costs.nodes[0].attribution.node_cost;
  const auto assets = [&](sys_seconds from, sys_seconds to) {
    PostgresCostReader reader(url_, "");
    const std::vector<model::NodeAssetRow> rows = reader.ReadAssets(from, to);
    EXPECT_EQ(rows.size(), 1U);
    if (!rows.empty()) {
      EXPECT_EQ(rows[0].node_group, "workers-spot");
      EXPECT_EQ(rows[0].cost, expected);
      EXPECT_EQ(rows[0].seconds, 7200);
    }
  };
  assets(kHour, kHour + hours(2));  // hourly and raw
  store->RollUp(kHour + hours(2));
  EXPECT_EQ(Count("SELECT count(*) FROM node_costs_hourly WHERE node_group = 'workers-spot'"), 1);
  assets(kHour, kHour + hours(2));  // hourly
  const sys_seconds day{std::chrono::floor<days>(kHour)};
  store->RollUp(day + days(1));
  EXPECT_EQ(Query1("SELECT node_group FROM node_costs_daily")[0].as<std::string>(), "workers-spot");
  assets(day, day + days(1));  // daily
}

// A database of schema version 8 whose days were rolled up before the usage digest existed:
// migration 9 fills the digest of every day with hourly rows, so the usage reader answers
// those days from it (their rollups are current) exactly as from the hourly rollups.
TEST_F(PostgresStoreTest, UpgradeToUsageDigestFillsTheDaysStoredBefore) {
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "CREATE TABLE schema_migrations (version text PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    for (const Migration& m : EmbeddedMigrations()) {
      if (m.version > "0008_quotas") break;
      tx.exec0(std::string(m.sql));
      tx.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)",
                      std::string(m.version));
    }
    // Two hours of two pods of one container (pod b on two nodes in the second hour, observed
    // 1800 s of 3600 on one), one hour of another team's pod, as a version-8 store left them;
    // days rolled up (none pending).
    tx.exec0(R"(
      INSERT INTO clusters VALUES ('prod');
      INSERT INTO container_costs_hourly (cluster, hour, namespace, pod, container, node,
        controller_kind, controller, team, capacity_type, instance_type, intervals, seconds,
        usage_observed_seconds, cpu_request_millicore_seconds, cpu_usage_millicore_seconds,
        memory_request_byte_seconds, memory_usage_byte_seconds, gpu_device_seconds,
        gpu_busy_device_seconds, gpu_busy_observed_seconds, cpu_cost_nanos, ram_cost_nanos,
        gpu_cost_nanos, cpu_allocated_millicore_seconds, memory_allocated_byte_seconds,
        first_start, last_end, platform, workload)
      SELECT 'prod', h, 'shop', pod, 'app', node, 'Deployment', 'web', team, 'on-demand',
        'm5.4xlarge', 6, 3600, obs, 500 * 3600, cpu * obs, 1073741824::bigint * 3600, mem * obs,
        0, 0, 0, 1000, 1000, 0, 500 * 3600, 1073741824::bigint * 3600, h,
        h + interval '1 hour', 'kubernetes', 'Deployment:web'
      FROM (VALUES
        ('2025-11-16 10:00:00+00'::timestamptz, 'web-a', 'n1', 'alpha', 3600, 100, 1000),
        ('2025-11-16 10:00:00+00', 'web-b', 'n1', 'alpha', 3600, 200, 2000),
        ('2025-11-16 11:00:00+00', 'web-b', 'n1', 'alpha', 1800, 301, 3001),
        ('2025-11-16 11:00:00+00', 'web-b', 'n2', 'alpha', 0, 0, 0),
        ('2025-11-17 09:00:00+00', 'web-c', 'n1', 'beta', 3600, 400, 4000),
        ('2025-11-02 23:00:00+00', 'web-d', 'n1', 'alpha', 3600, 500, 5000))
        AS v(h, pod, node, team, obs, cpu, mem);)");
    tx.commit();
  }
  auto store = std::make_unique<PostgresStore>(url_, "");
  EXPECT_EQ(store->Migrate(), MigrationsAfter("0008_quotas"));
  EXPECT_EQ(Query1(
                R"(SELECT string_agg(format('%s %s %s %s %s %s %s %s %s %s %s %s %s',
                        (day AT TIME ZONE 'UTC')::date, team, seconds,
                        cpu_request_millicore_seconds, hours, hour_teams, hour_seconds,
                        hour_cpu_request_millicore_seconds, pods, pod_hours, pod_sample_hours,
                        cpu_millicores, memory_bytes), '; ' ORDER BY day)
              FROM container_usage_daily)")[0]
                .as<std::string>(),
            // Samples in hexadecimal: 100 200 301 and 1000 2000 3001; 400 and 4000.
            "2025-11-16 alpha 14400 7200000 {10,11} {alpha,alpha} {7200,7200} {3600000,3600000} "
            "{web-a,web-b} {1024,3072} {1024,3072} 64,c8,12d 3e8,7d0,bb9; "
            "2025-11-17 beta 3600 1800000 {9} {beta} {3600} {1800000} {web-c} {512} {512} 190 fa0");
  // Read from the digest (no day pending), as from the hourly rollups.
  PostgresUsageReader reader(url_, "");
  const sys_seconds day{std::chrono::floor<days>(kHour)};
  const auto series = reader.ReadUsageSeries({day, day + hours(48)}, std::nullopt);
  ASSERT_EQ(series.size(), 1U);
  EXPECT_EQ(series[0].team, "alpha");  // the smallest of alpha and beta
  EXPECT_EQ(series[0].pods, 3);
  EXPECT_EQ(series[0].container_seconds, 5 * 3600);
  EXPECT_EQ(series[0].cpu_request_millicores, 500);
  ASSERT_EQ(series[0].cpu_millicores.size(), 4U);
  EXPECT_EQ(series[0].cpu_millicores[2].at, day + hours(11));
  EXPECT_EQ(series[0].cpu_millicores[2].value, 301);
  EXPECT_EQ(series[0].cpu_millicores[3].at, day + hours(33));
  EXPECT_EQ(series[0].memory_bytes[3].value, 4000);
  EXPECT_EQ(Count("SELECT count(*) FROM rollup_pending_daily"), 0);
  // 2025-11-02 is 15 days before the last day stored: not filled, computed when read.
  EXPECT_EQ(Count("SELECT count(*) FROM container_usage_daily WHERE day < '2025-11-16'"), 0);
  EXPECT_EQ(Query1("SELECT (day AT TIME ZONE 'UTC')::date::text FROM usage_digest_start "
                   "WHERE cluster = 'prod'")[0]
                .as<std::string>(),
            "2025-11-16");
  const auto early = reader.ReadUsageSeries({day - days(14) + hours(23), day}, std::nullopt);
  ASSERT_EQ(early.size(), 1U);
  ASSERT_EQ(early[0].cpu_millicores.size(), 1U);
  EXPECT_EQ(early[0].cpu_millicores[0].value, 500);
  EXPECT_EQ(early[0].memory_bytes[0].value, 5000);
  EXPECT_EQ(early[0].pods, 1);
}

TEST_F(PostgresStoreTest, EveryKeyStartsWithCluster) {
  MigratedStore();
  pqxx::connection c(url_);
  pqxx::work tx(c);
  const pqxx::result keys = tx.exec(R"(
      SELECT t.relname, a.attname
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
      WHERE n.nspname = 'public' AND (i.indisprimary OR i.indisunique)
        AND t.relname <> 'schema_migrations'
        -- Per deployment, not per cluster: Citus reference tables (migrations 0007, 0008 and
        -- 0018 say why).
        AND t.relname NOT IN ('report_archive', 'notifications', 'quotas', 'quota_changes',
                              'local_day_zone'))");
  EXPECT_GE(keys.size(), 5U);
  for (const pqxx::row& r : keys) {
    EXPECT_EQ(r[1].as<std::string>(), "cluster") << r[0].as<std::string>();
  }
}

TEST_F(PostgresStoreTest, ConcurrentMigrateIsSafe) {
  std::vector<std::string> applied[2];
  std::exception_ptr errors[2];
  std::latch go(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      try {
        PostgresStore store(url_, "");
        go.arrive_and_wait();
        applied[i] = store.Migrate();
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  // Every migration applied once, by one or the other: as many as one store applies alone.
  const std::size_t all =
      PostgresStore(server_->CreateDatabase("t_concurrent_baseline"), "").Migrate().size();
  EXPECT_EQ(applied[0].size() + applied[1].size(), all);
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations"), static_cast<std::int64_t>(all));
}

TEST_F(PostgresStoreTest, WriteStoresTheBatchTotalsExactly) {
  auto store = MigratedStore();
  const model::IntervalBatch batch = MakeBatch("prod", kHour, 4, 25);
  store->Write(batch);
  const auto totals = store->IntervalTotals("prod", kHour, kHour + hours(1));
  ASSERT_EQ(totals.size(), 1U);
  const StoredIntervalTotal& t = totals[0];
  EXPECT_EQ(t.interval_start, kHour);
  EXPECT_EQ(t.node_cost_nanos, batch.costs.TotalCost().nanos());
  EXPECT_EQ(t.idle_cost_nanos, batch.costs.IdleCost().nanos());
  EXPECT_EQ(t.container_cost_nanos, ContainerCostNanos(batch));
  EXPECT_EQ(t.node_cost_nanos, t.container_cost_nanos + t.idle_cost_nanos);
  EXPECT_EQ(t.container_rows, 100);
  EXPECT_EQ(t.node_rows, 4);
  EXPECT_TRUE(store->IntervalTotals("other", kHour, kHour + hours(1)).empty());
  EXPECT_TRUE(store->IntervalTotals("prod", kHour + seconds(60), kHour + hours(1)).empty());
  ExpectRollupsMatchRaw(ReadSums());
}

TEST_F(PostgresStoreTest, RowsCarryEveryLabelAndQuantity) {
  auto store = MigratedStore();
  model::IntervalBatch batch = MakeBatch("prod", kHour, 1, 2);
  batch.costs.containers[1].gpu_busy_devices.reset();
  store->Write(batch);
  const model::ContainerCostRow& c = batch.costs.containers[0];
  const pqxx::row r = Query1(fmt::format(
      R"(SELECT cluster, extract(epoch FROM interval_start)::bigint, interval_seconds, node,
           namespace, controller_kind, controller, pod, container, team, capacity_type,
           instance_type, cpu_request_millicores, cpu_usage_millicores, memory_request_bytes,
           memory_usage_bytes, gpu_devices, gpu_busy_devices, usage_observed, cpu_cost_nanos,
           ram_cost_nanos, gpu_cost_nanos, platform, workload
         FROM container_costs WHERE pod = '{}' AND container = '{}')",
      c.labels.pod, c.labels.container));
  EXPECT_EQ(r[0].as<std::string>(), "prod");
  EXPECT_EQ(r[1].as<std::int64_t>(), kHour.time_since_epoch().count());
  EXPECT_EQ(r[2].as<int>(), 60);
  EXPECT_EQ(r[3].as<std::string>(), c.labels.node);
  EXPECT_EQ(r[4].as<std::string>(), c.labels.namespace_name);
  EXPECT_EQ(r[5].as<std::string>(), "Deployment");
  EXPECT_EQ(r[6].as<std::string>(), c.labels.controller);
  EXPECT_EQ(r[7].as<std::string>(), c.labels.pod);
  EXPECT_EQ(r[8].as<std::string>(), c.labels.container);
  EXPECT_EQ(r[9].as<std::string>(), c.labels.team);
  EXPECT_EQ(r[10].as<std::string>(), "spot");
  EXPECT_EQ(r[11].as<std::string>(), "g5.4xlarge");
  EXPECT_EQ(r[12].as<std::int64_t>(), c.demand.cpu_request_millicores);
  EXPECT_EQ(r[13].as<std::int64_t>(), c.demand.cpu_usage_millicores);
  EXPECT_EQ(r[14].as<std::int64_t>(), c.demand.memory_request_bytes);
  EXPECT_EQ(r[15].as<std::int64_t>(), c.demand.memory_usage_bytes);
  EXPECT_EQ(r[16].as<std::int64_t>(), 1);
  EXPECT_EQ(r[17].as<double>(), 0.75);
  EXPECT_EQ(r[18].as<bool>(), c.usage_observed);
  EXPECT_EQ(r[19].as<std::int64_t>(), c.cost.cpu_nanos);
  EXPECT_EQ(r[20].as<std::int64_t>(), c.cost.ram_nanos);
  EXPECT_EQ(r[21].as<std::int64_t>(), c.cost.gpu_nanos);
  EXPECT_EQ(r[22].as<std::string>(), "kubernetes");
  EXPECT_EQ(r[23].as<std::string>(), "Deployment:app-0");
  const model::ContainerCostRow& notebook = batch.costs.containers[1];
  EXPECT_EQ(Query1(fmt::format("SELECT platform || ' ' || workload FROM container_costs "
                               "WHERE pod = '{}'",
                               notebook.labels.pod))[0]
                .as<std::string>(),
            "jupyterhub notebook:user-1");
  EXPECT_TRUE(Query1("SELECT gpu_busy_devices FROM container_costs WHERE container = 'sidecar'")[0]
                  .is_null());

  const model::NodeCostRow& n = batch.costs.nodes[0];
  const pqxx::row nr = Query1(R"(
      SELECT price_source, price_per_hour_nanos, cpu_per_core_hour, pool_cpu_nanos,
        pool_ram_nanos, pool_gpu_nanos, idle_gpu_nanos, containers, zone
      FROM node_costs)");
  EXPECT_EQ(nr[0].as<std::string>(), "spot");
  EXPECT_EQ(nr[1].as<std::int64_t>(), n.price.price.per_hour.nanos());
  EXPECT_DOUBLE_EQ(nr[2].as<double>(), n.unit_prices.cpu_per_core_hour);
  EXPECT_EQ(nr[3].as<std::int64_t>(), n.attribution.pools.cpu_nanos);
  EXPECT_EQ(nr[4].as<std::int64_t>(), n.attribution.pools.ram_nanos);
  EXPECT_EQ(nr[5].as<std::int64_t>(), n.attribution.pools.gpu_nanos);
  EXPECT_EQ(nr[6].as<std::int64_t>(), n.attribution.idle.gpu_nanos);
  EXPECT_EQ(nr[7].as<int>(), 2);
  EXPECT_EQ(nr[8].as<std::string>(), "us-east-1a");
}

TEST_F(PostgresStoreTest, ReplayingABatchChangesNothing) {
  auto store = MigratedStore();
  const model::IntervalBatch batch = MakeBatch("prod", kHour, 3, 10);
  store->Write(batch);
  const Sums once = ReadSums();
  store->Write(batch);
  PostgresStore(url_, "").Write(batch);
  const Sums thrice = ReadSums();
  EXPECT_EQ(thrice.raw_container_rows, 30);
  EXPECT_EQ(thrice.raw_container_rows, once.raw_container_rows);
  EXPECT_EQ(thrice.hourly_container_cost, once.hourly_container_cost);
  EXPECT_EQ(thrice.hourly_node_cost, once.hourly_node_cost);
  EXPECT_EQ(thrice.hourly_idle, once.hourly_idle);
  EXPECT_EQ(thrice.raw_container_cost, ContainerCostNanos(batch));
  ExpectRollupsMatchRaw(thrice);
}

TEST_F(PostgresStoreTest, ConcurrentDuplicateWritersCountOnce) {
  MigratedStore();
  // Intervals over two days, so that both writers also race to create the partitions.
  std::vector<model::IntervalBatch> batches;
  for (int i = 0; i < 8; ++i) {
    batches.push_back(MakeBatch("prod", kHour + hours(7 * i) + minutes(i), 5, 40));
  }
  std::exception_ptr errors[2];
  std::latch go(2);
  std::vector<std::thread> writers;
  for (std::exception_ptr& error : errors) {
    writers.emplace_back([&, &slot = error] {
      try {
        PostgresStore store(url_, "");
        go.arrive_and_wait();
        for (const model::IntervalBatch& b : batches) store.Write(b);
      } catch (...) {
        slot = std::current_exception();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  const Sums s = ReadSums();
  EXPECT_EQ(s.raw_container_rows, 8 * 200);
  EXPECT_EQ(s.raw_node_rows, 8 * 5);
  std::int64_t expected = 0;
  for (const model::IntervalBatch& b : batches) expected += ContainerCostNanos(b);
  EXPECT_EQ(s.raw_container_cost, expected);
  ExpectRollupsMatchRaw(s);
}

// Replays of an interval whose mark exists go through staging under the interval's lock: two
// writers replaying the same intervals at once, each first a part and then the whole batch,
// still store every row once (raw container rows have no unique index to catch them).
TEST_F(PostgresStoreTest, ConcurrentPartialReplaysCountOnce) {
  MigratedStore();
  std::vector<model::IntervalBatch> full;
  std::vector<model::IntervalBatch> part;
  for (int i = 0; i < 10; ++i) {
    full.push_back(MakeBatch("prod", kHour + minutes(i), 10, 40));
    part.push_back(full.back());
    part.back().costs.containers.resize(10 + 7 * static_cast<std::size_t>(i));
  }
  std::exception_ptr errors[2];
  // In step: both writers replay the same whole batch at the same moment.
  std::barrier step(2);
  std::vector<std::thread> writers;
  for (std::exception_ptr& error : errors) {
    writers.emplace_back([&, &slot = error] {
      try {
        PostgresStore store(url_, "");
        for (std::size_t i = 0; i < full.size(); ++i) {
          step.arrive_and_wait();
          store.Write(part[i]);
          step.arrive_and_wait();
          store.Write(full[i]);
        }
      } catch (...) {
        step.arrive_and_drop();
        slot = std::current_exception();
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  const Sums s = ReadSums();
  EXPECT_EQ(s.raw_container_rows, 10 * 400);
  EXPECT_EQ(s.raw_node_rows, 10 * 10);
  std::int64_t expected = 0;
  for (const model::IntervalBatch& b : full) expected += ContainerCostNanos(b);
  EXPECT_EQ(s.raw_container_cost, expected);
  ExpectRollupsMatchRaw(s);
}

TEST_F(PostgresStoreTest, HourlyRollupOfSixtyMinutesEqualsTheirSum) {
  auto store = MigratedStore();
  std::int64_t node_cost = 0;
  std::int64_t container_cost = 0;
  std::int64_t first_pod_cost = 0;
  // 60 one-minute intervals of one hour, then one of the next hour.
  for (int m = 0; m <= 60; ++m) {
    model::IntervalBatch batch = MakeBatch("prod", kHour + minutes(m), 2, 5);
    // Intervals differ: each container costs m n$ more, taken from idle.
    for (model::ContainerCostRow& c : batch.costs.containers) c.cost.cpu_nanos += m;
    for (model::NodeCostRow& n : batch.costs.nodes) {
      n.attribution.idle.cpu_nanos -= m * static_cast<std::int64_t>(n.containers);
    }
    store->Write(batch);
    if (m == 60) continue;
    node_cost += batch.costs.TotalCost().nanos();
    container_cost += ContainerCostNanos(batch);
    first_pod_cost += batch.costs.containers[0].cost.Total().nanos();
  }
  // Only complete hours are rolled up: the second hour is still running.
  EXPECT_EQ(store->RollUp(kHour + minutes(61)), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_hourly"), 2 * 5);
  EXPECT_EQ(Count("SELECT count(*) FROM rollup_pending"), 1);
  EXPECT_EQ(store->RollUp(kHour + minutes(120)), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_hourly"), 2 * 5 * 2);
  const std::string hour = fmt::format("to_timestamp({})", kHour.time_since_epoch().count());
  const pqxx::row c = Query1(fmt::format(
      R"(SELECT sum(intervals), sum(seconds), sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos),
           min(intervals), max(intervals)
         FROM container_costs_hourly WHERE cluster = 'prod' AND hour = {})",
      hour));
  EXPECT_EQ(c[0].as<std::int64_t>(), 60 * 10);
  EXPECT_EQ(c[1].as<std::int64_t>(), 60 * 10 * 60);
  EXPECT_EQ(c[2].as<std::int64_t>(), container_cost);
  EXPECT_EQ(c[3].as<int>(), 60);
  EXPECT_EQ(c[4].as<int>(), 60);
  const model::ContainerCostRow first = MakeBatch("prod", kHour, 2, 5).costs.containers[0];
  const pqxx::row p = Query1(fmt::format(
      R"(SELECT cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos, cpu_request_millicore_seconds,
           memory_request_byte_seconds, gpu_device_seconds, gpu_busy_device_seconds,
           gpu_busy_observed_seconds, team, node
         FROM container_costs_hourly WHERE hour = {} AND pod = '{}' AND container = '{}')",
      hour, first.labels.pod, first.labels.container));
  EXPECT_EQ(p[0].as<std::int64_t>(), first_pod_cost);
  EXPECT_EQ(p[1].as<std::int64_t>(), first.demand.cpu_request_millicores * 3600);
  EXPECT_EQ(p[2].as<std::int64_t>(), first.demand.memory_request_bytes * 3600);
  EXPECT_EQ(p[3].as<std::int64_t>(), 3600);
  EXPECT_DOUBLE_EQ(p[4].as<double>(), 0.75 * 3600);
  EXPECT_EQ(p[5].as<std::int64_t>(), 3600);
  EXPECT_EQ(p[6].as<std::string>(), first.labels.team);
  EXPECT_EQ(p[7].as<std::string>(), first.labels.node);

  const pqxx::row n = Query1(fmt::format(
      R"(SELECT sum(node_cost_nanos), sum(intervals), sum(seconds),
           sum(idle_cpu_nanos + idle_ram_nanos + idle_gpu_nanos),
           sum(pool_cpu_nanos + pool_ram_nanos + pool_gpu_nanos)
         FROM node_costs_hourly WHERE hour = {})",
      hour));
  EXPECT_EQ(n[0].as<std::int64_t>(), node_cost);
  EXPECT_EQ(n[1].as<std::int64_t>(), 2 * 60);
  EXPECT_EQ(n[2].as<std::int64_t>(), 2 * 3600);
  EXPECT_EQ(n[3].as<std::int64_t>() + container_cost, node_cost);
  EXPECT_EQ(n[4].as<std::int64_t>(), node_cost);
  EXPECT_EQ(Count(fmt::format("SELECT count(*) FROM node_costs_hourly WHERE hour = {} + "
                              "interval '1 hour' AND intervals = 1",
                              hour)),
            2);
  ExpectRollupsMatchRaw(ReadSums());
}

// The store that wrote every interval of an hour rolls it up from the sums it kept in memory
// (one COPY of its containers); any other store aggregates the raw rows in SQL. Both give the
// same rows, field by field.
TEST_F(PostgresStoreTest, HourSumsKeptInMemoryEqualTheSqlRollupFieldByField) {
  auto writer = MigratedStore();
  for (int i = 0; i < 6; ++i) {
    // Containers come and go, labels change (min() is kept) and GPU usage is observed.
    model::IntervalBatch b = MakeBatch("prod", kHour + minutes(10 * i), 3, 8 + i, minutes(10));
    for (model::ContainerCostRow& r : b.costs.containers) {
      if (i % 2 == 1) r.labels.team = "team-" + std::to_string(5 - i);
      if (i % 3 == 1) r.labels.workload = r.labels.workload.str() + "-" + std::to_string(5 - i);
      if (i == 4) r.labels.platform = "";
    }
    writer->Write(b);
  }
  const std::string all_rows = R"(
      SELECT string_agg(h::text, E'\n' ORDER BY namespace, pod, container, node)
      FROM container_costs_hourly h)";
  EXPECT_EQ(writer->RollUp(kHour + hours(1)), 1);
  const auto from_memory = Query1(all_rows)[0].as<std::string>();
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0("DELETE FROM container_costs_hourly; DELETE FROM node_costs_hourly");
    tx.exec0("INSERT INTO rollup_pending (cluster, hour) VALUES ('prod', '" +
             std::string("2025-11-16 10:00:00+00") + "')");
    tx.commit();
  }
  EXPECT_EQ(PostgresStore(url_, "").RollUp(kHour + hours(1)), 1);
  EXPECT_EQ(Query1(all_rows)[0].as<std::string>(), from_memory);
  EXPECT_GT(Count("SELECT count(*) FROM container_costs_hourly"), 8);

  // The memory path is the one taken: a raw row changed behind the writer's back (which
  // nothing does) is not seen by it, and is by the SQL rollup.
  const sys_seconds next = kHour + hours(1);
  writer->Write(MakeBatch("prod", next, 2, 4, minutes(30)));
  writer->Write(MakeBatch("prod", next + minutes(30), 2, 4, minutes(30)));
  const std::string next_hour_cost =
      "SELECT sum(cpu_cost_nanos) FROM container_costs_hourly WHERE hour = "
      "'2025-11-16 11:00:00+00'";
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(
        "UPDATE container_costs SET cpu_cost_nanos = cpu_cost_nanos + 1000 "
        "WHERE interval_start >= '2025-11-16 11:00:00+00'");
    tx.commit();
  }
  EXPECT_EQ(writer->RollUp(next + hours(1)), 1);
  const std::int64_t kept = Count(next_hour_cost);
  EXPECT_EQ(Count("SELECT sum(cpu_cost_nanos) FROM container_costs WHERE interval_start >= "
                  "'2025-11-16 11:00:00+00'"),
            kept + std::int64_t{2} * 8 * 1000);
}

// The writer sums a batch while it is written; a write that fails must leave no trace in the
// sums, or the hour's rollup would count the failed batch as well.
TEST_F(PostgresStoreTest, AFailedWriteLeavesItsHourToTheSqlRollup) {
  auto writer = MigratedStore();
  writer->Write(MakeBatch("prod", kHour, 2, 4, minutes(30)));
  model::IntervalBatch rejected = MakeBatch("prod", kHour + minutes(30), 2, 4, minutes(30));
  model::SharedText& pod = rejected.costs.containers.back().labels.pod;
  pod = pod.str() + std::string(1, '\0');  // no text holds NUL
  EXPECT_ANY_THROW(writer->Write(rejected));
  writer->Write(MakeBatch("prod", kHour + minutes(30), 2, 4, minutes(30)));
  EXPECT_EQ(writer->RollUp(kHour + hours(1)), 1);
  const Sums s = ReadSums();
  EXPECT_EQ(s.raw_container_rows, 16);
  ExpectRollupsMatchRaw(s);
}

// An interval amended by another writer (a replay that found rows missing) is no longer
// covered by the first writer's sums: its rollup aggregates the raw rows.
TEST_F(PostgresStoreTest, AmendedIntervalsAreRolledUpFromRawRows) {
  auto writer = MigratedStore();
  model::IntervalBatch full = MakeBatch("prod", kHour, 2, 10);
  model::IntervalBatch part = full;
  part.costs.containers.resize(12);
  writer->Write(part);
  PostgresStore(url_, "").Write(full);  // a second collector's batch: adds 8 containers
  EXPECT_EQ(Count("SELECT count(*) FROM stored_intervals WHERE amended"), 1);
  EXPECT_EQ(writer->RollUp(kHour + hours(1)), 1);
  EXPECT_EQ(Count("SELECT sum(intervals) FROM container_costs_hourly"), 20);
  EXPECT_EQ(Count("SELECT sum(cpu_cost_nanos + ram_cost_nanos + gpu_cost_nanos) FROM "
                  "container_costs_hourly"),
            ContainerCostNanos(full));
}

// The schema leaves the interval length to the writer (migration 0006 dropped the CHECK).
TEST_F(PostgresStoreTest, AnIntervalOfNoLengthIsRefusedAndNothingIsStored) {
  auto store = MigratedStore();
  model::IntervalBatch batch = MakeBatch("prod", kHour, 1, 2);
  batch.costs.length = std::chrono::seconds(0);
  EXPECT_THROW(store->Write(batch), InvalidInput);
  batch.costs.length = std::chrono::seconds(-60);
  EXPECT_THROW(store->Write(batch), InvalidInput);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM node_costs"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM stored_intervals"), 0);
}

// Raw container rows carry no index: every index costs each row of every write (BRIN alone
// was about 11% of ingest); reads are pruned to hour partitions instead.
TEST_F(PostgresStoreTest, RawContainerRowsHaveNoIndex) {
  auto store = MigratedStore();
  store->Write(MakeBatch("prod", kHour, 1, 2));
  EXPECT_EQ(Count(R"(SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                     WHERE c.relname LIKE 'container\_costs\_2%')"),
            0);
  EXPECT_EQ(Count(R"(SELECT count(*) FROM pg_constraint
                     WHERE conrelid = 'container_costs'::regclass AND contype = 'c')"),
            0);
}

// A day partition created before migration 0006 is whole (not partitioned by hour): writes
// into that day still land in it, since rows are routed through the parent.
TEST_F(PostgresStoreTest, ADayCreatedBeforeHourPartitionsStillTakesRows) {
  auto store = MigratedStore();
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0(R"(CREATE TABLE container_costs_20251116 PARTITION OF container_costs
                FOR VALUES FROM ('2025-11-16T00:00:00Z') TO ('2025-11-17T00:00:00Z'))");
    tx.commit();
  }
  const model::IntervalBatch batch = MakeBatch("prod", kHour, 2, 3);
  store->Write(batch);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_20251116"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                  "'container_costs_20251116'::regclass"),
            0);
  EXPECT_EQ(store->RollUp(kHour + hours(1)), 1);
  ExpectRollupsMatchRaw(ReadSums());
}

TEST_F(PostgresStoreTest, PartitionsExistPerDayAndRetentionDropsOldOnes) {
  auto store = MigratedStore();
  const sys_days today = std::chrono::floor<days>(kHour);  // 2025-11-16
  for (int d = 0; d < 3; ++d) {
    model::IntervalBatch batch = MakeBatch("prod", kHour - days(2 - d), 1, 2);
    batch.queries.push_back(MakeQuery(fmt::format("q{}", d), model::QueryState::kSucceeded));
    batch.queries.back().execution.submitted = batch.costs.start;
    store->Write(batch);
  }
  EXPECT_EQ(Partitions(),
            (std::vector<std::string>{"container_costs_20251114", "container_costs_20251115",
                                      "container_costs_20251116", "node_costs_20251114",
                                      "node_costs_20251115", "node_costs_20251116"}));
  // A day of container rows is partitioned by hour; each row is in its hour's partition.
  EXPECT_EQ(Count("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                  "'container_costs_20251115'::regclass"),
            24);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_20251115_10"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_20251115_11"), 0);
  store->EnsurePartitions(today, 2);
  EXPECT_EQ(Partitions().size(), 10U);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_20251115"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM stored_intervals"), 3);

  // Now is 2025-11-17T12:00Z; keep 2 days of raw rows: the 14th (ended on the 15th at 00:00,
  // before the cutoff of the 15th at 12:00) goes; the 15th is partly within and stays.
  const sys_seconds now = sys_seconds(today + days(1)) + hours(12);
  RetentionPolicy policy;
  policy.raw_days = 2;
  policy.hourly_days = 800;
  policy.queries_days = 800;
  EXPECT_EQ(store->ApplyRetention(policy, now), 2);
  EXPECT_EQ(Partitions().size(), 8U);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM stored_intervals"), 2);  // the 14th's mark went with it
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_hourly"), 6);  // hourly kept longer
  EXPECT_EQ(store->ApplyRetention(policy, now), 0);
  policy.hourly_days = 2;
  policy.queries_days = 2;

  // Hourly rollups and queries older than their own limits (cutoff the 15th at 12:00): the
  // hours of the 14th and 15th at 10:00 go (2 containers, their 2 workloads, 1 node and kind,
  // and 1 node each), and so do the queries submitted then, and the daily rollups of the 14th
  // (2 containers, their 2 workloads, 1 node and kind, and 1 node) with its usage digest (2
  // containers) and its workloads' activity (2).
  EXPECT_EQ(Count("SELECT count(*) FROM workload_costs_daily"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM workload_activity_daily"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM container_usage_daily"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM workload_costs_hourly"), 6);
  EXPECT_EQ(store->ApplyRetention(policy, now), 2 * (2 + 2 + 1 + 1) + 2 + 3 + 2 + 2 + 1 + 2);
  EXPECT_EQ(Count("SELECT count(*) FROM workload_activity_daily"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM node_kind_costs_hourly"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM workload_costs_hourly"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM container_usage_daily"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM workload_costs_daily"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM container_costs_hourly"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM node_costs_hourly"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM query_costs"), 1);
  EXPECT_THROW(store->ApplyRetention({-1, 1, 1}, now), InvalidInput);
}

TEST_F(PostgresStoreTest, QueriesAreStoredOnceAndOnlyInFinalStates) {
  auto store = MigratedStore();
  model::IntervalBatch batch;
  batch.cluster = "prod";
  batch.queries = {MakeQuery("succeeded", model::QueryState::kSucceeded),
                   MakeQuery("failed", model::QueryState::kFailed),
                   MakeQuery("cancelled", model::QueryState::kCancelled),
                   MakeQuery("running", model::QueryState::kRunning),
                   MakeQuery("queued", model::QueryState::kQueued),
                   MakeQuery("succeeded", model::QueryState::kSucceeded)};
  batch.queries[1].cost = model::Money();
  store->Write(batch);  // no cost rows: only queries
  store->Write(batch);
  model::IntervalBatch other_cluster = batch;
  other_cluster.cluster = "staging";
  store->Write(other_cluster);

  EXPECT_EQ(Count("SELECT count(*) FROM query_costs WHERE cluster = 'prod'"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM query_costs WHERE cluster = 'staging'"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM query_costs WHERE state IN ('RUNNING', 'QUEUED')"), 0);
  const pqxx::row r = Query1(R"(
      SELECT work_group, team, state, statement_type, extract(epoch FROM submitted)::bigint,
        extract(epoch FROM completed)::bigint, data_scanned_bytes, engine_execution_millis,
        cost_nanos, query
      FROM query_costs WHERE cluster = 'prod' AND query_execution_id = 'succeeded')");
  const model::PricedQuery& q = batch.queries[0];
  EXPECT_EQ(r[0].as<std::string>(), "analytics");
  EXPECT_EQ(r[1].as<std::string>(), "alpha");
  EXPECT_EQ(r[2].as<std::string>(), "SUCCEEDED");
  EXPECT_EQ(r[3].as<std::string>(), "DML");
  EXPECT_EQ(r[4].as<std::int64_t>(), q.execution.submitted.time_since_epoch().count());
  EXPECT_EQ(r[5].as<std::int64_t>(), q.execution.completed->time_since_epoch().count());
  EXPECT_EQ(r[6].as<std::int64_t>(), 10 * kGiB);
  EXPECT_EQ(r[7].as<std::int64_t>(), 60'000);
  EXPECT_EQ(r[8].as<std::int64_t>(), 48'828'125);
  EXPECT_EQ(r[9].as<std::string>(), q.execution.query);
  EXPECT_EQ(Count("SELECT cost_nanos FROM query_costs WHERE query_execution_id = 'failed' "
                  "AND cluster = 'prod'"),
            0);
  EXPECT_TRUE(Partitions().empty());
}

TEST_F(PostgresStoreTest, StoppedServerIsUnavailableAndTheStoreReconnects) {
  auto store = std::make_unique<PostgresStore>(url_, "hunter2-secret");
  store->Migrate();
  store->Write(MakeBatch("prod", kHour, 1, 3));
  EXPECT_TRUE(store->Ping());

  server_->Stop();
  struct Restart {
    ~Restart() {
      if (!server->running()) server->Start();
    }
    testing::PrivatePostgres* server;
  } restart{server_.get()};
  try {
    store->Write(MakeBatch("prod", kHour + minutes(1), 1, 3));
    ADD_FAILURE() << "Write to a stopped server succeeded";
  } catch (const Unavailable& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("unavailable"), std::string::npos) << message;
  }
  EXPECT_THROW(store->Write(MakeBatch("prod", kHour + minutes(1), 1, 3)), Unavailable);
  EXPECT_THROW(store->Migrate(), Unavailable);
  EXPECT_THROW(store->IntervalTotals("prod", kHour, kHour + hours(1)), Unavailable);
  EXPECT_FALSE(store->Ping());

  server_->Start();
  store->Write(MakeBatch("prod", kHour + minutes(1), 1, 3));
  EXPECT_TRUE(store->Ping());
  EXPECT_EQ(store->IntervalTotals("prod", kHour, kHour + hours(1)).size(), 2U);
}

TEST_F(PostgresStoreTest, IdleConnectionBrokenByARestartIsReplacedTransparently) {
  auto store = MigratedStore();
  store->Write(MakeBatch("prod", kHour, 1, 3));
  server_->Stop();
  server_->Start();
  store->Write(MakeBatch("prod", kHour + minutes(1), 1, 3));
  EXPECT_EQ(store->IntervalTotals("prod", kHour, kHour + hours(1)).size(), 2U);
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailableWithoutLeakingThePassword) {
  const std::string url =
      fmt::format("postgresql://costledger:url-secret@127.0.0.1:{}/nowhere?connect_timeout=5", 1);
  PostgresStore store(url, "param-secret");
  try {
    store.Migrate();
    ADD_FAILURE() << "Migrate against port 1 succeeded";
  } catch (const Unavailable& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  }
  EXPECT_FALSE(store.Ping());
}

TEST_F(PostgresStoreTest, TenThousandContainerBatchesAndTheirReplays) {
  // Timings are measured by bench/run ingest, not here.
  auto store = MigratedStore();
  const model::IntervalBatch first = MakeBatch("prod", kHour, 100, 100);
  const model::IntervalBatch second = MakeBatch("prod", kHour + minutes(1), 100, 100);
  ASSERT_EQ(first.costs.containers.size(), 10'000U);
  store->Write(first);
  store->Write(second);
  store->Write(second);  // replay: all rows conflict
  const auto totals = store->IntervalTotals("prod", kHour, kHour + hours(1));
  ASSERT_EQ(totals.size(), 2U);
  EXPECT_EQ(totals[1].container_rows, 10'000);
  EXPECT_EQ(totals[1].container_cost_nanos, ContainerCostNanos(second));
  ExpectRollupsMatchRaw(ReadSums());
}

TEST_F(PostgresStoreTest, PartialReplayInsertsOnlyTheMissingRows) {
  auto store = MigratedStore();
  model::IntervalBatch full = MakeBatch("prod", kHour, 3, 10);
  model::IntervalBatch part = full;
  part.costs.containers.resize(7);  // as if a crash had stored part of the batch
  part.costs.nodes.resize(1);
  store->Write(part);
  store->Write(full);
  const Sums s = ReadSums();
  EXPECT_EQ(s.raw_container_rows, 30);
  EXPECT_EQ(s.raw_node_rows, 3);
  EXPECT_EQ(s.raw_container_cost, ContainerCostNanos(full));
  ExpectRollupsMatchRaw(s);
}

TEST_F(PostgresStoreTest, ANodeRowOfAnUnmarkedIntervalSendsTheWriteThroughStaging) {
  // As written before interval marks existed (migration 0004 marked only intervals with
  // container rows), or by hand: the direct COPY fails on the node key, the write is redone
  // through staging and stores everything once.
  auto store = MigratedStore();
  const model::IntervalBatch full = MakeBatch("prod", kHour, 3, 10);
  model::IntervalBatch nodes_only = full;
  nodes_only.costs.containers.clear();
  nodes_only.costs.nodes.resize(1);
  store->Write(nodes_only);
  Query1("DELETE FROM stored_intervals RETURNING 1");
  store->Write(full);
  const Sums s = ReadSums();
  EXPECT_EQ(s.raw_container_rows, 30);
  EXPECT_EQ(s.raw_node_rows, 3);
  EXPECT_EQ(s.raw_container_cost, ContainerCostNanos(full));
  EXPECT_EQ(Count("SELECT count(*) FROM stored_intervals"), 1);
  ExpectRollupsMatchRaw(s);
}

TEST_F(PostgresStoreTest, LateBatchReopensARolledUpHour) {
  auto store = MigratedStore();
  store->Write(MakeBatch("prod", kHour, 2, 5));
  EXPECT_EQ(store->RollUp(kHour + hours(2)), 1);
  EXPECT_EQ(store->RollUp(kHour + hours(2)), 0);               // nothing pending
  store->Write(MakeBatch("prod", kHour + minutes(30), 2, 5));  // arrives late (spool replay)
  EXPECT_EQ(store->RollUp(kHour + hours(2)), 1);
  EXPECT_EQ(Count("SELECT sum(intervals) FROM container_costs_hourly"), 2 * 10);
  ExpectRollupsMatchRaw(ReadSums());
}

TEST_F(PostgresStoreTest, RollUpAsksOncePerHourWhileNothingIsPending) {
  auto store = MigratedStore();
  store->Write(MakeBatch("prod", kHour, 2, 5));
  EXPECT_EQ(store->RollUp(kHour + hours(2)), 1);
  EXPECT_EQ(store->RollUp(kHour + hours(2)), 0);
  // Another writer's late batch: left to that writer's rollup within this hour...
  PostgresStore(url_, "").Write(MakeBatch("prod", kHour + minutes(30), 2, 5));
  EXPECT_EQ(store->RollUp(kHour + hours(2) + minutes(1)), 0);
  // ...and found here once the next hour begins.
  EXPECT_EQ(store->RollUp(kHour + hours(3)), 1);
  EXPECT_EQ(Count("SELECT sum(intervals) FROM container_costs_hourly"), 2 * 10);
  // A late batch of this store's own is rolled up at its next tick.
  store->Write(MakeBatch("prod", kHour + minutes(40), 2, 5));
  EXPECT_EQ(store->RollUp(kHour + hours(3) + minutes(1)), 1);
  ExpectRollupsMatchRaw(ReadSums());
}

TEST_F(PostgresStoreTest, RejectsBatchesThatCannotBeStored) {
  auto store = MigratedStore();
  model::IntervalBatch no_cluster = MakeBatch("", kHour, 1, 1);
  EXPECT_THROW(store->Write(no_cluster), InvalidInput);
  model::IntervalBatch no_length = MakeBatch("prod", kHour, 1, 1);
  no_length.costs.length = seconds(0);
  EXPECT_THROW(store->Write(no_length), InvalidInput);
  EXPECT_THROW(store->EnsurePartitions(std::chrono::floor<days>(kHour), -1), InvalidInput);
  // The store still works afterwards.
  store->Write(MakeBatch("prod", kHour, 1, 1));
  EXPECT_EQ(Count("SELECT count(*) FROM node_costs"), 1);
}

}  // namespace
}  // namespace costledger::postgres
