#include "costledger/model/allocation_request.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

struct NamedProperty {
  std::string_view name;
  CostProperty property;
};

// OpenCost's names, then costledger's own: the node's capacity and instance type, and the
// platform and workload a pod was named by (NameWorkload).
constexpr std::array<NamedProperty, 17> kProperties{{
    {"cluster", CostProperty::kCluster},
    {"node", CostProperty::kNode},
    {"namespace", CostProperty::kNamespace},
    {"controllerKind", CostProperty::kControllerKind},
    {"controller", CostProperty::kKindController},
    {"deployment", CostProperty::kDeployment},
    {"statefulset", CostProperty::kStatefulSet},
    {"daemonset", CostProperty::kDaemonSet},
    {"job", CostProperty::kJob},
    {"pod", CostProperty::kPod},
    {"container", CostProperty::kContainer},
    {"team", CostProperty::kTeam},
    {"capacityType", CostProperty::kCapacityType},
    {"instanceType", CostProperty::kInstanceType},
    {"platform", CostProperty::kPlatform},
    {"workload", CostProperty::kWorkload},
    {"service", CostProperty::kNotCollected},
}};

constexpr std::string_view kAllowedAggregates =
    "cluster, node, namespace, controllerKind, controller, deployment, statefulset, daemonset, "
    "job, pod, container, service, label:<name>, annotation:<name>, department, environment, "
    "owner, product, team, capacityType, instanceType, platform, workload";

// Parameters that change nothing here but are OpenCost's: validated as booleans.
constexpr std::array<std::string_view, 4> kAcceptedBooleans{"includeSharedCostBreakdown",
                                                            "includeProportionalAssetResourceCosts",
                                                            "reconcile", "shareTenancyCosts"};

// The older filterX parameters: a comma-separated list, any of which matches.
struct LegacyFilter {
  std::string_view parameter;
  std::string_view field;  // as in the v2 language; "label"/"annotation" take key:value items
};
constexpr std::array<LegacyFilter, 15> kLegacyFilters{{
    {"filterClusters", "cluster"},
    {"filterNodes", "node"},
    {"filterNamespaces", "namespace"},
    {"filterControllerKinds", "controllerKind"},
    {"filterControllers", "controller"},
    {"filterPods", "pod"},
    {"filterContainers", "container"},
    {"filterServices", "services"},
    {"filterLabels", "label"},
    {"filterAnnotations", "annotation"},
    {"filterDepartments", "department"},
    {"filterEnvironments", "environment"},
    {"filterOwners", "owner"},
    {"filterProducts", "product"},
    {"filterTeams", "team"},
}};

