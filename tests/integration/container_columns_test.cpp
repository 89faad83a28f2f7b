// The container-cost column table of the PostgreSQL adapter (adapters/postgres/src/
// container_columns.hpp, private: tested from its sources) against the schema the migrations
// create: the generated layouts name the tables' columns, in their order, with their types.
#include "container_columns.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"

namespace costledger::postgres {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;  // name, data_type

class ContainerColumnsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<testing::PrivatePostgres>();
    url_ = server_->CreateDatabase("container_columns");
    PostgresStore(url_, "").Migrate();
  }
  static void TearDownTestSuite() { server_.reset(); }

  // The columns of `table` as the database has them, in order.
  static Columns Schema(const std::string& table) {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    Columns out;
    for (const pqxx::row& r : tx.exec_params(
             "SELECT column_name, data_type FROM information_schema.columns "
             "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
             table)) {
      out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
    }
    return out;
  }

  static Columns Rollup(std::string_view period) {
    Columns out{{"cluster", "text"}, {std::string(period), "timestamp with time zone"}};
    for (const ContainerColumn& c : kContainerColumns) {
      if (IsRollupColumn(c)) out.emplace_back(c.name, SqlTypeName(c.type));
    }
    return out;
  }

  static inline std::unique_ptr<testing::PrivatePostgres> server_;
  static inline std::string url_;
};

TEST_F(ContainerColumnsTest, RawColumnsAreTheRawTableInItsOrder) {
  Columns raw;
  for (const ContainerColumn& c : kContainerColumns) {
    if (IsRawColumn(c)) raw.emplace_back(c.name, SqlTypeName(c.type));
  }
  EXPECT_EQ(raw, Schema("container_costs"));
  ASSERT_EQ(kRawContainerColumnNames.size(), raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) EXPECT_EQ(kRawContainerColumnNames[i], raw[i].first);
}

TEST_F(ContainerColumnsTest, RollupColumnsAreTheHourlyAndDailyTablesInTheirOrder) {
  const Columns hourly = Rollup("hour");
  EXPECT_EQ(hourly, Schema("container_costs_hourly"));
  EXPECT_EQ(Rollup("day"), Schema("container_costs_daily"));
  ASSERT_EQ(kHourlyContainerColumnNames.size(), hourly.size());
  for (std::size_t i = 0; i < hourly.size(); ++i) {
    EXPECT_EQ(kHourlyContainerColumnNames[i], hourly[i].first);
  }
}

// The per-workload daily rollup keeps the workload's labels and every value (some of them
// wider there: a workload's day can exceed what one container's hour holds).
TEST_F(ContainerColumnsTest, WorkloadDailyHoldsTheWorkloadKeyAndEveryValue) {
  std::vector<std::string> expected{"cluster", "day"};
  for (const ContainerColumn& c : kContainerColumns) {
    if (c.workload_key || IsRollupValue(c)) expected.emplace_back(c.name);
  }
  std::vector<std::string> names;
  for (const auto& [name, type] : Schema("workload_costs_daily")) names.push_back(name);
  EXPECT_EQ(names, expected);
  // The per-workload hourly rollup (migration 0014) the same, per hour.
  expected[1] = "hour";
  names.clear();
  for (const auto& [name, type] : Schema("workload_costs_hourly")) names.push_back(name);
  EXPECT_EQ(names, expected);
}

// The per-node rollups (migration 0015): the node and controller kind, then every value, with
// the types of the per-workload rollups.
TEST_F(ContainerColumnsTest, NodeKindRollupsHoldTheirKeyAndEveryValue) {
  Columns expected{{"cluster", "text"}, {"day", "timestamp with time zone"}};
  for (const ContainerColumn& c : kContainerColumns) {
    if (c.node_key) expected.emplace_back(c.name, "text");
  }
  for (const auto& column : Schema("workload_costs_daily")) {
    const std::string& name = column.first;
    const auto* const c =
        std::find_if(kContainerColumns.begin(), kContainerColumns.end(),
                     [&](const ContainerColumn& k) { return k.name == name && IsRollupColumn(k); });
    if (c != kContainerColumns.end() && IsRollupValue(*c)) expected.push_back(column);
  }
  ASSERT_EQ(expected.size(), 2 + 2 + 17U);
  EXPECT_EQ(expected[2].first, "node");
  EXPECT_EQ(Schema("node_kind_costs_daily"), expected);
  expected[1].first = "hour";
  EXPECT_EQ(Schema("node_kind_costs_hourly"), expected);
}

// Every generated statement is valid SQL for the migrated schema.
TEST_F(ContainerColumnsTest, GeneratedRollupsAndReadsRunOnTheSchema) {
  pqxx::connection c(url_);
  pqxx::work tx(c);
  EXPECT_NO_THROW(tx.exec_params(ContainerHourRollUpSql(), "c", 0));
  EXPECT_NO_THROW(
      tx.exec_params(ContainerDayRollUpSql("container_costs_daily", "container_costs_hourly",
                                           "hour", RollupGrain::kContainer),
                     "c", 0));
  EXPECT_NO_THROW(
      tx.exec_params(ContainerDayRollUpSql("workload_costs_daily", "container_costs_daily", "day",
                                           RollupGrain::kWorkload),
                     "c", 0));
  EXPECT_NO_THROW(
      tx.exec_params(ContainerDayRollUpSql("node_kind_costs_daily", "container_costs_daily", "day",
                                           RollupGrain::kNodeKind),
                     "c", 0));
  for (const RollupGrain g : kCoarseGrains) {
    EXPECT_NO_THROW(tx.exec_params(GrainHourRollUpSql(g), "c", 0, 3600));
  }
  EXPECT_NO_THROW(tx.exec("SELECT " + ContainerReadFolds(true) + " FROM container_costs x"));
  EXPECT_NO_THROW(
      tx.exec("SELECT " + ContainerReadFolds(false) + " FROM container_costs_hourly x"));
}

}  // namespace
}  // namespace costledger::postgres
