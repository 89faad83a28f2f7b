#include "costledger/collector/kubernetes_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "costledger/collector/quantity.hpp"
#include "costledger/collector/timestamp.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::collector {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kGpuResource = "nvidia.com/gpu";

// Names what an error is about: the item, the container, an element of a list. Holds views
// into the record being filled and formats only when something fails, so a well-formed list
// of 10,000 pods costs no message strings.
class Where {
 public:
  Where(std::string_view list_kind, std::size_t index) : list_kind_(list_kind), index_(index) {}

  void SetItem(std::string_view kind, std::string_view namespace_name, std::string_view name) {
    item_kind_ = kind;
    namespace_ = namespace_name;
    name_ = name;
  }

  [[nodiscard]] Where InContainer(std::string_view kind, std::string_view name) const {
    Where w = *this;
    w.container_kind_ = kind;
    w.container_name_ = name;
    return w;
  }

  // Fields below are reported as `list[index].field`.
  [[nodiscard]] Where InElement(std::string_view list, std::size_t index) const {
    Where w = *this;
    w.element_list_ = list;
    w.element_index_ = index;
    return w;
  }

  [[noreturn]] void Fail(std::string_view field, std::string_view problem) const {
    std::string subject;
    if (name_.empty()) {
      subject = fmt::format("{} items[{}]", list_kind_, index_);
    } else if (namespace_.empty()) {
      subject = fmt::format("{} {}", item_kind_, name_);
    } else {
      subject = fmt::format("{} {}/{}", item_kind_, namespace_, name_);
    }
    if (!container_kind_.empty()) {
      subject += fmt::format(" {} {:?}", container_kind_, container_name_);
    }
    std::string path(field);
    if (!element_list_.empty()) {
      path =
          fmt::format("{}[{}]{}{}", element_list_, element_index_, field.empty() ? "" : ".", field);
    }
    throw InvalidInput(fmt::format("{}: {}: {}", subject, path, problem));
  }

 private:
  std::string_view list_kind_;
  std::size_t index_;
  std::string_view item_kind_;
  std::string_view namespace_;
  std::string_view name_;
  std::string_view container_kind_;
  std::string_view container_name_;
  std::string_view element_list_;
  std::size_t element_index_ = 0;
};

// The member `key` of `parent`, or nullptr when the parent or the member is absent or null:
// the API server omits empty fields, and other writers spell them null.
Json* Find(Json* parent, std::string_view key) {
  if (parent == nullptr) return nullptr;
  const auto it = parent->find(key);
  if (it == parent->end() || it->is_null()) return nullptr;
  return &*it;
}

Json* ObjectField(Json* parent, std::string_view key, const Where& where, std::string_view field) {
  Json* value = Find(parent, key);
  if (value != nullptr && !value->is_object()) where.Fail(field, "expected an object");
  return value;
}

Json* ArrayField(Json* parent, std::string_view key, const Where& where, std::string_view field) {
  Json* value = Find(parent, key);
  if (value != nullptr && !value->is_array()) where.Fail(field, "expected an array");
  return value;
}

// The string, or nullptr when absent.
std::string* StringField(Json* parent, std::string_view key, const Where& where,
                         std::string_view field) {
  Json* value = Find(parent, key);
  if (value == nullptr) return nullptr;
  if (!value->is_string()) where.Fail(field, "expected a string");
  return &value->get_ref<std::string&>();
}

// Moves the string out of the document, which is discarded after parsing; "" when absent.
std::string TakeString(Json* parent, std::string_view key, const Where& where,
                       std::string_view field) {
  std::string* value = StringField(parent, key, where, field);
  return value == nullptr ? std::string() : std::move(*value);
}

std::string TakeRequiredString(Json* parent, std::string_view key, const Where& where,
                               std::string_view field) {
  std::string value = TakeString(parent, key, where, field);
  if (value.empty()) where.Fail(field, "missing");
  return value;
}

std::optional<std::chrono::sys_seconds> TimeField(Json* parent, std::string_view key,
                                                  const Where& where, std::string_view field) {
  const std::string* text = StringField(parent, key, where, field);
  if (text == nullptr) return std::nullopt;
  try {
    return ParseTimestamp(*text);
  } catch (const InvalidInput& e) {
    where.Fail(field, e.what());
  }
}

