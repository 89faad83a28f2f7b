#include "costledger/sources/quota_json.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "costledger/model/errors.hpp"
#include "costledger/model/rounding.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kKeys = {"name",   "scope",      "period",   "limit",
                                                   "action", "thresholds", "forecast", "contact"};
constexpr std::array<std::string_view, 5> kScopeKeys = {"cluster", "namespace", "team", "labels",
                                                        "workgroup"};
constexpr std::array<std::string_view, 4> kLimitKeys = {"dollars", "gpu_hours", "cpu_hours",
                                                        "bytes_scanned"};

std::string_view TypeName(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

[[noreturn]] void Fail(std::string_view field, std::string_view what) {
  throw InvalidInput(fmt::format("{}: {}", field, what));
}

std::optional<std::string> StringAt(const json& object, std::string_view key,
                                    std::string_view field) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) Fail(field, fmt::format("expected a string, got {}", TypeName(*it)));
  return it->get<std::string>();
}

model::QuotaScopeSpec ParseScope(const json& scope) {
  if (!scope.is_object()) {
    Fail("scope", fmt::format("expected an object with any of {}, got {}", JoinKeys(kScopeKeys),
                              TypeName(scope)));
  }
  RejectUnknownKeys(scope, "scope.", kScopeKeys);
  model::QuotaScopeSpec out;
  out.cluster = StringAt(scope, "cluster", "scope.cluster");
  out.namespace_name = StringAt(scope, "namespace", "scope.namespace");
  out.team = StringAt(scope, "team", "scope.team");
  out.workgroup = StringAt(scope, "workgroup", "scope.workgroup");
  if (const auto it = scope.find("labels"); it != scope.end()) {
    if (!it->is_object()) {
      Fail("scope.labels", fmt::format("expected an object of label values such as "
                                       "{{\"app\": \"train\"}}, got {}",
                                       TypeName(*it)));
    }
    model::Labels labels;
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) {
        Fail(fmt::format("scope.labels.{}", key),
             fmt::format("expected a string, got {}", TypeName(value)));
      }
      labels.emplace(key, value.get<std::string>());
    }
    out.labels = std::move(labels);
  }
  return out;
}

model::QuotaLimitSpec ParseLimit(const json& limit) {
  if (!limit.is_object()) {
    Fail("limit", fmt::format("expected an object with exactly one of {}, got {}",
                              JoinKeys(kLimitKeys), TypeName(limit)));
  }
  RejectUnknownKeys(limit, "limit.", kLimitKeys);
  model::QuotaLimitSpec out;
  const auto amount = [&](std::string_view key) -> std::optional<std::string> {
    const auto it = limit.find(key);
    if (it == limit.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    Fail(fmt::format("limit.{}", key), fmt::format("expected a number, got {}", TypeName(*it)));
  };
  out.dollars = amount("dollars");
  out.gpu_hours = amount("gpu_hours");
  out.cpu_hours = amount("cpu_hours");
  out.bytes_scanned = amount("bytes_scanned");
  return out;
}

std::vector<double> ParseThresholds(const json& thresholds) {
  if (!thresholds.is_array()) {
    Fail("thresholds", fmt::format("expected an array of ratios of the limit such as "
                                   "[0.5, 0.8, 1.0], got {}",
                                   TypeName(thresholds)));
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    if (!thresholds[i].is_number()) {
      Fail(fmt::format("thresholds[{}]", i),
           fmt::format("expected a number, got {}", TypeName(thresholds[i])));
    }
    out.push_back(thresholds[i].get<double>());
  }
  return out;
}

model::QuotaSpec SpecOf(const json& doc) {
  if (!doc.is_object()) Fail("quota", fmt::format("expected an object, got {}", TypeName(doc)));
  RejectUnknownKeys(doc, "", kKeys);
  model::QuotaSpec spec;
  spec.name = StringAt(doc, "name", "name");
  if (const auto it = doc.find("scope"); it != doc.end()) spec.scope = ParseScope(*it);
  spec.period = StringAt(doc, "period", "period");
  if (const auto it = doc.find("limit"); it != doc.end()) spec.limit = ParseLimit(*it);
  spec.action = StringAt(doc, "action", "action");
  if (const auto it = doc.find("thresholds"); it != doc.end()) {
    spec.thresholds = ParseThresholds(*it);
  }
  if (const auto it = doc.find("forecast"); it != doc.end()) {
    if (!it->is_boolean()) {
      Fail("forecast", fmt::format("expected true or false, got {}", TypeName(*it)));
    }
    spec.forecast = it->get<bool>();
  }
  spec.contact = StringAt(doc, "contact", "contact");
  return spec;
}

json Parse(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidInput(MalformedJson("quota", e.byte, e.what()));
  } catch (const json::exception& e) {  // out_of_range: a number beyond a double
    throw InvalidInput(fmt::format("{}: not valid JSON: {}", "quota", e.what()));
  }
}

