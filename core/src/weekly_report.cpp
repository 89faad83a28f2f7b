#include "costledger/model/weekly_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/resource_seconds.hpp"
#include "costledger/model/rounding.hpp"
#include "costledger/model/weekly_report_summary.hpp"

namespace costledger::model {
namespace {

constexpr std::int64_t kHoursPerWeek = 168;
constexpr double kMillidevices = 1000.0;

/// Quantity sums in whole base units (GPU in millidevice-seconds), exact and order-independent.
struct Quantities {
  Int128 container_seconds = 0;
  Int128 cpu_request = 0;  ///< millicore-seconds
  Int128 cpu_usage = 0;
  Int128 cpu_allocated = 0;
  Int128 memory_request = 0;  ///< byte-seconds
  Int128 memory_usage = 0;
  Int128 memory_allocated = 0;
  Int128 gpu = 0;  ///< millidevice-seconds
  Int128 gpu_busy = 0;

  Quantities& operator+=(const Quantities& o) {
    container_seconds += o.container_seconds;
    cpu_request += o.cpu_request;
    cpu_usage += o.cpu_usage;
    cpu_allocated += o.cpu_allocated;
    memory_request += o.memory_request;
    memory_usage += o.memory_usage;
    memory_allocated += o.memory_allocated;
    gpu += o.gpu;
    gpu_busy += o.gpu_busy;
    return *this;
  }
};

Int128 Whole(double value, const char* field) {
  if (!std::isfinite(value) || value < 0) {
    throw InvalidInput(
        fmt::format("weekly report: {} {} is not a non-negative number", field, value));
  }
  return static_cast<Int128>(std::nearbyint(value));
}

Quantities QuantitiesOf(const ReportCostRow& row) {
  Quantities q;
  q.container_seconds = Whole(row.container_seconds, "container_seconds");
  q.cpu_request = Whole(row.cpu_request_millicore_seconds, "cpu_request_millicore_seconds");
  q.cpu_usage = Whole(row.cpu_usage_millicore_seconds, "cpu_usage_millicore_seconds");
  q.cpu_allocated = Whole(row.cpu_allocated_millicore_seconds, "cpu_allocated_millicore_seconds");
  q.memory_request = Whole(row.memory_request_byte_seconds, "memory_request_byte_seconds");
  q.memory_usage = Whole(row.memory_usage_byte_seconds, "memory_usage_byte_seconds");
  q.memory_allocated = Whole(row.memory_allocated_byte_seconds, "memory_allocated_byte_seconds");
  q.gpu = Whole(row.gpu_device_seconds * kMillidevices, "gpu_device_seconds");
  q.gpu_busy = Whole(row.gpu_busy_device_seconds * kMillidevices, "gpu_busy_device_seconds");
  return q;
}

void CheckCost(Money amount, const char* field) {
  if (amount < Money{}) {
    throw InvalidInput(
        fmt::format("weekly report: negative {} {}", field, amount.ToDecimalString()));
  }
}

CostBreakdown BreakdownOf(const ReportCostRow& row) {
  CheckCost(row.cpu_cost, "cpu_cost");
  CheckCost(row.ram_cost, "ram_cost");
  CheckCost(row.gpu_cost, "gpu_cost");
  CheckCost(row.shared_idle_cost, "shared_idle_cost");
  return {row.cpu_cost, row.ram_cost, row.gpu_cost, row.shared_idle_cost};
}

CostBreakdown& operator+=(CostBreakdown& a, const CostBreakdown& b) {
  a.cpu += b.cpu;
  a.ram += b.ram;
  a.gpu += b.gpu;
  a.shared_idle += b.shared_idle;
  return a;
}

double ToDouble(Int128 value) { return static_cast<double>(value); }

double Hours(Int128 base_unit_seconds, double base_units_per_unit) {
  return ToDouble(base_unit_seconds) / base_units_per_unit / kSecondsPerHour;
}

std::optional<double> Share(Money part, Money whole) {
  if (whole <= Money{}) return std::nullopt;
  return static_cast<double>(part.nanos()) / static_cast<double>(whole.nanos());
}

/// (namespace, platform, workload).
using WorkloadKey = std::tuple<std::string, std::string, std::string>;

struct WorkloadSums {
  CostBreakdown breakdown;
  Money spot_cost;
  Quantities quantities;
  std::set<std::string> clusters;
  std::size_t workload_count = 1;
};

/// Sums of one set of rows (this week's or the previous one's).
struct RowSums {
  std::map<WorkloadKey, WorkloadSums> workloads;
  std::map<std::string, Money> namespaces;
  std::map<std::string, Money> platforms;
  Money total;
};

RowSums SumRows(const std::vector<ReportCostRow>& rows) {
  RowSums sums;
  for (const ReportCostRow& row : rows) {
    const CostBreakdown b = BreakdownOf(row);
    const Money cost = b.Total();
    WorkloadSums& w = sums.workloads[{row.namespace_name, row.platform, row.workload}];
    w.breakdown += b;
    if (row.capacity_type == kCapacityTypeSpot) w.spot_cost += cost;
    w.quantities += QuantitiesOf(row);
    w.clusters.insert(row.cluster);
    sums.namespaces[row.namespace_name] += cost;
    sums.platforms[row.platform] += cost;
    sums.total += cost;
  }
  return sums;
}

void FillEfficiencies(const Quantities& q, WorkloadLine& line) {
  line.container_hours = ToDouble(q.container_seconds) / kSecondsPerHour;
  line.cpu_request_core_hours = Hours(q.cpu_request, kMillicoresPerCore);
  line.cpu_usage_core_hours = Hours(q.cpu_usage, kMillicoresPerCore);
  line.memory_request_gib_hours = Hours(q.memory_request, kBytesPerGiB);
  line.memory_usage_gib_hours = Hours(q.memory_usage, kBytesPerGiB);
  line.gpu_hours = Hours(q.gpu, kMillidevices);
  line.gpu_busy_hours = Hours(q.gpu_busy, kMillidevices);
  line.cpu_efficiency = Fraction(q.cpu_usage, q.cpu_request);
  line.ram_efficiency = Fraction(q.memory_usage, q.memory_request);
  line.gpu_efficiency = Fraction(q.gpu_busy, q.gpu);
}

WorkloadLine MakeLine(const WorkloadKey& key, const WorkloadSums& sums,
                      std::optional<Money> previous) {
  WorkloadLine line;
  std::tie(line.namespace_name, line.platform, line.workload) = key;
  line.clusters.assign(sums.clusters.begin(), sums.clusters.end());
  line.workload_count = sums.workload_count;
  line.breakdown = sums.breakdown;
  line.cost = sums.breakdown.Total();
  line.previous_cost = previous;
  if (previous) line.change = line.cost - *previous;
  line.spot_cost = sums.spot_cost;
  line.spot_share = Share(sums.spot_cost, line.cost);
  FillEfficiencies(sums.quantities, line);
  return line;
}

template <typename Map, typename Key>
Money Lookup(const Map& map, const Key& key) {
  const auto it = map.find(key);
  return it == map.end() ? Money{} : it->second;
}

std::vector<GroupCost> Groups(const std::map<std::string, Money>& current,
                              const std::optional<std::map<std::string, Money>>& previous) {
  std::vector<GroupCost> out;
  for (const auto& [name, cost] : current) {
    GroupCost g{name, cost, std::nullopt, std::nullopt};
    if (previous) {
      g.previous_cost = Lookup(*previous, name);
      g.change = cost - *g.previous_cost;
    }
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const GroupCost& a, const GroupCost& b) { return a.cost > b.cost; });
  return out;
}

std::vector<CostChange> BiggestChanges(const RowSums& current, const RowSums& previous,
                                       std::size_t limit) {
  std::vector<CostChange> candidates;
  std::map<std::string, std::size_t> changed_per_namespace;
  std::set<WorkloadKey> keys;
  for (const auto& [key, sums] : current.workloads) keys.insert(key);
  for (const auto& [key, sums] : previous.workloads) keys.insert(key);
  for (const WorkloadKey& key : keys) {
    const auto cur = current.workloads.find(key);
    const auto prev = previous.workloads.find(key);
    const Money cost = cur == current.workloads.end() ? Money{} : cur->second.breakdown.Total();
    const Money before =
        prev == previous.workloads.end() ? Money{} : prev->second.breakdown.Total();
    if (cost == before) continue;
    ++changed_per_namespace[std::get<0>(key)];
    candidates.push_back(CostChange{CostChange::Kind::kWorkload, std::get<0>(key), std::get<1>(key),
                                    std::get<2>(key), before, cost, cost - before});
  }
  // A namespace is worth naming when several of its workloads moved together; with one, the
  // workload itself says more.
  for (const auto& [name, count] : changed_per_namespace) {
    if (count < 2) continue;
    const Money cost = Lookup(current.namespaces, name);
    const Money before = Lookup(previous.namespaces, name);
    if (cost == before) continue;
    candidates.push_back(
        CostChange{CostChange::Kind::kNamespace, name, "", "", before, cost, cost - before});
  }
  auto magnitude = [](const CostChange& c) {
    return c.change < Money{} ? Money{} - c.change : c.change;
  };
  std::sort(candidates.begin(), candidates.end(), [&](const CostChange& a, const CostChange& b) {
    const Money ma = magnitude(a);
    const Money mb = magnitude(b);
    if (ma != mb) return ma > mb;
    if (a.kind != b.kind) return a.kind == CostChange::Kind::kWorkload;
    return std::tie(a.namespace_name, a.platform, a.workload) <
           std::tie(b.namespace_name, b.platform, b.workload);
  });
  if (candidates.size() > limit) candidates.resize(limit);
  return candidates;
}

/// Cuts `text` to at most `max_bytes` bytes without splitting a UTF-8 sequence.
std::string Cut(const std::string& text, std::size_t max_bytes, bool& truncated) {
  truncated = text.size() > max_bytes;
  if (!truncated) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

QuerySection BuildQueries(const WeeklyReportInput& input) {
  QuerySection out;
  const std::size_t top = input.limits.top_queries_per_workgroup;
  std::vector<QueryGroupSummary> groups = SummarizeQueries(input.queries, top);
  groups.insert(groups.end(), input.query_groups.begin(), input.query_groups.end());
  // One team's report: its groups are its workgroups, whatever team the rows name.
  for (QueryGroupSummary& g : groups) g.team.clear();
  for (QueryGroupSummary& group : MergeQuerySummaries(std::move(groups), top)) {
    WorkgroupQueries w;
    w.work_group = group.work_group;
    w.query_count = group.query_count;
    w.cost = group.cost;
    w.data_scanned_bytes = group.data_scanned_bytes;
    w.other_cost = group.cost;
    w.other_count = group.query_count;
    for (const QueryCostRow& q : group.top) {
      w.other_cost -= q.cost;
      --w.other_count;
      QueryLine line;
      line.query_execution_id = q.query_execution_id;
      line.state = q.state;
      line.statement_type = q.statement_type;
      line.submitted = q.submitted;
      line.data_scanned_bytes = q.data_scanned_bytes;
      line.engine_execution_millis = q.engine_execution_millis;
      line.cost = q.cost;
      line.query = Cut(q.query, input.limits.max_query_text_bytes, line.query_truncated);
      w.top.push_back(std::move(line));
    }
    if (w.other_cost < Money{}) {
      throw InvalidInput(
          fmt::format("weekly report: workgroup {} costs less than its top queries", w.work_group));
    }
    out.total += w.cost;
    out.data_scanned_bytes += w.data_scanned_bytes;
    out.query_count += w.query_count;
    out.workgroups.push_back(std::move(w));
  }
  std::stable_sort(
      out.workgroups.begin(), out.workgroups.end(),
      [](const WorkgroupQueries& a, const WorkgroupQueries& b) { return a.cost > b.cost; });
  out.previous_total = input.previous_query_cost;
  if (out.previous_total) out.change = out.total - *out.previous_total;
  return out;
}

SpotSection BuildSpot(const WeeklyReportInput& input, Money total) {
  SpotSection out;
  std::map<std::string, Money> team_spot;
  for (const ReportCostRow& row : input.rows) {
    if (row.capacity_type == kCapacityTypeSpot) team_spot[row.instance_type] += row.Cost();
  }
  std::map<std::string, SpotNodeCost> nodes;
  for (const SpotNodeCost& n : input.spot_nodes) {
    auto [it, inserted] = nodes.try_emplace(n.instance_type, n);
    if (inserted) continue;
    if (it->second.on_demand_per_hour != n.on_demand_per_hour) {
      throw InvalidInput(fmt::format(
          "weekly report: two on-demand prices for spot instance type '{}'", n.instance_type));
    }
    it->second.spot_cost += n.spot_cost;
    it->second.node_seconds += n.node_seconds;
  }
  for (const auto& [type, cost] : team_spot) {
    SpotSavingLine line{type, cost, std::nullopt, std::nullopt};
    out.team_spot_cost += cost;
    const auto n = nodes.find(type);
    if (n == nodes.end()) {
      out.unpriced_spot_cost += cost;
    } else {
      line.saving = SpotSaving(cost, n->second);
      line.on_demand_cost = cost + *line.saving;
      out.saving += *line.saving;
    }
    out.by_instance_type.push_back(std::move(line));
  }
  std::stable_sort(out.by_instance_type.begin(), out.by_instance_type.end(),
                   [](const SpotSavingLine& a, const SpotSavingLine& b) {
                     const bool ka = a.saving.has_value();
                     const bool kb = b.saving.has_value();
                     if (ka != kb) return ka;
                     if (ka && *a.saving != *b.saving) return *a.saving > *b.saving;
                     return a.team_spot_cost > b.team_spot_cost;
                   });
  out.spot_share = Share(out.team_spot_cost, total);
  return out;
}

IdleSection BuildIdle(const WeeklyReportInput& input, Money total, Money shared_idle) {
  IdleSection out;
  out.sharing = input.idle_sharing;
  out.team_shared_idle = shared_idle;
  if (input.idle_sharing != IdleSharing::kSeparate) out.team_idle_share = Share(shared_idle, total);
  std::set<std::string> clusters;
  for (const ClusterIdleInput& c : input.cluster_idle) {
    CheckCost(c.idle_cost, "cluster idle cost");
    CheckCost(c.total_cost, "cluster total cost");
    clusters.insert(c.cluster);
    out.cluster_idle += c.idle_cost;
    out.cluster_total += c.total_cost;
  }
  out.clusters.assign(clusters.begin(), clusters.end());
  out.cluster_idle_share = Share(out.cluster_idle, out.cluster_total);
  return out;
}

StorageSection BuildStorage(const WeeklyReportInput& input) {
  StorageSection out;
  if (!input.storage) return out;
  out.costed = true;
  std::vector<StorageCostInput> volumes = *input.storage;
  std::map<std::string, StorageClassCost> classes;
  for (const StorageCostInput& v : volumes) {
    CheckCost(v.cost, "volume cost");
    if (v.size_bytes < 0) throw InvalidInput("weekly report: negative volume size");
    out.total += v.cost;
    StorageClassCost& c = classes[v.storage_class];
    c.storage_class = v.storage_class;
    c.cost += v.cost;
    c.size_bytes += v.size_bytes;
    ++c.volume_count;
  }
  for (auto& [name, c] : classes) out.by_class.push_back(std::move(c));
  std::stable_sort(
      out.by_class.begin(), out.by_class.end(),
      [](const StorageClassCost& a, const StorageClassCost& b) { return a.cost > b.cost; });
  std::sort(volumes.begin(), volumes.end(),
            [](const StorageCostInput& a, const StorageCostInput& b) {
              if (a.cost != b.cost) return a.cost > b.cost;
              return std::tie(a.cluster, a.namespace_name, a.volume, a.claim) <
                     std::tie(b.cluster, b.namespace_name, b.volume, b.claim);
            });
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    if (i < input.limits.top_volumes) {
      out.top_volumes.push_back(volumes[i]);
    } else {
      out.other_cost += volumes[i].cost;
      ++out.other_count;
    }
  }
  return out;
}

std::vector<QuotaLine> BuildQuotas(const WeeklyReportInput& input) {
  std::vector<QuotaLine> out;
  for (const QuotaReportInput& q : input.quotas) {
    out.push_back(QuotaLine{q.quota.name, DescribeScope(q.quota.scope), q.quota.period,
                            q.quota.action, q.status});
  }
  // Highest spent/limit first, compared exactly (cross-multiplied; limits are > 0).
  std::sort(out.begin(), out.end(), [](const QuotaLine& a, const QuotaLine& b) {
    const Int128 lhs = Int128{a.status.spent} * std::max<std::int64_t>(b.status.limit, 1);
    const Int128 rhs = Int128{b.status.spent} * std::max<std::int64_t>(a.status.limit, 1);
    if (lhs != rhs) return lhs > rhs;
    return a.name < b.name;
  });
  return out;
}

/// What (current - recommended) of a resource costs over `seconds`, rounded once.
Money Difference(std::int64_t delta, Money price_per_unit_hour, Int128 seconds,
                 std::int64_t base_units_per_unit) {
  return Money::FromNanos(DivideRoundHalfEven(Int128{delta} * price_per_unit_hour.nanos() * seconds,
                                              Int128{base_units_per_unit} * kSecondsPerHour));
}

RightsizingSection BuildRightsizing(const WeeklyReportInput& input, const RowSums& sums) {
  // Unit prices per (namespace, workload) from the week's own rows: the containers' cost over
  // their allocated core- and GiB-hours (without shared idle, which requests would not save).
  struct Pool {
    Money cpu_cost, ram_cost;
    Int128 cpu_allocated = 0, memory_allocated = 0;
  };
  std::map<std::pair<std::string, std::string>, Pool> pools;
  for (const auto& [key, w] : sums.workloads) {
    Pool& p = pools[{std::get<0>(key), std::get<2>(key)}];
    p.cpu_cost += w.breakdown.cpu;
    p.ram_cost += w.breakdown.ram;
    p.cpu_allocated += w.quantities.cpu_allocated;
    p.memory_allocated += w.quantities.memory_allocated;
  }
  RightsizingSection out;
  out.percentile = input.rightsizing_policy.percentile;
  out.headroom_percent = input.rightsizing_policy.headroom_percent;
  std::vector<RecommendationLine> lines;
  for (const RightsizingInput& in : input.rightsizing) {
    RecommendationLine line;
    line.namespace_name = in.namespace_name;
    line.workload = in.workload;
    line.container = in.container;
    const auto pool = pools.find({in.namespace_name, in.workload});
    line.price_per_core_hour = in.price_per_core_hour.value_or(Money{});
    line.price_per_gib_hour = in.price_per_gib_hour.value_or(Money{});
    if (pool != pools.end()) {
      if (!in.price_per_core_hour) {
        line.price_per_core_hour =
            CostPerUnitHour(pool->second.cpu_cost, pool->second.cpu_allocated, kMillicoresPerCore)
                .value_or(Money{});
      }
      if (!in.price_per_gib_hour) {
        line.price_per_gib_hour =
            CostPerUnitHour(pool->second.ram_cost, pool->second.memory_allocated, kBytesPerGiB)
                .value_or(Money{});
      }
    }
    line.cpu = RecommendCpu(in.cpu_millicores, in.cpu_request_millicores, input.week.window,
                            line.price_per_core_hour, input.rightsizing_policy);
    line.memory = RecommendMemory(in.memory_bytes, in.memory_request_bytes, input.week.window,
                                  line.price_per_gib_hour, input.rightsizing_policy);
    if (!line.cpu && !line.memory) continue;
    ++out.containers_considered;
    const Int128 seconds = in.container_seconds > 0
                               ? Whole(in.container_seconds, "container_seconds")
                               : Int128{kHoursPerWeek} * kSecondsPerHour;
    line.container_hours = ToDouble(seconds) / kSecondsPerHour;
    auto price = [&](const std::optional<ResourceRecommendation>& r, Money unit_price,
                     std::int64_t per_unit) {
      if (!r) return;
      const std::int64_t delta = r->current_request - r->recommended;
      if (delta > 0) line.weekly_saving += Difference(delta, unit_price, seconds, per_unit);
      if (delta < 0) line.weekly_extra_cost += Difference(-delta, unit_price, seconds, per_unit);
    };
    price(line.cpu, line.price_per_core_hour, kMillicoresPerCore);
    price(line.memory, line.price_per_gib_hour, kBytesPerGiB);
    const bool changes = (line.cpu && line.cpu->recommended != line.cpu->current_request) ||
                         (line.memory && line.memory->recommended != line.memory->current_request);
    if (!changes) continue;
    out.total_saving += line.weekly_saving;
    out.total_extra_cost += line.weekly_extra_cost;
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end(),
            [](const RecommendationLine& a, const RecommendationLine& b) {
              if (a.weekly_saving != b.weekly_saving) return a.weekly_saving > b.weekly_saving;
              if (a.weekly_extra_cost != b.weekly_extra_cost)
                return a.weekly_extra_cost > b.weekly_extra_cost;
              return std::tie(a.namespace_name, a.workload, a.container) <
                     std::tie(b.namespace_name, b.workload, b.container);
            });
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i < input.limits.top_recommendations) {
      out.top.push_back(std::move(lines[i]));
    } else {
      ++out.other_count;
      out.other_saving += lines[i].weekly_saving;
    }
  }
  return out;
}

}  // namespace