Labels TakeLabels(Json* metadata, const Where& where) {
  Labels labels;
  Json* json = ObjectField(metadata, "labels", where, "metadata.labels");
  if (json == nullptr) return labels;
  // JSON objects iterate in key order, so each label goes at the end of the map.
  for (auto it = json->begin(); it != json->end(); ++it) {
    if (!it->is_string()) {
      where.Fail(fmt::format("metadata.labels[{:?}]", it.key()), "expected a string");
    }
    labels.emplace_hint(labels.end(), it.key(), std::move(it->get_ref<std::string&>()));
  }
  return labels;
}

// The stable label, else its deprecated beta spelling (older clusters and kops set only those).
std::string LabelOr(const Labels& labels, std::string_view stable, std::string_view beta) {
  if (const auto it = labels.find(stable); it != labels.end()) return it->second;
  if (const auto it = labels.find(beta); it != labels.end()) return it->second;
  return {};
}

model::CapacityType CapacityTypeOf(const Labels& labels) {
  // Each provisioner spells "spot" its own way; any one of them is enough.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kSpotLabels{{
      {"karpenter.sh/capacity-type", "spot"},
      {"eks.amazonaws.com/capacityType", "SPOT"},
      {"cloud.google.com/gke-spot", "true"},
      {"cloud.google.com/gke-preemptible", "true"},
      {"kubernetes.azure.com/scalesetpriority", "spot"},
  }};
  for (const auto& [key, spot] : kSpotLabels) {
    const auto it = labels.find(key);
    if (it != labels.end() && it->second == spot) return model::CapacityType::kSpot;
  }
  return model::CapacityType::kOnDemand;
}

using QuantityParser = std::int64_t (*)(std::string_view);

std::optional<std::int64_t> Quantity(Json& list, std::string_view resource, QuantityParser parse,
                                     const Where& where, std::string_view field) {
  Json* value = Find(&list, resource);
  if (value == nullptr) return std::nullopt;
  try {
    if (value->is_string()) return parse(value->get_ref<const std::string&>());
    // The API server always writes strings; hand-written documents may hold bare numbers,
    // which Kubernetes accepts too.
    if (value->is_number()) return parse(value->dump());
  } catch (const InvalidInput& e) {
    where.Fail(fmt::format("{}.{}", field, resource), e.what());
  }
  where.Fail(fmt::format("{}.{}", field, resource), "expected a quantity string");
}

struct ResourceFields {
  std::optional<std::int64_t> cpu_millicores;
  std::optional<std::int64_t> memory_bytes;
  std::optional<std::int64_t> gpu_devices;
};

// A ResourceList (`requests`, `limits`, `capacity`, ...); other resources are ignored.
ResourceFields ParseResourceList(Json* parent, std::string_view key, const Where& where,
                                 std::string_view field) {
  Json* list = ObjectField(parent, key, where, field);
  if (list == nullptr) return {};
  return {Quantity(*list, "cpu", ParseCpuMillicores, where, field),
          Quantity(*list, "memory", ParseBytes, where, field),
          Quantity(*list, kGpuResource, ParseCount, where, field)};
}

model::Capacity ToCapacity(const ResourceFields& r) {
  return {r.cpu_millicores.value_or(0), r.memory_bytes.value_or(0), r.gpu_devices.value_or(0)};
}