constexpr std::array<std::string_view, 16> kKnown{
    "window",      "aggregate", "step",        "resolution",
    "accumulate",  "idle",      "includeIdle", "idleByNode",
    "shareIdle",   "filter",    "format",      "shareNamespaces",
    "shareLabels", "shareCost", "shareSplit",  "includeAggregatedMetadata"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ValidLabelName(std::string_view name) {
  return !name.empty() && name.size() <= 317 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

std::optional<PropertyRef> LookupProperty(std::string_view name) {
  for (const NamedProperty& p : kProperties) {
    if (p.name == name) {
      PropertyRef ref{p.property, {}};
      if (p.property == CostProperty::kNotCollected) ref.label = std::string(name);
      return ref;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// "filterX=a,b" as the v2 filter `field:"a","b"`; labels and annotations "k:v" items as
// `label[k]:"v"` joined by '|'.
FilterNode LegacyFilterNode(const LegacyFilter& f, std::string_view text,
                            const LabelAliases& aliases) {
  const std::vector<std::string_view> items = SplitList(text);
  if (items.empty()) return FilterNode::All();
  std::vector<FilterNode> any;
  for (const std::string_view item : items) {
    std::string v2;
    if (f.field == "label" || f.field == "annotation") {
      const std::size_t colon = item.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        throw InvalidInput(fmt::format("{}='{}': each item is <key>:<value>", f.parameter, text));
      }
      v2 = fmt::format("{}[{}]:{}", f.field, Trim(item.substr(0, colon)),
                       Quoted(Trim(item.substr(colon + 1))));
    } else if (f.field == "controller" && item.find(':') != std::string_view::npos) {
      // "deployment:web": the kind and the name.
      const std::size_t colon = item.find(':');
      v2 = fmt::format("(controllerKind:{}+controllerName:{})", Quoted(item.substr(0, colon)),
                       Quoted(item.substr(colon + 1)));
    } else {
      v2 = fmt::format("{}:{}", f.field, Quoted(item));
    }
    try {
      any.push_back(ParseFilter(v2, aliases));
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("{}='{}': {}", f.parameter, text, e.what()));
    }
  }
  return FilterNode::Or(std::move(any));
}

AccumulateBy ParseAccumulate(std::string_view text) {
  if (text == "true" || text == "1" || text == "all") return AccumulateBy::kAll;
  if (text == "false" || text == "0" || text == "none" || text.empty()) return AccumulateBy::kNone;
  if (text == "hour") return AccumulateBy::kHour;
  if (text == "day") return AccumulateBy::kDay;
  if (text == "week") return AccumulateBy::kWeek;
  if (text == "month") return AccumulateBy::kMonth;
  if (text == "quarter") return AccumulateBy::kQuarter;
  throw InvalidInput(fmt::format(
      "accumulate='{}' is not supported; use true, false, all, hour, day, week, month or quarter",
      text));
}

// The start of the calendar unit after the one holding `t`.
sys_seconds NextBoundary(AccumulateBy by, sys_seconds t) {
  using std::chrono::days;
  using std::chrono::hours;
  using std::chrono::months;
  const auto day = std::chrono::floor<days>(t);
  switch (by) {
    case AccumulateBy::kHour:
      return std::chrono::floor<hours>(t) + hours(1);
    case AccumulateBy::kDay:
      return day + days(1);
    case AccumulateBy::kWeek: {
      const std::chrono::weekday wd{day};  // weeks start on Sunday, as OpenCost's
      return day + days(7 - wd.c_encoding());
    }
    case AccumulateBy::kMonth:
    case AccumulateBy::kQuarter: {
      const std::chrono::year_month_day ymd{day};
      auto first = ymd.year() / ymd.month() / 1;
      if (by == AccumulateBy::kMonth) {
        first += months(1);
      } else {
        const unsigned m = static_cast<unsigned>(ymd.month());
        first += months(3 - (m - 1) % 3);
      }
      return std::chrono::sys_days{first};
    }
    case AccumulateBy::kNone:
    case AccumulateBy::kAll:
      break;
  }
  return sys_seconds::max();
}

void SetCalendarSets(AllocationRequest& r, AccumulateBy by, std::size_t max_steps) {
  const auto since_epoch = r.window.start.time_since_epoch();
  const auto aligned = [&](seconds unit) { return since_epoch % unit == seconds(0); };
  r.step = by != AccumulateBy::kHour && aligned(std::chrono::days(1)) ? seconds(86'400)
           : aligned(std::chrono::hours(1))                           ? seconds(3'600)
                                                                      : seconds(60);
  for (sys_seconds t = r.window.start; t < r.window.end;) {
    const sys_seconds next = std::min(NextBoundary(by, t), r.window.end);
    r.calendar_sets.push_back({t, next});
    t = next;
    if (r.calendar_sets.size() > max_steps) break;
  }
}

}  // namespace

std::string PropertyName(const PropertyRef& ref) {
  if (ref.property == CostProperty::kLabel) return "label:" + ref.label;
  if (ref.property == CostProperty::kAnnotation) return "annotation:" + ref.label;
  if (ref.property == CostProperty::kNotCollected) return ref.label;
  for (const NamedProperty& p : kProperties) {
    if (p.property == ref.property) return std::string(p.name);
  }
  if (ref.property == CostProperty::kController) return "controllerName";
  return "unknown";
}

std::vector<PropertyRef> ParseAggregate(std::string_view text, const LabelAliases& aliases) {
  std::vector<PropertyRef> out;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    const bool label = item.rfind("label:", 0) == 0;
    const bool annotation = item.rfind("annotation:", 0) == 0;
    if (label || annotation) {
      const std::string_view name = item.substr(label ? 6 : 11);
      if (!ValidLabelName(name)) {
        throw InvalidInput(
            fmt::format("aggregate '{}': a label or annotation name needs letters, digits, "
                        "'-', '_', '.' or '/'",
                        item));
      }
      out.push_back({label ? CostProperty::kLabel : CostProperty::kAnnotation, std::string(name)});
    } else if (const auto alias = aliases.LabelOf(item)) {
      out.push_back({CostProperty::kLabel, std::string(*alias)});
    } else if (const auto p = LookupProperty(item)) {
      out.push_back(*p);
    } else {
      throw InvalidInput(
          fmt::format("aggregate '{}' is not supported; allowed: {}", item, kAllowedAggregates));
    }
    if (std::find(out.begin(), out.end() - 1, out.back()) != out.end() - 1) {
      throw InvalidInput(fmt::format("aggregate names '{}' twice", item));
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool ParseBool(std::string_view parameter, std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw InvalidInput(fmt::format("{}='{}' is not a boolean; use true or false", parameter, text));
}

std::size_t AllocationRequest::ReadStepCount() const {
  if (accumulate) return 1;
  const auto n = (window.length().count() + step.count() - 1) / step.count();
  return static_cast<std::size_t>(n);
}

std::size_t AllocationRequest::StepCount() const {
  if (!calendar_sets.empty()) return calendar_sets.size();
  return ReadStepCount();
}

TimeWindow AllocationRequest::StepWindow(std::size_t index) const {
  if (accumulate) return window;
  if (!calendar_sets.empty()) return calendar_sets.at(index);
  const auto start = window.start + step * static_cast<std::int64_t>(index);
  return {start, std::min(start + step, window.end)};
}

std::size_t AllocationRequest::SetOfReadStep(std::size_t read_step) const {
  if (accumulate) return 0;
  if (calendar_sets.empty()) return read_step;
  const sys_seconds t = window.start + step * static_cast<std::int64_t>(read_step);
  const auto it =
      std::upper_bound(calendar_sets.begin(), calendar_sets.end(), t,
                       [](sys_seconds value, const TimeWindow& w) { return value < w.start; });
  return it == calendar_sets.begin() ? 0 : static_cast<std::size_t>(it - calendar_sets.begin()) - 1;
}

AllocationRequest ParseAllocationRequest(const std::multimap<std::string, std::string>& query,
                                         sys_seconds now, const AllocationParseOptions& options) {
  AllocationRequest r;
  r.include_idle = options.include_idle_default;
  const auto known = [](std::string_view key) {
    return std::find(kKnown.begin(), kKnown.end(), key) != kKnown.end() ||
           std::find(kAcceptedBooleans.begin(), kAcceptedBooleans.end(), key) !=
               kAcceptedBooleans.end() ||
           std::any_of(kLegacyFilters.begin(), kLegacyFilters.end(),
                       [&](const LegacyFilter& f) { return f.parameter == key; });
  };
  for (auto it = query.begin(); it != query.end(); it = query.upper_bound(it->first)) {
    const std::string& key = it->first;
    if (!known(key)) {
      if (!options.ignore_unknown) {
        throw InvalidInput(fmt::format(
            "unknown parameter '{}'; allowed: window, aggregate, step, accumulate, idle, "
            "includeIdle, idleByNode, shareIdle, shareNamespaces, shareLabels, shareCost, "
            "shareSplit, filter, the filterX lists, resolution, format, includeAggregatedMetadata",
            key));
      }
      r.warnings.push_back(fmt::format("parameter '{}' is not supported and was ignored", key));
      continue;
    }
    if (query.count(key) > 1) throw InvalidInput(fmt::format("parameter '{}' given twice", key));
  }
  const auto get = [&](std::string_view key) -> std::optional<std::string> {
    const auto it = query.find(std::string(key));
    if (it == query.end()) return std::nullopt;
    return it->second;
  };
  const auto get_bool = [&](std::string_view key) -> std::optional<bool> {
    const auto v = get(key);
    if (!v || v->empty()) return std::nullopt;
    return ParseBool(key, *v);
  };
  const auto window = get("window");
  if (!window || window->empty()) {
    throw InvalidInput("parameter 'window' is required, e.g. window=7d or window=today");
  }
  r.window = ParseWindow(*window, now);
  if (const auto a = get("aggregate"); a && !a->empty()) {
    // Counted before parsing: each key is a column of the grouping, and a request of
    // thousands would keep the database busy for minutes.
    const auto keys = static_cast<std::size_t>(std::count(a->begin(), a->end(), ',')) + 1;
    if (keys > options.max_aggregate_keys) {
      throw TooLarge(fmt::format(
          "aggregate names {} properties; at most {} are allowed (api.max_aggregate_keys): "
          "aggregate by fewer and filter by the rest",
          keys, options.max_aggregate_keys));
    }
    r.aggregate = ParseAggregate(*a, options.aliases);
  }
  AccumulateBy by = AccumulateBy::kNone;
  if (const auto a = get("accumulate")) by = ParseAccumulate(*a);
  r.accumulate = by == AccumulateBy::kAll;
  // includeIdle is OpenCost's name, idle costledger's: includeIdle wins when both are given.
  if (const auto v = get_bool("idle")) r.include_idle = *v;
  if (const auto v = get_bool("includeIdle")) r.include_idle = *v;
  if (const auto v = get_bool("shareIdle")) r.share_idle = *v;
  if (const auto v = get_bool("idleByNode")) r.idle_by_node = *v;
  if (const auto v = get_bool("includeAggregatedMetadata")) r.include_aggregated_metadata = *v;
  for (const std::string_view key : kAcceptedBooleans) get_bool(key);
  if (const auto f = get("format"); f && !f->empty() && *f != "json") {
    throw InvalidInput(fmt::format("format='{}' is not supported; use json", *f));
  }
  if (const auto v = get("resolution"); v && !v->empty()) {
    try {
      ParseDuration(*v);
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("resolution='{}': {}", *v, e.what()));
    }
  }
  std::vector<FilterNode> filters;
  if (const auto f = get("filter")) filters.push_back(ParseFilter(*f, options.aliases));
  for (const LegacyFilter& lf : kLegacyFilters) {
    if (const auto v = get(lf.parameter)) {
      filters.push_back(LegacyFilterNode(lf, *v, options.aliases));
    }
  }
  r.filter = FilterNode::And(std::move(filters));
  if (const auto v = get("shareNamespaces")) {
    for (const std::string_view ns : SplitList(*v)) r.share_namespaces.emplace_back(ns);
  }
  if (const auto v = get("shareLabels")) {
    for (const std::string_view item : SplitList(*v)) {
      const std::size_t colon = item.find(':');
      const std::string_view key = Trim(item.substr(0, colon));
      if (colon == std::string_view::npos || !ValidLabelName(key)) {
        throw InvalidInput(
            fmt::format("shareLabels='{}': each item is <label>:<value>, e.g. app:ingress", *v));
      }
      r.share_labels.emplace_back(key, Trim(item.substr(colon + 1)));
    }
  }
  if (const auto v = get("shareCost"); v && !v->empty()) {
    double dollars = 0;
    std::size_t used = 0;
    try {
      dollars = std::stod(*v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v->size() || !std::isfinite(dollars) || dollars < 0 || dollars > 1e7) {
      throw InvalidInput(fmt::format(
          "shareCost='{}' is not an amount of dollars per month (0 to 1e7), e.g. 1000", *v));
    }
    r.share_cost_per_month = Money::FromNanos(std::llround(dollars * 1e9));
  }
  if (const auto v = get("shareSplit"); v && !v->empty()) {
    if (*v == "weighted") {
      r.share_split = ShareSplit::kWeighted;
    } else if (*v == "even") {
      r.share_split = ShareSplit::kEven;
    } else {
      throw InvalidInput(fmt::format("shareSplit='{}' is not supported; use weighted or even", *v));
    }
  }
  r.step = r.window.length();
  if (const auto s = get("step"); s && !s->empty()) r.step = ParseDuration(*s);
  if (by != AccumulateBy::kNone && by != AccumulateBy::kAll) {
    SetCalendarSets(r, by, options.max_steps);
  }
  if (r.StepCount() > options.max_steps || r.ReadStepCount() > options.max_steps) {
    throw TooLarge(fmt::format(
        "step {}s over a window of {}s makes {} sets; at most {} are allowed (api.max_steps): "
        "use a larger step or a shorter window",
        r.step.count(), r.window.length().count(), std::max(r.StepCount(), r.ReadStepCount()),
        options.max_steps));
  }
  return r;
}

}  // namespace costledger::model
