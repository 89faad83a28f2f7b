#include "costledger/model/efficiency_feed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "costledger/model/enum_text.hpp"

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

std::int64_t Whole(double quantity) { return std::llround(std::max(0.0, quantity)); }

std::string Key(const std::string& cluster, const std::string& node) {
  return cluster + '\n' + node;
}

struct NodeUsage {
  ResourceSeconds used;
  ResourceSeconds allocated;
  sys_seconds last_end_of_work{};  ///< latest end of a non-DaemonSet container row
  bool has_work = false;
};

}  // namespace

std::vector<OfferingFeed> BuildOfferingFeed(std::span<const NodeAssetRow> nodes,
                                            std::span<const AllocationRow> usage,
                                            const OfferingFeedSettings& settings) {
  std::map<std::string, NodeUsage> by_node;
  for (const AllocationRow& row : usage) {
    if (row.values.size() < 3) continue;
    NodeUsage& u = by_node[Key(row.values[0], row.values[1])];
    u.used.cpu_millicore_seconds += Whole(row.cpu_usage_millicore_seconds);
    u.used.memory_byte_seconds += Whole(row.memory_usage_byte_seconds);
    u.used.gpu_millidevice_seconds += Whole(row.gpu_busy_device_seconds * kMillidevicesPerDevice);
    u.allocated.cpu_millicore_seconds += Whole(row.cpu_allocated_millicore_seconds);
    u.allocated.memory_byte_seconds += Whole(row.memory_allocated_byte_seconds);
    u.allocated.gpu_millidevice_seconds += Whole(row.gpu_device_seconds * kMillidevicesPerDevice);
    if (row.values[2] != "DaemonSet") {
      u.last_end_of_work = u.has_work ? std::max(u.last_end_of_work, row.last_end) : row.last_end;
      u.has_work = true;
    }
  }
  std::map<std::string, sys_seconds> cluster_end;
  for (const NodeAssetRow& n : nodes) {
    auto [it, fresh] = cluster_end.emplace(n.cluster, n.last_end);
    if (!fresh) it->second = std::max(it->second, n.last_end);
  }

  OfferingEfficiencyAccumulator accumulator(settings.grouping);
  std::vector<NodeLifetime> lifetimes;
  for (const NodeAssetRow& n : nodes) {
    const auto present = seconds(std::llround(n.seconds));
    if (present <= seconds(0)) continue;
    OfferingKey key{n.instance_type,
                    ParseCapacityType(n.capacity_type).value_or(CapacityType::kOnDemand), n.zone,
                    n.node_group};
    const NodeUsage& u = by_node[Key(n.cluster, n.node)];

    NodeIntervalRecord record;
    record.node = n.cluster + "/" + n.node;
    record.offering = key;
    record.start = n.last_end - present;
    record.length = present;
    record.hourly_price = HourlyPrice{n.max_price_per_hour};
    record.cpu_pool_cost = n.cpu_cost;
    record.ram_pool_cost = n.ram_cost;
    record.gpu_pool_cost = n.gpu_cost;
    record.capacity = Capacity{n.cpu_millicores, n.memory_bytes, n.gpu_devices};
    record.cpu_used_millicore_seconds = static_cast<std::int64_t>(u.used.cpu_millicore_seconds);
    record.memory_used_byte_seconds = static_cast<std::int64_t>(u.used.memory_byte_seconds);
    record.gpu_busy_millidevice_seconds = static_cast<std::int64_t>(u.used.gpu_millidevice_seconds);
    record.cpu_allocated_millicore_seconds =
        static_cast<std::int64_t>(u.allocated.cpu_millicore_seconds);
    record.memory_allocated_byte_seconds =
        static_cast<std::int64_t>(u.allocated.memory_byte_seconds);
    record.gpu_allocated_device_seconds =
        static_cast<std::int64_t>(u.allocated.gpu_millidevice_seconds / kMillidevicesPerDevice);
    accumulator.Add(record);

    NodeLifetime life;
    life.node = record.node;
    life.offering = key;
    life.present = {TimeWindow{record.start, n.last_end}};
    life.disappeared = cluster_end[n.cluster] - n.last_end > settings.interval;
    life.unfinished_pods_at_disappearance = u.has_work && u.last_end_of_work >= n.last_end;
    life.used = u.used;
    lifetimes.push_back(std::move(life));
  }

  const std::vector<OfferingInterruptions> interruptions =
      CountInterruptions(lifetimes, settings.assumption, settings.grouping);
  std::map<OfferingKey, const OfferingInterruptions*> by_offering;
  for (const OfferingInterruptions& i : interruptions) by_offering[i.offering] = &i;
  std::vector<OfferingFeed> out;
  for (OfferingEfficiency& e : accumulator.Results()) {
    const auto it = by_offering.find(e.offering);
    InterruptionAdjustedCost adjusted = AdjustForInterruptions(
        e, it == by_offering.end() ? nullptr : it->second, settings.assumption);
    out.push_back({std::move(e), std::move(adjusted)});
  }
  return out;
}

