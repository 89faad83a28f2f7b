#include "costledger/api/allocation_read.hpp"

#include <future>

namespace costledger::api {

std::vector<model::AllocationSet> ReadAllocationSets(ports::AllocationReader& reader,
                                                     const model::AllocationRequest& request,
                                                     const model::TeamScope& scope) {
  const std::vector<model::PropertyRef> grouping = model::GroupingFor(request, scope);
  const std::chrono::seconds step = request.ReadStep();
  // Idle comes from the node tables: read it on a second pooled connection meanwhile.
  const bool idle_needed = request.include_idle || request.share_idle;
  std::future<std::vector<model::IdleRow>> idle_read;
  if (idle_needed) {
    idle_read = std::async(std::launch::async, [&] {
      return reader.ReadIdle(request.window.start, request.window.end, step);
    });
  }
  const auto rows =
      reader.ReadAllocations(request.window.start, request.window.end, step, grouping);
  const auto idle = idle_needed ? idle_read.get() : std::vector<model::IdleRow>{};
  return model::BuildAllocationSets(request, scope, grouping, rows, idle);
}

}  // namespace costledger::api
