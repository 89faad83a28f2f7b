#pragma once

#include <string_view>
#include <vector>

#include "costledger/model/volume_records.hpp"
#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::sources {

/// Parses one chunk of a Kubernetes `v1 PersistentVolumeList` (GET /api/v1/persistentvolumes
/// ?limit=N[&continue=...]) and appends its items to `out`; returns the list's metadata, whose
/// continue token says whether more chunks follow. Unknown fields are ignored. Throws
/// InvalidInput naming the item and field on malformed input (bad JSON, wrong kind, an
/// unparsable quantity); on error `out` is left as it was. Read item by item, keeping only the
/// fields a record is made of (no tree of the whole chunk).
ListMetadata ParsePersistentVolumeListChunk(std::string_view json,
                                            std::vector<model::PersistentVolume>& out);

/// The same for a `v1 PersistentVolumeClaimList` (GET /api/v1/persistentvolumeclaims).
ListMetadata ParsePersistentVolumeClaimListChunk(std::string_view json,
                                                 std::vector<model::PersistentVolumeClaim>& out);

/// The same for a `storage.k8s.io/v1 StorageClassList` (GET
/// /apis/storage.k8s.io/v1/storageclasses).
ListMetadata ParseStorageClassListChunk(std::string_view json,
                                        std::vector<model::StorageClass>& out);

}  // namespace costledger::sources
