#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "costledger/model/interval_batch.hpp"

namespace costledger::testing {

/// Prices `node` (its price and capacity set) and `containers` (labels, demand and observed
/// usage set) for the batch's interval with the real cost model and default split weights,
/// so that container costs plus idle equal the node's cost, and appends them to `batch`.
void AddCostedNode(model::IntervalBatch& batch, model::NodeCostRow node,
                   std::vector<model::ContainerCostRow> containers);

/// A batch of `nodes` nodes with `per_node` containers each, costed by the real cost model so
/// that container costs plus idle equal each node's cost. Deterministic: namespaces ns-0..6,
/// teams team-0..2, platforms kubernetes, jupyterhub, spark and ray in turn (workloads
/// "Deployment:app-N", "notebook:user-N", "spark:etl-N", "raycluster:train"), every fourth
/// node a GPU node, every third spot.
model::IntervalBatch MakeBatch(const std::string& cluster, std::chrono::sys_seconds start,
                               int nodes, int per_node,
                               std::chrono::seconds length = std::chrono::seconds(60));

/// Adds to `batch` (for its interval and cluster), attributed by the core (rule 9), a 100 GiB
/// gp3 volume "pv-data" bound to claim "data", mounted by the pod of the batch's first container
/// (its team too), and a 50 GiB io2 volume "pv-loose" that nobody mounts.
void AddSampleVolumes(model::IntervalBatch& batch);

}  // namespace costledger::testing
