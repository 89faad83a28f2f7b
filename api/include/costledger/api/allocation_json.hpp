#pragma once

#include <string>
#include <vector>

#include "costledger/model/allocation_set.hpp"

namespace costledger::api {

/// The body of GET /v1/allocation: {"code":200,"data":[{"<name>": Allocation, ...}, ...]} with
/// OpenCost's Allocation field names (costs in dollars), plus exact `...CostNanos` integers.
std::string RenderAllocationResponse(const std::vector<model::AllocationSet>& sets);

}  // namespace costledger::api
