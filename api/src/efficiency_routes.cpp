#include "costledger/api/efficiency_routes.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "query_params.hpp"

namespace costledger::api {
namespace {

using nlohmann::ordered_json;
using std::chrono::seconds;

constexpr std::chrono::hours kHour{1};

http::HttpResponse Json(const ordered_json& body) {
  http::HttpResponse r;
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

ordered_json Dollars(const std::optional<model::Money>& m) {
  return m ? ordered_json(m->Dollars()) : ordered_json(nullptr);
}
ordered_json Nanos(const std::optional<model::Money>& m) {
  return m ? ordered_json(m->nanos()) : ordered_json(nullptr);
}
ordered_json Number(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

// One clause of `filter`: field:"v1","v2" (equals any) or field!:"v" (equals none), joined
// by '+', as OpenCost's v2 filters; the quotes are optional.
struct Clause {
  std::string field;
  bool negated = false;
  std::vector<std::string> values;
  bool Holds(const std::string& value) const {
    const bool any = std::find(values.begin(), values.end(), value) != values.end();
    return any != negated;
  }
};

std::vector<Clause> ParseFilter(std::string_view text, const std::vector<std::string>& fields) {
  std::vector<Clause> out;
  const auto allowed = [&] {
    std::string s;
    for (const std::string& f : fields) s += (s.empty() ? "" : ", ") + f;
    return s;
  };
  // Clauses are split at '+' (or a space: an unencoded '+' in a query string) outside quotes.
  std::vector<std::string_view> clauses;
  bool quoted = false;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"') quoted = !quoted;
    if (i == text.size() || (!quoted && (text[i] == '+' || text[i] == ' '))) {
      if (i > begin) clauses.push_back(text.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  if (quoted) throw InvalidInput("parameter 'filter': unterminated quote");
  for (const std::string_view clause : clauses) {
    const std::size_t colon = clause.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw InvalidInput(
          fmt::format("parameter 'filter': clause '{}' is not field:\"value\" (fields: {})", clause,
                      allowed()));
    }
    Clause c;
    c.negated = clause[colon - 1] == '!';
    c.field = std::string(clause.substr(0, c.negated ? colon - 1 : colon));
    if (std::find(fields.begin(), fields.end(), c.field) == fields.end()) {
      throw InvalidInput(
          fmt::format("parameter 'filter': unknown field '{}'; allowed: {}", c.field, allowed()));
    }
    std::string_view rest = clause.substr(colon + 1);
    while (!rest.empty()) {
      std::string value;
      if (rest.front() == '"') {
        const std::size_t close = rest.find('"', 1);
        value = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
      } else {
        const std::size_t comma = rest.find(',');
        value = std::string(rest.substr(0, comma));
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma);
      }
      c.values.push_back(std::move(value));
      if (!rest.empty() && rest.front() == ',') rest.remove_prefix(1);
    }
    if (c.values.empty()) {
      throw InvalidInput(fmt::format("parameter 'filter': field '{}' has no value", c.field));
    }
    out.push_back(std::move(c));
  }
  return out;
}

bool Matches(const std::vector<Clause>& filter, const std::map<std::string, std::string>& fields) {
  return std::all_of(filter.begin(), filter.end(), [&](const Clause& c) {
    const auto it = fields.find(c.field);
    return c.Holds(it == fields.end() ? std::string() : it->second);
  });
}

std::map<std::string, std::string> OfferingFields(const model::OfferingKey& k) {
  return {{"instance_type", k.instance_type},
          {"capacity_type", std::string(model::ToString(k.capacity_type))},
          {"zone", k.zone},
          {"node_group", k.node_group}};
}

model::TimeWindow WindowOf(const http::HttpRequest& request, const EfficiencySettings& settings,
                           std::chrono::sys_seconds now) {
  const auto w = request.Query("window");
  try {
    return model::ParseWindow(w && !w->empty() ? *w : settings.default_window, now);
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("parameter 'window': {}", e.what()));
  }
}

// `recommended`: right-sizing for the costliest that many only (ReadWorkloadFeed).
std::vector<model::WorkloadSummary> WorkloadFeed(const EfficiencyReaders& readers,
                                                 model::TimeWindow window,
                                                 const EfficiencySettings& settings,
                                                 const Principal& who,
                                                 const std::vector<Clause>& filter,
                                                 std::optional<std::size_t> recommended) {
  using model::CostProperty;
  // The cluster and controller kind too, though the feed merges rows by name: with them the
  // grouping is the per-workload rollup's whole key, so hourly steps read its rows as they are
  // (PostgresCostReader sums nothing that is one row already).
  const std::vector<model::PropertyRef> grouping = {
      {CostProperty::kNamespace, ""},      {CostProperty::kController, ""},
      {CostProperty::kPlatform, ""},       {CostProperty::kWorkload, ""},
      {CostProperty::kTeam, ""},           {CostProperty::kCluster, ""},
      {CostProperty::kControllerKind, ""},
  };
  // Hourly steps so that cost per hour counts the hours a workload ran; daily beyond a month.
  const seconds step =
      window.length() > std::chrono::days(31) ? seconds(std::chrono::days(1)) : seconds(kHour);
  // Whether the rows of a workload are the caller's: its team is seen and the filter's fields
  // match (`controller` and `platform` "" where they are not known).
  const auto visible = [&](const std::string& namespace_name, const std::string& controller,
                           const std::string& platform, std::string workload,
                           const std::string& team) {
    if (filter.empty()) return who.SeesTeam(team);
    return who.SeesTeam(team) && Matches(filter, {{"namespace", namespace_name},
                                                  {"controller", controller},
                                                  {"platform", platform},
                                                  {"workload", std::move(workload)},
                                                  {"team", team}});
  };
  const auto read_rows = [&](model::TimeWindow part, seconds part_step) {
    std::vector<model::AllocationRow> rows;
    for (model::AllocationRow& row :
         readers.allocations.ReadAllocations(part.start, part.end, part_step, grouping)) {
      if (row.values.size() != grouping.size()) continue;
      if ((!filter.empty() || !who.scope.all_teams) &&
          !visible(
              row.values[0], row.values[1], row.values[2],
              model::FeedWorkloadName(row.values[0], row.values[1], row.values[2], row.values[3]),
              row.values[4])) {
        continue;
      }
      rows.push_back(std::move(row));
    }
    return rows;
  };
  std::map<std::string, std::vector<model::CounterSample>, std::less<>> counters;
  if (readers.work != nullptr) counters = readers.work->ReadCounters(window);

  // The whole UTC days inside an hourly window read as days, with the time each workload ran
  // per day kept by the daily rollup (ReadWorkloadActivity): a week of hours is 168 rows per
  // workload, of days 7. Not for work counters (their costs are per hour) nor for filters on
  // the controller or platform, which can take part of a name's rows of a day.
  const bool name_level_filter = std::all_of(filter.begin(), filter.end(), [](const Clause& c) {
    return c.field == "namespace" || c.field == "workload" || c.field == "team";
  });
  const auto first_day = std::chrono::ceil<std::chrono::days>(window.start);
  const auto last_day = std::chrono::floor<std::chrono::days>(window.end);
  std::optional<std::vector<model::WorkloadActivityRow>> activity;
  if (step == seconds(kHour) && counters.empty() && name_level_filter && last_day > first_day) {
    activity = readers.allocations.ReadWorkloadActivity(first_day, last_day);
  }
  std::vector<model::WorkloadFeedPart> parts;
  std::vector<std::vector<model::AllocationRow>> part_rows;
  part_rows.reserve(3);  // the parts view these
  if (activity) {
    // Filters here name no controller or platform (above).
    std::erase_if(*activity, [&](const model::WorkloadActivityRow& a) {
      return (!filter.empty() || !who.scope.all_teams) &&
             !visible(a.namespace_name, "", "", a.namespace_name + "/" + a.name, a.team);
    });
    const model::TimeWindow days{first_day, last_day};
    for (const model::TimeWindow part : {model::TimeWindow{window.start, days.start}, days,
                                         model::TimeWindow{days.end, window.end}}) {
      if (part.end <= part.start) continue;
      const bool whole_days = part == days;
      const seconds part_step = whole_days ? seconds(std::chrono::days(1)) : step;
      part_rows.push_back(read_rows(part, part_step));
      parts.push_back({part, part_step, part_rows.back(),
                       whole_days
                           ? std::optional<std::span<const model::WorkloadActivityRow>>(*activity)
                           : std::nullopt});
    }
  } else {
    part_rows.push_back(read_rows(window, step));
    parts.push_back({window, step, part_rows.back(), std::nullopt});
  }
  const std::vector<model::AllocationRow>& rows = part_rows.front();
  const bool any_rows = std::any_of(part_rows.begin(), part_rows.end(),
                                    [](const auto& part) { return !part.empty(); });
  std::vector<model::ContainerUsageSeries> usage;
  // The usage series are hourly: the whole hours inside the window.
  const model::TimeWindow hours{std::chrono::ceil<std::chrono::hours>(window.start),
                                std::chrono::floor<std::chrono::hours>(window.end)};
  const bool with_usage = readers.usage != nullptr && hours.start < hours.end && any_rows;
  if (with_usage && !recommended) usage = readers.usage->ReadUsageSeries(hours, std::nullopt);
  std::map<std::string, model::WindowWorkCost, std::less<>> work;
  if (!counters.empty()) {
    // With counters the window is one part of `step`s: `rows`. The cost of each workload with
    // a counter, per step, against its counter's readings.
    std::map<std::string, std::map<std::size_t, model::Money>, std::less<>> costs;
    for (const model::AllocationRow& row : rows) {
      const std::string name =
          model::FeedWorkloadName(row.values[0], row.values[1], row.values[2], row.values[3]);
      if (counters.contains(name)) {
        costs[name][row.step] += row.cpu_cost + row.ram_cost + row.gpu_cost;
      }
    }
    for (const auto& [name, samples] : counters) {
      std::vector<model::WorkIntervalCost> intervals;
      for (const auto& [index, cost] : costs[name]) {
        const auto start = window.start + step * static_cast<std::int64_t>(index);
        intervals.push_back({{start, std::min(window.end, start + step)}, cost});
      }
      if (intervals.empty()) continue;
      work[name] = model::CostPerUnitOfWork(intervals, samples).window;
    }
  }
  std::vector<model::WorkloadSummary> feed =
      model::BuildWorkloadFeed(parts, window, usage, settings.rightsizing, work);
  if (with_usage && recommended) {
    // The costliest: their usage series alone, then the feed again with them (folding the
    // parts again costs far less than every container's week of usage).
    SortByCost(feed);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < feed.size() && i < *recommended; ++i) {
      names.push_back(feed[i].efficiency.workload);
    }
    usage = readers.usage->ReadWorkloadUsageSeries(hours, names);
    feed = model::BuildWorkloadFeed(parts, window, usage, settings.rightsizing, work);
  }
  return feed;
}

ordered_json OfferingJson(const model::OfferingFeed& f) {
  const model::OfferingEfficiency& e = f.efficiency;
  const model::InterruptionAdjustedCost& a = f.adjusted;
  std::optional<model::Money> average;
  if (e.average_hourly_price) average = e.average_hourly_price->per_hour;
  return {
      {"instance_type", e.offering.instance_type},
      {"capacity_type", model::ToString(e.offering.capacity_type)},
      {"zone", e.offering.zone},
      {"node_group", e.offering.node_group},
      {"node_hours", e.NodeHours()},
      {"hourly_price", e.latest_hourly_price.per_hour.Dollars()},
      {"hourly_price_nanos", e.latest_hourly_price.per_hour.nanos()},
      {"average_hourly_price", Dollars(average)},
      {"average_hourly_price_nanos", Nanos(average)},
      {"cost", e.cost.Dollars()},
      {"cost_nanos", e.cost.nanos()},
      {"cpu_pool_cost_nanos", e.cpu_pool_cost.nanos()},
      {"ram_pool_cost_nanos", e.ram_pool_cost.nanos()},
      {"gpu_pool_cost_nanos", e.gpu_pool_cost.nanos()},
      {"used_vcpu_hours", e.used.CpuCoreHours()},
      {"used_gib_hours", e.used.MemoryGibHours()},
      {"used_gpu_hours", e.used.GpuDeviceHours()},
      {"cpu_utilization", Number(e.cpu_utilization)},
      {"ram_utilization", Number(e.ram_utilization)},
      {"gpu_utilization", Number(e.gpu_utilization)},
      {"cpu_allocation", Number(e.cpu_allocation)},
      {"ram_allocation", Number(e.ram_allocation)},
      {"gpu_allocation", Number(e.gpu_allocation)},
      {"effective_cost_per_used_vcpu_hour", Dollars(e.effective_cost_per_used_vcpu_hour)},
      {"effective_cost_per_used_vcpu_hour_nanos", Nanos(e.effective_cost_per_used_vcpu_hour)},
      {"effective_cost_per_used_gib_hour", Dollars(e.effective_cost_per_used_gib_hour)},
      {"effective_cost_per_used_gib_hour_nanos", Nanos(e.effective_cost_per_used_gib_hour)},
      {"effective_cost_per_used_gpu_hour", Dollars(e.effective_cost_per_used_gpu_hour)},
      {"effective_cost_per_used_gpu_hour_nanos", Nanos(e.effective_cost_per_used_gpu_hour)},
      {"interruptions", a.interruptions},
      {"interruptions_per_node_hour", Number(a.interruptions_per_node_hour)},
      {"lost_work_cost", a.lost_work_cost.Dollars()},
      {"lost_work_cost_nanos", a.lost_work_cost.nanos()},
      {"interruption_adjusted_cost_per_used_vcpu_hour",
       Dollars(a.adjusted_cost_per_used_vcpu_hour)},
      {"interruption_adjusted_cost_per_used_vcpu_hour_nanos",
       Nanos(a.adjusted_cost_per_used_vcpu_hour)},
      {"interruption_adjusted_cost_per_used_gib_hour", Dollars(a.adjusted_cost_per_used_gib_hour)},
      {"interruption_adjusted_cost_per_used_gib_hour_nanos",
       Nanos(a.adjusted_cost_per_used_gib_hour)},
      {"interruption_adjusted_cost_per_used_gpu_hour", Dollars(a.adjusted_cost_per_used_gpu_hour)},
      {"interruption_adjusted_cost_per_used_gpu_hour_nanos",
       Nanos(a.adjusted_cost_per_used_gpu_hour)},
  };
}

ordered_json RecommendationJson(const std::optional<model::ResourceRecommendation>& r) {
  if (!r) return nullptr;
  return {{"current_request", r->current_request},
          {"recommended", r->recommended},
          {"percentile_usage", r->percentile_usage},
          {"recent_peak", r->recent_peak ? ordered_json(*r->recent_peak) : ordered_json(nullptr)},
          {"samples", r->samples},
          {"weekly_saving", r->weekly_saving.Dollars()},
          {"weekly_saving_nanos", r->weekly_saving.nanos()},
          {"weekly_extra_cost", r->weekly_extra_cost.Dollars()},
          {"weekly_extra_cost_nanos", r->weekly_extra_cost.nanos()}};
}

ordered_json WorkloadJson(const model::WorkloadSummary& s) {
  const model::WorkloadEfficiency& e = s.efficiency;
  std::optional<model::Money> per_hour;
  if (e.cost_per_hour) per_hour = e.cost_per_hour->per_hour;
  ordered_json containers = ordered_json::object();
  model::Money saving;
  for (const auto& [name, rec] : s.rightsizing) {
    saving += rec.WeeklySaving();
    containers[name] = {{"cpu_millicores", RecommendationJson(rec.cpu)},
                        {"memory_bytes", RecommendationJson(rec.memory)},
                        {"weekly_saving", rec.WeeklySaving().Dollars()},
                        {"weekly_saving_nanos", rec.WeeklySaving().nanos()}};
  }
  ordered_json work = nullptr;
  if (s.work) {
    work = {{"increase", s.work->increase},
            {"covered_cost", s.work->covered_cost.Dollars()},
            {"covered_cost_nanos", s.work->covered_cost.nanos()},
            {"cost_per_item", s.work->cost_per_item_dollars
                                  ? ordered_json(*s.work->cost_per_item_dollars)
                                  : ordered_json(nullptr)}};
  }
  return {{"workload", e.workload},
          {"cost", e.cost.Dollars()},
          {"cost_nanos", e.cost.nanos()},
          {"active_hours", static_cast<double>(e.active_seconds) / 3600.0},
          {"cost_per_hour", Dollars(per_hour)},
          {"cost_per_hour_nanos", Nanos(per_hour)},
          {"cpu_efficiency", e.cpu_efficiency},
          {"ram_efficiency", e.ram_efficiency},
          {"gpu_efficiency", e.gpu_efficiency},
          {"total_efficiency", e.total_efficiency},
          {"requested_vcpu_hours", e.requested.CpuCoreHours()},
          {"used_vcpu_hours", e.used.CpuCoreHours()},
          {"requested_gib_hours", e.requested.MemoryGibHours()},
          {"used_gib_hours", e.used.MemoryGibHours()},
          {"recommendations", std::move(containers)},
          {"weekly_saving", saving.Dollars()},
          {"weekly_saving_nanos", saving.nanos()},
          {"work", std::move(work)}};
}

ordered_json WindowJson(model::TimeWindow w) {
  return {{"start", model::FormatTimestamp(w.start)}, {"end", model::FormatTimestamp(w.end)}};
}

// The Cluster Autoscaler's id of an EKS managed node group is its Auto Scaling group's name,
// `eks-<node group>-<uuid>`; other groups (eksctl, kops, self-named ASGs) go by their name.
constexpr std::string_view kManagedNodeGroupPrefix = "(eks-)?";
constexpr std::string_view kManagedNodeGroupSuffix =
    "(-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})?";

// A node group's regex: its name, every character but [A-Za-z0-9_-] escaped (names may hold
// '.'), anchored, optionally inside an EKS managed node group's ASG name, so that the Cluster
// Autoscaler matches that group and no other.
std::string AnchoredRegexOf(const std::string& node_group) {
  std::string out = "^";
  out += kManagedNodeGroupPrefix;
  for (const char c : node_group) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') out += '\\';
    out += c;
  }
  out += kManagedNodeGroupSuffix;
  return out + "$";
}

// An offering's regex for the expander: its node group's name when its nodes carried one, else
// a guess over node-group names that contain both the capacity type and the instance type.
std::string RegexOf(const model::OfferingKey& k) {
  if (!k.node_group.empty()) return AnchoredRegexOf(k.node_group);
  std::string type;
  for (const char c : k.instance_type) {
    if (c == '.' || c == '-') {
      type += "[.-]";
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      type += c;
    } else {
      type += '\\';
      type += c;
    }
  }
  return fmt::format(".*{}.*{}.*",
                     k.capacity_type == model::CapacityType::kSpot ? "spot" : "on-?demand", type);
}

// Per capacity type, the instance types of `ranked` (offerings of `node_group` only, unless
// null), each at its best-ranked offering, with requirements for a NodePool.
ordered_json KarpenterRanking(const std::vector<model::OfferingFeed>& ranked,
                              const std::string* node_group) {
  ordered_json by_capacity = ordered_json::object();
  for (const model::CapacityType type :
       {model::CapacityType::kOnDemand, model::CapacityType::kSpot}) {
    ordered_json list = ordered_json::array();
    std::vector<std::string> types;
    for (const model::OfferingFeed& f : ranked) {
      const model::OfferingKey& k = f.efficiency.offering;
      if (k.capacity_type != type || (node_group != nullptr && k.node_group != *node_group) ||
          std::find(types.begin(), types.end(), k.instance_type) != types.end()) {
        continue;
      }
      types.push_back(k.instance_type);
      const bool gpu = f.efficiency.capacity.gpu_millidevice_seconds > 0;
      list.push_back({{"rank", types.size()},
                      {"instance_type", k.instance_type},
                      {"best_zone", k.zone},
                      {"node_group", k.node_group},
                      {"ranked_by", gpu ? "interruption_adjusted_cost_per_used_gpu_hour"
                                        : "interruption_adjusted_cost_per_used_vcpu_hour"},
                      {"cost", Dollars(model::RankingCost(f))},
                      {"cost_nanos", Nanos(model::RankingCost(f))}});
    }
    if (node_group != nullptr && types.empty()) continue;  // the group has no such nodes
    by_capacity[std::string(model::ToString(type))] = {
        {"instance_types", std::move(list)},
        {"requirements", ordered_json::array({{{"key", "karpenter.sh/capacity-type"},
                                               {"operator", "In"},
                                               {"values", {model::ToString(type)}}},
                                              {{"key", "node.kubernetes.io/instance-type"},
                                               {"operator", "In"},
                                               {"values", types}}})}};
  }
  return by_capacity;
}

http::HttpResponse Forbidden(const Principal& who) {
  return http::JsonError(403, fmt::format("token '{}' is scoped to teams; offerings are shared "
                                          "by every team, so they need an unscoped token",
                                          who.name));
}

}  // namespace

