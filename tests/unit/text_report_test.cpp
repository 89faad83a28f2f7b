// The plain-text rendering (mail text/plain part) and the chat summary.
#include "costledger/reports/text_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "costledger/model/quota_text.hpp"
#include "report_fixtures.hpp"

namespace costledger::reports {
namespace {

TEST(TextReportTest, HasTheFiguresInLinesThatFitAMailReader) {
  const model::WeeklyReport r =
      model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
  const std::string text = RenderText(r);
  EXPECT_EQ(text.rfind("Weekly cost report: team data-science\n2026-W48, 23\u201329 Nov 2026, "
                       "Europe/Berlin\n",
                       0),
            0U);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(line.size(), 78U) << line;
  EXPECT_NE(text.find(model::FormatDollars(r.total)), std::string::npos);
  EXPECT_NE(text.find("TOP WORKLOADS"), std::string::npos);
  EXPECT_NE(text.find("others (2 workloads)"), std::string::npos);
  EXPECT_NE(text.find("ATHENA QUERIES BY WORKGROUP"), std::string::npos);
  EXPECT_NE(text.find("Who ran each query is not recorded"), std::string::npos);
  EXPECT_NE(text.find("(keep); memory 128 GiB -> 123.73 GiB"), std::string::npos);
  EXPECT_EQ(text.find('<'), std::string::npos);
}

TEST(TextReportTest, AQuietTeamGetsAFewLines) {
  model::WeeklyReportInput in;
  in.team = "quiet";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  in.zone_name = "UTC";
  const std::string text = RenderText(model::BuildWeeklyReport(in));
  EXPECT_NE(text.find("Team quiet had no recorded spend in 2026-W48"), std::string::npos);
  EXPECT_EQ(text.find("TOP WORKLOADS"), std::string::npos);
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 20);
}

TEST(TextReportTest, TheChatSummaryLinksTheReport) {
  const model::WeeklyReport r =
      model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
  EXPECT_EQ(RenderTextSummary(r, "https://x/r.html"),
            "Weekly cost report: team data-science, 2026-W48\n" + r.summary +
                "\nFull report: https://x/r.html\n");
  EXPECT_EQ(RenderTextSummary(r),
            "Weekly cost report: team data-science, 2026-W48\n" + r.summary + "\n");
}

}  // namespace
}  // namespace costledger::reports
