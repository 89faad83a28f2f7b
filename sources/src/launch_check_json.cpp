#include "costledger/sources/launch_check_json.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

#include "costledger/model/errors.hpp"
#include "costledger/model/quantity.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kKeys = {"scope", "resources", "hours"};
constexpr std::array<std::string_view, 4> kScopeKeys = {"cluster", "namespace", "team", "labels"};
constexpr std::array<std::string_view, 5> kResourceKeys = {"cpu", "memory", "gpu", "instance_type",
                                                           "capacity_type"};
constexpr double kMaxHours = 8784;  // a leap year, as model::kMaxLaunchDuration

[[noreturn]] void Fail(std::string_view field, std::string_view what) {
  throw InvalidInput(fmt::format("{}: {}", field, what));
}

std::optional<std::string> NonEmptyString(const json& object, std::string_view key,
                                          std::string_view field) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) Fail(field, "expected a string");
  std::string s = it->get<std::string>();
  if (s.empty()) Fail(field, "must not be empty");
  return s;
}

// A quantity given as a Kubernetes string ("500m", "16Gi") or a bare JSON number.
template <class Parse>
std::int64_t Quantity(const json& value, std::string_view field, Parse parse) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number()) {
    text = value.dump();
  } else {
    Fail(field, R"(expected a quantity such as "4", "500m" or "16Gi")");
  }
  if (!text.empty() && text.front() == '-') Fail(field, "must not be negative");
  try {
    return parse(text);
  } catch (const InvalidInput& e) {
    Fail(field, e.what());
  }
}

model::QuotaScope Scope(const json& doc) {
  const auto it = doc.find("scope");
  if (it == doc.end() || it->is_null()) {
    Fail("scope", fmt::format("required: an object with any of {}", JoinKeys(kScopeKeys)));
  }
  if (!it->is_object()) Fail("scope", "expected an object");
  RejectUnknownKeys(*it, "scope.", kScopeKeys);
  model::QuotaScope s;
  s.cluster = NonEmptyString(*it, "cluster", "scope.cluster");
  s.namespace_name = NonEmptyString(*it, "namespace", "scope.namespace");
  s.team = NonEmptyString(*it, "team", "scope.team");
  if (const auto labels = it->find("labels"); labels != it->end() && !labels->is_null()) {
    if (!labels->is_object()) Fail("scope.labels", "expected an object of label values");
    for (const auto& [key, value] : labels->items()) {
      if (!value.is_string()) Fail(fmt::format("scope.labels.{}", key), "expected a string");
      s.labels.emplace(key, value.get<std::string>());
    }
  }
  return s;
}

}  // namespace

LaunchCheckRequest ParseLaunchCheck(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidInput(MalformedJson("check request", e.byte, e.what()));
  } catch (const json::exception& e) {  // out_of_range: a number beyond a double
    throw InvalidInput(fmt::format("{}: not valid JSON: {}", "check request", e.what()));
  }
  if (!doc.is_object()) Fail("body", "expected a JSON object with scope, resources and hours");
  RejectUnknownKeys(doc, "", kKeys);
  LaunchCheckRequest r;
  r.scope = Scope(doc);

  if (const auto res = doc.find("resources"); res != doc.end() && !res->is_null()) {
    if (!res->is_object()) Fail("resources", "expected an object");
    RejectUnknownKeys(*res, "resources.", kResourceKeys);
    if (const auto cpu = res->find("cpu"); cpu != res->end() && !cpu->is_null()) {
      r.resources.cpu_millicores = Quantity(*cpu, "resources.cpu", model::ParseCpuMillicores);
    }
    if (const auto mem = res->find("memory"); mem != res->end() && !mem->is_null()) {
      r.resources.memory_bytes = Quantity(*mem, "resources.memory", model::ParseBytes);
    }
    if (const auto gpu = res->find("gpu"); gpu != res->end() && !gpu->is_null()) {
      if (!gpu->is_number_integer() || gpu->get<std::int64_t>() < 0) {
        Fail("resources.gpu", "expected a whole number of devices >= 0");
      }
      r.resources.gpu_devices = gpu->get<std::int64_t>();
    }
    r.placement.instance_type = NonEmptyString(*res, "instance_type", "resources.instance_type");
    if (const auto type = NonEmptyString(*res, "capacity_type", "resources.capacity_type")) {
      if (*type == "spot") {
        r.placement.capacity_type = model::CapacityType::kSpot;
      } else if (*type == "on-demand") {
        r.placement.capacity_type = model::CapacityType::kOnDemand;
      } else {
        Fail("resources.capacity_type",
             fmt::format("'{}' is not one of spot, on-demand", type->substr(0, 64)));
      }
    }
  }

  const auto hours = doc.find("hours");
  if (hours == doc.end() || hours->is_null()) Fail("hours", "required: expected hours, e.g. 3");
  if (!hours->is_number()) Fail("hours", "expected a number of hours, e.g. 3 or 0.5");
  const double h = hours->get<double>();
  if (!std::isfinite(h) || h <= 0) Fail("hours", "must be greater than 0");
  if (h > kMaxHours) Fail("hours", fmt::format("at most {} (a year)", kMaxHours));
  r.duration = std::chrono::seconds(std::llround(h * 3600));
  if (r.duration.count() == 0) Fail("hours", "must be at least one second");
  return r;
}

}  // namespace costledger::sources
