#include "costledger/model/archived_report.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

TEST(ArchivedReportTest, ReportPathsEncodeEveryByteButTheUnreservedOnes) {
  EXPECT_EQ(ReportPath({2026, 48}, "alpha", "html"), "/v1/reports/2026-W48/alpha.html");
  EXPECT_EQ(ReportPath({2026, 1}, "team a/b", "csv"), "/v1/reports/2026-W01/team%20a%2Fb.csv");
  EXPECT_EQ(PercentEncode("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(PercentEncode("é%?"), "%C3%A9%25%3F");
}

TEST(ArchivedReportTest, ContentTypesOfTheArchivedFormats) {
  EXPECT_EQ(ReportContentType("html"), "text/html; charset=utf-8");
  EXPECT_EQ(ReportContentType("csv"), "text/csv; charset=utf-8");
  EXPECT_EQ(ReportContentType("pdf"), std::nullopt);
}

}  // namespace
}  // namespace costledger::model
