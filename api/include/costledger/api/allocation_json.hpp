#pragma once

#include <string>
#include <vector>

#include "costledger/model/allocation_set.hpp"

namespace costledger::api {

/// The body of GET /v1/allocation: {"code":200,"data":[{"<name>": Allocation, ...}, ...]} with
/// OpenCost's Allocation fields (costs in dollars; network, load-balancer, limit and adjustment
/// fields 0, as costledger has no data for them), plus exact `...CostNanos` integers, and a
/// `warnings` list (the ignored parameters) when `warnings` is not empty.
std::string RenderAllocationResponse(const std::vector<model::AllocationSet>& sets,
                                     const std::vector<std::string>& warnings = {});

}  // namespace costledger::api