Node ParseNode(Json& item, std::size_t index) {
  Where where("NodeList", index);
  if (!item.is_object()) where.Fail("item", "expected an object");
  Node node;
  Json* metadata = ObjectField(&item, "metadata", where, "metadata");
  node.name = TakeRequiredString(metadata, "name", where, "metadata.name");
  where.SetItem("node", {}, node.name);
  node.labels = TakeLabels(metadata, where);
  node.created = TimeField(metadata, "creationTimestamp", where, "metadata.creationTimestamp");
  node.instance_type =
      LabelOr(node.labels, "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type");
  node.zone =
      LabelOr(node.labels, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone");
  node.region = LabelOr(node.labels, "topology.kubernetes.io/region",
                        "failure-domain.beta.kubernetes.io/region");
  node.capacity_type = CapacityTypeOf(node.labels);

  Json* spec = ObjectField(&item, "spec", where, "spec");
  node.provider_id = TakeString(spec, "providerID", where, "spec.providerID");
  Json* status = ObjectField(&item, "status", where, "status");
  node.capacity = ToCapacity(ParseResourceList(status, "capacity", where, "status.capacity"));
  node.allocatable =
      ToCapacity(ParseResourceList(status, "allocatable", where, "status.allocatable"));
  return node;
}

void SetController(Json* metadata, Pod& pod, const Where& where) {
  Json* refs = ArrayField(metadata, "ownerReferences", where, "metadata.ownerReferences");
  if (refs == nullptr || refs->empty()) return;
  // The managing controller is the reference marked controller: true; without one, the first.
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < refs->size(); ++i) {
    Json& ref = (*refs)[i];
    const Where at = where.InElement("metadata.ownerReferences", i);
    if (!ref.is_object()) at.Fail("", "expected an object");
    const Json* controller = Find(&ref, "controller");
    if (controller == nullptr) continue;
    if (!controller->is_boolean()) at.Fail("controller", "expected a boolean");
    if (controller->get<bool>()) {
      chosen = i;
      break;
    }
  }
  Json* ref = &(*refs)[chosen];
  const Where at = where.InElement("metadata.ownerReferences", chosen);
  pod.controller_kind = TakeRequiredString(ref, "kind", at, "kind");
  pod.controller_name = TakeRequiredString(ref, "name", at, "name");

  // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>. Without the label,
  // or when the name does not fit, the ReplicaSet was made some other way: keep it.
  if (pod.controller_kind != "ReplicaSet") return;
  const auto hash = pod.labels.find(std::string_view("pod-template-hash"));
  if (hash == pod.labels.end() || hash->second.empty()) return;
  const std::string& name = pod.controller_name;
  const std::size_t suffix = hash->second.size() + 1;
  if (name.size() <= suffix || name[name.size() - suffix] != '-' ||
      std::string_view{name}.substr(name.size() - hash->second.size()) != hash->second) {
    return;
  }
  pod.controller_kind = "Deployment";
  pod.controller_name.resize(name.size() - suffix);
}

Container ParseContainer(Json& json, const Where& element, std::string_view kind) {
  if (!json.is_object()) element.Fail("", "expected an object");
  Container c;
  c.name = TakeRequiredString(&json, "name", element, "name");
  const Where where = element.InContainer(kind, c.name).InElement({}, 0);
  Json* resources = ObjectField(&json, "resources", where, "resources");
  const ResourceFields requests =
      ParseResourceList(resources, "requests", where, "resources.requests");
  const ResourceFields limits = ParseResourceList(resources, "limits", where, "resources.limits");
  // Kubernetes defaults a missing request to the limit. The API server applies it when a pod
  // is created; applying it here too covers documents that were never defaulted.
  c.requests = {requests.cpu_millicores.value_or(limits.cpu_millicores.value_or(0)),
                requests.memory_bytes.value_or(limits.memory_bytes.value_or(0)),
                requests.gpu_devices.value_or(limits.gpu_devices.value_or(0))};
  c.limits = {limits.cpu_millicores.value_or(0), limits.memory_bytes.value_or(0),
              limits.gpu_devices.value_or(0)};
  return c;
}

// Quantities are non-negative; a sum past int64 means a hostile document, not a big pod.
std::int64_t CheckedAdd(std::int64_t a, std::int64_t b, const Where& where) {
  if (a > std::numeric_limits<std::int64_t>::max() - b) {
    where.Fail("spec", "sum of resource requests out of range");
  }
  return a + b;
}

ResourceQuantities Add(const ResourceQuantities& a, const ResourceQuantities& b,
                       const Where& where) {
  return {CheckedAdd(a.cpu_millicores, b.cpu_millicores, where),
          CheckedAdd(a.memory_bytes, b.memory_bytes, where),
          CheckedAdd(a.gpu_devices, b.gpu_devices, where)};
}

ResourceQuantities Max(const ResourceQuantities& a, const ResourceQuantities& b) {
  return {std::max(a.cpu_millicores, b.cpu_millicores), std::max(a.memory_bytes, b.memory_bytes),
          std::max(a.gpu_devices, b.gpu_devices)};
}

