#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::sources {

/// Parses a Kubernetes `v1 NodeList` JSON document (GET /api/v1/nodes).
/// Unknown fields are ignored; missing optional fields get defaults. Throws InvalidInput naming
/// the item and field on malformed input (bad JSON, wrong kind, unparsable quantity).
/// The document is read as a stream (SAX) straight into the records: memory is bounded by the
/// records, not by the document.
std::vector<model::Node> ParseNodeList(std::string_view json);

/// Parses a Kubernetes `v1 PodList` JSON document (GET /api/v1/pods). Same error contract.
std::vector<model::Pod> ParsePodList(std::string_view json);

/// The list's own metadata (ListMeta), which says whether a chunked list goes on.
struct ListMetadata {
  std::string resource_version;
  /// Set when more items follow: GET the list again with `continue=` this token (and the same
  /// limit). Empty on the last chunk and on unchunked lists.
  std::string continue_token;
  std::optional<std::int64_t> remaining_item_count;  ///< items after this chunk, when told
};

/// Parses one chunk of a NodeList (GET /api/v1/nodes?limit=N[&continue=...]) and appends its
/// items to `nodes`; item indexes in error messages count from nodes.size() on, so they are
/// indexes into the whole list. Same error contract as ParseNodeList; on error, `nodes` is
/// left as it was.
ListMetadata ParseNodeListChunk(std::string_view json, std::vector<model::Node>& nodes);

/// The same for a chunk of a PodList.
ListMetadata ParsePodListChunk(std::string_view json, std::vector<model::Pod>& pods);

/// The media type of Kubernetes' protobuf encoding (in Accept and Content-Type). The API server
/// answers core types in it when asked, as client-go asks; CRDs and proxies answer JSON.
inline constexpr std::string_view kKubernetesProtobuf = "application/vnd.kubernetes.protobuf";

/// The Accept header of a list read in protobuf when the server speaks it, else JSON.
inline constexpr std::string_view kProtobufThenJson =
    "application/vnd.kubernetes.protobuf, application/json";

/// ParsePodListChunk for a chunk in Kubernetes' protobuf encoding: the bytes "k8s\0", then a
/// runtime.Unknown whose raw field holds the v1 PodList. Makes the same records and the same
/// errors as the JSON of the same list (the fields it does not read are skipped by length, not
/// parsed); malformed bytes are "PodList: malformed protobuf at byte N: ...".
ListMetadata ParsePodListChunkProtobuf(std::string_view body, std::vector<model::Pod>& pods);

/// The message of a v1 Status sent in protobuf (an error the API server wrote in that
/// encoding); empty when `body` is not one.
std::string KubernetesStatusMessageProtobuf(std::string_view body);

}  // namespace costledger::sources
