#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"

namespace costledger::simulator {

/// The part of a list to render: items [begin, end) (clamped to the list), and the ListMeta
/// fields of a chunked list (GET ...?limit=N&continue=...).
struct ListChunk {
  std::size_t begin = 0;
  std::size_t end = static_cast<std::size_t>(-1);
  std::string continue_token;        ///< metadata.continue; empty on the last chunk
  std::int64_t remaining_items = 0;  ///< metadata.remainingItemCount, with a continue token
};

/// GET /api/v1/nodes: a v1 NodeList (compact JSON, as the API server sends it) of every node
/// in `state` (or of `chunk`), with the labels, providerID, taints, capacity and conditions of
/// an EKS node launched by Karpenter. `buffer` is storage to reuse (its contents are
/// discarded): large bodies rendered into memory already touched avoid most of their page
/// faults.
std::string RenderNodeList(const ClusterSpec& spec, const ClusterState& state,
                           std::string buffer = {}, const ListChunk& chunk = {});

/// GET /api/v1/nodes/{name}: the v1 Node `state.nodes[node]`.
std::string RenderNode(const ClusterSpec& spec, const ClusterState& state, int node);

/// GET /api/v1/pods: a v1 PodList of every pod in `state` (or of `chunk`), with owner
/// references, requests and limits, node assignment, phase, conditions and container statuses
/// (restarts, terminations). `buffer` as for RenderNodeList.
std::string RenderPodList(const ClusterSpec& spec, const ClusterState& state,
                          std::string buffer = {}, const ListChunk& chunk = {});

/// The key by which the API server orders and chunks pods: "namespace/name".
std::string PodKey(const ClusterSpec& spec, const PodState& pod);

/// A v1 Status failure, e.g. (410, "Expired", "The provided continue parameter is too old...").
std::string RenderStatus(int code, std::string_view reason, std::string_view message);

/// The v1 Status the API server returns for a missing object, e.g. ("nodes", "x") gives
/// `nodes "x" not found` with code 404.
std::string RenderNotFoundStatus(std::string_view resource, std::string_view name);

}  // namespace costledger::simulator
