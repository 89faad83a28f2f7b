#include "costledger/api/efficiency_routes.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::ApiRequest;
using testing::ErrorOf;
using ::testing::HasSubstr;

constexpr sys_seconds kNow{seconds(1'700'006'400)};  // 2023-11-15T00:00:00Z
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

// Two nodes over the last hour: a used spot m5.large and an unused on-demand c5.large.
class FakeReads final : public ports::AllocationReader, public ports::AssetReader {
 public:
  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds /*end*/, seconds /*step*/,
      std::span<const model::PropertyRef> grouping) override {
    model::AllocationRow r;
    r.first_start = start;
    r.last_end = start + seconds(3600);
    r.cpu_usage_millicore_seconds = 1000.0 * 3600;
    r.cpu_request_millicore_seconds = 2000.0 * 3600;
    r.cpu_cost = model::Money::FromNanos(60'000'000);
    if (grouping.size() == 3) {
      r.values = {"c", "spot-node", "Deployment"};
    } else {
      r.values = {"queue", "worker", "kubernetes", "worker", "alpha", "c", "Deployment"};
    }
    return {r};
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds /*start*/, sys_seconds /*end*/,
                                       seconds /*step*/) override {
    return {};
  }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds start, sys_seconds /*end*/) override {
    model::NodeAssetRow a;
    a.cluster = "c";
    a.node = "spot-node";
    a.instance_type = "m5.large";
    a.zone = "us-east-1a";
    a.capacity_type = "spot";
    a.first_start = start;
    a.last_end = start + seconds(3600);
    a.seconds = 3600;
    a.cpu_millicores = 2000;
    a.memory_bytes = 8 * kGiB;
    a.max_price_per_hour = model::Money::FromNanos(40'000'000);
    a.cpu_cost = model::Money::FromNanos(30'000'000);
    a.ram_cost = model::Money::FromNanos(10'000'000);
    a.cost = a.cpu_cost + a.ram_cost;
    model::NodeAssetRow b = a;
    b.node = "od-node";
    b.instance_type = "c5.large";
    b.capacity_type = "on-demand";
    if (grouped) {
      a.node_group = "workers.spot";  // a '.' the expander must escape
      b.node_group = "general";
    }
    return {a, b};
  }
  bool grouped = false;  ///< whether the nodes carry node groups
};

class EfficiencyRoutesTest : public ::testing::Test {
 protected:
  http::HttpResponse Get(const std::string& target, const Principal& who = All()) {
    return AnswerEfficiency({reads_, reads_}, settings_, ApiRequest(target, nullptr), who, kNow);
  }
  static Principal All() { return {"t", Role::kViewer, model::TeamScope::All()}; }
  FakeReads reads_;
  EfficiencySettings settings_;
};

TEST_F(EfficiencyRoutesTest, OfferingsFollowTheContractWithNullForNoUsage) {
  const http::HttpResponse r = Get("/v1/efficiency?window=1h&by=offering");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["code"], 200);
  ASSERT_EQ(body["data"].size(), 2U);
  const json& unused = body["data"][0];  // c5.large sorts first
  EXPECT_EQ(unused["instance_type"], "c5.large");
  EXPECT_EQ(unused["capacity_type"], "on-demand");
  EXPECT_TRUE(unused["effective_cost_per_used_vcpu_hour"].is_null());
  EXPECT_TRUE(unused["interruption_adjusted_cost_per_used_vcpu_hour"].is_null());
  const json& used = body["data"][1];
  EXPECT_EQ(used["capacity_type"], "spot");
  EXPECT_EQ(used["zone"], "us-east-1a");
  EXPECT_DOUBLE_EQ(used["node_hours"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(used["hourly_price"].get<double>(), 0.04);
  EXPECT_DOUBLE_EQ(used["cpu_utilization"].get<double>(), 0.5);
  // $0.03 CPU pool over 1 used core-hour.
  EXPECT_EQ(used["effective_cost_per_used_vcpu_hour_nanos"], 30'000'000);
  EXPECT_DOUBLE_EQ(used["effective_cost_per_used_vcpu_hour"].get<double>(), 0.03);
  EXPECT_TRUE(used["effective_cost_per_used_gpu_hour"].is_null());
  EXPECT_EQ(used["interruptions_per_node_hour"], 0.0);
  EXPECT_THAT(body["interruption_assumption"].get<std::string>(), HasSubstr("spot"));
}

TEST_F(EfficiencyRoutesTest, FilterSelectsOfferings) {
  const json body =
      json::parse(Get("/v1/efficiency?window=1h&filter=capacity_type:%22spot%22").body);
  ASSERT_EQ(body["data"].size(), 1U);
  EXPECT_EQ(body["data"][0]["instance_type"], "m5.large");
}

TEST_F(EfficiencyRoutesTest, WorkloadsCarryCostPerHourAndEfficiency) {
  const json body = json::parse(Get("/v1/efficiency?window=1h&by=workload").body);
  ASSERT_EQ(body["data"].size(), 1U);
  EXPECT_EQ(body["data"][0]["workload"], "queue/worker");
  EXPECT_EQ(body["data"][0]["cost_per_hour_nanos"], 60'000'000);
  EXPECT_DOUBLE_EQ(body["data"][0]["cpu_efficiency"].get<double>(), 0.5);
  EXPECT_TRUE(body["data"][0]["work"].is_null());
  // A token of another team sees nothing.
  const json other = json::parse(Get("/v1/efficiency?window=1h&by=workload",
                                     {"b", Role::kViewer, model::TeamScope::Only({"beta"})})
                                     .body);
  EXPECT_TRUE(other["data"].empty());
}

TEST_F(EfficiencyRoutesTest, BadParametersNameTheField) {
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Get("/v1/efficiency?window=1h&by=node"); }),
              HasSubstr("'by'"));
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Get("/v1/efficiency?window=soon"); }),
              HasSubstr("'window'"));
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Get("/v1/efficiency?window=1h&filter=color:red"); }),
              HasSubstr("'color'"));
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Get("/v1/efficiency?window=1h&step=1h"); }),
              HasSubstr("'step'"));
}

