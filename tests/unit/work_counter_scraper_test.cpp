#include "costledger/fetch/work_counter_scraper.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace costledger::fetch {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;

constexpr sys_seconds kT0{seconds(1'700'000'000)};

TEST(WorkCounterScraperTest, SumsTheCountersSeriesAndNamesWhatFailed) {
  const testing::TempDir dir("costledger-work-counter");
  std::ofstream(dir.Path("a.prom")) << "# TYPE items_processed_total counter\n"
                                       "items_processed_total{queue=\"a\"} 10\n"
                                       "items_processed_total{queue=\"b\"} 5\n"
                                       "items_failed_total 99\n";
  std::ofstream(dir.Path("b.prom")) << "other_total 1\n";
  WorkCounterScraper scraper({{"q/a", dir.Path("a.prom"), "items_processed_total"},
                              {"q/b", dir.Path("b.prom"), "items_processed_total"},
                              {"q/c", dir.Path("missing.prom"), "items_processed_total"}},
                             {}, std::chrono::hours(1));
  const auto errors = scraper.Scrape(kT0);
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_THAT(errors[0], HasSubstr("q/b: no sample of items_processed_total"));
  EXPECT_THAT(errors[1], HasSubstr("q/c"));
  const auto read = scraper.ReadCounters({kT0, kT0 + seconds(60)});
  ASSERT_EQ(read.size(), 1U);
  ASSERT_EQ(read.at("q/a").size(), 1U);
  EXPECT_EQ(read.at("q/a")[0].value, 15.0);
}

TEST(WorkCounterScraperTest, KeepsReadingsInOrderWithinRetentionAndWindow) {
  WorkCounterScraper scraper({}, {}, seconds(120));
  scraper.Record("w", kT0, 1);
  scraper.Record("w", kT0 + seconds(60), 2);
  scraper.Record("w", kT0 + seconds(30), 9);   // out of order: dropped
  scraper.Record("w", kT0 + seconds(180), 0);  // a reset is kept: resets are handled on use
  const auto all = scraper.ReadCounters({kT0, kT0 + seconds(600)});
  ASSERT_EQ(all.at("w").size(), 2U);  // kT0 fell out of the 120 s retention
  EXPECT_EQ(all.at("w")[0].value, 2.0);
  EXPECT_EQ(all.at("w")[1].value, 0.0);
  EXPECT_EQ(scraper.ReadCounters({kT0, kT0 + seconds(100)}).at("w").size(), 1U);
}

}  // namespace
}  // namespace costledger::fetch
