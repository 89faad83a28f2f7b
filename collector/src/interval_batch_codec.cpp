#include "costledger/collector/interval_batch_codec.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "costledger/model/enum_text.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/interval_batch.hpp"
#include "costledger/model/volume_attribution.hpp"

namespace costledger::collector {
namespace {

using Json = nlohmann::json;

// Bumped on any incompatible change; DecodeBatch refuses formats it does not know.
// tests/data/spool/format-<N>.batch records each format byte for byte: a change that breaks
// their tests needs a new version here and a decoder that still reads the old ones, never a new
// recording of an old format.
//  1: the first.
//  2: containers' labels carry platform and workload (format 1 decodes with both "").
//  3: nodes carry node_group (formats 1 and 2 decode with it "").
//  4: persistent volumes and their shares (rule 9) (formats 1 to 3 decode with none).
//  5: node labels (formats 1 to 4 decode with none).
constexpr std::int64_t kFormatVersion = 5;
constexpr std::int64_t kOldestFormatVersion = 1;

std::int64_t EpochSeconds(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

// Writes the batch's JSON text straight from the records, in pieces of about kChunkBytes, so
// neither a document tree nor the whole text is ever held: for a batch of 10^4 containers that
// would be tens of MB. The text is the one nlohmann's dump() gives for the same document
// (keys sorted, compact, invalid UTF-8 replaced), byte for byte.
class BatchWriter {
 public:
  explicit BatchWriter(const std::function<void(std::string_view)>& sink) : sink_(sink) {
    out_.reserve(kChunkBytes + kChunkBytes / 4);
  }

  BatchWriter& BeginObject() {
    Separate();
    out_.push_back('{');
    need_comma_ = false;
    return *this;
  }
  BatchWriter& EndObject() {
    out_.push_back('}');
    need_comma_ = true;
    return *this;
  }
  BatchWriter& BeginArray() {
    Separate();
    out_.push_back('[');
    need_comma_ = false;
    return *this;
  }
  BatchWriter& EndArray() {
    out_.push_back(']');
    need_comma_ = true;
    return *this;
  }
  // Keys are this file's literals: nothing to escape.
  BatchWriter& Key(std::string_view key) {
    Separate();
    out_.push_back('"');
    out_.append(key);
    out_.append("\":");
    need_comma_ = false;
    return *this;
  }
  // A key that is data (a label name): escaped like a value.
  BatchWriter& DataKey(std::string_view key) {
    String(key);
    out_.push_back(':');
    need_comma_ = false;
    return *this;
  }
  BatchWriter& String(std::string_view value) {
    Separate();
    if (IsPlain(value)) {
      out_.push_back('"');
      out_.append(value);
      out_.push_back('"');
    } else {  // escapes, non-ASCII or invalid UTF-8: rare, so nlohmann's own rules
      out_.append(Json(std::string(value)).dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    need_comma_ = true;
    return *this;
  }
  BatchWriter& Int(std::int64_t value) {
    Separate();
    std::array<char, 24> digits{};
    const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    out_.append(digits.data(), end);
    need_comma_ = true;
    return *this;
  }
  BatchWriter& Bool(bool value) {
    Separate();
    out_.append(value ? "true" : "false");
    need_comma_ = true;
    return *this;
  }
  BatchWriter& Null() {
    Separate();
    out_.append("null");
    need_comma_ = true;
    return *this;
  }
  // JSON has no NaN or infinities; they are kept as strings so that nothing is lost.
  BatchWriter& Double(double value) {
    if (std::isnan(value)) return String("NaN");
    if (std::isinf(value)) return String(value > 0 ? "Infinity" : "-Infinity");
    Separate();
    out_.append(Json(value).dump());  // nlohmann's shortest round-trip form, e.g. "0.5", "2.0"
    need_comma_ = true;
    return *this;
  }
  BatchWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  BatchWriter& Member(std::string_view key, std::int64_t value) { return Key(key).Int(value); }
  BatchWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }
  // Without this, a string literal would pick the bool overload.
  BatchWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }

  // Hands what is buffered to the sink once there is enough of it.
  void MaybeFlush() {
    if (out_.size() >= kChunkBytes) Flush();
  }
  void Flush() {
    if (!out_.empty()) sink_(out_);
    out_.clear();
  }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10;

  static bool IsPlain(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      const auto b = static_cast<unsigned char>(c);
      return b >= 0x20 && b < 0x80 && c != '"' && c != '\\';
    });
  }