/// `numerator / denominator` as a decimal with at most 9 fractional digits (rounded half-even),
/// trailing zeros dropped.
std::string DecimalText(std::int64_t numerator, std::int64_t denominator) {
  if (denominator == 1) return std::to_string(numerator);
  constexpr std::int64_t kScale = 1'000'000'000;
  const std::int64_t scaled =
      model::DivideRoundHalfEven(model::Int128{numerator} * kScale, denominator);
  std::string out = std::to_string(scaled / kScale);
  std::int64_t fraction = scaled % kScale;
  if (fraction != 0) {
    std::string digits = fmt::format("{:09d}", fraction);
    while (digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  return out;
}

/// A limit amount as a JSON number when a double reads it back as written, else as a decimal
/// string (ParseQuotaSpec takes both), so that no digit is lost.
std::string AmountJson(const std::string& decimal) {
  if (json::parse(decimal).dump() == decimal) return decimal;
  return fmt::format("\"{}\"", decimal);
}

}  // namespace

model::QuotaSpec ParseQuotaSpec(std::string_view text) { return SpecOf(Parse(text)); }

std::vector<model::Quota> ParseQuotaFile(std::string_view text) {
  const json doc = Parse(text);
  const json* list = &doc;
  std::string prefix = "quotas";
  if (doc.is_object()) {
    const auto it = doc.find("quotas");
    if (it == doc.end() || doc.size() != 1) {
      throw InvalidInput("quotas file: expected {\"quotas\": [...]} (one key) or a list of quotas");
    }
    list = &*it;
  }
  if (!list->is_array()) {
    throw InvalidInput(fmt::format("quotas: expected a list of quotas, got {}", TypeName(*list)));
  }
  std::vector<model::Quota> out;
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& element = (*list)[i];
    std::string where = fmt::format("{}[{}]", prefix, i);
    if (element.is_object()) {
      if (const auto n = element.find("name"); n != element.end() && n->is_string()) {
        where += fmt::format(" ({})", n->get<std::string>());
      }
    }
    try {
      out.push_back(model::ValidateQuota(SpecOf(element)));
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("{}: {}", where, e.what()));
    }
    if (!names.insert(out.back().name).second) {
      throw InvalidInput(fmt::format("{}: name: '{}' is given twice; quota names are unique", where,
                                     out.back().name));
    }
  }
  return out;
}

std::string QuotaToJson(const model::Quota& q) {
  nlohmann::ordered_json scope = nlohmann::ordered_json::object();
  if (q.scope.cluster) scope["cluster"] = *q.scope.cluster;
  if (q.scope.namespace_name) scope["namespace"] = *q.scope.namespace_name;
  if (q.scope.team) scope["team"] = *q.scope.team;
  if (!q.scope.labels.empty()) scope["labels"] = q.scope.labels;
  if (q.scope.workgroup) scope["workgroup"] = *q.scope.workgroup;
  std::string thresholds = "[";
  for (const std::int64_t ppm : q.thresholds_ppm) {
    thresholds += thresholds.size() > 1 ? "," : "";
    thresholds += DecimalText(ppm, model::kPpm);
  }
  thresholds += ']';
  const auto dump = [](const auto& value) {
    return nlohmann::ordered_json(value).dump(-1, ' ', false, json::error_handler_t::replace);
  };
  return fmt::format(
      R"({{"name":{},"scope":{},"period":"{}","limit":{{"{}":{}}},"action":"{}",)"
      R"("thresholds":{},"forecast":{},"contact":{}}})",
      dump(q.name), dump(scope), model::ToString(q.period), model::ToString(q.limit.unit),
      AmountJson(DecimalText(q.limit.amount, model::BaseUnitsPerUnit(q.limit.unit))),
      model::ToString(q.action), thresholds, q.forecast_alert ? "true" : "false", dump(q.contact));
}

}  // namespace costledger::sources