std::string EfficiencyRouteOf(std::string_view path) {
  for (const std::string_view route : {kEfficiencyPath, kPriorityExpanderPath, kKarpenterPath}) {
    if (path == route) return std::string(route);
  }
  return "";
}

std::vector<model::OfferingFeed> ReadOfferingFeed(const EfficiencyReaders& readers,
                                                  model::TimeWindow window,
                                                  const EfficiencySettings& settings) {
  using model::CostProperty;
  const std::vector<model::PropertyRef> grouping = {
      {CostProperty::kCluster, ""}, {CostProperty::kNode, ""}, {CostProperty::kControllerKind, ""}};
  const auto nodes = readers.assets.ReadAssets(window.start, window.end);
  const auto usage =
      readers.allocations.ReadAllocations(window.start, window.end, window.length(), grouping);
  return model::BuildOfferingFeed(
      nodes, usage,
      {settings.interval, settings.assumption, model::OfferingGrouping::kOfferingAndNodeGroup});
}

void SortByCost(std::vector<model::WorkloadSummary>& feed) {
  std::stable_sort(feed.begin(), feed.end(), [](const auto& a, const auto& b) {
    return a.efficiency.cost > b.efficiency.cost;
  });
}

std::vector<model::WorkloadSummary> ReadWorkloadFeed(const EfficiencyReaders& readers,
                                                     model::TimeWindow window,
                                                     const EfficiencySettings& settings,
                                                     const Principal& who,
                                                     std::optional<std::size_t> recommended) {
  return WorkloadFeed(readers, window, settings, who, {}, recommended);
}

