#include "costledger/postgres/postgres_report_archive.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <barrier>
#include <cctype>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "error_of.hpp"
#include "private_postgres.hpp"

namespace costledger::postgres {
namespace {

using model::ArchivedReport;
using model::ArchivedReportSummary;
using model::IsoWeek;
using model::Money;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::ErrorOf;

const IsoWeek kW47{2026, 47};
const IsoWeek kW48{2026, 48};
// 2026-11-30T06:00:00Z, the Monday after 2026-W48.
const sys_seconds kBuilt{seconds{1'795'932'000}};

ArchivedReport Report(const std::string& team, IsoWeek week, std::int64_t total_nanos,
                      std::vector<std::string> formats) {
  ArchivedReport r;
  r.team = team;
  r.week = week;
  r.time_zone = "Europe/Berlin";
  r.total_cost = Money::FromNanos(total_nanos);
  r.built_at = kBuilt;
  for (std::string& f : formats) {
    std::string body = fmt::format("{} {} {} {}", f, team, ToString(week), total_nanos);
    r.documents.push_back({std::move(f), std::move(body)});
  }
  return r;
}

class PostgresReportArchiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("a_{}", info->name());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    PostgresStore(url_, "").Migrate();
    archive_ = std::make_unique<PostgresReportArchive>(url_, "");
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<PostgresReportArchive> archive_;
};

std::unique_ptr<testing::PrivatePostgres> PostgresReportArchiveTest::server_;

TEST_F(PostgresReportArchiveTest, SavedFormatsComeBackWithTheirTypesAndHashes) {
  ArchivedReport r = Report("alpha", kW48, 1'234'567'891, {"html", "csv", "json"});
  r.documents.push_back({"txt", "abc"});
  archive_->Save(r);

  const auto html = archive_->Get("alpha", kW48, "html");
  ASSERT_TRUE(html.has_value());
  EXPECT_EQ(html->body, "html alpha 2026-W48 1234567891");
  EXPECT_EQ(html->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(html->built_at, kBuilt);
  EXPECT_EQ(html->content_sha256.size(), 64U);
  EXPECT_EQ(archive_->Get("alpha", kW48, "csv")->content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(archive_->Get("alpha", kW48, "json")->content_type, "application/json");
  const auto txt = archive_->Get("alpha", kW48, "txt");
  ASSERT_TRUE(txt.has_value());
  EXPECT_EQ(txt->content_type, "text/plain; charset=utf-8");
  // SHA-256("abc"), FIPS 180-2's example.
  EXPECT_EQ(txt->content_sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  EXPECT_FALSE(archive_->Get("alpha", kW47, "html").has_value());
  EXPECT_FALSE(archive_->Get("beta", kW48, "html").has_value());
}

TEST_F(PostgresReportArchiveTest, BodiesComeBackByteForByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += "\xE2\x9C\x93 end";  // a UTF-8 check mark after every byte value, NUL included
  ArchivedReport r = Report("alpha", kW48, 1, {});
  r.documents.push_back({"csv", bytes});
  archive_->Save(r);
  EXPECT_EQ(archive_->Get("alpha", kW48, "csv")->body, bytes);
}

TEST_F(PostgresReportArchiveTest, SavingAgainReplacesEveryFormatOfTheTeamWeek) {
  archive_->Save(Report("alpha", kW48, 100, {"html", "csv", "json"}));
  archive_->Save(Report("alpha", kW47, 50, {"html"}));
  ArchivedReport rebuilt = Report("alpha", kW48, 200, {"csv", "html"});
  rebuilt.built_at = kBuilt + seconds(3600);
  archive_->Save(rebuilt);

  EXPECT_EQ(archive_->Get("alpha", kW48, "html")->body, "html alpha 2026-W48 200");
  EXPECT_EQ(archive_->Get("alpha", kW48, "html")->built_at, kBuilt + seconds(3600));
  EXPECT_FALSE(archive_->Get("alpha", kW48, "json").has_value());  // not rebuilt: gone
  EXPECT_EQ(archive_->Get("alpha", kW47, "html")->body, "html alpha 2026-W47 50");  // untouched

  const std::vector<ArchivedReportSummary> list = archive_->List(std::nullopt, std::nullopt);
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0], (ArchivedReportSummary{"alpha",
                                            kW48,
                                            "Europe/Berlin",
                                            {"csv", "html"},
                                            Money::FromNanos(200),
                                            kBuilt + seconds(3600)}));
  EXPECT_EQ(list[1], (ArchivedReportSummary{
                         "alpha", kW47, "Europe/Berlin", {"html"}, Money::FromNanos(50), kBuilt}));
}

TEST_F(PostgresReportArchiveTest, ListIsNewestWeekFirstAndFiltersByTeamAndWeek) {
  archive_->Save(Report("beta", kW47, 3, {"json"}));
  archive_->Save(Report("alpha", kW47, 1, {"html", "csv"}));
  archive_->Save(Report("beta", kW48, 4, {"html"}));
  archive_->Save(Report("alpha", kW48, 2, {"txt"}));
  archive_->Save(Report("alpha", IsoWeek{2025, 52}, 5, {"html"}));

  const auto keys = [](const std::vector<ArchivedReportSummary>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.push_back(fmt::format("{}/{}", ToString(s.week), s.team));
    return out;
  };
  EXPECT_EQ(keys(archive_->List(std::nullopt, std::nullopt)),
            (std::vector<std::string>{"2026-W48/alpha", "2026-W48/beta", "2026-W47/alpha",
                                      "2026-W47/beta", "2025-W52/alpha"}));
  EXPECT_EQ(keys(archive_->List("alpha", std::nullopt)),
            (std::vector<std::string>{"2026-W48/alpha", "2026-W47/alpha", "2025-W52/alpha"}));
  EXPECT_EQ(keys(archive_->List(std::nullopt, kW47)),
            (std::vector<std::string>{"2026-W47/alpha", "2026-W47/beta"}));
  const auto one = archive_->List("beta", kW47);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].formats, std::vector<std::string>{"json"});
  EXPECT_EQ(one[0].total_cost, Money::FromNanos(3));
  EXPECT_TRUE(archive_->List("gamma", std::nullopt).empty());
}

TEST_F(PostgresReportArchiveTest, BadReportsAreRefusedAndNothingIsStored) {
  EXPECT_NE(ErrorOf<InvalidInput>([&] { archive_->Save(Report("", kW48, 1, {"html"})); }), "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] { archive_->Save(Report("alpha", kW48, 1, {})); }), "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] { archive_->Save(Report("alpha", kW48, 1, {"pdf"})); }), "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] {
              archive_->Save(Report("alpha", kW48, 1, {"html", "csv", "html"}));
            }),
            "");
  // 2026 has 53 ISO weeks, 2025 only 52.
  EXPECT_NE(ErrorOf<InvalidInput>([&] {
              archive_->Save(Report("alpha", IsoWeek{2025, 53}, 1, {"html"}));
            }),
            "");
  EXPECT_NE(ErrorOf<InvalidInput>([&] { archive_->Get("alpha", kW48, "pdf"); }), "");
  EXPECT_TRUE(archive_->List(std::nullopt, std::nullopt).empty());
}

