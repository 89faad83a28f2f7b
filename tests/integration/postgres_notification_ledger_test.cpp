#include "costledger/postgres/postgres_notification_ledger.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <array>
#include <barrier>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "error_of.hpp"
#include "private_postgres.hpp"

namespace costledger::postgres {
namespace {

using model::NotificationClaim;
using model::NotificationCount;
using model::NotificationState;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::ErrorOf;

// 2026-11-30T06:00:00Z.
const sys_seconds kNow{seconds{1'795'932'000}};
const seconds kLease = minutes(5);

class PostgresNotificationLedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("n_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    PostgresStore(url_, "").Migrate();
    ledger_ = std::make_unique<PostgresNotificationLedger>(url_, "");
  }

  std::optional<NotificationClaim> Claim(const std::string& key, const std::string& owner,
                                         sys_seconds now) {
    return ledger_->Claim("report", key, owner, kLease, now, "");
  }

  model::NotificationRecord Record(const std::string& kind, const std::string& key) {
    for (model::NotificationRecord& r : ledger_->List(kind, 1000)) {
      if (r.key == key) return r;
    }
    ADD_FAILURE() << "no notification " << kind << "/" << key;
    return {};
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresNotificationLedger> ledger_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresNotificationLedgerTest::server_;

TEST_F(PostgresNotificationLedgerTest, ANewKeyIsClaimedOnceAndASentOneNeverAgain) {
  const auto claim = Claim("2026-W48/alpha/mail:a@x", "replica-a", kNow);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(*claim, (NotificationClaim{"report", "2026-W48/alpha/mail:a@x", "replica-a", 1,
                                       kNow + kLease}));
  // Held: nobody else, nor its owner, claims it while the lease runs.
  EXPECT_FALSE(Claim("2026-W48/alpha/mail:a@x", "replica-b", kNow).has_value());
  EXPECT_FALSE(Claim("2026-W48/alpha/mail:a@x", "replica-a", kNow + kLease - seconds(1)));
  // The same key of another kind is another notification.
  EXPECT_TRUE(
      ledger_->Claim("quota_alert", "2026-W48/alpha/mail:a@x", "replica-b", kLease, kNow, "")
          .has_value());

  EXPECT_TRUE(ledger_->MarkSent(*claim, kNow + seconds(3)));
  for (const sys_seconds t : {kNow + seconds(3), kNow + kLease, kNow + std::chrono::days(400)}) {
    EXPECT_FALSE(Claim("2026-W48/alpha/mail:a@x", "replica-b", t).has_value());
  }
  EXPECT_FALSE(ledger_->MarkSent(*claim, kNow + seconds(4)));  // already recorded
  const model::NotificationRecord r = Record("report", "2026-W48/alpha/mail:a@x");
  EXPECT_EQ(r.state, NotificationState::kSent);
  EXPECT_EQ(r.sent_at, kNow + seconds(3));
  EXPECT_EQ(r.claimed_until, std::nullopt);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.created_at, kNow);
  EXPECT_EQ(r.updated_at, kNow + seconds(3));
}

TEST_F(PostgresNotificationLedgerTest, AFailedKeyIsClaimedAgainOnlyFromItsNextAttemptTime) {
  const auto first = Claim("k", "a", kNow);
  ASSERT_TRUE(first.has_value());
  const sys_seconds retry_at = kNow + minutes(10);
  EXPECT_TRUE(ledger_->MarkFailed(*first, "550 mailbox unavailable", kNow + seconds(2), retry_at));
  model::NotificationRecord r = Record("report", "k");
  EXPECT_EQ(r.state, NotificationState::kFailed);
  EXPECT_EQ(r.last_error, "550 mailbox unavailable");
  EXPECT_EQ(r.next_attempt_at, retry_at);
  EXPECT_EQ(r.claimed_until, std::nullopt);

  EXPECT_FALSE(Claim("k", "b", kNow + seconds(3)).has_value());
  EXPECT_FALSE(Claim("k", "b", retry_at - seconds(1)).has_value());
  const auto second = Claim("k", "b", retry_at);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->attempt, 2);
  EXPECT_EQ(second->owner, "b");
  EXPECT_EQ(second->claimed_until, retry_at + kLease);
  // The earlier claim can no longer record anything.
  EXPECT_FALSE(ledger_->MarkSent(*first, retry_at));
  EXPECT_FALSE(ledger_->MarkFailed(*first, "late", retry_at, retry_at));

  EXPECT_TRUE(ledger_->MarkGivenUp(*second, "no such recipient", retry_at + seconds(1)));
  for (const sys_seconds t : {retry_at + seconds(1), retry_at + std::chrono::days(400)}) {
    EXPECT_FALSE(Claim("k", "c", t).has_value());
  }
  r = Record("report", "k");
  EXPECT_EQ(r.state, NotificationState::kGivenUp);
  EXPECT_EQ(r.last_error, "no such recipient");
  EXPECT_EQ(r.attempts, 2);
}

// A sender that died after claiming: its key is taken over once the lease has ended, and only
// the new claim can record the outcome.
TEST_F(PostgresNotificationLedgerTest, AnExpiredLeaseIsTakenOverAndFencesTheOldClaim) {
  const auto dead = Claim("k", "a", kNow);
  ASSERT_TRUE(dead.has_value());
  EXPECT_FALSE(Claim("k", "b", kNow + kLease - seconds(1)).has_value());
  const auto taken = Claim("k", "b", kNow + kLease);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->attempt, 2);
  EXPECT_EQ(taken->claimed_until, kNow + 2 * kLease);
  EXPECT_FALSE(ledger_->MarkSent(*dead, kNow + kLease + seconds(1)));
  EXPECT_FALSE(ledger_->MarkGivenUp(*dead, "x", kNow + kLease + seconds(1)));
  EXPECT_TRUE(ledger_->MarkSent(*taken, kNow + kLease + seconds(2)));
  EXPECT_EQ(Record("report", "k").owner, "b");

  // A claim whose lease ended but that nobody took over still records its outcome.
  const auto slow = Claim("late", "a", kNow);
  ASSERT_TRUE(slow.has_value());
  EXPECT_TRUE(ledger_->MarkSent(*slow, kNow + 3 * kLease));
  EXPECT_FALSE(Claim("late", "b", kNow + 4 * kLease).has_value());
}

// Two replicas (two ledgers, each on its own connections) race for the same keys: exactly one
// claim per key and round, for new keys, failed keys that became due, and expired leases.
TEST_F(PostgresNotificationLedgerTest, RacingReplicasGetExactlyOneClaimPerKey) {
  PostgresNotificationLedger other(url_, "");
  std::array<ports::NotificationLedger*, 2> replicas{ledger_.get(), &other};
  constexpr int kKeys = 50;
  std::barrier sync(2);
  // wins[phase][key][replica]
  std::vector<std::array<std::array<int, 2>, kKeys>> wins(3);
  std::array<std::vector<NotificationClaim>, 2> claims;
  const auto race = [&](int phase, int replica, sys_seconds now) {
    for (int k = 0; k < kKeys; ++k) {
      sync.arrive_and_wait();
      auto claim = replicas[replica]->Claim("report", fmt::format("key-{}", k),
                                            fmt::format("replica-{}", replica), kLease, now,
                                            R"({"round":1})");
      if (claim) {
        ++wins[phase][k][replica];
        claims[replica].push_back(std::move(*claim));
      }
    }
  };
  const auto run_phase = [&](int phase, sys_seconds now) {
    claims = {};
    std::thread a([&] { race(phase, 0, now); });
    std::thread b([&] { race(phase, 1, now); });
    a.join();
    b.join();
    for (int k = 0; k < kKeys; ++k) {
      EXPECT_EQ(wins[phase][k][0] + wins[phase][k][1], 1) << "phase " << phase << " key " << k;
    }
  };

  run_phase(0, kNow);  // new keys
  for (const auto& held : claims) {
    for (const NotificationClaim& c : held) {
      EXPECT_EQ(c.attempt, 1);
      ASSERT_TRUE(ledger_->MarkFailed(c, "timeout", kNow + seconds(1), kNow + minutes(1)));
    }
  }
  run_phase(1, kNow + minutes(1));  // failed and due
  for (const auto& held : claims) {
    for (const NotificationClaim& c : held) EXPECT_EQ(c.attempt, 2);
  }
  run_phase(2, kNow + minutes(1) + kLease);  // the phase-1 claimants died: leases expired
  for (const auto& held : claims) {
    for (const NotificationClaim& c : held) {
      EXPECT_EQ(c.attempt, 3);
      EXPECT_TRUE(ledger_->MarkSent(c, kNow + minutes(7)));
    }
  }
  const std::vector<NotificationCount> counts = ledger_->CountByState();
  EXPECT_EQ(counts, (std::vector<NotificationCount>{{"report", NotificationState::kSent, kKeys}}));
  EXPECT_EQ(Record("report", "key-7").payload_json, R"({"round": 1})");
}

TEST_F(PostgresNotificationLedgerTest, CountsAndListsShowWhatIsHeldSentAndFailed) {
  const auto a = Claim("a", "r", kNow);
  const auto b = Claim("b", "r", kNow + seconds(1));
  const auto c = Claim("c", "r", kNow + seconds(2));
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(ledger_->MarkSent(*a, kNow + seconds(10)));
  ASSERT_TRUE(ledger_->MarkFailed(*b, "refused", kNow + seconds(11), kNow + minutes(5)));
  ASSERT_TRUE(ledger_->Claim("quota_alert", "alpha-weekly/2026-12-01/0.8", "r", kLease, kNow,
                             R"({"quota": "alpha-weekly", "threshold": 0.8})"));

  EXPECT_EQ(ledger_->CountByState(),
            (std::vector<NotificationCount>{{"quota_alert", NotificationState::kClaimed, 1},
                                            {"report", NotificationState::kClaimed, 1},
                                            {"report", NotificationState::kFailed, 1},
                                            {"report", NotificationState::kSent, 1}}));
  const std::vector<model::NotificationRecord> reports = ledger_->List("report", 10);
  ASSERT_EQ(reports.size(), 3U);
  EXPECT_EQ(reports[0].key, "b");  // most recently changed first
  EXPECT_EQ(reports[1].key, "a");
  EXPECT_EQ(reports[2].key, "c");
  EXPECT_EQ(reports[2].claimed_until, kNow + seconds(2) + kLease);
  EXPECT_EQ(reports[2].payload_json, "");
  EXPECT_EQ(ledger_->List("report", 1).size(), 1U);
  const std::vector<model::NotificationRecord> alerts = ledger_->List("quota_alert", 10);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].payload_json, R"({"quota": "alpha-weekly", "threshold": 0.8})");
  EXPECT_TRUE(ledger_->List("nothing", 10).empty());
}

