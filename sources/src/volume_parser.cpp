#include "costledger/sources/volume_parser.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flat_list.hpp"

namespace costledger::sources {
namespace {

// Whether `parent` is "spec.nodeAffinity.required.nodeSelectorTerms[i].matchExpressions[j]".
bool IsZoneExpression(std::string_view parent) {
  constexpr std::string_view kTerms = "spec.nodeAffinity.required.nodeSelectorTerms[";
  constexpr std::string_view kExpressions = "].matchExpressions[";
  if (!parent.starts_with(kTerms) || !parent.ends_with(']')) return false;
  const std::size_t at = parent.find(kExpressions, kTerms.size());
  return at != std::string_view::npos &&
         parent.find_first_not_of("0123456789", kTerms.size()) == at &&
         parent.find_first_not_of("0123456789", at + kExpressions.size()) == parent.size() - 1;
}

// The zone a volume is pinned to: its zone label, else its node affinity's zone term (the
// first expression on a zone key with a string value, in document order).
std::string ZoneOf(const FlatItem& item) {
  const model::TextMap labels = item.Strings("metadata.labels");
  for (const std::string_view key :
       {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}) {
    if (const auto it = labels.find(key); it != labels.end()) return it->second;
  }
  const std::span<const FlatField> fields = item.fields();
  for (const FlatField& f : fields) {
    if (f.key != "key" || f.type != FlatType::kString || !IsZoneExpression(f.parent)) continue;
    if (f.text != "topology.kubernetes.io/zone" && f.text != "topology.ebs.csi.aws.com/zone" &&
        f.text != "failure-domain.beta.kubernetes.io/zone") {
      continue;
    }
    const std::string values = f.parent + ".values";
    for (const FlatField& v : fields) {
      if (v.parent == values && v.key == "[0]" && v.type == FlatType::kString) return v.text;
    }
  }
  return {};
}

model::PersistentVolume ReadVolume(const FlatItem& item) {
  model::PersistentVolume pv;
  pv.name = item.String("metadata.name");
  pv.uid = item.String("metadata.uid");
  pv.created = item.Time("metadata.creationTimestamp");
  pv.capacity_bytes = item.Bytes("spec.capacity.storage");
  pv.storage_class = item.String("spec.storageClassName");
  pv.phase = item.String("status.phase");
  pv.claim_namespace = item.String("spec.claimRef.namespace");
  pv.claim_name = item.String("spec.claimRef.name");
  pv.csi_driver = item.String("spec.csi.driver");
  pv.volume_handle = item.String("spec.csi.volumeHandle");
  if (item.Find("spec.awsElasticBlockStore") != nullptr) {
    pv.aws_ebs_in_tree = true;
    pv.volume_handle = item.String("spec.awsElasticBlockStore.volumeID");
  }
  // The in-tree provisioner recorded the type it created in an annotation of some versions.
  const model::TextMap annotations = item.Strings("metadata.annotations");
  if (const auto it = annotations.find("ebs.csi.aws.com/volumeType"); it != annotations.end()) {
    pv.in_tree_type = it->second;
  }
  pv.zone = ZoneOf(item);
  return pv;
}

model::PersistentVolumeClaim ReadClaim(const FlatItem& item) {
  model::PersistentVolumeClaim c;
  c.namespace_name = item.String("metadata.namespace");
  c.name = item.String("metadata.name");
  c.uid = item.String("metadata.uid");
  c.labels = item.Strings("metadata.labels");
  c.volume_name = item.String("spec.volumeName");
  c.storage_class = item.String("spec.storageClassName");
  c.requested_bytes = item.Bytes("spec.resources.requests.storage");
  c.capacity_bytes = item.Bytes("status.capacity.storage");
  c.phase = item.String("status.phase");
  return c;
}

model::StorageClass ReadClass(const FlatItem& item) {
  model::StorageClass c;
  c.name = item.String("metadata.name");
  c.provisioner = item.String("provisioner");
  c.parameters = item.Strings("parameters");
  return c;
}

constexpr std::array<std::string_view, 16> kVolumeFields{
    "metadata.name",
    "metadata.uid",
    "metadata.creationTimestamp",
    "metadata.labels",
    "metadata.annotations",
    "spec.capacity.storage",
    "spec.storageClassName",
    "spec.claimRef.namespace",
    "spec.claimRef.name",
    "spec.csi.driver",
    "spec.csi.volumeHandle",
    "spec.awsElasticBlockStore",
    "spec.nodeAffinity.required.nodeSelectorTerms[].matchExpressions[].key",
    "spec.nodeAffinity.required.nodeSelectorTerms[].matchExpressions[].values[]",
    "status.phase",
    "metadata.namespace",  // volumes have none; read to name an item as a tree would
};
constexpr std::array<std::string_view, 9> kClaimFields{
    "metadata.namespace",
    "metadata.name",
    "metadata.uid",
    "metadata.labels",
    "spec.volumeName",
    "spec.storageClassName",
    "spec.resources.requests.storage",
    "status.capacity.storage",
    "status.phase",
};
constexpr std::array<std::string_view, 4> kClassFields{"metadata.name", "metadata.namespace",
                                                       "provisioner", "parameters"};

template <typename Record>
ListMetadata ParseChunk(std::string_view json, std::string_view kind,
                        std::span<const std::string_view> fields, std::vector<Record>& out,
                        Record (*read)(const FlatItem&)) {
  std::vector<Record> items;
  ListMetadata meta =
      ReadFlatList(json, kind, fields, [&](const FlatItem& item) { items.push_back(read(item)); });
  // Never a partial chunk: appended once the whole chunk has been read.
  out.insert(out.end(), std::make_move_iterator(items.begin()),
             std::make_move_iterator(items.end()));
  return meta;
}

}  // namespace

ListMetadata ParsePersistentVolumeListChunk(std::string_view json,
                                            std::vector<model::PersistentVolume>& out) {
  return ParseChunk(json, "PersistentVolumeList", kVolumeFields, out, ReadVolume);
}

ListMetadata ParsePersistentVolumeClaimListChunk(std::string_view json,
                                                 std::vector<model::PersistentVolumeClaim>& out) {
  return ParseChunk(json, "PersistentVolumeClaimList", kClaimFields, out, ReadClaim);
}

ListMetadata ParseStorageClassListChunk(std::string_view json,
                                        std::vector<model::StorageClass>& out) {
  return ParseChunk(json, "StorageClassList", kClassFields, out, ReadClass);
}

}  // namespace costledger::sources
