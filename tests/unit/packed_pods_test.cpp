// The collector's stand-in pods wait packed between scrapes: unpacked, they are the pods packed,
// every field (a field left out would change a stale interval's attribution).
#include "costledger/collector/packed_pods.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "same_pod.hpp"

namespace costledger::collector {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

model::Pod EveryField() {
  model::Pod p;
  p.namespace_name = "jupyterhub";
  p.name = "jupyter-alice-with-a-name-longer-than-the-small-string-buffer";
  p.uid = "0b9e6c1f-4c55-4c2f-9a51-2f0b4f0e7d11";
  p.node_name = "ip-10-0-1-17.ec2.internal";
  p.phase = model::PodPhase::kSucceeded;
  p.labels = {{"team", "nlp"}, {"app.kubernetes.io/name", "jupyterhub"}, {"empty", ""}};
  p.controller_kind = "StatefulSet";
  p.controller_name = "jupyter";
  p.containers = {{"notebook", {1500, 8LL << 30, 1}, {2000, 16LL << 30, 1}},
                  {"sidecar", {0, 0, 0}, {std::numeric_limits<std::int64_t>::max(), -1, 0}}};
  p.init_containers = {{"fetch", {250, 1LL << 28, 0}, {}}};
  p.effective_requests = {1500, 8LL << 30, 1};
  p.claims = {{"home", "claim-alice"}, {"data", "shared-data"}};
  p.created = sys_seconds(seconds(1'796'000'000));
  p.started = sys_seconds(seconds(-5));  // before the epoch: signed
  p.finished = std::nullopt;
  return p;
}

TEST(PackedPodsTest, UnpackedPodsAreThePodsPackedEveryField) {
  model::Pod bare;  // every field empty or default
  model::Pod running = EveryField();
  running.phase = model::PodPhase::kRunning;
  running.finished = sys_seconds(seconds(std::numeric_limits<std::int64_t>::min() / 2));
  const std::vector<model::Pod> pods{EveryField(), bare, running};
  const PackedPods packed(pods);
  EXPECT_EQ(packed.size(), 3U);
  const std::vector<model::Pod> unpacked = packed.Unpack();
  ASSERT_EQ(unpacked.size(), 3U);
  for (std::size_t i = 0; i < pods.size(); ++i) testing::ExpectSamePod(unpacked[i], pods[i]);
}

TEST(PackedPodsTest, PackedPodsTakeAFractionOfTheirRecords) {
  std::vector<model::Pod> pods(1000, EveryField());
  const PackedPods packed(pods);
  // The records alone (without their strings' and vectors' allocations) take more.
  EXPECT_LT(packed.bytes(), pods.size() * sizeof(model::Pod));
  EXPECT_EQ(packed.Unpack().size(), 1000U);
  EXPECT_TRUE(PackedPods().Unpack().empty());
}

}  // namespace
}  // namespace costledger::collector
