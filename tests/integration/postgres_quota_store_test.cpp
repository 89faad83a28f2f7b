#include "costledger/postgres/postgres_quota_store.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <cctype>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "costledger/sources/quota_json.hpp"
#include "private_postgres.hpp"

namespace costledger::postgres {
namespace {

using ports::QuotaPutOutcome;
using ports::QuotaSource;

model::Quota MakeQuota(const std::string& name, const std::string& dollars,
                       const std::string& team = "alpha") {
  return model::ValidateQuota(sources::ParseQuotaSpec(fmt::format(
      R"({{"name":"{}","scope":{{"team":"{}"}},"period":"week","limit":{{"dollars":{}}},)"
      R"("action":"deny","contact":"#platform"}})",
      name, team, dollars)));
}

std::vector<std::string> Names(const std::vector<ports::StoredQuota>& quotas) {
  std::vector<std::string> out;
  for (const auto& q : quotas) out.push_back(q.quota.name);
  return out;
}

class PostgresQuotaStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("q_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    PostgresStore(url_, "").Migrate();
    store_ = std::make_unique<PostgresQuotaStore>(url_, "", 4);
  }

  std::int64_t Count(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::read_transaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresQuotaStore> store_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresQuotaStoreTest::server_;

// A fresh database nobody has migrated yet (serve --role all before its collector's first
// start): quota reads and writes are Unavailable (503) and say how the schema gets made.
TEST_F(PostgresQuotaStoreTest, ADatabaseWithoutTheSchemaIsUnavailableAndSaysWhy) {
  PostgresQuotaStore fresh(server_->CreateDatabase("q_fresh_unmigrated"), "", 1);
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { fresh.List(); },
           [&] { fresh.Put(MakeQuota("alpha-weekly", "100"), "test", QuotaSource::kApi); }}) {
    try {
      call();
      ADD_FAILURE() << "no error from a database without the schema";
    } catch (const Unavailable& e) {
      EXPECT_NE(std::string(e.what()).find("no costledger schema yet"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("costledger migrate"), std::string::npos) << e.what();
    }
  }
}

TEST_F(PostgresQuotaStoreTest, PutCreatesReplacesAndKeepsAnUnchangedQuotaAsItIs) {
  const model::Quota q = MakeQuota("alpha-weekly", "1000.000000001");
  EXPECT_EQ(store_->Put(q, "token:platform", QuotaSource::kApi), QuotaPutOutcome::kCreated);
  EXPECT_EQ(store_->Put(q, "token:other", QuotaSource::kApi), QuotaPutOutcome::kUnchanged);
  const auto stored = store_->Get("alpha-weekly");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->quota, q);  // exact to the nano-dollar through jsonb
  EXPECT_EQ(stored->updated_by, "token:platform");
  EXPECT_EQ(stored->source, QuotaSource::kApi);
  EXPECT_EQ(stored->created_at, stored->updated_at);

  const model::Quota bigger = MakeQuota("alpha-weekly", "2000");
  EXPECT_EQ(store_->Put(bigger, "cli:alice", QuotaSource::kApi), QuotaPutOutcome::kReplaced);
  EXPECT_EQ(store_->Get("alpha-weekly")->quota, bigger);
  EXPECT_EQ(store_->Get("alpha-weekly")->updated_by, "cli:alice");
  EXPECT_FALSE(store_->Get("beta"));

  const auto history = store_->History("alpha-weekly", 10);
  ASSERT_EQ(history.size(), 2U);  // the unchanged Put wrote nothing
  EXPECT_EQ(history[0].who, "cli:alice");
  EXPECT_EQ(history[0].before, q);
  EXPECT_EQ(history[0].after, bigger);
  EXPECT_EQ(history[1].who, "token:platform");
  EXPECT_FALSE(history[1].before);
  EXPECT_EQ(history[1].after, q);
  EXPECT_GT(history[0].id, history[1].id);
  EXPECT_EQ(store_->History("alpha-weekly", 1).size(), 1U);
}

TEST_F(PostgresQuotaStoreTest, DeleteRemovesTheQuotaAndKeepsItsHistory) {
  store_->Put(MakeQuota("a", "1"), "token:x", QuotaSource::kApi);
  EXPECT_TRUE(store_->Delete("a", "token:y", QuotaSource::kApi));
  EXPECT_FALSE(store_->Delete("a", "token:y", QuotaSource::kApi));
  EXPECT_FALSE(store_->Get("a"));
  const auto history = store_->History("a", 10);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].who, "token:y");
  EXPECT_EQ(history[0].before, MakeQuota("a", "1"));
  EXPECT_FALSE(history[0].after);
}