// Two builders saving the same team-week at once leave one's set whole, never a mix of both.
TEST_F(PostgresReportArchiveTest, ConcurrentSavesLeaveOneWholeSet) {
  PostgresReportArchive other(url_, "");
  constexpr int kRounds = 20;
  std::barrier sync(2);
  const auto check = [&] {
    const auto list = archive_->List("alpha", kW48);
    ASSERT_EQ(list.size(), 1U);
    const std::int64_t total = list[0].total_cost.nanos();
    const std::vector<std::string> expected = total == 1
                                                  ? std::vector<std::string>{"csv", "html"}
                                                  : std::vector<std::string>{"csv", "json", "txt"};
    EXPECT_EQ(list[0].formats, expected);
    for (const std::string& f : list[0].formats) {
      EXPECT_EQ(archive_->Get("alpha", kW48, f)->body,
                fmt::format("{} alpha 2026-W48 {}", f, total));
    }
  };
  std::thread a([&] {
    for (int i = 0; i < kRounds; ++i) {
      sync.arrive_and_wait();
      archive_->Save(Report("alpha", kW48, 1, {"html", "csv"}));
      sync.arrive_and_wait();
      check();  // the other thread waits at the next round's start
    }
  });
  std::thread b([&] {
    for (int i = 0; i < kRounds; ++i) {
      sync.arrive_and_wait();
      other.Save(Report("alpha", kW48, 2, {"csv", "json", "txt"}));
      sync.arrive_and_wait();
    }
  });
  a.join();
  b.join();
}

TEST_F(PostgresReportArchiveTest, UnreachableServerIsUnavailable) {
  PostgresReportArchive archive("postgresql://nobody@127.0.0.1:1/none", "secret");
  const std::string error = ErrorOf<Unavailable>([&] { archive.List(std::nullopt, kW48); });
  EXPECT_EQ(error.find("secret"), std::string::npos);
  EXPECT_THROW(archive.Save(Report("alpha", kW48, 1, {"html"})), Unavailable);
}

}  // namespace
}  // namespace costledger::postgres
