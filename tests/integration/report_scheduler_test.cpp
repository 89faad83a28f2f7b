// serve's weekly report scheduler, as two replicas would run it against one PostgreSQL: the
// last complete week is due (Monday 00:00 UTC), its data is stored, and each team's mail goes
// out once, from one replica or the other, never twice.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "config.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/model/report_week.hpp"
#include "costledger/model/zone_rules.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "private_smtp.hpp"
#include "report_wiring.hpp"
#include "sample_batches.hpp"

namespace costledger::cli {
namespace {

using std::chrono::days;
using std::chrono::hours;

TEST(ReportSchedulerTest, TwoReplicasSendEachTeamsReportOnce) {
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("scheduler");
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const model::FixedOffsetZone utc = model::FixedOffsetZone::Utc();
  const model::ReportWeek week = model::WeekWindows(model::LastCompleteWeek(now, utc), utc);
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    for (int d = 0; d < 7; ++d) {
      store.Write(
          testing::MakeBatch("c1", week.window.start + days(d) + hours(10), 3, 4, hours(1)));
    }
    store.Write(testing::MakeBatch("c1", week.window.end, 1, 1, hours(1)));  // the week is stored
    store.RollUp(week.window.end);
  }
  testing::PrivateSmtp smtp;
  Config config;
  config.cluster = "c1";
  config.database_url = url;
  config.time_zone = "UTC";
  config.reports.weekday = 1;
  config.reports.hour = 0;
  config.reports.from = "costledger@example.com";
  config.reports.teams = {{"team-0", {{"lead0@example.com"}, ""}},
                          {"team-1", {{"lead1@example.com"}, ""}},
                          {"team-2", {{"lead2@example.com"}, ""}}};
  config.smtp.url = smtp.Url();
  config.smtp.starttls = "none";

  std::atomic<bool> stop{false};
  std::mutex mutex;
  int sent_by_callbacks = 0;
  std::map<std::string, std::int64_t> ledger_sent;
  common::Logger log_a(common::Logger::Format::kText);
  common::Logger log_b(common::Logger::Format::kText);
  ReportWiring a(config, log_a);
  ReportWiring b(config, log_b);
  const auto observe = [&](const reports::DeliveryRun& run,
                           std::span<const model::NotificationCount> counts) {
    const std::lock_guard lock(mutex);
    sent_by_callbacks += run.sent;
    for (const model::NotificationCount& c : counts) {
      if (c.state == model::NotificationState::kSent) ledger_sent[c.kind] = c.count;
    }
  };
  std::thread replica_a([&] { a.RunSchedule(stop, std::chrono::seconds(1), observe); });
  std::thread replica_b([&] { b.RunSchedule(stop, std::chrono::seconds(1), observe); });
  std::vector<testing::ReceivedMail> mails;
  try {
    mails = smtp.WaitForMessages(3, std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::seconds(3));  // more polls of both replicas
  } catch (...) {
    stop = true;
    replica_a.join();
    replica_b.join();
    throw;
  }
  stop = true;
  replica_a.join();
  replica_b.join();

  mails = smtp.Messages();
  ASSERT_EQ(mails.size(), 3U);
  std::map<std::string, int> per_recipient;
  for (const testing::ReceivedMail& m : mails) {
    for (const std::string& r : m.rcpt_tos) ++per_recipient[r];
    EXPECT_NE(m.raw.find(ToString(week.week)), std::string::npos);
  }
  EXPECT_EQ(per_recipient,
            (std::map<std::string, int>{
                {"lead0@example.com", 1}, {"lead1@example.com", 1}, {"lead2@example.com", 1}}));
  EXPECT_EQ(sent_by_callbacks, 3);
  EXPECT_EQ(ledger_sent["report"], 3);
}

}  // namespace
}  // namespace costledger::cli
