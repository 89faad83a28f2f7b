// The HTML rendering: self-contained, well nested, escaped, and its figures are the report's.
#include "costledger/reports/html_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include "costledger/model/quota_text.hpp"
#include "costledger/model/report_text.hpp"
#include "quota_test_zones.hpp"
#include "report_fixtures.hpp"

namespace costledger::reports {
namespace {

using costledger::testing::CostRow;
using model::WeeklyReport;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// Checks that every element is closed in order (void and self-closed ones aside); returns the
/// first problem or "".
std::string NestingProblem(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "br", "wbr", "hr", "img", "input", "link"};
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    if (html.compare(pos, 9, "<!DOCTYPE") == 0) {
      pos = html.find('>', pos);
      continue;
    }
    const std::size_t end = html.find('>', pos);
    if (end == std::string::npos) return "unterminated tag";
    const std::string tag = html.substr(pos + 1, end - pos - 1);
    pos = end;
    const bool closing = !tag.empty() && tag[0] == '/';
    const std::string name =
        tag.substr(closing ? 1 : 0, tag.find_first_of(" />", 1) - (closing ? 1 : 0));
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? "" : open.back()) + ">";
      }
      open.pop_back();
    } else if (tag.back() != '/' && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> left open";
}

std::string FigureText(const std::string& html, const std::string& name) {
  const std::string key = "data-figure=\"" + name + "\">";
  const std::size_t at = html.find(key);
  if (at == std::string::npos) return "<missing " + name + ">";
  const std::size_t start = at + key.size();
  return html.substr(start, html.find('<', start) - start);
}

WeeklyReport Realistic() {
  return model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
}

WeeklyReport Hostile() {
  model::WeeklyReportInput in = costledger::testing::RealisticReportInput();
  in.team = "t&<b>";
  in.zone_name = "<script>alert('zone')</script>";
  in.rows.push_back(CostRow(2, "ns\"><img src=x onerror=alert(1)>", "<svg onload=alert(2)>",
                            "<script>alert(3)</script>", "5000"));
  in.queries.at(0).query = "SELECT '</code><script>alert(4)</script>'";
  in.queries.at(0).work_group = "<iframe src=javascript:alert(5)>";
  in.storage->at(0).volume = "<style>*{display:none}</style>";
  in.quotas.at(0).quota.name = "q\"onmouseover=\"alert(6)";
  return model::BuildWeeklyReport(in);
}

TEST(HtmlReportTest, IsOneWellNestedSelfContainedPage) {
  const std::string html = RenderHtml(Realistic(), {"https://costledger.example/r?a=1&b=2"});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(NestingProblem(html), "");
  const std::string lower = Lower(html);
  for (const char* banned : {"<script", "<style", "<link", "<img", "<iframe", "<object", "<embed",
                             "@import", "url(", "javascript:", " src=", " onload", " onerror"}) {
    EXPECT_EQ(lower.find(banned), std::string::npos) << banned;
  }
  // The only URLs: the SVG namespace and the link given.
  const std::regex url(R"(https?://[^"'\s<>]+)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator();
       ++it) {
    const std::string u = it->str();
    EXPECT_TRUE(u == "http://www.w3.org/2000/svg" ||
                u == "https://costledger.example/r?a=1&amp;b=2")
        << u;
  }
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<table"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\""), std::string::npos);
}

