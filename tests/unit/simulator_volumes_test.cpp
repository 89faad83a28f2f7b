// The simulator's persistent volumes as the collector reads them: real list formats, claims the
// pods mount, storage prices in its offer file, and rule 9 over all of it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "costledger/model/volume_attribution.hpp"
#include "costledger/simulator/simulator.hpp"
#include "costledger/sources/ec2_offer_parser.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "costledger/sources/volume_parser.hpp"

namespace costledger::simulator {
namespace {

constexpr std::chrono::sys_seconds kT{std::chrono::seconds(1'764'763'200)};  // 2025-12-03T12:00Z

std::string Get(const Simulator& sim, std::string_view target) {
  const Response r = sim.Handle("GET", target, kT);
  EXPECT_EQ(r.status, 200) << target;
  return *r.body;
}

TEST(SimulatorVolumesTest, NotebookHomesShuffleCheckpointsAndReleasedVolumesAreCostedExactly) {
  const Simulator sim(SimulatorOptions{7, {20, 400}});
  std::vector<model::PersistentVolume> pvs;
  std::vector<model::PersistentVolumeClaim> claims;
  std::vector<model::StorageClass> classes;
  sources::ParsePersistentVolumeListChunk(Get(sim, "/api/v1/persistentvolumes?limit=500"), pvs);
  sources::ParsePersistentVolumeClaimListChunk(Get(sim, "/api/v1/persistentvolumeclaims?limit=500"),
                                               claims);
  sources::ParseStorageClassListChunk(Get(sim, "/apis/storage.k8s.io/v1/storageclasses?limit=500"),
                                      classes);
  const std::vector<model::Pod> pods = sources::ParsePodList(Get(sim, "/api/v1/pods"));
  const std::vector<model::Node> nodes = sources::ParseNodeList(Get(sim, "/api/v1/nodes"));

  std::map<std::string, int> by_class;
  std::set<std::string> phases;
  for (const model::PersistentVolume& pv : pvs) {
    ++by_class[pv.storage_class];
    phases.insert(pv.phase);
    EXPECT_GT(pv.capacity_bytes, 0);
    EXPECT_FALSE(pv.zone.empty());
  }
  EXPECT_GT(by_class["gp3"], 0);
  EXPECT_GT(by_class["gp3-shuffle"], 0);
  EXPECT_GT(by_class["io2-checkpoints"], 0);
  EXPECT_EQ(by_class["st1-archive"], 4);
  EXPECT_EQ(phases, (std::set<std::string>{"Available", "Bound", "Released"}));

  // Every claim a pod mounts exists and is bound to a volume.
  std::set<std::string> claim_names;
  for (const model::PersistentVolumeClaim& c : claims) {
    claim_names.insert(c.namespace_name + "/" + c.name);
  }
  std::size_t mounting = 0;
  for (const model::Pod& p : pods) {
    for (const model::PodClaim& c : p.claims) {
      EXPECT_FALSE(c.volume.empty()) << c.claim;
      EXPECT_TRUE(claim_names.contains(p.namespace_name + "/" + c.claim)) << c.claim;
      ++mounting;
    }
  }
  EXPECT_GT(mounting, 0U);

  std::istringstream offer(Get(sim, "/pricing/ec2_offer.json"));
  const model::OnDemandPriceList list = sources::ParseEc2OfferFile(offer, "us-east-1");
  EXPECT_EQ(list.by_volume_type.at("gp3").per_gib_month.ToDecimalString(), "0.080000000");
  EXPECT_EQ(list.by_volume_type.at("io2").per_iops_month.ToDecimalString(), "0.065000000");
  model::PriceBook prices;
  for (const auto& [type, price] : list.by_volume_type) prices.SetVolumePrice(type, price);

  model::IntervalCosts out;
  model::IntervalSettings settings;
  settings.cluster = "sim";
  model::AttributeVolumes(kT, std::chrono::seconds(60), nodes, pods, pvs, &claims, classes, prices,
                          settings, out);
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  ASSERT_EQ(out.volumes.size(), pvs.size());
  std::size_t mounted = 0;
  for (const model::VolumeCostRow& v : out.volumes) {
    EXPECT_GT(v.cost.nanos(), 0) << v.volume;
    model::Money shares;
    for (const model::VolumeShareRow& s : out.volume_shares) {
      if (s.volume == v.volume) shares += s.cost;
    }
    EXPECT_EQ(shares, v.cost) << v.volume;
    if (v.mounts > 0) ++mounted;
  }
  EXPECT_GT(mounted, 0U);
  EXPECT_LT(mounted, out.volumes.size());  // released and idle homes stay unmounted
}

}  // namespace
}  // namespace costledger::simulator