std::string FeedWorkloadName(const std::string& namespace_name, const std::string& controller,
                             const std::string& platform, const std::string& workload) {
  const bool platform_named = !platform.empty() && platform != "kubernetes" && !workload.empty();
  return namespace_name + "/" + (platform_named ? workload : controller);
}

namespace {

const std::string& ValueAt(const AllocationRow& row, std::size_t i) {
  static const std::string kNone;
  return i < row.values.size() ? row.values[i] : kNone;
}
// The feed's grouping: namespace, controller, platform, workload, team, cluster.
constexpr std::size_t kTeamValue = 4;
constexpr std::size_t kClusterValue = 5;

// The time from `first_start` to `last_end` within a step; the whole step when that is none.
seconds RanWithin(sys_seconds first_start, sys_seconds last_end, TimeWindow step) {
  const sys_seconds from = std::max(step.start, first_start);
  const sys_seconds to = std::min(step.end, last_end);
  return to > from ? to - from : step.length();
}

// A part's activity rows by (step, feed name, cluster, team).
class ActivityIndex {
 public:
  explicit ActivityIndex(std::span<const WorkloadActivityRow> rows) {
    names_.reserve(rows.size());  // the keys view these strings: no reallocation
    for (const WorkloadActivityRow& a : rows) {
      names_.push_back(a.namespace_name + "/" + a.name);
      seconds_[{a.step, names_.back(), a.cluster, a.team}] += a.active_seconds;
    }
  }
  std::optional<seconds> Find(std::size_t step, std::string_view name, std::string_view cluster,
                              std::string_view team) const {
    const auto it = seconds_.find({step, name, cluster, team});
    if (it == seconds_.end()) return std::nullopt;
    return seconds(it->second);
  }

 private:
  using Key = std::tuple<std::size_t, std::string_view, std::string_view, std::string_view>;
  std::vector<std::string> names_;
  std::map<Key, std::int64_t> seconds_;
};

// Folds one part's rows into `accumulator`: one record per workload name and step.
void AddPart(const WorkloadFeedPart& part, WorkloadEfficiencyAccumulator& accumulator) {
  std::optional<ActivityIndex> activity;
  if (part.activity) activity.emplace(*part.activity);
  // Sorted by name, step, team and cluster, so that a name's rows of a step are adjacent, and
  // within them those of one cluster and team; a week of hourly steps is ~10^5 rows, merged
  // without copying them.
  struct Keyed {
    std::string name;
    std::size_t step;
    const AllocationRow* row;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(part.rows.size());
  for (const AllocationRow& row : part.rows) {
    if (row.values.size() < 4) continue;
    keyed.push_back({FeedWorkloadName(row.values[0], row.values[1], row.values[2], row.values[3]),
                     row.step, &row});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.name, a.step, ValueAt(*a.row, kTeamValue), ValueAt(*a.row, kClusterValue)) <
           std::tie(b.name, b.step, ValueAt(*b.row, kTeamValue), ValueAt(*b.row, kClusterValue));
  });
  const auto same_place = [](const Keyed& a, const Keyed& b) {
    return ValueAt(*a.row, kTeamValue) == ValueAt(*b.row, kTeamValue) &&
           ValueAt(*a.row, kClusterValue) == ValueAt(*b.row, kClusterValue);
  };
  for (std::size_t i = 0; i < keyed.size();) {
    const sys_seconds step_start =
        part.window.start + part.step * static_cast<std::int64_t>(keyed[i].step);
    const TimeWindow step{step_start, std::min(part.window.end, step_start + part.step)};
    double cpu_request = 0;
    double cpu_usage = 0;
    double memory_request = 0;
    double memory_usage = 0;
    double gpu_devices = 0;
    double gpu_busy = 0;
    Money cpu_cost;
    Money ram_cost;
    Money gpu_cost;
    seconds active{0};
    std::size_t j = i;
    while (j < keyed.size() && keyed[j].step == keyed[i].step && keyed[j].name == keyed[i].name) {
      // One cluster and team: the time it ran there.
      sys_seconds first_start = keyed[j].row->first_start;
      sys_seconds last_end = keyed[j].row->last_end;
      const std::size_t place = j;
      for (; j < keyed.size() && keyed[j].step == keyed[i].step && keyed[j].name == keyed[i].name &&
             same_place(keyed[j], keyed[place]);
           ++j) {
        const AllocationRow& row = *keyed[j].row;
        first_start = std::min(first_start, row.first_start);
        last_end = std::max(last_end, row.last_end);
        cpu_request += row.cpu_request_millicore_seconds;
        cpu_usage += row.cpu_usage_millicore_seconds;
        memory_request += row.memory_request_byte_seconds;
        memory_usage += row.memory_usage_byte_seconds;
        gpu_devices += row.gpu_device_seconds;
        gpu_busy += row.gpu_busy_device_seconds;
        cpu_cost += row.cpu_cost;
        ram_cost += row.ram_cost;
        gpu_cost += row.gpu_cost;
      }
      const AllocationRow& first = *keyed[place].row;
      std::optional<seconds> kept;
      if (activity) {
        kept = activity->Find(keyed[i].step, keyed[i].name, ValueAt(first, kClusterValue),
                              ValueAt(first, kTeamValue));
      }
      active += kept.value_or(RanWithin(first_start, last_end, step));
    }
    WorkloadIntervalRecord r;
    r.workload = std::move(keyed[i].name);
    r.interval = step;
    r.active = active;
    r.cpu_cost = cpu_cost;
    r.ram_cost = ram_cost;
    r.gpu_cost = gpu_cost;
    r.cpu_request_millicore_seconds = Whole(cpu_request);
    r.cpu_used_millicore_seconds = Whole(cpu_usage);
    r.memory_request_byte_seconds = Whole(memory_request);
    r.memory_used_byte_seconds = Whole(memory_usage);
    r.gpu_requested_device_seconds = Whole(gpu_devices);
    r.gpu_busy_millidevice_seconds = Whole(gpu_busy * kMillidevicesPerDevice);
    accumulator.Add(r);
    i = j;
  }
}

}  // namespace

