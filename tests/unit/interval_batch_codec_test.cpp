#include "costledger/collector/interval_batch_codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/interval_batch.hpp"
#include "error_of.hpp"

namespace costledger::collector {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using Json = nlohmann::json;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

model::NodeCostRow MakeNode(std::string name, model::CapacityType type, model::PriceSource source) {
  model::NodeCostRow n;
  n.node = std::move(name);
  n.instance_type = "p4d.24xlarge";
  n.zone = "us-east-1a";
  n.capacity_type = type;
  n.capacity = {96'000, 1152 * kGiB, 8};
  n.price = {{model::Money::FromNanos(32'772'600'000)}, source};
  n.unit_prices = {1.0 / 3.0, 0.1 + 0.2, 3.0e-300};
  n.attribution.node_cost = model::Money::FromNanos(546'210'000);
  n.attribution.pools = {12'345'678, 23'456'789, 510'407'533};
  n.attribution.idle = {1, 0, kMax};
  n.attribution.cpu_overcommitted = true;
  n.attribution.memory_overcommitted = false;
  n.attribution.gpu_overcommitted = true;
  n.containers = 2;
  return n;
}

model::ContainerCostRow MakeContainer(std::string pod, std::string container) {
  model::ContainerCostRow c;
  c.labels = {"prod-eu",      "ip-10-0-0-1",        "ml",    "RayCluster", "trainer",
              std::move(pod), std::move(container), "alpha", "spot",       "p4d.24xlarge"};
  c.demand = {4000, 3999, 16 * kGiB, 17 * kGiB + 1, 2};
  c.cost = {111, 222, 333};
  c.gpu_busy_devices = 1.0 / 7.0;
  c.usage_observed = true;
  return c;
}

model::PricedQuery MakeQuery(std::string id, model::QueryState state, bool completed) {
  model::PricedQuery q;
  q.execution.query_execution_id = std::move(id);
  q.execution.work_group = "analytics";
  q.execution.statement_type = "DML";
  q.execution.query = "SELECT \"a\"\t, 'b\\n' FROM t -- ünïcødé ✓\nWHERE x = 1";
  q.execution.state = state;
  q.execution.submitted = sys_seconds(seconds(1'763'287'201));
  if (completed) q.execution.completed = sys_seconds(seconds(1'763'287'265));
  q.execution.data_scanned_bytes = 10'737'418'240;
  q.execution.engine_execution_millis = 63'999;
  q.team = "alpha";
  q.cost = model::Money::FromNanos(48'828'125);
  return q;
}

model::IntervalBatch RichBatch() {
  model::IntervalBatch b;
  b.cluster = "prod-eu";
  b.costs.start = sys_seconds(seconds(1'763'287'200));
  b.costs.length = seconds(60);
  b.costs.nodes.push_back(
      MakeNode("ip-10-0-0-1", model::CapacityType::kSpot, model::PriceSource::kSpot));
  b.costs.nodes.push_back(MakeNode("ip-10-0-0-2", model::CapacityType::kSpot,
                                   model::PriceSource::kOnDemandSpotFallback));
  b.costs.nodes.push_back(
      MakeNode("ip-10-0-0-3", model::CapacityType::kOnDemand, model::PriceSource::kMissing));
  b.costs.nodes[2].price.price.per_hour = model::Money::FromNanos(kMin);
  b.costs.nodes[2].unit_prices = {0, -0.0, std::numeric_limits<double>::max()};
  b.costs.nodes[2].attribution = {};
  b.costs.nodes[2].containers = 0;

  b.costs.containers.push_back(MakeContainer("trainer-head-0", "ray-head"));
  model::ContainerCostRow unobserved = MakeContainer("trainer-worker-0", "ray-worker");
  unobserved.gpu_busy_devices.reset();
  unobserved.usage_observed = false;
  unobserved.labels.team = "";
  unobserved.labels.controller_kind = "";
  unobserved.labels.controller = "";
  unobserved.cost = {kMax, 0, kMin};
  b.costs.containers.push_back(unobserved);
  model::ContainerCostRow odd = MakeContainer("weird \"pod\"\n\t\\", "c/ü");
  odd.gpu_busy_devices = 0.0;
  b.costs.containers.push_back(odd);

  b.costs.warnings = {"node ip-10-0-0-3: no price for instance type 'x'; costed at $0",
                      "multi\nline \"warning\""};
  b.queries.push_back(MakeQuery("q-succeeded", model::QueryState::kSucceeded, true));
  b.queries.push_back(MakeQuery("q-failed", model::QueryState::kFailed, true));
  b.queries.push_back(MakeQuery("q-cancelled", model::QueryState::kCancelled, true));
  b.queries.push_back(MakeQuery("q-running", model::QueryState::kRunning, false));
  b.queries.push_back(MakeQuery("q-queued", model::QueryState::kQueued, false));
  b.queries.back().execution.statement_type = "";
  b.queries.back().execution.query = "";
  b.queries.back().team = "";
  return b;
}

// Doubles must survive bit for bit (NaN aside, which only equals itself by kind).
void ExpectSameDouble(double a, double b) {
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b));
    return;
  }
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::signbit(a), std::signbit(b));
}

void ExpectEqual(const model::ResourceCosts& a, const model::ResourceCosts& b) {
  EXPECT_EQ(a.cpu_nanos, b.cpu_nanos);
  EXPECT_EQ(a.ram_nanos, b.ram_nanos);
  EXPECT_EQ(a.gpu_nanos, b.gpu_nanos);
}

void ExpectEqual(const model::IntervalBatch& a, const model::IntervalBatch& b) {
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(a.costs.start, b.costs.start);
  EXPECT_EQ(a.costs.length, b.costs.length);
  EXPECT_EQ(a.costs.warnings, b.costs.warnings);
  ASSERT_EQ(a.costs.nodes.size(), b.costs.nodes.size());
  for (std::size_t i = 0; i < a.costs.nodes.size(); ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    const model::NodeCostRow& x = a.costs.nodes[i];
    const model::NodeCostRow& y = b.costs.nodes[i];
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.instance_type, y.instance_type);
    EXPECT_EQ(x.zone, y.zone);
    EXPECT_EQ(x.capacity_type, y.capacity_type);
    EXPECT_EQ(x.capacity.cpu_millicores, y.capacity.cpu_millicores);
    EXPECT_EQ(x.capacity.memory_bytes, y.capacity.memory_bytes);
    EXPECT_EQ(x.capacity.gpu_devices, y.capacity.gpu_devices);
    EXPECT_EQ(x.price.price, y.price.price);
    EXPECT_EQ(x.price.source, y.price.source);
    ExpectSameDouble(x.unit_prices.cpu_per_core_hour, y.unit_prices.cpu_per_core_hour);
    ExpectSameDouble(x.unit_prices.ram_per_gib_hour, y.unit_prices.ram_per_gib_hour);
    ExpectSameDouble(x.unit_prices.gpu_per_device_hour, y.unit_prices.gpu_per_device_hour);
    EXPECT_EQ(x.attribution.node_cost, y.attribution.node_cost);
    ExpectEqual(x.attribution.pools, y.attribution.pools);
    ExpectEqual(x.attribution.idle, y.attribution.idle);
    EXPECT_EQ(x.attribution.cpu_overcommitted, y.attribution.cpu_overcommitted);
    EXPECT_EQ(x.attribution.memory_overcommitted, y.attribution.memory_overcommitted);
    EXPECT_EQ(x.attribution.gpu_overcommitted, y.attribution.gpu_overcommitted);
    EXPECT_EQ(x.containers, y.containers);
  }
  ASSERT_EQ(a.costs.containers.size(), b.costs.containers.size());
  for (std::size_t i = 0; i < a.costs.containers.size(); ++i) {
    SCOPED_TRACE("container " + std::to_string(i));
    const model::ContainerCostRow& x = a.costs.containers[i];
    const model::ContainerCostRow& y = b.costs.containers[i];
    EXPECT_EQ(x.labels.cluster, y.labels.cluster);
    EXPECT_EQ(x.labels.node, y.labels.node);
    EXPECT_EQ(x.labels.namespace_name, y.labels.namespace_name);
    EXPECT_EQ(x.labels.controller_kind, y.labels.controller_kind);
    EXPECT_EQ(x.labels.controller, y.labels.controller);
    EXPECT_EQ(x.labels.pod, y.labels.pod);
    EXPECT_EQ(x.labels.container, y.labels.container);
    EXPECT_EQ(x.labels.team, y.labels.team);
    EXPECT_EQ(x.labels.capacity_type, y.labels.capacity_type);
    EXPECT_EQ(x.labels.instance_type, y.labels.instance_type);
    EXPECT_EQ(x.demand.cpu_request_millicores, y.demand.cpu_request_millicores);
    EXPECT_EQ(x.demand.cpu_usage_millicores, y.demand.cpu_usage_millicores);
    EXPECT_EQ(x.demand.memory_request_bytes, y.demand.memory_request_bytes);
    EXPECT_EQ(x.demand.memory_usage_bytes, y.demand.memory_usage_bytes);
    EXPECT_EQ(x.demand.gpu_devices, y.demand.gpu_devices);
    ExpectEqual(x.cost, y.cost);
    ASSERT_EQ(x.gpu_busy_devices.has_value(), y.gpu_busy_devices.has_value());
    if (x.gpu_busy_devices) ExpectSameDouble(*x.gpu_busy_devices, *y.gpu_busy_devices);
    EXPECT_EQ(x.usage_observed, y.usage_observed);
  }
  ASSERT_EQ(a.queries.size(), b.queries.size());
  for (std::size_t i = 0; i < a.queries.size(); ++i) {
    SCOPED_TRACE("query " + std::to_string(i));
    const model::PricedQuery& x = a.queries[i];
    const model::PricedQuery& y = b.queries[i];
    EXPECT_EQ(x.execution.query_execution_id, y.execution.query_execution_id);
    EXPECT_EQ(x.execution.work_group, y.execution.work_group);
    EXPECT_EQ(x.execution.statement_type, y.execution.statement_type);
    EXPECT_EQ(x.execution.query, y.execution.query);
    EXPECT_EQ(x.execution.state, y.execution.state);
    EXPECT_EQ(x.execution.submitted, y.execution.submitted);
    EXPECT_EQ(x.execution.completed, y.execution.completed);
    EXPECT_EQ(x.execution.data_scanned_bytes, y.execution.data_scanned_bytes);
    EXPECT_EQ(x.execution.engine_execution_millis, y.execution.engine_execution_millis);
    EXPECT_EQ(x.team, y.team);
    EXPECT_EQ(x.cost, y.cost);
  }
}

// Decodes `json` and returns the InvalidInput message; fails the test when it decoded.
std::string DecodeError(const std::string& json) {
  return testing::ErrorOf<InvalidInput>([&] { DecodeBatch(json); });
}

std::string Mutated(const std::function<void(Json&)>& mutate) {
  Json j = Json::parse(EncodeBatch(RichBatch()));
  mutate(j);
  return j.dump();
}

TEST(IntervalBatchCodecTest, RoundTripPreservesEveryField) {
  const model::IntervalBatch original = RichBatch();
  ExpectEqual(original, DecodeBatch(EncodeBatch(original)));
}

TEST(IntervalBatchCodecTest, NonFiniteDoublesRoundTrip) {
  model::IntervalBatch b = RichBatch();
  b.costs.nodes[0].unit_prices = {std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity()};
  b.costs.containers[0].gpu_busy_devices = std::numeric_limits<double>::quiet_NaN();
  ExpectEqual(b, DecodeBatch(EncodeBatch(b)));
}

TEST(IntervalBatchCodecTest, EncodingIsStable) {
  const std::string once = EncodeBatch(RichBatch());
  EXPECT_EQ(EncodeBatch(DecodeBatch(once)), once);
}

TEST(IntervalBatchCodecTest, EmptyBatchRoundTrips) {
  const model::IntervalBatch empty;
  ExpectEqual(empty, DecodeBatch(EncodeBatch(empty)));
}

TEST(IntervalBatchCodecTest, MoneyIsIntegerNanosAndTimesEpochSeconds) {
  const Json j = Json::parse(EncodeBatch(RichBatch()));
  EXPECT_EQ(j.at("start"), 1'763'287'200);
  EXPECT_EQ(j.at("length_seconds"), 60);
  EXPECT_EQ(j.at("nodes").at(0).at("attribution").at("node_cost_nanos"), 546'210'000);
  EXPECT_TRUE(j.at("nodes").at(0).at("price").at("per_hour_nanos").is_number_integer());
  EXPECT_EQ(j.at("containers").at(1).at("cost").at("cpu_nanos"), kMax);
  EXPECT_EQ(j.at("queries").at(0).at("cost_nanos"), 48'828'125);
  EXPECT_TRUE(j.at("queries").at(3).at("completed").is_null());
}

TEST(IntervalBatchCodecTest, RejectsTextThatIsNotJson) {
  EXPECT_NE(DecodeError("{\"format\": 1, \"cluster\": "), "");
  EXPECT_NE(DecodeError(""), "");
  EXPECT_NE(DecodeError("[]").find("batch: expected an object"), std::string::npos);
}

TEST(IntervalBatchCodecTest, ErrorsNameTheField) {
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][1].erase("zone"); })),
            "batch.nodes[1].zone: missing");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][2]["cost"]["ram_nanos"] = "12"; })),
            "batch.containers[2].cost.ram_nanos: expected an integer");
  EXPECT_EQ(
      DecodeError(Mutated([](Json& j) { j["containers"][0]["demand"]["gpu_devices"] = 1.5; })),
      "batch.containers[0].demand.gpu_devices: expected an integer");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) {
              j["nodes"][0]["attribution"]["idle"]["cpu_nanos"] = std::uint64_t{1} << 63;
            })),
            "batch.nodes[0].attribution.idle.cpu_nanos: out of range");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][0]["capacity_type"] = "reserved"; })),
            "batch.nodes[0].capacity_type: expected \"on-demand\" or \"spot\"");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"][0]["price"]["source"] = "guess"; })),
            "batch.nodes[0].price.source: unknown price source");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["queries"][4]["state"] = "DONE"; })),
            "batch.queries[4].state: unknown query state");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][0]["usage_observed"] = 1; })),
            "batch.containers[0].usage_observed: expected true or false");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["warnings"][1] = 7; })),
            "batch.warnings[1]: expected a string");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["nodes"] = Json::object(); })),
            "batch.nodes: expected an array");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["containers"][0]["labels"] = "x"; })),
            "batch.containers[0].labels: expected an object");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["length_seconds"] = -60; })),
            "batch.length_seconds: negative");
  EXPECT_EQ(
      DecodeError(Mutated([](Json& j) { j["nodes"][0]["unit_prices"]["ram_per_gib_hour"] = "x"; })),
      "batch.nodes[0].unit_prices.ram_per_gib_hour: expected a number");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j["format"] = 2; })),
            "batch.format: unsupported format 2 (expected 1)");
  EXPECT_EQ(DecodeError(Mutated([](Json& j) { j.erase("cluster"); })), "batch.cluster: missing");
}

}  // namespace
}  // namespace costledger::collector
