#pragma once

#include <memory>
#include <vector>

#include "costledger/model/efficiency_feed.hpp"

namespace prometheus {
class Registry;
}

namespace costledger::api {

/// The scaling-engine feed as Prometheus gauges, in a registry /metrics serves
/// (CostMetrics::registry()). Each Publish replaces every series (offerings and workloads gone
/// since are removed; a figure that is null in /v1/efficiency has no series):
///   costledger_offering_hourly_price_dollars, costledger_offering_node_hours,
///   costledger_offering_{cpu,ram,gpu}_utilization_ratio,
///   costledger_offering_effective_cost_per_used_{vcpu,gib,gpu}_hour_dollars,
///   costledger_offering_adjusted_cost_per_used_{vcpu,gib,gpu}_hour_dollars,
///   costledger_offering_interruptions_per_node_hour
///     {instance_type, capacity_type, zone};
///   costledger_workload_cost_per_hour_dollars, costledger_workload_{cpu,ram,gpu}_efficiency_ratio,
///   costledger_workload_weekly_saving_dollars, costledger_workload_cost_per_item_dollars
///     {workload};
///   costledger_workload_recommended_cpu_cores, costledger_workload_recommended_memory_bytes
///     {workload, container}.
/// Thread-safe (Publish calls are serialized; scrapes may run meanwhile).
class EfficiencyGauges {
 public:
  explicit EfficiencyGauges(prometheus::Registry& registry);
  ~EfficiencyGauges();
  EfficiencyGauges(const EfficiencyGauges&) = delete;
  EfficiencyGauges& operator=(const EfficiencyGauges&) = delete;
  EfficiencyGauges(EfficiencyGauges&&) = delete;
  EfficiencyGauges& operator=(EfficiencyGauges&&) = delete;

  void Publish(const std::vector<model::OfferingFeed>& offerings,
               const std::vector<model::WorkloadSummary>& workloads);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::api