// Fills the containers and the effective requests (resourcehelper.PodRequests): init
// containers run one at a time, each alongside the sidecars (restartPolicy Always) started
// before it; sidecars then keep running next to the app containers.
void ParseContainers(Json* spec, Pod& pod, const Where& where) {
  ResourceQuantities sidecars;
  ResourceQuantities init_peak;
  if (Json* init = ArrayField(spec, "initContainers", where, "spec.initContainers")) {
    pod.init_containers.reserve(init->size());
    for (std::size_t i = 0; i < init->size(); ++i) {
      Json& json = (*init)[i];
      const Where element = where.InElement("spec.initContainers", i);
      Container& c =
          pod.init_containers.emplace_back(ParseContainer(json, element, "init container"));
      const std::string* policy = StringField(&json, "restartPolicy", element, "restartPolicy");
      if (policy != nullptr && *policy == "Always") {
        sidecars = Add(sidecars, c.requests, where);
        init_peak = Max(init_peak, sidecars);
      } else {
        init_peak = Max(init_peak, Add(c.requests, sidecars, where));
      }
    }
  }
  ResourceQuantities running = sidecars;
  if (Json* app = ArrayField(spec, "containers", where, "spec.containers")) {
    pod.containers.reserve(app->size());
    for (std::size_t i = 0; i < app->size(); ++i) {
      const Container& c = pod.containers.emplace_back(
          ParseContainer((*app)[i], where.InElement("spec.containers", i), "container"));
      running = Add(running, c.requests, where);
    }
  }
  pod.effective_requests = Max(running, init_peak);
}

PodPhase PhaseOf(const std::string* phase) {
  if (phase == nullptr) return PodPhase::kUnknown;
  if (*phase == "Running") return PodPhase::kRunning;
  if (*phase == "Pending") return PodPhase::kPending;
  if (*phase == "Succeeded") return PodPhase::kSucceeded;
  if (*phase == "Failed") return PodPhase::kFailed;
  return PodPhase::kUnknown;  // "Unknown", or a phase newer than this parser
}

// The latest state.terminated.finishedAt of the app containers.
std::optional<std::chrono::sys_seconds> LatestTermination(Json* status, const Where& where) {
  std::optional<std::chrono::sys_seconds> latest;
  Json* statuses = ArrayField(status, "containerStatuses", where, "status.containerStatuses");
  if (statuses == nullptr) return latest;
  for (std::size_t i = 0; i < statuses->size(); ++i) {
    Json& json = (*statuses)[i];
    const Where at = where.InElement("status.containerStatuses", i);
    if (!json.is_object()) at.Fail("", "expected an object");
    Json* state = ObjectField(&json, "state", at, "state");
    Json* terminated = ObjectField(state, "terminated", at, "state.terminated");
    const auto finished = TimeField(terminated, "finishedAt", at, "state.terminated.finishedAt");
    if (finished && (!latest || *finished > *latest)) latest = finished;
  }
  return latest;
}

Pod ParsePod(Json& item, std::size_t index) {
  Where where("PodList", index);
  if (!item.is_object()) where.Fail("item", "expected an object");
  Pod pod;
  Json* metadata = ObjectField(&item, "metadata", where, "metadata");
  pod.name = TakeRequiredString(metadata, "name", where, "metadata.name");
  pod.namespace_name = TakeString(metadata, "namespace", where, "metadata.namespace");
  where.SetItem("pod", pod.namespace_name, pod.name);
  pod.uid = TakeString(metadata, "uid", where, "metadata.uid");
  pod.labels = TakeLabels(metadata, where);
  pod.created = TimeField(metadata, "creationTimestamp", where, "metadata.creationTimestamp");
  SetController(metadata, pod, where);

  Json* spec = ObjectField(&item, "spec", where, "spec");
  pod.node_name = TakeString(spec, "nodeName", where, "spec.nodeName");
  ParseContainers(spec, pod, where);

  Json* status = ObjectField(&item, "status", where, "status");
  pod.phase = PhaseOf(StringField(status, "phase", where, "status.phase"));
  pod.started = TimeField(status, "startTime", where, "status.startTime");
  if (pod.phase == PodPhase::kSucceeded || pod.phase == PodPhase::kFailed) {
    pod.finished = LatestTermination(status, where);
  }
  return pod;
}

