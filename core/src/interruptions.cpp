#include "costledger/model/interruptions.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

void Validate(const NodeLifetime& lifetime) {
  if (lifetime.present.empty()) {
    throw InvalidInput(fmt::format("node lifetime of '{}': no present window", lifetime.node));
  }
  std::vector<TimeWindow> windows = lifetime.present;
  std::sort(windows.begin(), windows.end(),
            [](const TimeWindow& a, const TimeWindow& b) { return a.start < b.start; });
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (windows[i].end <= windows[i].start) {
      throw InvalidInput(
          fmt::format("node lifetime of '{}': empty or inverted present window", lifetime.node));
    }
    if (i > 0 && windows[i].start < windows[i - 1].end) {
      throw InvalidInput(
          fmt::format("node lifetime of '{}': overlapping present windows", lifetime.node));
    }
  }
  const ResourceSeconds& u = lifetime.used;
  if (u.cpu_millicore_seconds < 0 || u.memory_byte_seconds < 0 || u.gpu_millidevice_seconds < 0) {
    throw InvalidInput(fmt::format("node lifetime of '{}': negative usage", lifetime.node));
  }
}

std::int64_t PresentSeconds(const NodeLifetime& lifetime) {
  std::int64_t seconds = 0;
  for (const TimeWindow& w : lifetime.present) seconds += w.length().count();
  return seconds;
}

void ValidateAssumption(const InterruptionAssumption& assumption) {
  if (assumption.lost_work.count() < 0) {
    throw InvalidInput("interruption assumption: negative lost work");
  }
}

/// quantity x part / whole rounded down; all non-negative, part <= whole.
Int128 Share(Int128 quantity, std::int64_t part, std::int64_t whole) {
  return quantity * part / whole;
}

/// pool x lost / used, half-even; the whole pool when lost >= used; zero without usage.
Money LostShare(Money pool, Int128 lost, Int128 used) {
  if (used <= 0 || lost <= 0) return Money{};
  if (lost >= used) return pool;
  return Money::FromNanos(DivideRoundHalfEven(Int128{pool.nanos()} * lost, used));
}

}  // namespace

bool NodeLifetime::Interrupted() const {
  return offering.capacity_type == CapacityType::kSpot && disappeared &&
         unfinished_pods_at_disappearance;
}

std::string InterruptionAssumption::Describe() const {
  return fmt::format(
      "A spot interruption is a spot node that disappears while pods in a non-terminal phase "
      "are still bound to it. Each interruption is assumed to lose the work its pods did since "
      "their last checkpoint, modelled as {:g} h of the node's average used capacity (its CPU, "
      "memory and GPU usage over its time in the window divided by that time), capped at all "
      "the work it did in the window. Lost work is paid for but produces nothing, so adjusted "
      "cost per used unit = pool cost / (used units - lost units); rerunning the work is "
      "billed when it runs and is not added again.",
      static_cast<double>(lost_work.count()) / kSecondsPerHour);
}

ResourceSeconds LostWork(const NodeLifetime& lifetime, const InterruptionAssumption& assumption) {
  Validate(lifetime);
  ValidateAssumption(assumption);
  if (!lifetime.Interrupted()) return {};
  const std::int64_t present = PresentSeconds(lifetime);
  const std::int64_t lost = std::min(assumption.lost_work.count(), present);
  const ResourceSeconds& u = lifetime.used;
  return {.cpu_millicore_seconds = Share(u.cpu_millicore_seconds, lost, present),
          .memory_byte_seconds = Share(u.memory_byte_seconds, lost, present),
          .gpu_millidevice_seconds = Share(u.gpu_millidevice_seconds, lost, present)};
}

std::vector<OfferingInterruptions> CountInterruptions(std::span<const NodeLifetime> lifetimes,
                                                      const InterruptionAssumption& assumption,
                                                      OfferingGrouping grouping) {
  ValidateAssumption(assumption);
  std::map<OfferingKey, OfferingInterruptions> by_offering;
  for (const NodeLifetime& lifetime : lifetimes) {
    const ResourceSeconds lost = LostWork(lifetime, assumption);  // validates
    const OfferingKey key = GroupedKey(lifetime.offering, grouping);
    OfferingInterruptions& o = by_offering[key];
    o.offering = key;
    ++o.nodes;
    o.node_seconds += PresentSeconds(lifetime);
    if (lifetime.Interrupted()) ++o.interruptions;
    o.lost += lost;
  }
  std::vector<OfferingInterruptions> results;
  results.reserve(by_offering.size());
  for (auto& [key, o] : by_offering) {
    if (o.node_seconds > 0) {
      o.interruptions_per_node_hour = static_cast<double>(o.interruptions) * kSecondsPerHour /
                                      static_cast<double>(o.node_seconds);
    }
    results.push_back(std::move(o));
  }
  return results;
}

InterruptionAdjustedCost AdjustForInterruptions(const OfferingEfficiency& efficiency,
                                                const OfferingInterruptions* interruptions,
                                                const InterruptionAssumption& assumption) {
  ValidateAssumption(assumption);
  if (interruptions != nullptr && interruptions->offering != efficiency.offering) {
    throw InvalidInput(
        "AdjustForInterruptions: efficiency and interruptions of different offerings");
  }
  InterruptionAdjustedCost a;
  a.offering = efficiency.offering;
  a.assumption = assumption.Describe();
  if (interruptions != nullptr) {
    a.interruptions = interruptions->interruptions;
    a.interruptions_per_node_hour = interruptions->interruptions_per_node_hour;
    a.lost = interruptions->lost;
  } else if (efficiency.node_seconds > 0) {
    a.interruptions_per_node_hour = 0.0;
  }
  const ResourceSeconds& used = efficiency.used;
  a.lost_work_cost =
      LostShare(efficiency.cpu_pool_cost, a.lost.cpu_millicore_seconds,
                used.cpu_millicore_seconds) +
      LostShare(efficiency.ram_pool_cost, a.lost.memory_byte_seconds, used.memory_byte_seconds) +
      LostShare(efficiency.gpu_pool_cost, a.lost.gpu_millidevice_seconds,
                used.gpu_millidevice_seconds);
  a.adjusted_cost_per_used_vcpu_hour = CostPerUnitHour(
      efficiency.cpu_pool_cost, used.cpu_millicore_seconds - a.lost.cpu_millicore_seconds,
      kMillicoresPerCore);
  a.adjusted_cost_per_used_gib_hour =
      CostPerUnitHour(efficiency.ram_pool_cost,
                      used.memory_byte_seconds - a.lost.memory_byte_seconds, kBytesPerGiB);
  a.adjusted_cost_per_used_gpu_hour = CostPerUnitHour(
      efficiency.gpu_pool_cost, used.gpu_millidevice_seconds - a.lost.gpu_millidevice_seconds,
      kMillidevicesPerDevice);
  return a;
}

}  // namespace costledger::model
