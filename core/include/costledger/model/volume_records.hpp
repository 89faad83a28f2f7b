#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace costledger::model {

/// Text by text key (as Labels in kubernetes_records.hpp).
using TextMap = std::map<std::string, std::string, std::less<>>;

/// One entry of a PersistentVolumeList (GET /api/v1/persistentvolumes).
struct PersistentVolume {
  std::string name;
  std::string uid;
  std::int64_t capacity_bytes = 0;  ///< spec.capacity.storage
  std::string storage_class;        ///< spec.storageClassName; may be empty
  std::string phase;                ///< status.phase: Bound, Released, Available, Pending, Failed
  std::string claim_namespace;      ///< spec.claimRef.namespace; empty when never claimed
  std::string claim_name;           ///< spec.claimRef.name
  std::string csi_driver;           ///< spec.csi.driver, e.g. "ebs.csi.aws.com"
  std::string volume_handle;        ///< spec.csi.volumeHandle or spec.awsElasticBlockStore.volumeID
  bool aws_ebs_in_tree = false;     ///< spec.awsElasticBlockStore is set
  std::string in_tree_type;         ///< the in-tree volume's type label, when set
  std::string zone;                 ///< topology.kubernetes.io/zone label or node affinity
  std::optional<std::chrono::sys_seconds> created;
};

/// One entry of a PersistentVolumeClaimList (GET /api/v1/persistentvolumeclaims).
struct PersistentVolumeClaim {
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::string volume_name;           ///< spec.volumeName: the PV it is bound to
  std::string storage_class;         ///< spec.storageClassName
  std::int64_t requested_bytes = 0;  ///< spec.resources.requests.storage
  std::int64_t capacity_bytes = 0;   ///< status.capacity.storage
  std::string phase;                 ///< status.phase: Bound, Pending, Lost
  TextMap labels;
};

/// One entry of a StorageClassList (GET /apis/storage.k8s.io/v1/storageclasses).
struct StorageClass {
  std::string name;
  std::string provisioner;  ///< e.g. "ebs.csi.aws.com", "kubernetes.io/aws-ebs"
  TextMap parameters;       ///< e.g. type=gp3, iops=6000, throughput=250, iopsPerGB=50
};

}  // namespace costledger::model
