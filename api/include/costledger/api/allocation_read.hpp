#pragma once

#include <vector>

#include "costledger/model/allocation_request.hpp"
#include "costledger/model/allocation_set.hpp"
#include "costledger/model/team_scope.hpp"
#include "costledger/ports/cost_reader.hpp"

namespace costledger::api {

/// Reads what `request` needs through `reader` (the container rows grouped by GroupingFor, and
/// idle on a second thread meanwhile when the request includes or shares it) and builds the
/// allocation sets `scope` may see: what GET /v1/allocation answers, for the API and the
/// console alike. Throws what the reader throws. Thread-safe when `reader` is.
std::vector<model::AllocationSet> ReadAllocationSets(ports::AllocationReader& reader,
                                                     const model::AllocationRequest& request,
                                                     const model::TeamScope& scope);

}  // namespace costledger::api
