#include "costledger/model/allocation_set.hpp"

#include <algorithm>
#include <unordered_map>

#include "costledger/model/idle_sharing.hpp"

namespace costledger::model {
namespace {

using model::Money;

std::vector<PropertyRef> AggregateOf(const AllocationRequest& request) {
  if (!request.aggregate.empty()) return request.aggregate;
  return {{CostProperty::kCluster, {}},
          {CostProperty::kNode, {}},
          {CostProperty::kNamespace, {}},
          {CostProperty::kPod, {}},
          {CostProperty::kContainer, {}}};
}

std::size_t IndexOf(std::span<const PropertyRef> grouping, const PropertyRef& ref) {
  return static_cast<std::size_t>(std::find(grouping.begin(), grouping.end(), ref) -
                                  grouping.begin());
}

bool Matches(const FilterClause& clause, std::string_view value) {
  const bool any =
      std::find(clause.values.begin(), clause.values.end(), value) != clause.values.end();
  return clause.negated ? !any : any;
}

void Add(AllocationRow& into, const AllocationRow& row) {
  into.first_start = std::min(into.first_start, row.first_start);
  into.last_end = std::max(into.last_end, row.last_end);
  into.container_seconds += row.container_seconds;
  into.usage_observed_seconds += row.usage_observed_seconds;
  into.cpu_request_millicore_seconds += row.cpu_request_millicore_seconds;
  into.cpu_usage_millicore_seconds += row.cpu_usage_millicore_seconds;
  into.cpu_allocated_millicore_seconds += row.cpu_allocated_millicore_seconds;
  into.memory_request_byte_seconds += row.memory_request_byte_seconds;
  into.memory_usage_byte_seconds += row.memory_usage_byte_seconds;
  into.memory_allocated_byte_seconds += row.memory_allocated_byte_seconds;
  into.gpu_device_seconds += row.gpu_device_seconds;
  into.gpu_busy_device_seconds += row.gpu_busy_device_seconds;
  into.cpu_cost += row.cpu_cost;
  into.ram_cost += row.ram_cost;
  into.gpu_cost += row.gpu_cost;
  into.pv_byte_seconds += row.pv_byte_seconds;
  into.pv_cost += row.pv_cost;
  for (const PvShare& pv : row.pvs) {
    const auto same = std::find_if(into.pvs.begin(), into.pvs.end(), [&](const PvShare& p) {
      return p.volume == pv.volume && p.cluster == pv.cluster;
    });
    if (same == into.pvs.end()) {
      into.pvs.push_back(pv);
    } else {
      same->byte_seconds += pv.byte_seconds;
      same->cost += pv.cost;
    }
  }
}

struct IdleTotal {
  std::chrono::sys_seconds first_start = std::chrono::sys_seconds::max();
  std::chrono::sys_seconds last_end = std::chrono::sys_seconds::min();
  Money cpu, ram, gpu;
};

/// Shares `amount` over `members` by `weight_of`, exactly; returns each member's share.
template <typename WeightOf>
std::vector<Money> Share(Money amount, const std::vector<const AllocationRow*>& members,
                         const std::vector<std::string>& keys, WeightOf weight_of) {
  std::vector<std::int64_t> weights;
  std::vector<std::string_view> key_views;
  weights.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    weights.push_back(weight_of(*members[i]).nanos());
    key_views.emplace_back(keys[i]);
  }
  std::vector<Money> shares(members.size());
  model::DistributeExactly(amount, weights, key_views, shares);
  return shares;
}

std::string JoinedValues(const AllocationRow& row) {
  std::string key;
  for (const std::string& v : row.values) {
    key += v;
    key += '\0';
  }
  return key;
}

}  // namespace

Money Allocation::TotalCost() const {
  return sums.cpu_cost + sums.ram_cost + sums.gpu_cost + sums.pv_cost;
}

