#pragma once

#include <string>
#include <string_view>

#include "costledger/simulator/cluster_spec.hpp"
#include "costledger/simulator/cluster_state.hpp"

namespace costledger::simulator {

/// GET /api/v1/nodes: a v1 NodeList (compact JSON, as the API server sends it) of every node
/// in `state`, with the labels, providerID, taints, capacity and conditions of an EKS node
/// launched by Karpenter. `buffer` is storage to reuse (its contents are discarded): large
/// bodies rendered into memory already touched avoid most of their page faults.
std::string RenderNodeList(const ClusterSpec& spec, const ClusterState& state,
                           std::string buffer = {});

/// GET /api/v1/nodes/{name}: the v1 Node `state.nodes[node]`.
std::string RenderNode(const ClusterSpec& spec, const ClusterState& state, int node);

/// GET /api/v1/pods: a v1 PodList of every pod in `state`, with owner references, requests and
/// limits, node assignment, phase, conditions and container statuses (restarts, terminations).
/// `buffer` as for RenderNodeList.
std::string RenderPodList(const ClusterSpec& spec, const ClusterState& state,
                          std::string buffer = {});

/// The v1 Status the API server returns for a missing object, e.g. ("nodes", "x") gives
/// `nodes "x" not found` with code 404.
std::string RenderNotFoundStatus(std::string_view resource, std::string_view name);

}  // namespace costledger::simulator