TEST_F(PostgresQuotaStoreTest, ReconcileAppliesTheFileAndLeavesApiQuotasAlone) {
  store_->Put(MakeQuota("api-only", "5"), "token:x", QuotaSource::kApi);
  store_->Put(MakeQuota("taken-over", "5"), "token:x", QuotaSource::kApi);
  auto r = store_->Reconcile(
      {MakeQuota("f1", "1"), MakeQuota("f2", "2"), MakeQuota("taken-over", "5")}, "file:/q.json");
  EXPECT_EQ(r.created, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(r.replaced, std::vector<std::string>{"taken-over"});  // same spec, new manager
  EXPECT_TRUE(r.deleted.empty());
  EXPECT_EQ(Names(store_->List()),
            (std::vector<std::string>{"api-only", "f1", "f2", "taken-over"}));
  EXPECT_EQ(store_->Get("taken-over")->source, QuotaSource::kFile);
  const auto takeover = store_->History("taken-over", 1);
  ASSERT_EQ(takeover.size(), 1U);
  EXPECT_EQ(takeover[0].who, "file:/q.json");
  EXPECT_EQ(takeover[0].source, QuotaSource::kFile);
  EXPECT_EQ(takeover[0].before, takeover[0].after);

  // The same file again changes nothing.
  r = store_->Reconcile({MakeQuota("f1", "1"), MakeQuota("f2", "2"), MakeQuota("taken-over", "5")},
                        "file:/q.json");
  EXPECT_EQ(r.unchanged, (std::vector<std::string>{"f1", "f2", "taken-over"}));
  EXPECT_EQ(Count("SELECT count(*) FROM quota_changes"), 5);

  // f2 dropped from the file, f1 changed: f2 goes, api-only stays.
  r = store_->Reconcile({MakeQuota("f1", "10")}, "file:/q.json");
  EXPECT_EQ(r.replaced, std::vector<std::string>{"f1"});
  EXPECT_EQ(r.deleted, (std::vector<std::string>{"f2", "taken-over"}));
  EXPECT_EQ(Names(store_->List()), (std::vector<std::string>{"api-only", "f1"}));
  EXPECT_EQ(store_->Get("f1")->quota, MakeQuota("f1", "10"));

  // An empty file removes every file-managed quota, never the API's.
  r = store_->Reconcile({}, "file:/q.json");
  EXPECT_EQ(r.deleted, std::vector<std::string>{"f1"});
  EXPECT_EQ(Names(store_->List()), std::vector<std::string>{"api-only"});
}

TEST_F(PostgresQuotaStoreTest, ReconcileWithANameTwiceChangesNothing) {
  store_->Reconcile({MakeQuota("f1", "1")}, "file:a");
  EXPECT_THROW(store_->Reconcile({MakeQuota("f2", "1"), MakeQuota("f2", "2")}, "file:a"),
               InvalidInput);
  EXPECT_EQ(Names(store_->List()), std::vector<std::string>{"f1"});
  EXPECT_EQ(Count("SELECT count(*) FROM quota_changes"), 1);
}

// A change and its history row commit together: a failure between them leaves neither.
TEST_F(PostgresQuotaStoreTest, AFailedHistoryWriteLeavesTheQuotaAsItWas) {
  store_->Put(MakeQuota("a", "1"), "token:x", QuotaSource::kApi);
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec0("ALTER TABLE quota_changes ADD CONSTRAINT no_more CHECK (id < 0) NOT VALID");
    tx.commit();
  }
  EXPECT_ANY_THROW(store_->Put(MakeQuota("a", "2"), "token:x", QuotaSource::kApi));
  EXPECT_ANY_THROW(store_->Put(MakeQuota("b", "2"), "token:x", QuotaSource::kApi));
  EXPECT_ANY_THROW(store_->Delete("a", "token:x", QuotaSource::kApi));
  EXPECT_ANY_THROW(store_->Reconcile({MakeQuota("c", "1")}, "file:x"));
  EXPECT_EQ(Names(store_->List()), std::vector<std::string>{"a"});
  EXPECT_EQ(store_->Get("a")->quota, MakeQuota("a", "1"));
}

// Racing creations of one name: exactly one creates it, the others replace or find it unchanged.
TEST_F(PostgresQuotaStoreTest, ConcurrentPutsOfOneNameCreateItOnce) {
  constexpr int kThreads = 4;
  std::barrier start(kThreads);
  std::vector<QuotaPutOutcome> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      outcomes[static_cast<std::size_t>(i)] =
          store_->Put(MakeQuota("race", std::to_string(i + 1)), "token:x", QuotaSource::kApi);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::ranges::count(outcomes, QuotaPutOutcome::kCreated), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM quota_changes WHERE before IS NULL"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM quota_changes"), kThreads);
}

}  // namespace
}  // namespace costledger::postgres