std::vector<PropertyRef> GroupingFor(const AllocationRequest& request, const TeamScope& scope) {
  std::vector<PropertyRef> out = AggregateOf(request);
  for (const FilterClause& c : request.filter) out.push_back(c.property);
  out.push_back({CostProperty::kCluster, {}});
  if (!scope.all_teams) out.push_back({CostProperty::kTeam, {}});
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<AllocationSet> BuildAllocationSets(const AllocationRequest& request,
                                               const TeamScope& scope,
                                               std::span<const PropertyRef> grouping,
                                               std::span<const AllocationRow> rows,
                                               std::span<const IdleRow> idle) {
  const std::vector<PropertyRef> aggregate = AggregateOf(request);
  const std::size_t cluster_index = IndexOf(grouping, {CostProperty::kCluster, {}});
  const std::size_t team_index = IndexOf(grouping, {CostProperty::kTeam, {}});
  std::vector<std::size_t> aggregate_index;
  aggregate_index.reserve(aggregate.size());
  for (const PropertyRef& p : aggregate) aggregate_index.push_back(IndexOf(grouping, p));
  std::vector<std::size_t> filter_index;
  filter_index.reserve(request.filter.size());
  for (const FilterClause& c : request.filter)
    filter_index.push_back(IndexOf(grouping, c.property));
  const auto value_at = [&](const AllocationRow& row, std::size_t index) -> std::string_view {
    return index < row.values.size() ? std::string_view{row.values[index]} : std::string_view{};
  };

  const std::size_t steps = request.StepCount();
  std::vector<std::vector<const AllocationRow*>> rows_by_step(steps);
  for (const AllocationRow& row : rows) {
    if (row.step < steps) rows_by_step[row.step].push_back(&row);
  }
  // Idle per step and cluster; node and cluster clauses of the filter select idle as well.
  std::vector<std::map<std::string, IdleTotal>> idle_by_step(steps);
  for (const IdleRow& row : idle) {
    if (row.step >= steps) continue;
    bool selected = true;
    for (const FilterClause& c : request.filter) {
      if (c.property.property == CostProperty::kCluster) selected &= Matches(c, row.cluster);
      if (c.property.property == CostProperty::kNode) selected &= Matches(c, row.node);
    }
    if (!selected && !request.share_idle) continue;
    IdleTotal& total = idle_by_step[row.step][row.cluster];
    total.first_start = std::min(total.first_start, row.first_start);
    total.last_end = std::max(total.last_end, row.last_end);
    total.cpu += row.cpu_cost;
    total.ram += row.ram_cost;
    total.gpu += row.gpu_cost;
  }

  std::vector<AllocationSet> sets;
  sets.reserve(steps);
  for (std::size_t s = 0; s < steps; ++s) {
    AllocationSet set{request.StepWindow(s), {}};
    const std::vector<const AllocationRow*>& step_rows = rows_by_step[s];
    // Shared idle per row, computed over every row of the cluster before any filter.
    std::vector<Money> cpu_share(step_rows.size());
    std::vector<Money> ram_share(step_rows.size());
    std::vector<Money> gpu_share(step_rows.size());
    IdleTotal unshared;
    if (request.share_idle) {
      std::map<std::string_view, std::vector<std::size_t>> by_cluster;
      for (std::size_t i = 0; i < step_rows.size(); ++i) {
        by_cluster[value_at(*step_rows[i], cluster_index)].push_back(i);
      }
      for (const auto& [cluster, total] : idle_by_step[s]) {
        const auto members_it = by_cluster.find(cluster);
        if (members_it == by_cluster.end()) {
          // No workload to share with: the idle stays visible rather than vanish.
          unshared.first_start = std::min(unshared.first_start, total.first_start);
          unshared.last_end = std::max(unshared.last_end, total.last_end);
          unshared.cpu += total.cpu;
          unshared.ram += total.ram;
          unshared.gpu += total.gpu;
          continue;
        }
        std::vector<const AllocationRow*> members;
        std::vector<std::string> keys;
        for (const std::size_t i : members_it->second) {
          members.push_back(step_rows[i]);
          keys.push_back(JoinedValues(*step_rows[i]));
        }
        const auto cpu =
            Share(total.cpu, members, keys, [](const AllocationRow& r) { return r.cpu_cost; });
        const auto ram =
            Share(total.ram, members, keys, [](const AllocationRow& r) { return r.ram_cost; });
        const auto gpu =
            Share(total.gpu, members, keys, [](const AllocationRow& r) { return r.gpu_cost; });
        for (std::size_t k = 0; k < members.size(); ++k) {
          const std::size_t i = members_it->second[k];
          cpu_share[i] = cpu[k];
          ram_share[i] = ram[k];
          gpu_share[i] = gpu[k];
        }
      }
    } else if (request.include_idle) {
      for (const auto& [cluster, total] : idle_by_step[s]) {
        unshared.first_start = std::min(unshared.first_start, total.first_start);
        unshared.last_end = std::max(unshared.last_end, total.last_end);
        unshared.cpu += total.cpu;
        unshared.ram += total.ram;
        unshared.gpu += total.gpu;
      }
    }

    std::unordered_map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < step_rows.size(); ++i) {
      const AllocationRow& row = *step_rows[i];
      bool selected = scope.Sees(value_at(row, team_index));
      for (std::size_t c = 0; selected && c < request.filter.size(); ++c) {
        selected = Matches(request.filter[c], value_at(row, filter_index[c]));
      }
      if (!selected) continue;
      std::string name;
      for (std::size_t a = 0; a < aggregate.size(); ++a) {
        const std::string_view v = value_at(row, aggregate_index[a]);
        if (a > 0) name += '/';
        name += v.empty() ? kUnallocated : v;
      }
      auto [it, inserted] = by_name.try_emplace(name, set.allocations.size());
      if (inserted) {
        Allocation alloc;
        alloc.name = name;
        alloc.window = set.window;
        alloc.sums.first_start = std::chrono::sys_seconds::max();
        alloc.sums.last_end = std::chrono::sys_seconds::min();
        for (std::size_t a = 0; a < aggregate.size(); ++a) {
          const std::string value(value_at(row, aggregate_index[a]));
          if (aggregate[a].property == CostProperty::kLabel) {
            alloc.labels[aggregate[a].label] = value;
          } else {
            alloc.properties[PropertyName(aggregate[a])] = value;
          }
        }
        set.allocations.push_back(std::move(alloc));
      }
      Allocation& alloc = set.allocations[it->second];
      Add(alloc.sums, row);
      alloc.sums.cpu_cost += cpu_share[i];
      alloc.sums.ram_cost += ram_share[i];
      alloc.sums.gpu_cost += gpu_share[i];
      alloc.cpu_idle_cost += cpu_share[i];
      alloc.ram_idle_cost += ram_share[i];
      alloc.gpu_idle_cost += gpu_share[i];
    }
    const bool any_idle =
        unshared.cpu != Money() || unshared.ram != Money() || unshared.gpu != Money();
    if (any_idle && scope.all_teams) {
      Allocation alloc;
      alloc.name = std::string(kIdleName);
      alloc.window = set.window;
      alloc.sums.first_start = unshared.first_start;
      alloc.sums.last_end = unshared.last_end;
      alloc.sums.cpu_cost = unshared.cpu;
      alloc.sums.ram_cost = unshared.ram;
      alloc.sums.gpu_cost = unshared.gpu;
      set.allocations.push_back(std::move(alloc));
    }
    for (Allocation& a : set.allocations) {
      a.start = a.sums.first_start;
      a.end = a.sums.last_end;
    }
    std::sort(set.allocations.begin(), set.allocations.end(),
              [](const Allocation& x, const Allocation& y) { return x.name < y.name; });
    sets.push_back(std::move(set));
  }
  return sets;
}

}  // namespace costledger::model