std::string PriorityExpanderConfigMap(const std::vector<model::OfferingFeed>& ranked,
                                      const std::string& namespace_name) {
  // Best rank per node group (its name, anchored), or per instance type x capacity type for
  // offerings whose nodes carry no group (zones are one node group's business).
  std::vector<std::string> regexes;
  std::set<std::string> seen;
  for (const model::OfferingFeed& f : ranked) {
    std::string regex = RegexOf(f.efficiency.offering);
    if (seen.insert(regex).second) regexes.push_back(std::move(regex));
  }
  std::string yaml = fmt::format(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-autoscaler-priority-expander\n"
      "  namespace: {}\n  labels:\n    app.kubernetes.io/managed-by: costledger\n"
      "data:\n  priorities: |-\n",
      namespace_name);
  // Cheapest first gets the highest number; 10 apart so that hand-made entries fit between.
  const std::size_t n = regexes.size();
  for (std::size_t i = 0; i < n; ++i) {
    // YAML single quotes: a quote inside is written twice.
    std::string quoted;
    for (const char c : regexes[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    yaml += fmt::format("    {}:\n      - '{}'\n", (n - i) * 10, quoted);
  }
  yaml += "    1:\n      - '.*'\n";
  return yaml;
}

http::HttpResponse AnswerEfficiency(const EfficiencyReaders& readers,
                                    const EfficiencySettings& settings,
                                    const http::HttpRequest& request, const Principal& who,
                                    std::chrono::sys_seconds now) {
  const std::string& path = request.path;
  if (path == kPriorityExpanderPath) {
    RejectUnknown(request, {"window", "namespace", "format"});
    if (!who.scope.all_teams) return Forbidden(who);
    const model::TimeWindow window = WindowOf(request, settings, now);
    const auto ranked = model::RankOfferings(ReadOfferingFeed(readers, window, settings));
    const std::string ns = request.Query("namespace").value_or(settings.expander_namespace);
    if (ns.empty() ||
        ns.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      throw InvalidInput("parameter 'namespace': not a Kubernetes namespace name");
    }
    http::HttpResponse r;
    r.content_type = "application/yaml";
    r.body = PriorityExpanderConfigMap(ranked, ns);
    return r;
  }
  if (path == kKarpenterPath) {
    RejectUnknown(request, {"window"});
    if (!who.scope.all_teams) return Forbidden(who);
    const model::TimeWindow window = WindowOf(request, settings, now);
    const auto ranked = model::RankOfferings(ReadOfferingFeed(readers, window, settings));
    // Across node groups, then per node group (a Karpenter NodePool's own requirements).
    std::set<std::string> groups;
    for (const model::OfferingFeed& f : ranked) {
      if (!f.efficiency.offering.node_group.empty())
        groups.insert(f.efficiency.offering.node_group);
    }
    ordered_json by_group = ordered_json::object();
    for (const std::string& group : groups) by_group[group] = KarpenterRanking(ranked, &group);
    return Json({{"code", 200},
                 {"window", WindowJson(window)},
                 {"data", KarpenterRanking(ranked, nullptr)},
                 {"node_groups", std::move(by_group)}});
  }

  RejectUnknown(request, {"window", "by", "filter"});
  const model::TimeWindow window = WindowOf(request, settings, now);
  const std::string by = request.Query("by").value_or("offering");
  const std::string filter_text = request.Query("filter").value_or("");
  ordered_json data = ordered_json::array();
  if (by == "offering") {
    const auto filter =
        ParseFilter(filter_text, {"instance_type", "capacity_type", "zone", "node_group"});
    if (!who.scope.all_teams) return Forbidden(who);
    for (const model::OfferingFeed& f : ReadOfferingFeed(readers, window, settings)) {
      if (Matches(filter, OfferingFields(f.efficiency.offering))) data.push_back(OfferingJson(f));
    }
  } else if (by == "workload") {
    const auto filter =
        ParseFilter(filter_text, {"workload", "namespace", "controller", "platform", "team"});
    for (const model::WorkloadSummary& s :
         WorkloadFeed(readers, window, settings, who, filter, std::nullopt)) {
      data.push_back(WorkloadJson(s));
    }
  } else {
    throw InvalidInput(
        fmt::format("parameter 'by': '{}' is not supported; allowed: offering, workload", by));
  }
  return Json({{"code", 200},
               {"window", WindowJson(window)},
               {"by", by},
               {"interruption_assumption", settings.assumption.Describe()},
               {"data", std::move(data)}});
}

}  // namespace costledger::api
