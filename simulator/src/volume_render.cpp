#include "costledger/simulator/volume_render.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "costledger/simulator/identifiers.hpp"
#include "costledger/simulator/random.hpp"

namespace costledger::simulator {
namespace {

using Json = nlohmann::json;

// Purpose salt of the volumes' identifiers.
constexpr std::uint64_t kSaltVolume = 0x766f6c75;
constexpr int kReleasedVolumes = 4;
constexpr std::string_view kCreated = "2026-10-01T08:00:00Z";

SimVolume MakeVolume(const ClusterSpec& spec, std::uint64_t key, std::string storage_class,
                     std::int64_t gib, std::string ns, std::string claim) {
  SimVolume v;
  const std::uint64_t h = Hash(spec.seed, kSaltVolume, key);
  v.name = "pvc-";
  AppendUuid(v.name, h, Mix64(h));
  AppendUuid(v.uid, Mix64(h + 1), Mix64(h + 2));
  v.volume_id = "vol-0";
  AppendHex(v.volume_id, Mix64(h + 3), 16);
  v.storage_class = std::move(storage_class);
  v.gib = gib;
  v.claim_namespace = std::move(ns);
  v.claim = std::move(claim);
  v.zone = static_cast<int>(h % std::size(kZones));
  return v;
}

}  // namespace

std::vector<std::string> ClaimsOf(const Workload& w, int ordinal) {
  switch (w.kind) {
    case WorkloadKind::kNotebook:
      return {"claim-" + w.user};
    case WorkloadKind::kSparkExecutor:
      return {fmt::format("{}-exec-{}-spark-local", w.name, ordinal)};
    case WorkloadKind::kRayHead:
      return {"checkpoints-" + w.name};
    case WorkloadKind::kStatefulSet:
      return {fmt::format("data-{}-{}", w.name, ordinal)};
    default:
      return {};
  }
}

std::vector<SimVolume> SimulatedVolumes(const ClusterSpec& spec) {
  std::vector<SimVolume> out;
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const Workload& w = spec.workloads[i];
    const int replicas = w.kind == WorkloadKind::kRayHead || w.kind == WorkloadKind::kNotebook
                             ? 1
                             : std::max(w.replicas, 1);
    for (int ordinal = 0; ordinal < replicas; ++ordinal) {
      for (std::string& claim : ClaimsOf(w, ordinal)) {
        const std::uint64_t key = i * 1000 + static_cast<std::uint64_t>(ordinal);
        switch (w.kind) {
          case WorkloadKind::kNotebook:
            out.push_back(MakeVolume(spec, key, "gp3", 10, w.namespace_name, std::move(claim)));
            break;
          case WorkloadKind::kSparkExecutor:
            out.push_back(
                MakeVolume(spec, key, "gp3-shuffle", 200, w.namespace_name, std::move(claim)));
            break;
          case WorkloadKind::kRayHead:
            out.push_back(
                MakeVolume(spec, key, "io2-checkpoints", 500, w.namespace_name, std::move(claim)));
            break;
          default:
            out.push_back(MakeVolume(spec, key, "gp3", 50, w.namespace_name, std::move(claim)));
            break;
        }
      }
    }
  }
  // Checkpoints of finished training runs whose claims were deleted (reclaim policy Retain):
  // Released, still billed, mounted by nobody; and a static volume never claimed.
  for (int i = 0; i < kReleasedVolumes; ++i) {
    SimVolume v = MakeVolume(spec, 900'000 + static_cast<std::uint64_t>(i), "st1-archive",
                             500 + 250 * i, "ml-training", fmt::format("checkpoints-run-{}", i));
    v.claim_exists = false;
    v.in_tree = true;
    out.push_back(std::move(v));
  }
  out.push_back(MakeVolume(spec, 999'999, "gp3", 100, "", ""));
  return out;
}

std::vector<std::string> PersistentVolumeItems(const ClusterSpec& spec) {
  std::vector<std::string> items;
  for (const SimVolume& v : SimulatedVolumes(spec)) {
    const std::string_view zone = kZones[static_cast<std::size_t>(v.zone)];
    Json pv_spec = {{"capacity", {{"storage", fmt::format("{}Gi", v.gib)}}},
                    {"accessModes", {"ReadWriteOnce"}},
                    {"persistentVolumeReclaimPolicy", v.claim_exists ? "Delete" : "Retain"},
                    {"storageClassName", v.storage_class},
                    {"volumeMode", "Filesystem"},
                    {"nodeAffinity",
                     {{"required",
                       {{"nodeSelectorTerms",
                         {{{"matchExpressions",
                            {{{"key", "topology.kubernetes.io/zone"},
                              {"operator", "In"},
                              {"values", {zone}}}}}}}}}}}}};
    if (v.in_tree) {
      pv_spec["awsElasticBlockStore"] = {
          {"volumeID", fmt::format("aws://{}/{}", zone, v.volume_id)}, {"fsType", "ext4"}};
    } else {
      pv_spec["csi"] = {
          {"driver", "ebs.csi.aws.com"}, {"volumeHandle", v.volume_id}, {"fsType", "ext4"}};
    }
    if (!v.claim.empty()) {
      pv_spec["claimRef"] = {{"kind", "PersistentVolumeClaim"},
                             {"namespace", v.claim_namespace},
                             {"name", v.claim},
                             {"apiVersion", "v1"}};
    }
    const char* phase = v.claim.empty() ? "Available" : v.claim_exists ? "Bound" : "Released";
    items.push_back(Json{{"metadata",
                          {{"name", v.name},
                           {"uid", v.uid},
                           {"creationTimestamp", kCreated},
                           {"annotations",
                            {{"pv.kubernetes.io/provisioned-by",
                              v.in_tree ? "kubernetes.io/aws-ebs" : "ebs.csi.aws.com"}}},
                           {"finalizers", {"kubernetes.io/pv-protection"}}}},
                         {"spec", pv_spec},
                         {"status", {{"phase", phase}}}}
                        .dump());
  }
  return items;
}

std::string RenderPersistentVolumeList(const ClusterSpec& spec) {
  return RenderVolumeList("PersistentVolumeList", PersistentVolumeItems(spec), {});
}

std::vector<std::string> PersistentVolumeClaimItems(const ClusterSpec& spec) {
  std::vector<std::string> items;
  for (const SimVolume& v : SimulatedVolumes(spec)) {
    if (v.claim.empty() || !v.claim_exists) continue;
    const std::string size = fmt::format("{}Gi", v.gib);
    items.push_back(Json{{"metadata",
                          {{"name", v.claim},
                           {"namespace", v.claim_namespace},
                           {"uid", v.uid},
                           {"creationTimestamp", kCreated},
                           {"annotations",
                            {{"pv.kubernetes.io/bind-completed", "yes"},
                             {"volume.kubernetes.io/storage-provisioner", "ebs.csi.aws.com"}}},
                           {"finalizers", {"kubernetes.io/pvc-protection"}}}},
                         {"spec",
                          {{"accessModes", {"ReadWriteOnce"}},
                           {"resources", {{"requests", {{"storage", size}}}}},
                           {"volumeName", v.name},
                           {"storageClassName", v.storage_class},
                           {"volumeMode", "Filesystem"}}},
                         {"status",
                          {{"phase", "Bound"},
                           {"accessModes", {"ReadWriteOnce"}},
                           {"capacity", {{"storage", size}}}}}}
                        .dump());
  }
  return items;
}

std::string RenderPersistentVolumeClaimList(const ClusterSpec& spec) {
  return RenderVolumeList("PersistentVolumeClaimList", PersistentVolumeClaimItems(spec), {});
}

std::string RenderVolumeList(std::string_view kind, const std::vector<std::string>& items,
                             const ListChunk& chunk) {
  const std::size_t end = std::min(chunk.end, items.size());
  std::string out = fmt::format(R"({{"apiVersion":"v1","kind":"{}","metadata":{{)", kind);
  if (!chunk.continue_token.empty()) {
    out += fmt::format(R"("continue":"{}","remainingItemCount":{},)", chunk.continue_token,
                       chunk.remaining_items);
  }
  out += R"("resourceVersion":"1"},"items":[)";
  for (std::size_t i = chunk.begin; i < end; ++i) {
    if (i > chunk.begin) out += ',';
    out += items[i];
  }
  out += "]}";
  return out;
}

std::string RenderStorageClassList() {
  const auto sc = [](std::string_view name, std::string_view provisioner, Json parameters) {
    return Json{{"metadata", {{"name", name}, {"creationTimestamp", "2024-03-01T00:00:00Z"}}},
                {"provisioner", provisioner},
                {"parameters", std::move(parameters)},
                {"reclaimPolicy", "Delete"},
                {"volumeBindingMode", "WaitForFirstConsumer"}};
  };
  Json items = Json::array();
  items.push_back(sc("gp3", "ebs.csi.aws.com", {{"type", "gp3"}, {"fsType", "ext4"}}));
  items.push_back(sc("gp3-shuffle", "ebs.csi.aws.com",
                     {{"type", "gp3"}, {"iops", "6000"}, {"throughput", "250"}}));
  items.push_back(sc("io2-checkpoints", "ebs.csi.aws.com", {{"type", "io2"}, {"iops", "8000"}}));
  items.push_back(sc("st1-archive", "kubernetes.io/aws-ebs", {{"type", "st1"}}));
  return Json{{"kind", "StorageClassList"},
              {"apiVersion", "storage.k8s.io/v1"},
              {"metadata", {{"resourceVersion", "1"}}},
              {"items", items}}
      .dump();
}

}  // namespace costledger::simulator
