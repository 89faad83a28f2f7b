// The JSON rendering: the report's content for tools, exact amounts beside dollars.
#include "costledger/reports/json_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report_fixtures.hpp"

namespace costledger::reports {
namespace {

using costledger::testing::CostRow;
using nlohmann::json;

TEST(JsonReportTest, CarriesTheContractFieldsAndExactAmounts) {
  const model::WeeklyReport r =
      model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
  const json j = json::parse(RenderJson(r));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["team"], "data-science");
  EXPECT_EQ(j["week"], "2026-W48");
  EXPECT_EQ(j["time_zone"], "Europe/Berlin");
  EXPECT_EQ(j["window"]["start"], "2026-11-22T23:00:00Z");
  EXPECT_EQ(j["window"]["hours"], 168);
  EXPECT_EQ(j["total_cost_nanos"], r.total.nanos());
  EXPECT_DOUBLE_EQ(j["total_cost"].get<double>(), r.total.Dollars());
  EXPECT_EQ(j["previous_total_cost_nanos"], r.previous_total->nanos());
  EXPECT_EQ(j["change_nanos"], r.change->nanos());
  EXPECT_EQ(j["combined_cost_nanos"], r.combined_total.nanos());
  EXPECT_EQ(j["summary"], r.summary);

  // The parts add up to the total, in the JSON as in the report.
  std::int64_t days = 0;
  ASSERT_EQ(j["days"].size(), 7U);
  for (const json& d : j["days"]) {
    days += d["cost_nanos"].get<std::int64_t>();
    std::int64_t cells = 0;
    for (const json& c : d["by_namespace"]) cells += c["cost_nanos"].get<std::int64_t>();
    EXPECT_EQ(cells, d["cost_nanos"]);
  }
  EXPECT_EQ(days, r.total.nanos());
  std::int64_t workloads = 0;
  for (const json& w : j["workloads"]) workloads += w["cost_nanos"].get<std::int64_t>();
  EXPECT_EQ(workloads, r.total.nanos());
  ASSERT_EQ(j["workloads"].size(), 12U);
  EXPECT_EQ(j["top_workloads"], 10);
  EXPECT_EQ(j["other_workloads"]["workload_count"], 2);

  const json& agg = j["workloads"][1];
  EXPECT_EQ(agg["workload"], "spark:daily-agg");
  EXPECT_TRUE(agg["gpu_efficiency"].is_null());
  EXPECT_EQ(agg["spot_share"], 1.0);
  EXPECT_EQ(j["biggest_changes"].size(), 3U);
  EXPECT_EQ(j["biggest_changes"][1]["kind"], "namespace");
  EXPECT_EQ(j["queries"]["total_cost_nanos"], r.queries.total.nanos());
  EXPECT_TRUE(j["queries"]["workgroups"][0]["top"][0]["who_ran"].is_null());
  EXPECT_EQ(j["spot"]["saving_nanos"], r.spot.saving.nanos());
  EXPECT_EQ(j["storage"]["costed"], true);
  EXPECT_EQ(j["quotas"][0]["name"], "ml-gpu-hours");
  EXPECT_EQ(j["quotas"][0]["unit"], "gpu_hours");
  EXPECT_EQ(j["quotas"][0]["spent"], 655);
  EXPECT_EQ(j["quotas"][0]["limit_reached"], true);
  EXPECT_EQ(j["rightsizing"]["total_saving_nanos"], r.rightsizing.total_saving.nanos());
  EXPECT_EQ(j["rightsizing"]["recommendations"][0]["cpu_millicores"]["current_request"], 4000);
}

TEST(JsonReportTest, UnknownFiguresAreNullAndAQuietTeamIsValid) {
  model::WeeklyReportInput in;
  in.team = "quiet";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  in.zone_name = "UTC";
  const json j = json::parse(RenderJson(model::BuildWeeklyReport(in)));
  EXPECT_EQ(j["total_cost"], 0.0);
  EXPECT_EQ(j["total_cost_nanos"], 0);
  EXPECT_TRUE(j["previous_total_cost"].is_null());
  EXPECT_TRUE(j["previous_total_cost_nanos"].is_null());
  EXPECT_TRUE(j["change_ratio"].is_null());
  EXPECT_TRUE(j["cpu_efficiency"].is_null());
  EXPECT_TRUE(j["workloads"].empty());
  EXPECT_TRUE(j["other_workloads"].is_null());
  EXPECT_EQ(j["storage"]["costed"], false);
}

TEST(JsonReportTest, TextRoundTripsAndInvalidUtf8IsReplaced) {
  model::WeeklyReportInput in;
  in.team = "t\"\\</script>";
  in.week = model::WeekWindows({2026, 48}, model::FixedOffsetZone::Utc());
  in.rows = {CostRow(0, "ns", "spark", "w\n\u00e9", "1"),
             CostRow(0, "ns", "spark", "bad\xff", "1")};
  const json j = json::parse(RenderJson(model::BuildWeeklyReport(in)));
  EXPECT_EQ(j["team"], "t\"\\</script>");
  EXPECT_EQ(j["workloads"][0]["workload"], "bad\xEF\xBF\xBD");
  EXPECT_EQ(j["workloads"][1]["workload"], "w\n\u00e9");
}

}  // namespace
}  // namespace costledger::reports