WeeklyReport BuildWeeklyReport(const WeeklyReportInput& input) {
  WeeklyReport report;
  report.team = input.team;
  report.week = input.week;
  report.zone_name = input.zone_name;

  for (const ReportCostRow& row : input.rows) {
    if (row.day >= kDaysPerWeek) {
      throw InvalidInput(fmt::format("weekly report: day {} of a row is not 0..6", row.day));
    }
  }
  const RowSums current = SumRows(input.rows);
  std::optional<RowSums> previous;
  if (input.previous_rows) previous = SumRows(*input.previous_rows);

  // Workloads, most expensive first; ties by key (the map's order, kept by the stable sort).
  Quantities team_quantities;
  for (const auto& [key, sums] : current.workloads) {
    std::optional<Money> before;
    if (previous) {
      const auto p = previous->workloads.find(key);
      before = p == previous->workloads.end() ? Money{} : p->second.breakdown.Total();
    }
    report.workloads.push_back(MakeLine(key, sums, before));
    report.breakdown += sums.breakdown;
    team_quantities += sums.quantities;
  }
  std::stable_sort(report.workloads.begin(), report.workloads.end(),
                   [](const WorkloadLine& a, const WorkloadLine& b) { return a.cost > b.cost; });
  report.total = report.breakdown.Total();

  // Top workloads and the others; a single leftover workload is listed rather than summed.
  const std::size_t limit = input.limits.top_workloads;
  report.top_workload_count =
      report.workloads.size() <= limit + 1 ? report.workloads.size() : limit;
  if (report.top_workload_count < report.workloads.size()) {
    WorkloadSums rest;
    rest.workload_count = 0;
    std::optional<Money> rest_before;
    if (previous) rest_before = Money{};
    for (std::size_t i = report.top_workload_count; i < report.workloads.size(); ++i) {
      const WorkloadLine& w = report.workloads[i];
      const WorkloadSums& s = current.workloads.at({w.namespace_name, w.platform, w.workload});
      rest.breakdown += s.breakdown;
      rest.spot_cost += s.spot_cost;
      rest.quantities += s.quantities;
      rest.clusters.insert(s.clusters.begin(), s.clusters.end());
      ++rest.workload_count;
      if (rest_before) *rest_before += *w.previous_cost;
    }
    report.others = MakeLine({"", "", "others"}, rest, rest_before);
  }

  // Team-wide figures.
  WorkloadLine team;
  FillEfficiencies(team_quantities, team);
  report.gpu_hours = team.gpu_hours;
  report.cpu_efficiency = team.cpu_efficiency;
  report.ram_efficiency = team.ram_efficiency;
  report.gpu_efficiency = team.gpu_efficiency;
  if (previous) {
    report.previous_total = previous->total;
    report.change = report.total - previous->total;
    report.change_ratio = Share(*report.change, previous->total);
  }

  // Namespaces, platforms and days.
  std::optional<std::map<std::string, Money>> prev_ns;
  std::optional<std::map<std::string, Money>> prev_platforms;
  if (previous) {
    prev_ns = previous->namespaces;
    prev_platforms = previous->platforms;
  }
  report.namespaces = Groups(current.namespaces, prev_ns);
  report.platforms = Groups(current.platforms, prev_platforms);
  std::map<std::string, std::size_t> ns_index;
  std::map<std::string, std::size_t> platform_index;
  for (std::size_t i = 0; i < report.namespaces.size(); ++i)
    ns_index[report.namespaces[i].name] = i;
  for (std::size_t i = 0; i < report.platforms.size(); ++i) {
    platform_index[report.platforms[i].name] = i;
  }
  for (std::size_t d = 0; d < kDaysPerWeek; ++d) {
    report.days[d].day = input.week.days[d];
    report.days[d].by_namespace.assign(report.namespaces.size(), Money{});
    report.days[d].by_platform.assign(report.platforms.size(), Money{});
  }
  for (const ReportCostRow& row : input.rows) {
    DayCost& day = report.days[row.day];
    const Money cost = row.Cost();
    day.total += cost;
    day.by_namespace[ns_index.at(row.namespace_name)] += cost;
    day.by_platform[platform_index.at(row.platform)] += cost;
  }

  if (previous) {
    report.biggest_changes = BiggestChanges(current, *previous, input.limits.biggest_changes);
  }
  report.idle = BuildIdle(input, report.total, report.breakdown.shared_idle);
  report.queries = BuildQueries(input);
  report.spot = BuildSpot(input, report.total);
  report.storage = BuildStorage(input);
  report.quotas = BuildQuotas(input);
  report.rightsizing = BuildRightsizing(input, current);
  report.combined_total = report.total + report.queries.total + report.storage.total;
  report.summary = SummarizeWeeklyReport(report);
  return report;
}

}  // namespace costledger::model
