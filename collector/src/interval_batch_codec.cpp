#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "costledger/collector/interval_batch.hpp"
#include "costledger/model/errors.hpp"
#include "enum_text.hpp"

namespace costledger::collector {
namespace {

using Json = nlohmann::json;

// Bumped on any incompatible change; DecodeBatch refuses formats it does not know.
constexpr std::int64_t kFormatVersion = 1;

std::int64_t EpochSeconds(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

// JSON has no NaN or infinities; they are kept as strings so that nothing is lost.
Json EncodeDouble(double value) {
  if (std::isfinite(value)) return value;
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

Json EncodeCosts(const model::ResourceCosts& c) {
  return {{"cpu_nanos", c.cpu_nanos}, {"ram_nanos", c.ram_nanos}, {"gpu_nanos", c.gpu_nanos}};
}

Json EncodeNode(const NodeCostRow& n) {
  const model::NodeAttribution& a = n.attribution;
  return {
      {"node", n.node},
      {"instance_type", n.instance_type},
      {"zone", n.zone},
      {"capacity_type", model::ToString(n.capacity_type)},
      {"capacity",
       {{"cpu_millicores", n.capacity.cpu_millicores},
        {"memory_bytes", n.capacity.memory_bytes},
        {"gpu_devices", n.capacity.gpu_devices}}},
      {"price",
       {{"per_hour_nanos", n.price.price.per_hour.nanos()},
        {"source", model::ToString(n.price.source)}}},
      {"unit_prices",
       {{"cpu_per_core_hour", EncodeDouble(n.unit_prices.cpu_per_core_hour)},
        {"ram_per_gib_hour", EncodeDouble(n.unit_prices.ram_per_gib_hour)},
        {"gpu_per_device_hour", EncodeDouble(n.unit_prices.gpu_per_device_hour)}}},
      {"attribution",
       {{"node_cost_nanos", a.node_cost.nanos()},
        {"pools", EncodeCosts(a.pools)},
        {"idle", EncodeCosts(a.idle)},
        {"cpu_overcommitted", a.cpu_overcommitted},
        {"memory_overcommitted", a.memory_overcommitted},
        {"gpu_overcommitted", a.gpu_overcommitted}}},
      {"containers", static_cast<std::uint64_t>(n.containers)},
  };
}

Json EncodeContainer(const ContainerCostRow& c) {
  const CostLabels& l = c.labels;
  const model::ContainerDemand& d = c.demand;
  return {
      {"labels",
       {{"cluster", l.cluster},
        {"node", l.node},
        {"namespace", l.namespace_name},
        {"controller_kind", l.controller_kind},
        {"controller", l.controller},
        {"pod", l.pod},
        {"container", l.container},
        {"team", l.team},
        {"capacity_type", l.capacity_type},
        {"instance_type", l.instance_type}}},
      {"demand",
       {{"cpu_request_millicores", d.cpu_request_millicores},
        {"cpu_usage_millicores", d.cpu_usage_millicores},
        {"memory_request_bytes", d.memory_request_bytes},
        {"memory_usage_bytes", d.memory_usage_bytes},
        {"gpu_devices", d.gpu_devices}}},
      {"cost", EncodeCosts(c.cost)},
      {"gpu_busy_devices", c.gpu_busy_devices ? EncodeDouble(*c.gpu_busy_devices) : Json()},
      {"usage_observed", c.usage_observed},
  };
}

Json EncodeQuery(const PricedQuery& q) {
  const AthenaQueryExecution& e = q.execution;
  return {
      {"query_execution_id", e.query_execution_id},
      {"work_group", e.work_group},
      {"statement_type", e.statement_type},
      {"query", e.query},
      {"state", QueryStateName(e.state)},
      {"submitted", EpochSeconds(e.submitted)},
      {"completed", e.completed ? Json(EpochSeconds(*e.completed)) : Json()},
      {"data_scanned_bytes", e.data_scanned_bytes},
      {"engine_execution_millis", e.engine_execution_millis},
      {"team", q.team},
      {"cost_nanos", q.cost.nanos()},
  };
}

// Reads one JSON object; every error names the full path of the field, e.g.
// "batch.nodes[2].attribution.idle.cpu_nanos: expected an integer".
class Reader {
 public:
  Reader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) throw InvalidInput(fmt::format("{}: expected an object", path_));
  }

  [[noreturn]] void Fail(std::string_view key, std::string_view what) const {
    throw InvalidInput(fmt::format("{}.{}: {}", path_, key, what));
  }

  [[nodiscard]] const Json& Field(std::string_view key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) Fail(key, "missing");
    return *it;
  }

  [[nodiscard]] Reader Object(std::string_view key) const {
    return {Field(key), fmt::format("{}.{}", path_, key)};
  }

  [[nodiscard]] const Json& Array(std::string_view key) const {
    const Json& value = Field(key);
    if (!value.is_array()) Fail(key, "expected an array");
    return value;
  }

  [[nodiscard]] std::string Path(std::string_view key, std::size_t index) const {
    return fmt::format("{}.{}[{}]", path_, key, index);
  }

