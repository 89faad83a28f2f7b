#include "costledger/model/allocation_set.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "costledger/model/ascii_case.hpp"
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

// The controller kind a derived aggregate selects ("" for others).
std::string_view KindOf(CostProperty p) {
  switch (p) {
    case CostProperty::kDeployment:
      return "deployment";
    case CostProperty::kStatefulSet:
      return "statefulset";
    case CostProperty::kDaemonSet:
      return "daemonset";
    case CostProperty::kJob:
      return "job";
    default:
      return "";
  }
}

bool Derived(CostProperty p) { return p == CostProperty::kKindController || !KindOf(p).empty(); }

// The stored properties `ref` needs, appended to `out`.
void Expand(const PropertyRef& ref, std::vector<PropertyRef>& out) {
  if (ref.property == CostProperty::kAnnotation || ref.property == CostProperty::kNotCollected) {
    return;  // never stored: always ""
  }
  if (Derived(ref.property)) {
    out.push_back({CostProperty::kControllerKind, {}});
    out.push_back({CostProperty::kController, {}});
    return;
  }
  out.push_back(ref);
}

// OpenCost's key of a stored property in `properties` ("" for labels: they go to `labels`).
std::string_view PropertyKey(CostProperty p) {
  switch (p) {
    case CostProperty::kCluster:
      return "cluster";
    case CostProperty::kNode:
      return "node";
    case CostProperty::kNamespace:
      return "namespace";
    case CostProperty::kControllerKind:
      return "controllerKind";
    case CostProperty::kController:
      return "controller";
    case CostProperty::kPod:
      return "pod";
    case CostProperty::kContainer:
      return "container";
    case CostProperty::kTeam:
      return "team";
    case CostProperty::kCapacityType:
      return "capacityType";
    case CostProperty::kInstanceType:
      return "instanceType";
    case CostProperty::kPlatform:
      return "platform";
    case CostProperty::kWorkload:
      return "workload";
    default:
      return "";
  }
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
  void Add(const IdleTotal& o) {
    first_start = std::min(first_start, o.first_start);
    last_end = std::max(last_end, o.last_end);
    cpu += o.cpu;
    ram += o.ram;
    gpu += o.gpu;
  }
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

// One name part: "" is __unallocated__, and a '/' inside a value is escaped so that the parts
// of a name always match the aggregate (kubectl-cost splits names on '/').
void AppendNamePart(std::string& name, std::string_view value) {
  if (value.empty()) {
    name += kUnallocated;
    return;
  }
  for (const char c : value) {
    if (c == '/') {
      name += "%2F";
    } else {
      name += c;
    }
  }
}

// An allocation being built, with what sharing needs besides the visible sums.
struct Building {
  Allocation alloc;
  Money all_cost;  // cost (with shared idle) of every row, the scope's or not
  bool visible = false;
  // With a limited scope: the cost of its rows per team, to split its shared cost by team.
  std::map<std::string, Money, std::less<>> team_cost;
  std::vector<std::string> common;  // per grouping index: the value all rows share
  std::vector<bool> mixed;
};

}  // namespace

Money Allocation::TotalCost() const {
  return sums.cpu_cost + sums.ram_cost + sums.gpu_cost + sums.pv_cost + shared_cost;
}

