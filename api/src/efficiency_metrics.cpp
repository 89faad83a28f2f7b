#include "costledger/api/efficiency_metrics.hpp"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace costledger::api {
namespace {

using Labels = std::map<std::string, std::string>;
using Values = std::map<Labels, double>;

void Put(Values& values, const Labels& labels, const std::optional<double>& v) {
  if (v) values[labels] = *v;
}
std::optional<double> Dollars(const std::optional<model::Money>& m) {
  return m ? std::optional<double>(m->Dollars()) : std::nullopt;
}

}  // namespace

struct EfficiencyGauges::Impl {
  struct Set {
    prometheus::Family<prometheus::Gauge>* family = nullptr;
    std::map<Labels, prometheus::Gauge*> current;
    void Replace(const Values& values) {
      std::map<Labels, prometheus::Gauge*> next;
      for (const auto& [labels, value] : values) {
        prometheus::Gauge& gauge = family->Add(labels);
        gauge.Set(value);
        next.emplace(labels, &gauge);
      }
      for (const auto& [labels, gauge] : current) {
        if (!next.contains(labels)) family->Remove(gauge);
      }
      current = std::move(next);
    }
  };
  prometheus::Registry& registry;
  std::map<std::string, Set> sets;
  std::mutex mutex;

  explicit Impl(prometheus::Registry& r) : registry(r) {}
  Set& Of(const std::string& name, const std::string& help) {
    auto [it, fresh] = sets.try_emplace(name);
    if (fresh) {
      it->second.family = &prometheus::BuildGauge().Name(name).Help(help).Register(registry);
    }
    return it->second;
  }
};

EfficiencyGauges::EfficiencyGauges(prometheus::Registry& registry)
    : impl_(std::make_unique<Impl>(registry)) {}
EfficiencyGauges::~EfficiencyGauges() = default;

void EfficiencyGauges::Publish(const std::vector<model::OfferingFeed>& offerings,
                               const std::vector<model::WorkloadSummary>& workloads) {
  std::map<std::string, std::pair<std::string, Values>> out;  // name -> help, values
  const auto put = [&](const char* name, const char* help, const Labels& labels,
                       const std::optional<double>& v) {
    auto& [h, values] = out[name];
    h = help;
    Put(values, labels, v);
  };
  for (const model::OfferingFeed& f : offerings) {
    const model::OfferingEfficiency& e = f.efficiency;
    const model::InterruptionAdjustedCost& a = f.adjusted;
    const Labels l = {{"instance_type", e.offering.instance_type},
                      {"capacity_type", std::string(model::ToString(e.offering.capacity_type))},
                      {"zone", e.offering.zone},
                      {"node_group", e.offering.node_group}};  // "": nodes without one
    put("costledger_offering_hourly_price_dollars", "Latest node price of the offering, $/h", l,
        e.latest_hourly_price.per_hour.Dollars());
    put("costledger_offering_node_hours", "Node-hours of the offering in the feed window", l,
        e.NodeHours());
    put("costledger_offering_cpu_utilization_ratio", "Used core-hours / capacity core-hours", l,
        e.cpu_utilization);
    put("costledger_offering_ram_utilization_ratio", "Used GiB-hours / capacity GiB-hours", l,
        e.ram_utilization);
    put("costledger_offering_gpu_utilization_ratio", "Busy GPU-hours / capacity GPU-hours", l,
        e.gpu_utilization);
    put("costledger_offering_effective_cost_per_used_vcpu_hour_dollars",
        "CPU pool cost / used core-hours", l, Dollars(e.effective_cost_per_used_vcpu_hour));
    put("costledger_offering_effective_cost_per_used_gib_hour_dollars",
        "RAM pool cost / used GiB-hours", l, Dollars(e.effective_cost_per_used_gib_hour));
    put("costledger_offering_effective_cost_per_used_gpu_hour_dollars",
        "GPU pool cost / busy GPU-hours", l, Dollars(e.effective_cost_per_used_gpu_hour));
    put("costledger_offering_adjusted_cost_per_used_vcpu_hour_dollars",
        "CPU pool cost / (used - lost to interruptions) core-hours", l,
        Dollars(a.adjusted_cost_per_used_vcpu_hour));
    put("costledger_offering_adjusted_cost_per_used_gib_hour_dollars",
        "RAM pool cost / (used - lost to interruptions) GiB-hours", l,
        Dollars(a.adjusted_cost_per_used_gib_hour));
    put("costledger_offering_adjusted_cost_per_used_gpu_hour_dollars",
        "GPU pool cost / (busy - lost to interruptions) GPU-hours", l,
        Dollars(a.adjusted_cost_per_used_gpu_hour));
    put("costledger_offering_interruptions_per_node_hour",
        "Spot interruptions per node-hour of the offering", l, a.interruptions_per_node_hour);
  }
  for (const model::WorkloadSummary& s : workloads) {
    const model::WorkloadEfficiency& e = s.efficiency;
    const Labels l = {{"workload", e.workload}};
    put("costledger_workload_cost_per_hour_dollars", "Workload cost per hour it ran, $/h", l,
        e.cost_per_hour ? std::optional<double>(e.cost_per_hour->per_hour.Dollars())
                        : std::nullopt);
    put("costledger_workload_cpu_efficiency_ratio", "CPU usage / request", l, e.cpu_efficiency);
    put("costledger_workload_ram_efficiency_ratio", "Memory usage / request", l, e.ram_efficiency);
    put("costledger_workload_gpu_efficiency_ratio", "Busy GPU time / requested GPU time", l,
        e.gpu_efficiency);
    model::Money saving;
    for (const auto& [container, rec] : s.rightsizing) {
      saving += rec.WeeklySaving();
      Labels cl = l;
      cl["container"] = container;
      if (rec.cpu) {
        put("costledger_workload_recommended_cpu_cores", "Recommended CPU request, cores", cl,
            static_cast<double>(rec.cpu->recommended) / 1000.0);
      }
      if (rec.memory) {
        put("costledger_workload_recommended_memory_bytes", "Recommended memory request, bytes", cl,
            static_cast<double>(rec.memory->recommended));
      }
    }
    put("costledger_workload_weekly_saving_dollars",
        "$ per week the recommended requests would save", l, saving.Dollars());
    if (s.work) {
      put("costledger_workload_cost_per_item_dollars",
          "Workload cost / increase of its work counter, $", l, s.work->cost_per_item_dollars);
    }
  }
  const std::lock_guard lock(impl_->mutex);
  for (auto& [name, set] : impl_->sets) {
    if (!out.contains(name)) set.Replace({});
  }
  for (const auto& [name, hv] : out) impl_->Of(name, hv.first).Replace(hv.second);
}

}  // namespace costledger::api
