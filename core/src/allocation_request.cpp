#include "costledger/model/allocation_request.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

struct NamedProperty {
  std::string_view name;
  CostProperty property;
};

// OpenCost's names, then costledger's own: the node's capacity and instance type, and the
// platform and workload a pod was named by (NameWorkload).
constexpr std::array<NamedProperty, 12> kProperties{{
    {"cluster", CostProperty::kCluster},
    {"node", CostProperty::kNode},
    {"namespace", CostProperty::kNamespace},
    {"controllerKind", CostProperty::kControllerKind},
    {"controller", CostProperty::kController},
    {"pod", CostProperty::kPod},
    {"container", CostProperty::kContainer},
    {"team", CostProperty::kTeam},
    {"capacityType", CostProperty::kCapacityType},
    {"instanceType", CostProperty::kInstanceType},
    {"platform", CostProperty::kPlatform},
    {"workload", CostProperty::kWorkload},
}};

constexpr std::string_view kAllowedAggregates =
    "cluster, node, namespace, controllerKind, controller, pod, container, team, capacityType, "
    "instanceType, platform, workload, label:<name>";

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
    if (p.name == name) return PropertyRef{p.property, {}};
  }
  return std::nullopt;
}

}  // namespace

std::string PropertyName(const PropertyRef& ref) {
  if (ref.property == CostProperty::kLabel) return "label:" + ref.label;
  for (const NamedProperty& p : kProperties) {
    if (p.property == ref.property) return std::string(p.name);
  }
  return "unknown";
}

std::vector<PropertyRef> ParseAggregate(std::string_view text) {
  std::vector<PropertyRef> out;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (item.rfind("label:", 0) == 0) {
      const std::string_view label = item.substr(6);
      if (!ValidLabelName(label)) {
        throw InvalidInput(
            fmt::format("aggregate '{}': a label name needs letters, digits, "
                        "'-', '_', '.' or '/'",
                        item));
      }
      out.push_back({CostProperty::kLabel, std::string(label)});
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

std::vector<FilterClause> ParseFilter(std::string_view text) {
  std::vector<FilterClause> out;
  std::size_t i = 0;
  const auto fail = [&](std::string_view what) {
    throw InvalidInput(
        fmt::format("filter '{}' at offset {}: {} (expected clauses such as "
                    "namespace:\"a\",\"b\" or team!:\"x\" joined by '+')",
                    text, i, what));
  };
  const auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip_spaces();
  if (i == text.size()) return out;
  while (true) {
    skip_spaces();
    FilterClause clause;
    const std::size_t name_start = i;
    while (i < text.size() && text[i] != ':' && text[i] != '!' && text[i] != '[' &&
           text[i] != ' ') {
      ++i;
    }
    const std::string_view name = text.substr(name_start, i - name_start);
    if (i < text.size() && text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (name != "label" || close == std::string_view::npos) fail("expected label[name]");
      const std::string_view label = text.substr(i + 1, close - i - 1);
      if (!ValidLabelName(label)) fail("invalid label name");
      clause.property = {CostProperty::kLabel, std::string(label)};
      i = close + 1;
    } else if (const auto p = LookupProperty(name)) {
      clause.property = *p;
    } else {
      fail(fmt::format("unknown property '{}'; allowed: {}", name, kAllowedAggregates));
    }
    skip_spaces();
    if (i < text.size() && text[i] == '!') {
      clause.negated = true;
      ++i;
    }
    if (i >= text.size() || text[i] != ':') fail("expected ':' or '!:'");
    ++i;
    while (true) {
      skip_spaces();
      if (i >= text.size() || text[i] != '"') fail("expected a quoted value");
      std::string value;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i++];
      }
      if (i >= text.size()) fail("unterminated quoted value");
      ++i;
      clause.values.push_back(std::move(value));
      skip_spaces();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    out.push_back(std::move(clause));
    skip_spaces();
    if (i == text.size()) break;
    if (text[i] == '|') fail("'|' (or) is not supported; use several values in one clause");
    if (text[i] != '+') fail("expected '+' between clauses");
    ++i;
  }
  return out;
}

bool ParseBool(std::string_view parameter, std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw InvalidInput(fmt::format("{}='{}' is not a boolean; use true or false", parameter, text));
}

std::size_t AllocationRequest::StepCount() const {
  if (accumulate) return 1;
  const auto n = (window.length().count() + step.count() - 1) / step.count();
  return static_cast<std::size_t>(n);
}

TimeWindow AllocationRequest::StepWindow(std::size_t index) const {
  if (accumulate) return window;
  const auto start = window.start + step * static_cast<std::int64_t>(index);
  return {start, std::min(start + step, window.end)};
}

AllocationRequest ParseAllocationRequest(const std::multimap<std::string, std::string>& query,
                                         std::chrono::sys_seconds now, std::size_t max_steps) {
  static constexpr std::array<std::string_view, 7> kKnown{
      "window", "aggregate", "step", "accumulate", "idle", "shareIdle", "filter"};
  for (const auto& [key, value] : query) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      throw InvalidInput(
          fmt::format("unknown parameter '{}'; allowed: window, aggregate, step, accumulate, idle, "
                      "shareIdle, filter",
                      key));
    }
    if (query.count(key) > 1) throw InvalidInput(fmt::format("parameter '{}' given twice", key));
  }
  const auto get = [&](std::string_view key) -> std::optional<std::string> {
    const auto it = query.find(std::string(key));
    if (it == query.end()) return std::nullopt;
    return it->second;
  };
  AllocationRequest r;
  const auto window = get("window");
  if (!window || window->empty()) {
    throw InvalidInput("parameter 'window' is required, e.g. window=7d or window=today");
  }
  r.window = ParseWindow(*window, now);
  if (const auto a = get("aggregate"); a && !a->empty()) r.aggregate = ParseAggregate(*a);
  if (const auto a = get("accumulate"); a && !a->empty())
    r.accumulate = ParseBool("accumulate", *a);
  if (const auto a = get("idle"); a && !a->empty()) r.include_idle = ParseBool("idle", *a);
  if (const auto a = get("shareIdle"); a && !a->empty()) r.share_idle = ParseBool("shareIdle", *a);
  if (const auto a = get("filter"); a) r.filter = ParseFilter(*a);
  r.step = r.window.length();
  if (const auto s = get("step"); s && !s->empty()) r.step = ParseDuration(*s);
  if (r.StepCount() > max_steps) {
    throw InvalidInput(
        fmt::format("step {}s over a window of {}s makes {} sets; at most {} are "
                    "allowed, use a larger step",
                    r.step.count(), r.window.length().count(), r.StepCount(), max_steps));
  }
  return r;
}

}  // namespace costledger::model