TEST_F(PostgresNotificationLedgerTest, BadClaimsAreRefused) {
  EXPECT_NE(ErrorOf<InvalidInput>([&] { ledger_->Claim("", "k", "o", kLease, kNow, ""); }), "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] { ledger_->Claim("report", "", "o", kLease, kNow, ""); }),
            "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] { ledger_->Claim("report", "k", "", kLease, kNow, ""); }),
            "");
  EXPECT_NE(
      ErrorOf<InvalidInput>([&] { ledger_->Claim("report", "k", "o", seconds(0), kNow, ""); }), "");
  EXPECT_NE(
      ErrorOf<InvalidInput>([&] { ledger_->Claim("report", "k", "o", kLease, kNow, "{oops"); }),
      "");
  EXPECT_TRUE(ledger_->CountByState().empty());
}

TEST_F(PostgresNotificationLedgerTest, UnreachableServerIsUnavailable) {
  PostgresNotificationLedger ledger("postgresql://nobody@127.0.0.1:1/none", "secret");
  const std::string error =
      ErrorOf<Unavailable>([&] { ledger.Claim("report", "k", "o", kLease, kNow, ""); });
  EXPECT_EQ(error.find("secret"), std::string::npos);
  EXPECT_THROW(ledger.CountByState(), Unavailable);
}

}  // namespace
}  // namespace costledger::postgres