TEST_F(EfficiencyRoutesTest, OfferingsNeedAnUnscopedToken) {
  EXPECT_EQ(Get("/v1/efficiency?window=1h", {"b", Role::kViewer, model::TeamScope::Only({"beta"})})
                .status,
            403);
}

TEST_F(EfficiencyRoutesTest, PriorityExpanderRanksTheUsedOfferingFirst) {
  const http::HttpResponse r = Get("/v1/efficiency/priority-expander?window=1h");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/yaml");
  EXPECT_EQ(r.body,
            "apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata:\n"
            "  name: cluster-autoscaler-priority-expander\n"
            "  namespace: kube-system\n"
            "  labels:\n"
            "    app.kubernetes.io/managed-by: costledger\n"
            "data:\n"
            "  priorities: |-\n"
            "    20:\n"
            "      - '.*spot.*m5[.-]large.*'\n"
            "    10:\n"
            "      - '.*on-?demand.*c5[.-]large.*'\n"
            "    1:\n"
            "      - '.*'\n");
}

TEST_F(EfficiencyRoutesTest, KarpenterListsInstanceTypesPerCapacityType) {
  const json body = json::parse(Get("/v1/efficiency/karpenter?window=1h").body);
  EXPECT_EQ(body["data"]["spot"]["instance_types"][0]["instance_type"], "m5.large");
  EXPECT_EQ(body["data"]["spot"]["requirements"][1]["values"], json::array({"m5.large"}));
  EXPECT_EQ(body["data"]["on-demand"]["instance_types"][0]["instance_type"], "c5.large");
  EXPECT_TRUE(body["data"]["on-demand"]["instance_types"][0]["cost"].is_null());
}

TEST_F(EfficiencyRoutesTest, OfferingsCarryTheirNodeGroup) {
  EXPECT_EQ(json::parse(Get("/v1/efficiency?window=1h").body)["data"][1]["node_group"], "");
  reads_.grouped = true;
  const json body = json::parse(Get("/v1/efficiency?window=1h").body);
  ASSERT_EQ(body["data"].size(), 2U);
  EXPECT_EQ(body["data"][0]["node_group"], "general");
  EXPECT_EQ(body["data"][1]["node_group"], "workers.spot");
  const json spot =
      json::parse(Get("/v1/efficiency?window=1h&filter=node_group:%22workers.spot%22").body);
  ASSERT_EQ(spot["data"].size(), 1U);
  EXPECT_EQ(spot["data"][0]["instance_type"], "m5.large");
}

