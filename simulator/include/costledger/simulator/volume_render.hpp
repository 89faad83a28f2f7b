#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/kubernetes_render.hpp"

namespace costledger::simulator {

/// One simulated persistent volume: a pure function of the spec (volumes outlive pods).
struct SimVolume {
  std::string name;  ///< "pvc-<uuid>" as the CSI provisioner names them
  std::string uid;
  std::string volume_id;  ///< EBS "vol-..."
  std::string storage_class;
  std::int64_t gib = 0;
  std::string claim_namespace;  ///< "" when never claimed
  std::string claim;
  bool claim_exists = true;  ///< false: Released (its claim was deleted)
  int zone = 0;              ///< index into kZones
  bool in_tree = false;      ///< kubernetes.io/aws-ebs, not the CSI driver
};

/// The platform's volumes: a 10 GiB gp3 home per JupyterHub user (`claim-<user>`), a 200 GiB
/// gp3 shuffle volume per Spark executor ordinal (`<app>-exec-<n>-spark-local`, provisioned
/// IOPS and throughput), a 500 GiB io2 checkpoint volume per Ray cluster (`checkpoints-<name>`,
/// mounted by its head), a 50 GiB gp3 data volume per StatefulSet replica (`data-<name>-<n>`),
/// and released checkpoint volumes of deleted claims plus one never claimed.
std::vector<SimVolume> SimulatedVolumes(const ClusterSpec& spec);

/// The claims the `ordinal`-th pod of `w` mounts (spec.volumes[].persistentVolumeClaim).
std::vector<std::string> ClaimsOf(const Workload& w, int ordinal);

/// The items of GET /api/v1/persistentvolumes and /api/v1/persistentvolumeclaims, each as
/// compact JSON, in list order.
std::vector<std::string> PersistentVolumeItems(const ClusterSpec& spec);
std::vector<std::string> PersistentVolumeClaimItems(const ClusterSpec& spec);

/// A v1 `kind` list of `items` (or of `chunk` of them, with its continue token and remaining
/// item count), as the API server pages it.
std::string RenderVolumeList(std::string_view kind, const std::vector<std::string>& items,
                             const ListChunk& chunk);

/// GET /api/v1/persistentvolumes, /api/v1/persistentvolumeclaims and
/// /apis/storage.k8s.io/v1/storageclasses, whole.
std::string RenderPersistentVolumeList(const ClusterSpec& spec);
std::string RenderPersistentVolumeClaimList(const ClusterSpec& spec);
std::string RenderStorageClassList();

}  // namespace costledger::simulator