// The fields read above, by nesting depth in the list document; keys at other depths (label
// keys, resource names) are all kept, as are all keys at a depth whose list is empty.
// Everything else is dropped while parsing: building and freeing the DOM of a real list
// (managedFields, annotations, env, probes, volumes, node images...) costs more than reading
// it, and dropping it saves about a third. Reading a new field means listing it here; the
// tests on the recorded samples pin every field listed.
struct KeptFields {
  std::span<const std::string_view> item;                // depth 3: an item's own keys
  std::span<const std::string_view> item_parts;          // depth 4: in metadata/spec/status
  std::span<const std::string_view> list_elements;       // depth 6: in containers, owners...
  std::span<const std::string_view> list_element_parts;  // depth 7: in resources, state
};

constexpr std::array<std::string_view, 3> kItemKeys{"metadata", "spec", "status"};
constexpr std::array<std::string_view, 6> kNodeKeys{"name",       "labels",   "creationTimestamp",
                                                    "providerID", "capacity", "allocatable"};
constexpr std::array<std::string_view, 12> kPodKeys{
    "name",     "namespace",      "uid",        "labels", "creationTimestamp", "ownerReferences",
    "nodeName", "initContainers", "containers", "phase",  "startTime",         "containerStatuses"};
constexpr std::array<std::string_view, 6> kPodElementKeys{
    "name", "kind", "controller", "resources", "restartPolicy", "state"};
constexpr std::array<std::string_view, 3> kPodElementPartKeys{"requests", "limits", "terminated"};

constexpr KeptFields kNodeFields{kItemKeys, kNodeKeys, {}, {}};
constexpr KeptFields kPodFields{kItemKeys, kPodKeys, kPodElementKeys, kPodElementPartKeys};

bool Keep(const KeptFields& kept, int depth, const Json& key) {
  std::span<const std::string_view> keys;
  switch (depth) {
    case 3:
      keys = kept.item;
      break;
    case 4:
      keys = kept.item_parts;
      break;
    case 6:
      keys = kept.list_elements;
      break;
    case 7:
      keys = kept.list_element_parts;
      break;
    default:
      return true;
  }
  if (keys.empty()) return true;
  const std::string_view name = key.get_ref<const std::string&>();
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

// Parses once into a (filtered) DOM; the items are then read in place, their strings moved out.
Json ParseList(std::string_view text, std::string_view kind, const KeptFields& kept) {
  Json doc;
  try {
    doc = Json::parse(text, [&kept](int depth, Json::parse_event_t event, Json& parsed) {
      return event != Json::parse_event_t::key || Keep(kept, depth, parsed);
    });
  } catch (const Json::parse_error& e) {
    throw InvalidInput(fmt::format("{}: malformed JSON at byte {}: {}", kind, e.byte, e.what()));
  } catch (const Json::exception& e) {  // e.g. a number beyond double ("1e400")
    throw InvalidInput(fmt::format("{}: malformed JSON: {}", kind, e.what()));
  }
  if (!doc.is_object()) throw InvalidInput(fmt::format("{}: expected a JSON object", kind));
  if (const Json* found = Find(&doc, "kind");
      found != nullptr && (!found->is_string() || found->get_ref<const std::string&>() != kind)) {
    throw InvalidInput(fmt::format("expected kind {:?}, got {}", kind, found->dump()));
  }
  return doc;
}

template <typename Record>
std::vector<Record> ParseItems(std::string_view text, std::string_view kind, const KeptFields& kept,
                               Record (*parse_item)(Json&, std::size_t)) {
  Json doc = ParseList(text, kind, kept);
  std::vector<Record> records;
  Json* items = Find(&doc, "items");
  if (items == nullptr) return records;  // an empty list may omit them
  if (!items->is_array()) throw InvalidInput(fmt::format("{}: items: expected an array", kind));
  records.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    records.push_back(parse_item((*items)[i], i));
  }
  return records;
}

}  // namespace

std::vector<Node> ParseNodeList(std::string_view json) {
  return ParseItems<Node>(json, "NodeList", kNodeFields, ParseNode);
}

std::vector<Pod> ParsePodList(std::string_view json) {
  return ParseItems<Pod>(json, "PodList", kPodFields, ParsePod);
}

}  // namespace costledger::collector