  [[nodiscard]] std::string String(std::string_view key) const {
    const Json& value = Field(key);
    if (!value.is_string()) Fail(key, "expected a string");
    return value.get<std::string>();
  }

  [[nodiscard]] std::int64_t Int(std::string_view key) const { return IntValue(key, Field(key)); }

  [[nodiscard]] std::int64_t NonNegativeInt(std::string_view key) const {
    const std::int64_t value = Int(key);
    if (value < 0) Fail(key, "negative");
    return value;
  }

  [[nodiscard]] std::optional<std::int64_t> OptionalInt(std::string_view key) const {
    const Json& value = Field(key);
    if (value.is_null()) return std::nullopt;
    return IntValue(key, value);
  }

  [[nodiscard]] bool Bool(std::string_view key) const {
    const Json& value = Field(key);
    if (!value.is_boolean()) Fail(key, "expected true or false");
    return value.get<bool>();
  }

  [[nodiscard]] double Double(std::string_view key) const { return DoubleValue(key, Field(key)); }

  [[nodiscard]] std::optional<double> OptionalDouble(std::string_view key) const {
    const Json& value = Field(key);
    if (value.is_null()) return std::nullopt;
    return DoubleValue(key, value);
  }

  [[nodiscard]] model::ResourceCosts Costs(std::string_view key) const {
    const Reader r = Object(key);
    return {r.Int("cpu_nanos"), r.Int("ram_nanos"), r.Int("gpu_nanos")};
  }

 private:
  [[nodiscard]] std::int64_t IntValue(std::string_view key, const Json& value) const {
    if (value.is_number_unsigned()) {
      const auto v = value.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        Fail(key, "out of range");
      }
      return static_cast<std::int64_t>(v);
    }
    if (value.is_number_integer()) return value.get<std::int64_t>();
    Fail(key, "expected an integer");
  }

  [[nodiscard]] double DoubleValue(std::string_view key, const Json& value) const {
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (text == "Infinity") return std::numeric_limits<double>::infinity();
      if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    Fail(key, "expected a number");
  }

  const Json& object_;
  std::string path_;
};

NodeCostRow DecodeNode(const Reader& r) {
  NodeCostRow n;
  n.node = r.String("node");
  n.instance_type = r.String("instance_type");
  n.zone = r.String("zone");
  const auto type = ParseCapacityType(r.String("capacity_type"));
  if (!type) r.Fail("capacity_type", R"(expected "on-demand" or "spot")");
  n.capacity_type = *type;

  const Reader capacity = r.Object("capacity");
  n.capacity.cpu_millicores = capacity.Int("cpu_millicores");
  n.capacity.memory_bytes = capacity.Int("memory_bytes");
  n.capacity.gpu_devices = capacity.Int("gpu_devices");

  const Reader price = r.Object("price");
  n.price.price.per_hour = model::Money::FromNanos(price.Int("per_hour_nanos"));
  const auto source = ParsePriceSource(price.String("source"));
  if (!source) price.Fail("source", "unknown price source");
  n.price.source = *source;

  const Reader unit = r.Object("unit_prices");
  n.unit_prices.cpu_per_core_hour = unit.Double("cpu_per_core_hour");
  n.unit_prices.ram_per_gib_hour = unit.Double("ram_per_gib_hour");
  n.unit_prices.gpu_per_device_hour = unit.Double("gpu_per_device_hour");

  const Reader a = r.Object("attribution");
  n.attribution.node_cost = model::Money::FromNanos(a.Int("node_cost_nanos"));
  n.attribution.pools = a.Costs("pools");
  n.attribution.idle = a.Costs("idle");
  n.attribution.cpu_overcommitted = a.Bool("cpu_overcommitted");
  n.attribution.memory_overcommitted = a.Bool("memory_overcommitted");
  n.attribution.gpu_overcommitted = a.Bool("gpu_overcommitted");

  n.containers = static_cast<std::size_t>(r.NonNegativeInt("containers"));
  return n;
}

ContainerCostRow DecodeContainer(const Reader& r) {
  ContainerCostRow c;
  const Reader l = r.Object("labels");
  c.labels.cluster = l.String("cluster");
  c.labels.node = l.String("node");
  c.labels.namespace_name = l.String("namespace");
  c.labels.controller_kind = l.String("controller_kind");
  c.labels.controller = l.String("controller");
  c.labels.pod = l.String("pod");
  c.labels.container = l.String("container");
  c.labels.team = l.String("team");
  c.labels.capacity_type = l.String("capacity_type");
  c.labels.instance_type = l.String("instance_type");

  const Reader d = r.Object("demand");
  c.demand.cpu_request_millicores = d.Int("cpu_request_millicores");
  c.demand.cpu_usage_millicores = d.Int("cpu_usage_millicores");
  c.demand.memory_request_bytes = d.Int("memory_request_bytes");
  c.demand.memory_usage_bytes = d.Int("memory_usage_bytes");
  c.demand.gpu_devices = d.Int("gpu_devices");

  c.cost = r.Costs("cost");
  c.gpu_busy_devices = r.OptionalDouble("gpu_busy_devices");
  c.usage_observed = r.Bool("usage_observed");
  return c;
}