TEST(HtmlReportTest, HostileNamesAreEscapedEverywhere) {
  const std::string html = RenderHtml(Hostile());
  EXPECT_EQ(NestingProblem(html), "");
  const std::string lower = Lower(html);
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<img"), std::string::npos);
  EXPECT_EQ(lower.find("<iframe"), std::string::npos);
  EXPECT_EQ(lower.find("<style"), std::string::npos);
  EXPECT_EQ(lower.find("<svg onload"), std::string::npos);
  EXPECT_EQ(html.find("\"onmouseover"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(3)&lt;/<wbr>script&gt;"), std::string::npos);
  EXPECT_NE(html.find("t&amp;&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;zone&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST(HtmlReportTest, FiguresAreTheReportsFiguresAsShown) {
  const WeeklyReport r = Realistic();
  const std::string html = RenderHtml(r);
  EXPECT_EQ(FigureText(html, "total_cost"), model::FormatDollars(r.total));
  EXPECT_EQ(FigureText(html, "previous_total_cost"), model::FormatDollars(*r.previous_total));
  EXPECT_EQ(FigureText(html, "change"), model::FormatSignedDollars(*r.change));
  EXPECT_EQ(FigureText(html, "query_cost"), model::FormatDollars(r.queries.total));
  EXPECT_EQ(FigureText(html, "storage_cost"), model::FormatDollars(r.storage.total));
  EXPECT_EQ(FigureText(html, "combined_cost"), model::FormatDollars(r.combined_total));
  EXPECT_EQ(FigureText(html, "spot_saving"), model::FormatDollars(r.spot.saving));
  EXPECT_EQ(FigureText(html, "rightsizing_saving"),
            model::FormatDollars(r.rightsizing.total_saving));
  EXPECT_EQ(FigureText(html, "gpu_hours"), model::FormatHours(r.gpu_hours));
  for (const model::DayCost& d : r.days) {
    EXPECT_EQ(FigureText(html, "day_cost:" + model::FormatDate(d.day.date)),
              model::FormatDollars(d.total));
  }
  for (const model::WorkloadLine& w : r.TopWorkloads()) {
    EXPECT_EQ(
        FigureText(html, "workload_cost:" + w.namespace_name + "/" + w.platform + "/" + w.workload),
        model::FormatDollars(w.cost));
  }
  EXPECT_EQ(FigureText(html, "others_cost"), model::FormatDollars(r.others->cost));
  for (const model::GroupCost& g : r.namespaces) {
    EXPECT_EQ(FigureText(html, "namespace_cost:" + g.name), model::FormatDollars(g.cost));
  }
  for (const model::WorkgroupQueries& g : r.queries.workgroups) {
    EXPECT_EQ(FigureText(html, "workgroup_cost:" + g.work_group), model::FormatDollars(g.cost));
  }
  for (const model::QuotaLine& q : r.quotas) {
    EXPECT_EQ(FigureText(html, "quota_spent:" + q.name),
              model::FormatQuotaAmount(q.status.unit, q.status.spent));
  }
}

TEST(HtmlReportTest, ATeamWithoutSpendGetsAShortPage) {
  model::WeeklyReportInput in;
  in.team = "quiet";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  in.zone_name = "UTC";
  const std::string html = RenderHtml(model::BuildWeeklyReport(in));
  EXPECT_EQ(NestingProblem(html), "");
  EXPECT_EQ(FigureText(html, "total_cost"), "$0.00");
  EXPECT_NE(html.find("had no recorded spend"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_LT(html.size(), 8000U);
}

TEST(HtmlReportTest, StorageSaysWhenItIsNotCostedYet) {
  model::WeeklyReportInput in = costledger::testing::RealisticReportInput();
  in.storage.reset();
  const std::string html = RenderHtml(model::BuildWeeklyReport(in));
  EXPECT_NE(html.find("Storage costs are not available yet"), std::string::npos);
  EXPECT_EQ(html.find("data-figure=\"storage_cost\""), std::string::npos);
}

TEST(HtmlReportTest, ADstWeekSaysItsLength) {
  model::WeeklyReportInput in = costledger::testing::RealisticReportInput();
  in.week = model::WeekWindows({2026, 43}, model::testing::EuRulesZone::Berlin());
  const std::string html = RenderHtml(model::BuildWeeklyReport(in));
  EXPECT_NE(html.find("169 hours (clock change)"), std::string::npos);
  EXPECT_NE(html.find("(CEST to CET)"), std::string::npos);
  EXPECT_NE(html.find("Sun 25 <span style=\"color:#4b5563;\">(25 h)</span>"), std::string::npos);
}

}  // namespace
}  // namespace costledger::reports

namespace costledger::reports {
namespace {

TEST(HtmlReportTest, AZoneNamedByItsAbbreviationIsNotRepeated) {
  model::WeeklyReportInput input;
  input.team = "alpha";
  input.zone_name = "UTC";
  input.week = model::WeekWindows({2026, 49}, model::FixedOffsetZone::Utc());
  const std::string html = RenderHtml(model::BuildWeeklyReport(input));
  EXPECT_EQ(html.find("UTC (UTC)"), std::string::npos);
  EXPECT_NE(html.find("30 Nov – 6 Dec 2026 · UTC"), std::string::npos);
}

}  // namespace
}  // namespace costledger::reports
