#include "private_postgres.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <string>

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

// Two servers are apart: each answers on its own port from its own data directory, and a
// database created on one does not exist on the other.
TEST(PrivatePostgresTest, TwoServersRunSideBySide) {
  PrivatePostgres a;
  PrivatePostgres b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.data_dir(), b.data_dir());
  a.CreateDatabase("only_on_a");
  for (const PrivatePostgres* pg : {&a, &b}) {
    pqxx::connection conn(pg->Url());
    pqxx::work tx(conn);
    EXPECT_EQ(tx.exec1("SELECT current_setting('port')::int")[0].as<int>(), pg->port());
    EXPECT_EQ(tx.exec1("SELECT current_setting('data_directory')")[0].as<std::string>(),
              pg->data_dir() + "/data");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_database WHERE datname = 'only_on_a'")[0].as<int>(),
              pg == &a ? 1 : 0)
        << pg->Url();
  }
}

}  // namespace
}  // namespace costledger::testing
