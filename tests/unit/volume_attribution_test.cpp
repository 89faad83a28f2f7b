// Rule 9: a volume's interval cost goes evenly to the pods that mount its claim, else to
// __unmounted__; per volume the shares sum to its cost exactly (property test below).
#include "costledger/model/volume_attribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::int64_t kGiB = std::int64_t{1} << 30;
constexpr sys_seconds kStart{seconds(1'764'547'200)};  // 2025-12-01T00:00:00Z

PriceBook Prices() {
  PriceBook book;
  book.SetVolumePrice("gp3", {Money::ParseDollars("0.08"), Money::ParseDollars("0.005"),
                              Money::ParseDollars("40.96")});
  book.SetVolumePrice("gp2", {Money::ParseDollars("0.10"), {}, {}});
  book.SetVolumePrice("io2", {Money::ParseDollars("0.125"), Money::ParseDollars("0.065"), {}});
  return book;
}

Node MakeNode(std::string name) {
  Node n;
  n.name = std::move(name);
  n.instance_type = "m5.xlarge";
  n.capacity_type = CapacityType::kSpot;
  return n;
}

Pod MakePod(std::string ns, std::string name, std::vector<std::string> claims,
            std::vector<std::string> containers = {"main"}) {
  Pod p;
  p.namespace_name = std::move(ns);
  p.name = std::move(name);
  p.node_name = "node-a";
  p.phase = PodPhase::kRunning;
  for (std::string& claim : claims) p.claims.push_back({"vol-" + claim, std::move(claim)});
  p.labels = {{"team", "alpha"}};
  for (std::string& c : containers) p.containers.push_back({std::move(c), {}, {}});
  return p;
}

PersistentVolume MakePv(std::string name, std::int64_t gib, std::string ns, std::string claim) {
  PersistentVolume pv;
  pv.name = std::move(name);
  pv.capacity_bytes = gib * kGiB;
  pv.storage_class = "gp3";
  pv.csi_driver = "ebs.csi.aws.com";
  pv.claim_namespace = std::move(ns);
  pv.claim_name = std::move(claim);
  pv.phase = pv.claim_name.empty() ? "Available" : "Bound";
  return pv;
}

std::vector<StorageClass> Classes() { return {{"gp3", "ebs.csi.aws.com", {{"type", "gp3"}}}}; }

IntervalSettings Settings() {
  IntervalSettings s;
  s.cluster = "prod";
  return s;
}

Money SharesOf(const IntervalCosts& out, std::string_view volume) {
  Money sum;
  for (const VolumeShareRow& s : out.volume_shares) {
    if (s.volume == volume) sum += s.cost;
  }
  return sum;
}

TEST(VolumeAttributionTest, MountedVolumeIsSplitEvenlyOverPodsAndTheirContainers) {
  const std::vector<Node> nodes{MakeNode("node-a")};
  const std::vector<Pod> pods{MakePod("spark", "exec-1", {"shuffle"}, {"executor", "sidecar"}),
                              MakePod("spark", "exec-2", {"shuffle"})};
  const std::vector<PersistentVolume> pvs{MakePv("pv-shuffle", 100, "spark", "shuffle")};
  IntervalCosts out;
  AttributeVolumes(kStart, seconds(60), nodes, pods, pvs, nullptr, Classes(), Prices(), Settings(),
                   out);
  ASSERT_EQ(out.volumes.size(), 1U);
  const VolumeCostRow& v = out.volumes[0];
  EXPECT_EQ(v.price_key, "gp3");
  EXPECT_EQ(v.mounts, 2U);
  EXPECT_EQ(v.price.source, PriceSource::kOnDemand);
  // $8 a month x 60 s / 730 h = 182648.401... n$ -> 182648.
  EXPECT_EQ(v.cost.nanos(), 182'648);
  ASSERT_EQ(out.volume_shares.size(), 3U);
  std::map<std::string, std::int64_t> by_container;
  for (const VolumeShareRow& s : out.volume_shares) {
    by_container[s.labels.pod.str() + "/" + s.labels.container.str()] = s.cost.nanos();
    EXPECT_EQ(s.labels.cluster, "prod");
    EXPECT_EQ(s.labels.team, "alpha");
    EXPECT_EQ(s.labels.capacity_type, "spot");
    EXPECT_EQ(s.labels.instance_type, "m5.xlarge");
  }
  EXPECT_EQ(by_container["exec-2/main"], 91'324);
  EXPECT_EQ(by_container["exec-1/executor"] + by_container["exec-1/sidecar"], 91'324);
  EXPECT_EQ(SharesOf(out, "pv-shuffle"), v.cost);
  double bytes = 0;
  for (const VolumeShareRow& s : out.volume_shares) bytes += s.byte_seconds;
  EXPECT_DOUBLE_EQ(bytes, 100.0 * kGiB * 60);
}

TEST(VolumeAttributionTest, UnmountedReleasedAndUnclaimedVolumesGoToUnmounted) {
  const std::vector<Node> nodes{MakeNode("node-a")};
  Pod finished = MakePod("jhub", "jupyter-bob", {"claim-bob"});
  finished.phase = PodPhase::kSucceeded;
  finished.finished = kStart - seconds(10);
  const std::vector<Pod> pods{finished};
  PersistentVolume released = MakePv("pv-old", 50, "ml", "ckpt-deleted");
  released.phase = "Released";
  const std::vector<PersistentVolume> pvs{MakePv("pv-bob", 10, "jhub", "claim-bob"), released,
                                          MakePv("pv-free", 20, "", "")};
  const std::vector<PersistentVolumeClaim> claims{
      {"jhub", "claim-bob", "uid", "pv-bob", "gp3", 10 * kGiB, 10 * kGiB, "Bound", {}}};
  IntervalCosts out;
  AttributeVolumes(kStart, seconds(60), nodes, pods, pvs, &claims, Classes(), Prices(), Settings(),
                   out);
  ASSERT_EQ(out.volume_shares.size(), 3U);
  for (const VolumeShareRow& s : out.volume_shares) {
    EXPECT_EQ(s.labels.pod, kUnmountedName);
    EXPECT_EQ(s.labels.container, kUnmountedName);
    EXPECT_EQ(s.labels.workload, kUnmountedName);
    EXPECT_EQ(s.labels.controller, kUnmountedName);
  }
  EXPECT_EQ(out.volume_shares[0].labels.namespace_name, "jhub");          // claimed, not mounted
  EXPECT_EQ(out.volume_shares[1].labels.namespace_name, kUnmountedName);  // claim is gone
  EXPECT_EQ(out.volume_shares[2].labels.namespace_name, kUnmountedName);
  EXPECT_EQ(out.volumes[1].claim, "");
  for (const VolumeCostRow& v : out.volumes) EXPECT_EQ(SharesOf(out, v.volume), v.cost);
}

TEST(VolumeAttributionTest, UnpricedVolumeCostsNothingAndSaysSo) {
  PersistentVolume pv = MakePv("pv-local", 10, "", "");
  pv.csi_driver.clear();
  pv.storage_class = "local-path";
  IntervalCosts out;
  AttributeVolumes(kStart, seconds(60), {}, {}, std::vector<PersistentVolume>{pv}, nullptr, {},
                   Prices(), Settings(), out);
  ASSERT_EQ(out.volumes.size(), 1U);
  EXPECT_EQ(out.volumes[0].cost.nanos(), 0);
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings[0].find("local-path"), std::string::npos);
}

TEST(VolumeAttributionTest, CustomStoragePriceOverridesTheOfferFile) {
  PriceBook book = Prices();
  book.SetCustomVolumePrice("gp3", {Money::ParseDollars("0.073"), {}, {}});
  IntervalCosts out;
  AttributeVolumes(kStart, std::chrono::hours(730), {}, {},
                   std::vector<PersistentVolume>{MakePv("pv", 100, "", "")}, nullptr, Classes(),
                   book, Settings(), out);
  EXPECT_EQ(out.volumes[0].price.source, PriceSource::kCustom);
  EXPECT_EQ(out.volumes[0].cost.nanos(), 7'300'000'000);
}

// Thousands of random volumes, claims and mounts: per volume, the shares (pods + unmounted)
// equal the volume's cost to the nano-dollar, no share is negative, pod shares differ by at
// most a nano-dollar, and the result does not depend on the order of pods and volumes.
TEST(VolumeAttributionTest, SharesSumToEachVolumeCostExactlyOverRandomClusters) {
  std::mt19937_64 rng(20261203);
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::vector<std::string> types{"gp3", "gp2", "io2", "st1"};
  for (int round = 0; round < 300; ++round) {
    std::vector<StorageClass> classes;
    for (const std::string& t : types) {
      classes.push_back({t,
                         "ebs.csi.aws.com",
                         {{"type", t},
                          {"iops", std::to_string(uniform(0, 20000))},
                          {"throughput", std::to_string(uniform(0, 1000))}}});
    }
    const int namespaces = static_cast<int>(uniform(1, 3));
    std::vector<PersistentVolume> pvs;
    std::vector<PersistentVolumeClaim> claims;
    const int volume_count = static_cast<int>(uniform(1, 25));
    for (int v = 0; v < volume_count; ++v) {
      const std::string ns = "ns" + std::to_string(uniform(0, namespaces - 1));
      const bool claimed = uniform(0, 4) != 0;
      PersistentVolume pv = MakePv("pv" + std::to_string(v), uniform(1, 16384), claimed ? ns : "",
                                   claimed ? "claim" + std::to_string(v) : "");
      pv.storage_class = types[static_cast<std::size_t>(uniform(0, 3))];
      if (claimed && uniform(0, 5) != 0) {
        claims.push_back({ns, pv.claim_name, "", pv.name, pv.storage_class, 0, 0, "Bound", {}});
      }
      pvs.push_back(std::move(pv));
    }
    std::vector<Pod> pods;
    const int pod_count = static_cast<int>(uniform(0, 40));
    for (int p = 0; p < pod_count; ++p) {
      std::vector<std::string> mounted;
      for (int k = static_cast<int>(uniform(0, 3)); k > 0; --k) {
        mounted.push_back("claim" + std::to_string(uniform(0, volume_count)));
      }
      std::vector<std::string> containers;
      for (int c = static_cast<int>(uniform(0, 3)); c > 0; --c) {
        containers.push_back("c" + std::to_string(c));
      }
      Pod pod = MakePod("ns" + std::to_string(uniform(0, namespaces - 1)),
                        "pod" + std::to_string(p), mounted, containers);
      if (uniform(0, 6) == 0) pod.node_name.clear();
      pods.push_back(std::move(pod));
    }
    const seconds length(uniform(1, 3600));
    const bool with_claims = uniform(0, 1) == 0;
    IntervalCosts out;
    AttributeVolumes(kStart, length, std::vector<Node>{MakeNode("node-a")}, pods, pvs,
                     with_claims ? &claims : nullptr, classes, Prices(), Settings(), out);
    ASSERT_EQ(out.volumes.size(), pvs.size());
    std::map<std::string, std::vector<std::int64_t>> pod_totals;
    for (const VolumeCostRow& v : out.volumes) {
      ASSERT_EQ(SharesOf(out, v.volume), v.cost) << "round " << round << " " << v.volume;
      std::map<std::string, std::int64_t> per_pod;
      for (const VolumeShareRow& s : out.volume_shares) {
        ASSERT_GE(s.cost.nanos(), 0);
        if (s.volume == v.volume && s.labels.pod != kUnmountedName) {
          per_pod[s.labels.pod] += s.cost.nanos();
        }
      }
      EXPECT_EQ(per_pod.size(), v.mounts);
      if (!per_pod.empty()) {
        const auto [lo, hi] =
            std::minmax_element(per_pod.begin(), per_pod.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
        EXPECT_LE(hi->second - lo->second, 1);
      }
    }
    // Order independence: reversed pods and volumes give the same cost per volume and pod.
    std::vector<Pod> reversed_pods(pods.rbegin(), pods.rend());
    std::vector<PersistentVolume> reversed_pvs(pvs.rbegin(), pvs.rend());
    IntervalCosts again;
    AttributeVolumes(kStart, length, std::vector<Node>{MakeNode("node-a")}, reversed_pods,
                     reversed_pvs, with_claims ? &claims : nullptr, classes, Prices(), Settings(),
                     again);
    const auto keyed = [](const IntervalCosts& c) {
      std::map<std::string, std::int64_t> m;
      for (const VolumeShareRow& s : c.volume_shares) {
        m[s.volume + "|" + s.labels.namespace_name.str() + "/" + s.labels.pod.str() + "/" +
          s.labels.container.str()] += s.cost.nanos();
      }
      return m;
    };
    ASSERT_EQ(keyed(out), keyed(again)) << "round " << round;
  }
}

}  // namespace
}  // namespace costledger::model