std::vector<PropertyRef> GroupingFor(const AllocationRequest& request, const TeamScope& scope) {
  std::vector<PropertyRef> wanted = AggregateOf(request);
  CollectProperties(request.filter, wanted);
  std::vector<PropertyRef> out;
  for (const PropertyRef& p : wanted) Expand(p, out);
  out.push_back({CostProperty::kCluster, {}});
  if (!scope.all_teams) out.push_back({CostProperty::kTeam, {}});
  if (!request.share_namespaces.empty()) out.push_back({CostProperty::kNamespace, {}});
  for (const auto& [key, value] : request.share_labels) out.push_back({CostProperty::kLabel, key});
  if (request.idle_by_node && request.share_idle) out.push_back({CostProperty::kNode, {}});
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
  const std::size_t node_index = IndexOf(grouping, {CostProperty::kNode, {}});
  const std::size_t team_index = IndexOf(grouping, {CostProperty::kTeam, {}});
  const std::size_t namespace_index = IndexOf(grouping, {CostProperty::kNamespace, {}});
  const std::size_t kind_index = IndexOf(grouping, {CostProperty::kControllerKind, {}});
  const std::size_t controller_index = IndexOf(grouping, {CostProperty::kController, {}});
  std::vector<std::size_t> aggregate_index;
  aggregate_index.reserve(aggregate.size());
  for (const PropertyRef& p : aggregate) aggregate_index.push_back(IndexOf(grouping, p));
  std::vector<std::size_t> share_label_index;
  for (const auto& [key, value] : request.share_labels) {
    share_label_index.push_back(IndexOf(grouping, {CostProperty::kLabel, key}));
  }
  const auto value_at = [&](const AllocationRow& row, std::size_t index) -> std::string_view {
    return index < row.values.size() ? std::string_view{row.values[index]} : std::string_view{};
  };
  const bool filtered = !request.filter.IsAll();
  const auto row_selected = [&](const AllocationRow& row) {
    return Evaluate(request.filter, [&](const PropertyRef& p) -> std::optional<std::string_view> {
      return value_at(row, IndexOf(grouping, p));
    });
  };
  const auto is_shared = [&](const AllocationRow& row) {
    if (!request.share_namespaces.empty()) {
      const std::string_view ns = value_at(row, namespace_index);
      for (const std::string& s : request.share_namespaces) {
        if (s == ns) return true;
      }
    }
    for (std::size_t i = 0; i < share_label_index.size(); ++i) {
      if (value_at(row, share_label_index[i]) == request.share_labels[i].second) return true;
    }
    return false;
  };
  // The name part of aggregate `a` for `row`.
  std::string part;
  const auto aggregate_value = [&](const AllocationRow& row, std::size_t a) -> std::string_view {
    const CostProperty p = aggregate[a].property;
    if (p == CostProperty::kAnnotation || p == CostProperty::kNotCollected) return {};
    if (!Derived(p)) return value_at(row, aggregate_index[a]);
    const std::string_view kind = value_at(row, kind_index);
    const std::string_view controller = value_at(row, controller_index);
    if (kind.empty() || controller.empty()) return {};
    if (p == CostProperty::kKindController) {
      part.clear();
      for (const char c : kind)
        part += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      part += ':';
      part += controller;
      return part;
    }
    return EqualsIgnoringAsciiCase(kind, KindOf(p)) ? controller : std::string_view{};
  };

  const std::size_t steps = request.StepCount();
  std::vector<std::vector<const AllocationRow*>> rows_by_step(steps);
  for (const AllocationRow& row : rows) {
    const std::size_t s = request.SetOfReadStep(row.step);
    if (s < steps) rows_by_step[s].push_back(&row);
  }
  // Idle per set and sharing key (the cluster, or cluster and node with idleByNode); node and
  // cluster comparisons of the filter select idle as well.
  const auto idle_key = [&](std::string_view cluster, std::string_view node) {
    std::string key(cluster);
    if (request.idle_by_node) {
      key += '\0';
      key += node;
    }
    return key;
  };
  std::vector<std::map<std::string, IdleTotal>> idle_by_step(steps);
  for (const IdleRow& row : idle) {
    const std::size_t s = request.SetOfReadStep(row.step);
    if (s >= steps) continue;
    const bool selected =
        !filtered ||
        Evaluate(request.filter, [&](const PropertyRef& p) -> std::optional<std::string_view> {
          if (p.property == CostProperty::kCluster) return row.cluster;
          if (p.property == CostProperty::kNode) return row.node;
          return std::nullopt;
        });
    if (!selected && !request.share_idle) continue;
    IdleTotal& total = idle_by_step[s][idle_key(row.cluster, row.node)];
    total.Add({row.first_start, row.last_end, row.cpu_cost, row.ram_cost, row.gpu_cost});
  }

  std::vector<AllocationSet> sets;
  sets.reserve(steps);
  for (std::size_t s = 0; s < steps; ++s) {
    AllocationSet set{request.StepWindow(s), {}};
    const std::vector<const AllocationRow*>& step_rows = rows_by_step[s];
    // Shared idle per row, computed over every row of the cluster (or node) before any filter.
    std::vector<Money> cpu_share(step_rows.size());
    std::vector<Money> ram_share(step_rows.size());
    std::vector<Money> gpu_share(step_rows.size());
    IdleTotal unshared;
    if (request.share_idle) {
      std::map<std::string, std::vector<std::size_t>> by_key;
      for (std::size_t i = 0; i < step_rows.size(); ++i) {
        by_key[idle_key(value_at(*step_rows[i], cluster_index),
                        value_at(*step_rows[i], node_index))]
            .push_back(i);
      }
      for (const auto& [key, total] : idle_by_step[s]) {
        const auto members_it = by_key.find(key);
        if (members_it == by_key.end()) {
          // No workload to share with: the idle stays visible rather than vanish.
          unshared.Add(total);
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
      for (const auto& [key, total] : idle_by_step[s]) unshared.Add(total);
    }

    // Rows of shared namespaces and labels: pooled, whatever the filter and the scope.
    const bool shares = request.SharesCosts();
    Money shared_pool;
    std::vector<const AllocationRow*> shared_rows;
    std::vector<std::size_t> shared_row_index;
    std::vector<Building> building;
    std::unordered_map<std::string, std::size_t> by_name;
    std::string name;
    for (std::size_t i = 0; i < step_rows.size(); ++i) {
      const AllocationRow& row = *step_rows[i];
      const Money idle_share = cpu_share[i] + ram_share[i] + gpu_share[i];
      if (shares && is_shared(row)) {
        shared_pool += row.cpu_cost + row.ram_cost + row.gpu_cost + idle_share;
        shared_rows.push_back(&row);
        shared_row_index.push_back(i);
        continue;
      }
      if (filtered && !row_selected(row)) continue;
      const bool visible = scope.Sees(value_at(row, team_index));
      // Without sharing, rows the scope does not see play no part.
      if (!visible && !shares) continue;
      name.clear();
      for (std::size_t a = 0; a < aggregate.size(); ++a) {
        if (a > 0) name += '/';
        AppendNamePart(name, aggregate_value(row, a));
      }
      auto [it, inserted] = by_name.try_emplace(name, building.size());
      if (inserted) {
        Building b;
        b.alloc.name = name;
        b.alloc.window = set.window;
        b.alloc.sums.first_start = std::chrono::sys_seconds::max();
        b.alloc.sums.last_end = std::chrono::sys_seconds::min();
        b.common.assign(row.values.begin(), row.values.end());
        b.mixed.assign(row.values.size(), false);
        for (std::size_t a = 0; a < aggregate.size(); ++a) {
          const PropertyRef& p = aggregate[a];
          if (p.property == CostProperty::kAnnotation) b.alloc.annotations[p.label] = "";
          if (Derived(p.property)) {
            // deployment, controller, ...: the controller of the name, kind in lower case.
            const std::string_view v = aggregate_value(row, a);
            if (!v.empty()) {
              b.alloc.properties["controller"] = std::string(value_at(row, controller_index));
              std::string kind(value_at(row, kind_index));
              for (char& c : kind)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
              b.alloc.properties["controllerKind"] = std::move(kind);
            }
          }
        }
        building.push_back(std::move(b));
      }
      Building& b = building[it->second];
      for (std::size_t g = 0; g < row.values.size() && g < b.common.size(); ++g) {
        if (!b.mixed[g] && b.common[g] != row.values[g]) b.mixed[g] = true;
      }
      const Money cost = row.cpu_cost + row.ram_cost + row.gpu_cost + idle_share;
      b.all_cost += cost;
      if (!scope.all_teams) b.team_cost[std::string(value_at(row, team_index))] += cost;
      if (!visible) continue;
      b.visible = true;
      Allocation& alloc = b.alloc;
      Add(alloc.sums, row);
      alloc.sums.cpu_cost += cpu_share[i];
      alloc.sums.ram_cost += ram_share[i];
      alloc.sums.gpu_cost += gpu_share[i];
      alloc.cpu_idle_cost += cpu_share[i];
      alloc.ram_idle_cost += ram_share[i];
      alloc.gpu_idle_cost += gpu_share[i];
    }

    // The overhead's part of this set: shareCost is per month of 730 hours.
    // (Split so that it cannot overflow: at most 1e7 dollars a month, over centuries.)
    constexpr std::int64_t kMonthSeconds = std::int64_t{730} * 3600;
    const std::int64_t set_seconds = set.window.length().count();
    const std::int64_t month_nanos = request.share_cost_per_month.nanos();
    const Money overhead =
        Money::FromNanos(month_nanos / kMonthSeconds * set_seconds +
                         month_nanos % kMonthSeconds * set_seconds / kMonthSeconds);
    const Money to_share = shared_pool + overhead;
    if (shares && to_share != Money() && building.empty()) {
      // Nobody to share with: the shared rows stay as they are (if the filter selects them).
      for (std::size_t k = 0; k < shared_rows.size(); ++k) {
        const AllocationRow& row = *shared_rows[k];
        if ((filtered && !row_selected(row)) || !scope.Sees(value_at(row, team_index))) continue;
        name.clear();
        for (std::size_t a = 0; a < aggregate.size(); ++a) {
          if (a > 0) name += '/';
          AppendNamePart(name, aggregate_value(row, a));
        }
        auto [it, inserted] = by_name.try_emplace(name, building.size());
        if (inserted) {
          Building b;
          b.alloc.name = name;
          b.alloc.window = set.window;
          b.alloc.sums.first_start = std::chrono::sys_seconds::max();
          b.alloc.sums.last_end = std::chrono::sys_seconds::min();
          b.common.assign(row.values.begin(), row.values.end());
          b.mixed.assign(row.values.size(), false);
          building.push_back(std::move(b));
        }
        Building& b = building[it->second];
        const std::size_t i = shared_row_index[k];
        b.visible = true;
        Add(b.alloc.sums, row);
        b.alloc.sums.cpu_cost += cpu_share[i];
        b.alloc.sums.ram_cost += ram_share[i];
        b.alloc.sums.gpu_cost += gpu_share[i];
        b.alloc.cpu_idle_cost += cpu_share[i];
        b.alloc.ram_idle_cost += ram_share[i];
        b.alloc.gpu_idle_cost += gpu_share[i];
      }
    } else if (shares && to_share != Money()) {
      std::vector<std::int64_t> weights;
      std::vector<std::string_view> keys;
      weights.reserve(building.size());
      for (const Building& b : building) {
        weights.push_back(request.share_split == ShareSplit::kEven ? 1 : b.all_cost.nanos());
        keys.emplace_back(b.alloc.name);
      }
      std::vector<Money> parts(building.size());
      model::DistributeExactly(to_share, weights, keys, parts);
      for (std::size_t k = 0; k < building.size(); ++k) {
        Building& b = building[k];
        if (scope.all_teams || b.team_cost.size() <= 1) {
          b.alloc.shared_cost = parts[k];
          continue;
        }
        // Rows of several teams: the share is split by team (by their rows' cost), the same
        // way whoever asks, and the scope sees its teams' parts.
        std::vector<std::int64_t> team_weights;
        std::vector<std::string_view> team_keys;
        for (const auto& [team, cost] : b.team_cost) {
          team_weights.push_back(cost.nanos());
          team_keys.emplace_back(team);
        }
        std::vector<Money> team_parts(team_weights.size());
        model::DistributeExactly(parts[k], team_weights, team_keys, team_parts);
        for (std::size_t t = 0; t < team_keys.size(); ++t) {
          if (scope.Sees(team_keys[t])) b.alloc.shared_cost += team_parts[t];
        }
      }
    }

    for (Building& b : building) {
      if (!b.visible) continue;
      Allocation& alloc = b.alloc;
      for (std::size_t g = 0; g < b.common.size() && g < grouping.size(); ++g) {
        if (b.mixed[g] || b.common[g].empty()) continue;
        const PropertyRef& p = grouping[g];
        if (p.property == CostProperty::kLabel) {
          alloc.labels[p.label] = b.common[g];
        } else if (const std::string_view key = PropertyKey(p.property); !key.empty()) {
          alloc.properties.try_emplace(std::string(key), b.common[g]);
        }
      }
      set.allocations.push_back(std::move(alloc));
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