  void Separate() {
    if (need_comma_) out_.push_back(',');
  }

  const std::function<void(std::string_view)>& sink_;
  std::string out_;
  bool need_comma_ = false;
};

void WriteCosts(BatchWriter& w, std::string_view key, const model::ResourceCosts& c) {
  w.Key(key)
      .BeginObject()
      .Member("cpu_nanos", c.cpu_nanos)
      .Member("gpu_nanos", c.gpu_nanos)
      .Member("ram_nanos", c.ram_nanos)
      .EndObject();
}

// Members in key order, as the document tree's dump() wrote them.
void WriteNode(BatchWriter& w, const model::NodeCostRow& n) {
  const model::NodeAttribution& a = n.attribution;
  w.BeginObject().Key("attribution").BeginObject();
  w.Member("cpu_overcommitted", a.cpu_overcommitted)
      .Member("gpu_overcommitted", a.gpu_overcommitted);
  WriteCosts(w, "idle", a.idle);
  w.Member("memory_overcommitted", a.memory_overcommitted)
      .Member("node_cost_nanos", a.node_cost.nanos());
  WriteCosts(w, "pools", a.pools);
  w.EndObject();
  w.Key("capacity")
      .BeginObject()
      .Member("cpu_millicores", n.capacity.cpu_millicores)
      .Member("gpu_devices", n.capacity.gpu_devices)
      .Member("memory_bytes", n.capacity.memory_bytes)
      .EndObject();
  w.Member("capacity_type", model::ToString(n.capacity_type))
      .Member("containers", static_cast<std::int64_t>(n.containers))
      .Member("instance_type", n.instance_type)
      .Member("node", n.node)
      .Member("node_group", n.node_group);
  w.Key("price")
      .BeginObject()
      .Member("per_hour_nanos", n.price.price.per_hour.nanos())
      .Member("source", model::ToString(n.price.source))
      .EndObject();
  w.Key("unit_prices").BeginObject();
  w.Key("cpu_per_core_hour").Double(n.unit_prices.cpu_per_core_hour);
  w.Key("gpu_per_device_hour").Double(n.unit_prices.gpu_per_device_hour);
  w.Key("ram_per_gib_hour").Double(n.unit_prices.ram_per_gib_hour);
  w.EndObject();
  w.Member("zone", n.zone).EndObject();
}

void WriteLabels(BatchWriter& w, const model::CostLabels& l) {
  w.Key("labels")
      .BeginObject()
      .Member("capacity_type", l.capacity_type)
      .Member("cluster", l.cluster)
      .Member("container", l.container)
      .Member("controller", l.controller)
      .Member("controller_kind", l.controller_kind)
      .Member("instance_type", l.instance_type)
      .Member("namespace", l.namespace_name)
      .Member("node", l.node)
      .Member("platform", l.platform)
      .Member("pod", l.pod)
      .Member("team", l.team)
      .Member("workload", l.workload)
      .EndObject();
}

void WriteVolume(BatchWriter& w, const model::VolumeCostRow& v) {
  w.BeginObject()
      .Member("billed_iops", v.billed_iops)
      .Member("billed_throughput_mibps", v.billed_throughput_mibps)
      .Member("claim", v.claim)
      .Member("claim_namespace", v.claim_namespace)
      .Member("cost_nanos", v.cost.nanos())
      .Member("mounts", static_cast<std::int64_t>(v.mounts));
  w.Key("price")
      .BeginObject()
      .Member("per_gib_month_nanos", v.price.price.per_gib_month.nanos())
      .Member("per_gibps_month_nanos", v.price.price.per_gibps_month.nanos())
      .Member("per_iops_month_nanos", v.price.price.per_iops_month.nanos())
      .Member("source", model::ToString(v.price.source))
      .EndObject();
  w.Member("price_key", v.price_key)
      .Member("provider_id", v.provider_id)
      .Member("size_bytes", v.size_bytes)
      .Member("storage_class", v.storage_class)
      .Member("volume", v.volume)
      .Member("zone", v.zone)
      .EndObject();
}

void WriteVolumeShare(BatchWriter& w, const model::VolumeShareRow& s) {
  w.BeginObject();
  w.Key("byte_seconds").Double(s.byte_seconds);
  w.Member("cost_nanos", s.cost.nanos());
  WriteLabels(w, s.labels);
  w.Member("volume", s.volume).EndObject();
}

void WriteContainer(BatchWriter& w, const model::ContainerCostRow& c) {
  const model::CostLabels& l = c.labels;
  const model::ContainerDemand& d = c.demand;
  w.BeginObject();
  WriteCosts(w, "cost", c.cost);
  w.Key("demand")
      .BeginObject()
      .Member("cpu_request_millicores", d.cpu_request_millicores)
      .Member("cpu_usage_millicores", d.cpu_usage_millicores)
      .Member("gpu_devices", d.gpu_devices)
      .Member("memory_request_bytes", d.memory_request_bytes)
      .Member("memory_usage_bytes", d.memory_usage_bytes)
      .EndObject();
  w.Key("gpu_busy_devices");
  if (c.gpu_busy_devices) {
    w.Double(*c.gpu_busy_devices);
  } else {
    w.Null();
  }
  WriteLabels(w, l);
  w.Member("usage_observed", c.usage_observed).EndObject();
}

void WriteQuery(BatchWriter& w, const model::PricedQuery& q) {
  const model::AthenaQueryExecution& e = q.execution;
  w.BeginObject().Key("completed");
  if (e.completed) {
    w.Int(EpochSeconds(*e.completed));
  } else {
    w.Null();
  }
  w.Member("cost_nanos", q.cost.nanos())
      .Member("data_scanned_bytes", e.data_scanned_bytes)
      .Member("engine_execution_millis", e.engine_execution_millis)
      .Member("query", e.query)
      .Member("query_execution_id", e.query_execution_id)
      .Member("state", QueryStateName(e.state))
      .Member("statement_type", e.statement_type)
      .Member("submitted", EpochSeconds(e.submitted))
      .Member("team", q.team)
      .Member("work_group", e.work_group)
      .EndObject();
}

void WriteLabelMap(BatchWriter& w, const model::Labels& labels) {
  w.Key("labels").BeginObject();
  for (const auto& [key, value] : labels) w.DataKey(key).String(value);  // map: key order
  w.EndObject();
}

void WritePodLabels(BatchWriter& w, const model::PodLabelSet& p) {
  w.BeginObject();
  WriteLabelMap(w, p.labels);
  w.Member("namespace", p.namespace_name).Member("pod", p.pod).EndObject();
}

void WriteNodeLabels(BatchWriter& w, const model::NodeLabelSet& n) {
  w.BeginObject();
  WriteLabelMap(w, n.labels);
  w.Member("node", n.node).EndObject();
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

model::NodeCostRow DecodeNode(const Reader& r, std::int64_t format) {
  model::NodeCostRow n;
  n.node = r.String("node");
  if (format >= 3) n.node_group = r.String("node_group");
  n.instance_type = r.String("instance_type");
  n.zone = r.String("zone");
  const auto type = model::ParseCapacityType(r.String("capacity_type"));
  if (!type) r.Fail("capacity_type", R"(expected "on-demand" or "spot")");
  n.capacity_type = *type;

  const Reader capacity = r.Object("capacity");
  n.capacity.cpu_millicores = capacity.Int("cpu_millicores");
  n.capacity.memory_bytes = capacity.Int("memory_bytes");
  n.capacity.gpu_devices = capacity.Int("gpu_devices");

  const Reader price = r.Object("price");
  n.price.price.per_hour = model::Money::FromNanos(price.Int("per_hour_nanos"));
  const auto source = model::ParsePriceSource(price.String("source"));
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

model::CostLabels DecodeLabels(const Reader& l) {
  model::CostLabels c;
  c.cluster = l.String("cluster");
  c.node = l.String("node");
  c.namespace_name = l.String("namespace");
  c.controller_kind = l.String("controller_kind");
  c.controller = l.String("controller");
  c.pod = l.String("pod");
  c.container = l.String("container");
  c.team = l.String("team");
  c.capacity_type = l.String("capacity_type");
  c.instance_type = l.String("instance_type");
  c.platform = l.String("platform");
  c.workload = l.String("workload");
  return c;
}

model::VolumeCostRow DecodeVolume(const Reader& r) {
  model::VolumeCostRow v;
  v.volume = r.String("volume");
  v.provider_id = r.String("provider_id");
  v.storage_class = r.String("storage_class");
  v.price_key = r.String("price_key");
  v.claim_namespace = r.String("claim_namespace");
  v.claim = r.String("claim");
  v.zone = r.String("zone");
  v.size_bytes = r.NonNegativeInt("size_bytes");
  v.billed_iops = r.NonNegativeInt("billed_iops");
  v.billed_throughput_mibps = r.NonNegativeInt("billed_throughput_mibps");
  const Reader price = r.Object("price");
  v.price.price.per_gib_month = model::Money::FromNanos(price.Int("per_gib_month_nanos"));
  v.price.price.per_iops_month = model::Money::FromNanos(price.Int("per_iops_month_nanos"));
  v.price.price.per_gibps_month = model::Money::FromNanos(price.Int("per_gibps_month_nanos"));
  const auto source = model::ParsePriceSource(price.String("source"));
  if (!source) price.Fail("source", "unknown price source");
  v.price.source = *source;
  v.cost = model::Money::FromNanos(r.Int("cost_nanos"));
  v.mounts = static_cast<std::size_t>(r.NonNegativeInt("mounts"));
  return v;
}

model::VolumeShareRow DecodeVolumeShare(const Reader& r) {
  model::VolumeShareRow s;
  s.labels = DecodeLabels(r.Object("labels"));
  s.volume = r.String("volume");
  s.byte_seconds = r.Double("byte_seconds");
  s.cost = model::Money::FromNanos(r.Int("cost_nanos"));
  return s;
}

model::ContainerCostRow DecodeContainer(const Reader& r, std::int64_t format) {
  model::ContainerCostRow c;
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
  if (format >= 2) {
    c.labels.platform = l.String("platform");
    c.labels.workload = l.String("workload");
  }

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

model::PricedQuery DecodeQuery(const Reader& r) {
  model::PricedQuery q;
  model::AthenaQueryExecution& e = q.execution;
  e.query_execution_id = r.String("query_execution_id");
  e.work_group = r.String("work_group");
  e.statement_type = r.String("statement_type");
  e.query = r.String("query");
  const auto state = model::ParseQueryState(r.String("state"));
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

// The "labels" object of a pod's or node's labels at `path`.
model::Labels DecodeLabelMap(const Json& object, const std::string& path) {
  const std::string at = path + ".labels";
  if (!object.contains("labels") || !object["labels"].is_object()) {
    throw InvalidInput(fmt::format("{}: expected an object", at));
  }
  model::Labels labels;
  for (const auto& [k, v] : object["labels"].items()) {
    if (!v.is_string()) throw InvalidInput(fmt::format("{}.{}: expected a string", at, k));
    labels.emplace(k, v.get<std::string>());
  }
  return labels;
}

}  // namespace

void EncodeBatch(const model::IntervalBatch& batch,
                 const std::function<void(std::string_view)>& sink) {
  BatchWriter w(sink);
  w.BeginObject().Member("cluster", batch.cluster).Key("containers").BeginArray();
  for (const model::ContainerCostRow& c : batch.costs.containers) {
    WriteContainer(w, c);
    w.MaybeFlush();
  }
  w.EndArray()
      .Member("format", kFormatVersion)
      .Member("length_seconds", static_cast<std::int64_t>(batch.costs.length.count()))
      .Key("node_labels")
      .BeginArray();
  for (const model::NodeLabelSet& n : batch.node_labels) {
    WriteNodeLabels(w, n);
    w.MaybeFlush();
  }
  w.EndArray().Key("nodes").BeginArray();
  for (const model::NodeCostRow& n : batch.costs.nodes) {
    WriteNode(w, n);
    w.MaybeFlush();
  }
  w.EndArray().Key("pod_labels").BeginArray();
  for (const model::PodLabelSet& p : batch.pod_labels) {
    WritePodLabels(w, p);
    w.MaybeFlush();
  }
  w.EndArray().Key("queries").BeginArray();
  for (const model::PricedQuery& q : batch.queries) {
    WriteQuery(w, q);
    w.MaybeFlush();
  }
  w.EndArray().Member("start", EpochSeconds(batch.costs.start)).Key("volume_shares").BeginArray();
  for (const model::VolumeShareRow& v : batch.costs.volume_shares) {
    WriteVolumeShare(w, v);
    w.MaybeFlush();
  }
  w.EndArray().Key("volumes").BeginArray();
  for (const model::VolumeCostRow& v : batch.costs.volumes) {
    WriteVolume(w, v);
    w.MaybeFlush();
  }
  w.EndArray().Key("warnings").BeginArray();
  for (const std::string& warning : batch.costs.warnings) w.String(warning);
  w.EndArray().EndObject().Flush();
}

std::string EncodeBatch(const model::IntervalBatch& batch) {
  std::string out;
  EncodeBatch(batch, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

model::IntervalBatch DecodeBatch(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::exception& e) {
    throw InvalidInput(fmt::format("batch: not valid JSON: {}", e.what()));
  }
  const Reader r(root, "batch");
  const std::int64_t format = r.Int("format");
  if (format < kOldestFormatVersion || format > kFormatVersion) {
    r.Fail("format", fmt::format("unsupported format {} (expected {} to {})", format,
                                 kOldestFormatVersion, kFormatVersion));
  }
  model::IntervalBatch batch;
  batch.cluster = r.String("cluster");
  batch.costs.start = std::chrono::sys_seconds(std::chrono::seconds(r.Int("start")));
  batch.costs.length = std::chrono::seconds(r.NonNegativeInt("length_seconds"));

  const Json& nodes = r.Array("nodes");
  batch.costs.nodes.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    batch.costs.nodes.push_back(DecodeNode(Reader(nodes[i], r.Path("nodes", i)), format));
  }
  const Json& containers = r.Array("containers");
  batch.costs.containers.reserve(containers.size());
  for (std::size_t i = 0; i < containers.size(); ++i) {
    batch.costs.containers.push_back(
        DecodeContainer(Reader(containers[i], r.Path("containers", i)), format));
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
  if (format >= 4) {
    const Json& volumes = r.Array("volumes");
    batch.costs.volumes.reserve(volumes.size());
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      batch.costs.volumes.push_back(DecodeVolume(Reader(volumes[i], r.Path("volumes", i))));
    }
    const Json& shares = r.Array("volume_shares");
    batch.costs.volume_shares.reserve(shares.size());
    for (std::size_t i = 0; i < shares.size(); ++i) {
      batch.costs.volume_shares.push_back(
          DecodeVolumeShare(Reader(shares[i], r.Path("volume_shares", i))));
    }
  }
  // Spool files written before pod labels were collected have none.
  if (root.contains("pod_labels")) {
    const Json& pods = r.Array("pod_labels");
    for (std::size_t i = 0; i < pods.size(); ++i) {
      const Reader p(pods[i], r.Path("pod_labels", i));
      batch.pod_labels.push_back({p.String("namespace"), p.String("pod"),
                                  DecodeLabelMap(pods[i], r.Path("pod_labels", i))});
    }
  }
  if (format >= 5) {
    const Json& labelled = r.Array("node_labels");
    for (std::size_t i = 0; i < labelled.size(); ++i) {
      const Reader n(labelled[i], r.Path("node_labels", i));
      batch.node_labels.push_back(
          {n.String("node"), DecodeLabelMap(labelled[i], r.Path("node_labels", i))});
    }
  }
  return batch;
}

}  // namespace costledger::collector