PricedQuery DecodeQuery(const Reader& r) {
  PricedQuery q;
  AthenaQueryExecution& e = q.execution;
  e.query_execution_id = r.String("query_execution_id");
  e.work_group = r.String("work_group");
  e.statement_type = r.String("statement_type");
  e.query = r.String("query");
  const auto state = ParseQueryState(r.String("state"));
  if (!state) r.Fail("state", "unknown query state");
  e.state = *state;
  e.submitted = std::chrono::sys_seconds(std::chrono::seconds(r.Int("submitted")));
  if (const auto completed = r.OptionalInt("completed")) {
    e.completed = std::chrono::sys_seconds(std::chrono::seconds(*completed));
  }
  e.data_scanned_bytes = r.Int("data_scanned_bytes");
  e.engine_execution_millis = r.Int("engine_execution_millis");
  q.team = r.String("team");
  q.cost = model::Money::FromNanos(r.Int("cost_nanos"));
  return q;
}

}  // namespace

std::string EncodeBatch(const IntervalBatch& batch) {
  Json nodes = Json::array();
  for (const NodeCostRow& n : batch.costs.nodes) nodes.push_back(EncodeNode(n));
  Json containers = Json::array();
  for (const ContainerCostRow& c : batch.costs.containers) containers.push_back(EncodeContainer(c));
  Json queries = Json::array();
  for (const PricedQuery& q : batch.queries) queries.push_back(EncodeQuery(q));
  Json pod_labels = Json::array();
  for (const PodLabelSet& p : batch.pod_labels) {
    pod_labels.push_back({{"namespace", p.namespace_name}, {"pod", p.pod}, {"labels", p.labels}});
  }
  const Json out = {
      {"format", kFormatVersion},
      {"cluster", batch.cluster},
      {"start", EpochSeconds(batch.costs.start)},
      {"length_seconds", static_cast<std::int64_t>(batch.costs.length.count())},
      {"nodes", std::move(nodes)},
      {"containers", std::move(containers)},
      {"warnings", batch.costs.warnings},
      {"queries", std::move(queries)},
      {"pod_labels", std::move(pod_labels)},
  };
  // Invalid UTF-8 (never expected from JSON sources) is replaced rather than failing the spool.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

IntervalBatch DecodeBatch(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw InvalidInput(fmt::format("batch: not valid JSON: {}", e.what()));
  }
  const Reader r(root, "batch");
  if (const std::int64_t format = r.Int("format"); format != kFormatVersion) {
    r.Fail("format", fmt::format("unsupported format {} (expected {})", format, kFormatVersion));
  }
  IntervalBatch batch;
  batch.cluster = r.String("cluster");
  batch.costs.start = std::chrono::sys_seconds(std::chrono::seconds(r.Int("start")));
  batch.costs.length = std::chrono::seconds(r.NonNegativeInt("length_seconds"));

  const Json& nodes = r.Array("nodes");
  batch.costs.nodes.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    batch.costs.nodes.push_back(DecodeNode(Reader(nodes[i], r.Path("nodes", i))));
  }
  const Json& containers = r.Array("containers");
  batch.costs.containers.reserve(containers.size());
  for (std::size_t i = 0; i < containers.size(); ++i) {
    batch.costs.containers.push_back(
        DecodeContainer(Reader(containers[i], r.Path("containers", i))));
  }
  const Json& warnings = r.Array("warnings");
  batch.costs.warnings.reserve(warnings.size());
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    if (!warnings[i].is_string()) {
      throw InvalidInput(fmt::format("{}: expected a string", r.Path("warnings", i)));
    }
    batch.costs.warnings.push_back(warnings[i].get<std::string>());
  }
  const Json& queries = r.Array("queries");
  batch.queries.reserve(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    batch.queries.push_back(DecodeQuery(Reader(queries[i], r.Path("queries", i))));
  }
  // Spool files written before pod labels were collected have none.
  if (root.contains("pod_labels")) {
    const Json& pods = r.Array("pod_labels");
    for (std::size_t i = 0; i < pods.size(); ++i) {
      const Reader p(pods[i], r.Path("pod_labels", i));
      PodLabelSet set{p.String("namespace"), p.String("pod"), {}};
      const std::string path = r.Path("pod_labels", i) + ".labels";
      if (!pods[i].contains("labels") || !pods[i]["labels"].is_object()) {
        throw InvalidInput(fmt::format("{}: expected an object", path));
      }
      for (const auto& [k, v] : pods[i]["labels"].items()) {
        if (!v.is_string()) throw InvalidInput(fmt::format("{}.{}: expected a string", path, k));
        set.labels.emplace(k, v.get<std::string>());
      }
      batch.pod_labels.push_back(std::move(set));
    }
  }
  return batch;
}

}  // namespace costledger::collector
