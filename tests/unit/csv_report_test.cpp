// The CSV rendering: RFC 4180, one row per workload with every figure, safe in spreadsheets.
#include "costledger/reports/csv_report.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report_fixtures.hpp"

namespace costledger::reports {
namespace {

using costledger::testing::CostRow;
using Rows = std::vector<std::vector<std::string>>;

/// A strict RFC 4180 reader: records end in CRLF; quoted fields may hold anything.
Rows Parse(const std::string& csv) {
  Rows rows(1);
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "quote inside an unquoted field at " << i;
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\r') {
      EXPECT_EQ(csv[i + 1], '\n') << "bare CR at " << i;
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "bare LF at " << i;
      field += c;
    }
  }
  EXPECT_FALSE(quoted);
  EXPECT_TRUE(field.empty() && rows.back().empty()) << "the last record must end in CRLF";
  rows.pop_back();
  return rows;
}

std::size_t Column(const Rows& rows, const std::string& name) {
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(CsvReportTest, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvReportTest, OneRowPerWorkloadWithEveryFigure) {
  const model::WeeklyReport r =
      model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
  const Rows rows = Parse(RenderCsv(r));
  ASSERT_EQ(rows.size(), r.workloads.size() + 1);
  EXPECT_EQ(rows[0].size(), 26U);
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  const std::size_t cost = Column(rows, "cost");
  const std::size_t nanos = Column(rows, "cost_nanos");
  std::int64_t sum = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const model::WorkloadLine& w = r.workloads[i - 1];
    EXPECT_EQ(rows[i][Column(rows, "team")], "data-science");
    EXPECT_EQ(rows[i][Column(rows, "week")], "2026-W48");
    EXPECT_EQ(rows[i][Column(rows, "workload")], w.workload);
    EXPECT_EQ(rows[i][cost], w.cost.ToDecimalString());
    EXPECT_EQ(model::Money::ParseDollars(rows[i][cost]).nanos(), std::stoll(rows[i][nanos]));
    sum += std::stoll(rows[i][nanos]);
  }
  EXPECT_EQ(sum, r.total.nanos());  // the spreadsheet adds up to the report's total
  const std::size_t gpu = Column(rows, "gpu_efficiency");
  EXPECT_EQ(rows[2][Column(rows, "workload")], "spark:daily-agg");
  EXPECT_EQ(rows[2][gpu], "");  // no GPUs requested: unknown, not 0
  EXPECT_EQ(rows[2][Column(rows, "spot_share")], "1");
}

TEST(CsvReportTest, HostileTextIsQuotedAndNeverAFormula) {
  model::WeeklyReportInput in;
  in.team = "=HYPERLINK(\"http://evil\")";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  in.rows = {CostRow(0, "ns,with,commas", "spark", "say \"hi\"\r\nline 2", "1"),
             CostRow(0, "+ns", "@p", "-2+3", "2"), CostRow(0, "ns", "", "\tcmd", "3")};
  const Rows rows = Parse(RenderCsv(model::BuildWeeklyReport(in)));
  ASSERT_EQ(rows.size(), 4U);
  const std::size_t workload = Column(rows, "workload");
  EXPECT_EQ(rows[1][workload], "'\tcmd");
  EXPECT_EQ(rows[2][workload], "'-2+3");
  EXPECT_EQ(rows[2][Column(rows, "namespace")], "'+ns");
  EXPECT_EQ(rows[2][Column(rows, "platform")], "'@p");
  EXPECT_EQ(rows[3][workload], "say \"hi\"\r\nline 2");
  EXPECT_EQ(rows[3][Column(rows, "namespace")], "ns,with,commas");
  EXPECT_EQ(rows[3][Column(rows, "team")], "'=HYPERLINK(\"http://evil\")");
  EXPECT_EQ(rows[3][Column(rows, "change")], "");  // no previous week: empty, not zero
}

TEST(CsvReportTest, ATeamWithoutWorkloadsGetsTheHeaderOnly) {
  model::WeeklyReportInput in;
  in.team = "quiet";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  const std::string csv = RenderCsv(model::BuildWeeklyReport(in));
  EXPECT_EQ(Parse(csv).size(), 1U);
  EXPECT_EQ(csv.rfind("team,week,namespace,platform,workload,clusters,cost,cost_nanos,", 0), 0U);
}

}  // namespace
}  // namespace costledger::reports