TEST_F(EfficiencyRoutesTest, PriorityExpanderNamesNodeGroupsAnchoredAndEscaped) {
  reads_.grouped = true;
  const http::HttpResponse r = Get("/v1/efficiency/priority-expander?window=1h");
  ASSERT_EQ(r.status, 200);
  // The name itself, or an EKS managed node group's ASG name for it (eks-<name>-<uuid>).
  const std::string uuid = "(-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})?";
  EXPECT_THAT(r.body, HasSubstr("  priorities: |-\n"
                                "    20:\n"
                                "      - '^(eks-)?workers\\.spot" +
                                uuid +
                                "$'\n"
                                "    10:\n"
                                "      - '^(eks-)?general" +
                                uuid +
                                "$'\n"
                                "    1:\n"
                                "      - '.*'\n"));
  // What the Cluster Autoscaler would match them against.
  const std::regex spot("^(eks-)?workers\\.spot" + uuid + "$");
  EXPECT_TRUE(std::regex_match("workers.spot", spot));
  EXPECT_TRUE(std::regex_match("eks-workers.spot-40bbb26b-8679-eb64-d33a-4ba475413529", spot));
  EXPECT_FALSE(std::regex_match("workersXspot", spot));
  EXPECT_FALSE(std::regex_match("workers.spot-2", spot));
  EXPECT_FALSE(
      std::regex_match("eks-workers.spot-other-40bbb26b-8679-eb64-d33a-4ba475413529", spot));
}

TEST_F(EfficiencyRoutesTest, KarpenterRanksPerNodeGroupToo) {
  reads_.grouped = true;
  const json body = json::parse(Get("/v1/efficiency/karpenter?window=1h").body);
  EXPECT_EQ(body["data"]["spot"]["instance_types"][0]["node_group"], "workers.spot");
  ASSERT_EQ(body["node_groups"].size(), 2U);
  const json& pool = body["node_groups"]["workers.spot"];
  EXPECT_EQ(pool["spot"]["instance_types"][0]["instance_type"], "m5.large");
  EXPECT_EQ(pool["spot"]["requirements"][1]["values"], json::array({"m5.large"}));
  EXPECT_FALSE(pool.contains("on-demand"));  // the group had no on-demand nodes
  EXPECT_EQ(body["node_groups"]["general"]["on-demand"]["instance_types"][0]["instance_type"],
            "c5.large");
}

TEST_F(EfficiencyRoutesTest, RoutesAreNamedForMetrics) {
  EXPECT_EQ(CostApi::RouteOf("/v1/efficiency"), "/v1/efficiency");
  EXPECT_EQ(CostApi::RouteOf("/v1/efficiency/priority-expander"),
            "/v1/efficiency/priority-expander");
  EXPECT_EQ(CostApi::RouteOf("/v1/efficiency/karpenter"), "/v1/efficiency/karpenter");
}

// Two workloads over three UTC days and the hours either side: the reads the feed makes.
class DayReads final : public ports::AllocationReader,
                       public ports::AssetReader,
                       public ports::UsageSeriesReader,
                       public ports::WorkCounterReader {
 public:
  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, seconds step,
      std::span<const model::PropertyRef> /*grouping*/) override {
    steps.push_back(step);
    std::vector<model::AllocationRow> rows;
    for (const auto& [controller, nanos] : {std::pair{"cheap", 1'000'000}, {"costly", 9'000'000}}) {
      std::size_t index = 0;
      for (sys_seconds t = start; t < end; t += step, ++index) {
        model::AllocationRow r;
        r.step = index;
        r.values = {"ml", controller, "kubernetes", controller, "alpha", "c", "Deployment"};
        r.first_start = t;
        r.last_end = std::min(end, t + step);
        r.cpu_cost = model::Money::FromNanos(nanos);
        r.cpu_request_millicore_seconds = 1000.0 * static_cast<double>((r.last_end - t).count());
        rows.push_back(r);
      }
    }
    return rows;
  }
  std::optional<std::vector<model::WorkloadActivityRow>> ReadWorkloadActivity(
      std::chrono::sys_days from, std::chrono::sys_days to) override {
    activity_reads.emplace_back(from, to);
    std::vector<model::WorkloadActivityRow> rows;
    for (std::size_t day = 0; day < static_cast<std::size_t>((to - from).count()); ++day) {
      rows.push_back({day, "c", "ml", "alpha", "cheap", 3600});
      rows.push_back({day, "c", "ml", "alpha", "costly", 7200});
    }
    return rows;
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds, sys_seconds, seconds) override { return {}; }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds, sys_seconds) override { return {}; }
  std::vector<model::ContainerUsageSeries> ReadUsageSeries(
      model::TimeWindow window, const std::optional<std::string>& /*team*/) override {
    ++all_usage_reads;
    std::vector<model::ContainerUsageSeries> out;
    for (const char* controller : {"cheap", "costly"}) {
      model::ContainerUsageSeries s;
      s.namespace_name = "ml";
      s.controller = controller;
      s.platform = "kubernetes";
      s.workload = controller;
      s.container = "main";
      s.cpu_request_millicores = 1000;
      for (sys_seconds t = window.start; t < window.end; t += std::chrono::hours(1)) {
        s.cpu_millicores.push_back({t, 200});
      }
      out.push_back(std::move(s));
    }
    return out;
  }
  std::vector<model::ContainerUsageSeries> ReadWorkloadUsageSeries(
      model::TimeWindow window, std::span<const std::string> workloads) override {
    usage_for.assign(workloads.begin(), workloads.end());
    return UsageSeriesReader::ReadWorkloadUsageSeries(window, workloads);
  }
  std::map<std::string, std::vector<model::CounterSample>, std::less<>> ReadCounters(
      model::TimeWindow window) override {
    if (!counted) return {};
    return {{"ml/costly", {{window.start, 0}, {window.end, 10}}}};
  }

  std::vector<seconds> steps;
  std::vector<std::pair<std::chrono::sys_days, std::chrono::sys_days>> activity_reads;
  int all_usage_reads = 0;
  std::vector<std::string> usage_for;
  bool counted = false;
};

