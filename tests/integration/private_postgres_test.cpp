#include "private_postgres.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

namespace costledger::testing {
namespace {

TEST(PrivatePostgresTest, ServesQueriesOnItsOwnPortAndSurvivesRestart) {
  PrivatePostgres pg;
  const std::string url = pg.CreateDatabase("probe");
  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    EXPECT_EQ(tx.exec1("SELECT current_setting('server_version_num')::int / 10000")[0].as<int>(),
              15);
    EXPECT_EQ(tx.exec1("SELECT current_setting('port')::int")[0].as<int>(), pg.port());
    tx.exec0("CREATE TABLE t (v int)");
    tx.exec0("INSERT INTO t VALUES (42)");
    tx.commit();
  }
  pg.Stop();
  EXPECT_THROW(pqxx::connection{url}, pqxx::broken_connection);
  pg.Start();
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT v FROM t")[0].as<int>(), 42);
}

TEST(PrivatePostgresTest, TwoServersRunSideBySide) {
  PrivatePostgres a;
  PrivatePostgres b;
  EXPECT_NE(a.port(), b.port());
  pqxx::connection ca(a.Url());
  pqxx::connection cb(b.Url());
  EXPECT_TRUE(ca.is_open());
  EXPECT_TRUE(cb.is_open());
}

}  // namespace
}  // namespace costledger::testing
