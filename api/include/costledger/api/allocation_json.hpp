#pragma once

#include <chrono>
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

/// The body of OpenCost's GET /allocation/summary: {"code":200,"data":{"step":<ns>,"sets":
/// [{"allocations":{"<name>": Allocation, ...},"window":{...}}, ...]}}, Allocations as above.
std::string RenderAllocationSummaryResponse(const std::vector<model::AllocationSet>& sets,
                                            std::chrono::seconds step,
                                            const std::vector<std::string>& warnings = {});

}  // namespace costledger::api