TEST(EfficiencyFeedReadsTest, WholeDaysAreReadAsDaysWithTheirActivity) {
  DayReads reads;
  const EfficiencyReaders readers{reads, reads, &reads, &reads};
  const EfficiencySettings settings;
  const Principal all{"t", Role::kViewer, model::TeamScope::All()};
  // 2023-11-15T00:00Z minus 3 days and 6 hours, to plus 2 hours.
  const model::TimeWindow window{kNow - std::chrono::hours(78), kNow + std::chrono::hours(2)};
  const auto feed = ReadWorkloadFeed(readers, window, settings, all);
  const std::chrono::sys_days first{std::chrono::floor<std::chrono::days>(kNow) -
                                    std::chrono::days(3)};
  ASSERT_EQ(reads.activity_reads.size(), 1U);
  EXPECT_EQ(reads.activity_reads[0], std::pair(first, first + std::chrono::days(3)));
  EXPECT_EQ(reads.steps, (std::vector<seconds>{seconds(3600), seconds(86400), seconds(3600)}));
  ASSERT_EQ(feed.size(), 2U);
  // 6 hours, 3 days of the activity read, 2 hours.
  EXPECT_EQ(feed[0].efficiency.workload, "ml/cheap");
  EXPECT_EQ(feed[0].efficiency.active_seconds, (6 + 3 + 2) * 3600);
  EXPECT_EQ(feed[1].efficiency.active_seconds, (6 + 3 * 2 + 2) * 3600);
  EXPECT_EQ(feed[1].efficiency.cost, model::Money::FromNanos(9'000'000 * (6 + 3 + 2)));
  EXPECT_EQ(reads.all_usage_reads, 1);
  EXPECT_FALSE(feed[0].rightsizing.empty());

  // A filter on the controller, or a work counter: hour by hour.
  for (const bool counted : {false, true}) {
    reads.steps.clear();
    reads.activity_reads.clear();
    reads.counted = counted;
    const auto r =
        AnswerEfficiency(readers, settings,
                         ApiRequest(fmt::format("/v1/efficiency?by=workload&window={},{}{}",
                                                window.start.time_since_epoch().count(),
                                                window.end.time_since_epoch().count(),
                                                counted ? "" : "&filter=controller:%22costly%22"),
                                    nullptr),
                         all, kNow);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(reads.activity_reads.empty());
    EXPECT_EQ(reads.steps, std::vector<seconds>{seconds(3600)});
  }
}

TEST(EfficiencyFeedReadsTest, RecommendationsForTheCostliestReadTheirUsageAlone) {
  DayReads reads;
  const EfficiencyReaders readers{reads, reads, &reads, &reads};
  const EfficiencySettings settings;
  const Principal all{"t", Role::kViewer, model::TeamScope::All()};
  const model::TimeWindow window{kNow - std::chrono::days(7), kNow};
  const auto every = ReadWorkloadFeed(readers, window, settings, all);
  ASSERT_EQ(reads.all_usage_reads, 1);
  const auto top = ReadWorkloadFeed(readers, window, settings, all, 1);
  EXPECT_EQ(reads.all_usage_reads, 2);  // through the default ReadWorkloadUsageSeries only
  EXPECT_EQ(reads.usage_for, std::vector<std::string>{"ml/costly"});
  ASSERT_EQ(top.size(), 2U);
  EXPECT_TRUE(top[0].rightsizing.empty());  // ml/cheap: not asked for
  ASSERT_FALSE(top[1].rightsizing.empty());
  EXPECT_EQ(top[1].rightsizing, every[1].rightsizing);
  EXPECT_EQ(top[1].efficiency, every[1].efficiency);
  EXPECT_EQ(top[0].efficiency, every[0].efficiency);
}

}  // namespace
}  // namespace costledger::api