std::vector<WorkloadSummary> BuildWorkloadFeed(
    std::span<const AllocationRow> rows, TimeWindow window, std::chrono::seconds step,
    std::span<const ContainerUsageSeries> usage, const RightsizingPolicy& policy,
    const std::map<std::string, WindowWorkCost, std::less<>>& work) {
  const WorkloadFeedPart part{window, step, rows, std::nullopt};
  return BuildWorkloadFeed(std::span(&part, 1), window, usage, policy, work);
}

std::vector<WorkloadSummary> BuildWorkloadFeed(
    std::span<const WorkloadFeedPart> parts, TimeWindow window,
    std::span<const ContainerUsageSeries> usage, const RightsizingPolicy& policy,
    const std::map<std::string, WindowWorkCost, std::less<>>& work) {
  WorkloadEfficiencyAccumulator accumulator;
  for (const WorkloadFeedPart& part : parts) AddPart(part, accumulator);
  const std::vector<WorkloadEfficiency> efficiencies = accumulator.Results();

  std::map<std::string, std::pair<Money, Money>, std::less<>> unit_prices;  // core-h, GiB-h
  for (const WorkloadEfficiency& e : efficiencies) {
    unit_prices[e.workload] = {
        CostPerUnitHour(e.cpu_cost, e.requested.cpu_millicore_seconds, kMillicoresPerCore)
            .value_or(Money{}),
        CostPerUnitHour(e.ram_cost, e.requested.memory_byte_seconds, kBytesPerGiB)
            .value_or(Money{})};
  }
  std::map<std::string, std::map<std::string, RightsizingRecommendation, std::less<>>, std::less<>>
      rightsizing;
  for (const ContainerUsageSeries& s : usage) {
    const std::string name =
        FeedWorkloadName(s.namespace_name, s.controller, s.platform, s.workload);
    const auto price = unit_prices.find(name);
    if (price == unit_prices.end()) continue;
    RightsizingRecommendation rec;
    rec.cpu = RecommendCpu(s.cpu_millicores, s.cpu_request_millicores, window, price->second.first,
                           policy);
    rec.memory = RecommendMemory(s.memory_bytes, s.memory_request_bytes, window,
                                 price->second.second, policy);
    if (rec.cpu || rec.memory) rightsizing[name][s.container] = rec;
  }
  return SummarizeWorkloads(efficiencies, rightsizing, work);
}

std::optional<Money> RankingCost(const OfferingFeed& feed) {
  if (feed.efficiency.capacity.gpu_millidevice_seconds > 0) {
    return feed.adjusted.adjusted_cost_per_used_gpu_hour;
  }
  return feed.adjusted.adjusted_cost_per_used_vcpu_hour;
}

std::vector<OfferingFeed> RankOfferings(std::vector<OfferingFeed> feeds) {
  const auto list_per_vcpu = [](const OfferingFeed& f) {
    const auto per_core = CostPerUnitHour(
        f.efficiency.cost, f.efficiency.capacity.cpu_millicore_seconds, kMillicoresPerCore);
    return per_core.value_or(Money::FromNanos(std::numeric_limits<std::int64_t>::max()));
  };
  std::stable_sort(feeds.begin(), feeds.end(), [&](const OfferingFeed& a, const OfferingFeed& b) {
    const bool ga = a.efficiency.capacity.gpu_millidevice_seconds > 0;
    const bool gb = b.efficiency.capacity.gpu_millidevice_seconds > 0;
    if (ga != gb) return gb;  // CPU offerings, then GPU ones: their costs are not comparable
    const auto ca = RankingCost(a);
    const auto cb = RankingCost(b);
    if (ca.has_value() != cb.has_value()) return ca.has_value();
    if (ca && *ca != *cb) return *ca < *cb;
    if (!ca) {
      const Money la = list_per_vcpu(a);
      const Money lb = list_per_vcpu(b);
      if (la != lb) return la < lb;
    }
    return a.efficiency.offering < b.efficiency.offering;
  });
  return feeds;
}

}  // namespace costledger::model
