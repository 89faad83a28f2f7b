#pragma once

// The reader of Kubernetes NodeList and PodList documents, fed events: by nlohmann's SAX parser
// for JSON (kubernetes_parser.cpp) or by the protobuf decoder (kubernetes_protobuf.cpp), so that
// both encodings make the same records and the same errors. Internal to the sources library.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/kubernetes_rules.hpp"
#include "costledger/model/quantity.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::sources::list_reader {

using Json = nlohmann::json;

inline constexpr std::string_view kGpuResource = "nvidia.com/gpu";

// A ResourceList (`requests`, `limits`, `capacity`, ...); other resources are ignored.
struct ResourceFields {
  std::optional<std::int64_t> cpu_millicores;
  std::optional<std::int64_t> memory_bytes;
  std::optional<std::int64_t> gpu_devices;
};

inline model::Capacity ToCapacity(const ResourceFields& r) {
  return {r.cpu_millicores.value_or(0), r.memory_bytes.value_or(0), r.gpu_devices.value_or(0)};
}

// ---- The SAX reader ---------------------------------------------------------------------------

// Where the reader is in the list document. Only the paths read get their own context;
// everything else (managedFields, annotations, env, probes, volumes, conditions, node images...)
// is kSkip and costs only its lexing.
enum class Ctx : std::uint8_t {
  kSkip,
  kRoot,            // {...}
  kListMeta,        // metadata (continue, remainingItemCount, resourceVersion)
  kItems,           // items
  kItem,            // items[i]
  kItemMeta,        // items[i].metadata
  kLabels,          // .metadata.labels
  kOwners,          // .metadata.ownerReferences (pods)
  kOwner,           // .metadata.ownerReferences[j]
  kSpec,            // .spec
  kStatus,          // .status
  kCapacity,        // node .status.capacity
  kAllocatable,     // node .status.allocatable
  kInitContainers,  // pod .spec.initContainers
  kContainers,      // pod .spec.containers
  kContainer,       // an element of either
  kResources,       // .resources
  kRequests,        // .resources.requests
  kLimits,          // .resources.limits
  kStatuses,        // pod .status.containerStatuses
  kStatusEntry,     // .containerStatuses[j]
  kState,           // .containerStatuses[j].state
  kTerminated,      // .state.terminated
  kVolumes,         // pod .spec.volumes
  kVolume,          // .spec.volumes[j]
  kVolumeClaim,     // .spec.volumes[j].persistentVolumeClaim
};

struct Frame {
  Ctx ctx = Ctx::kSkip;
  std::size_t next_index = 0;  // arrays: index of the next element
};

// kTime only from protobuf, where a metav1.Time is a message of seconds rather than a string.
enum class Type : std::uint8_t { kNull, kBool, kNumber, kString, kObject, kArray, kTime };

// A scalar as the reader sees it; the number keeps its JSON value for quantities and messages.
// NOLINTNEXTLINE(bugprone-exception-escape): basic_json's noexcept move asserts invariants only
struct Scalar {
  Type type = Type::kNull;
  std::string* string = nullptr;
  bool boolean = false;
  Json number;
  std::chrono::sys_seconds time{};
};

// What is wrong with the item being read, kept until the item ends: by then its name and
// namespace (and a container's name) are known whatever the order of the document's fields.
struct Problem {
  std::string container_kind;  // "container", "init container", or empty
  std::string container_name;
  std::string field;  // e.g. "metadata.labels[\"team\"]", "resources.requests.cpu"
  std::string what;
};

struct OwnerRef {
  bool is_object = true;
  std::optional<bool> controller;
  bool controller_type_error = false;
  std::string kind;
  bool kind_type_error = false;
  std::string name;
  bool name_type_error = false;
};

struct ContainerDraft {
  bool init = false;
  std::size_t index = 0;
  std::string name;
  bool name_type_error = false;
  ResourceFields requests;
  ResourceFields limits;
  bool sidecar = false;            // init container with restartPolicy Always
  std::optional<Problem> problem;  // about the container's resources: named with it
};

inline std::string_view ContainersField(bool init) {
  return init ? "spec.initContainers" : "spec.containers";
}

// nlohmann's SAX interface, bound statically by sax_parse (the protobuf decoder calls the same
// members). Reads a NodeList or PodList (or one chunk of it) straight into records: memory is
// bounded by the records, not by the document.
template <typename Record>
class ListReader {
 public:
  static constexpr bool kPods = std::is_same_v<Record, model::Pod>;
  static constexpr std::string_view kKind = kPods ? "PodList" : "NodeList";

  explicit ListReader(std::vector<Record>& out) : out_(out), first_index_(out.size()) {}

  /// A time given as seconds (protobuf's metav1.Time) where JSON has an RFC 3339 string.
  bool TimeValue(std::chrono::sys_seconds at) {
    Scalar s;
    s.type = Type::kTime;
    s.time = at;
    return OnScalar(s);
  }

  // NOLINTBEGIN(readability-identifier-naming): names fixed by nlohmann's SAX interface.
  bool null() { return OnScalar(Scalar{}); }
  bool boolean(bool value) { return OnScalar(Scalar{Type::kBool, nullptr, value, {}}); }
  bool number_integer(Json::number_integer_t value) { return OnNumber(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return OnNumber(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    return OnNumber(Json(value));
  }
  bool string(Json::string_t& value) { return OnScalar(Scalar{Type::kString, &value, false, {}}); }
  bool binary(Json::binary_t& /*value*/) { return OnScalar(Scalar{}); }

  bool key(Json::string_t& name) {
    key_.assign(name);
    return true;
  }

  bool start_object(std::size_t /*size*/) {
    if (stack_.empty()) {
      stack_.push_back({Ctx::kRoot});
      return true;
    }
    stack_.push_back({Child(Type::kObject)});
    StartObject(stack_.back().ctx);
    return true;
  }

  bool end_object() {
    const Ctx closed = stack_.back().ctx;
    stack_.pop_back();
    EndObject(closed);
    return true;
  }

  bool start_array(std::size_t /*size*/) {
    if (stack_.empty()) ListFail("expected a JSON object");
    stack_.push_back({Child(Type::kArray)});
    return true;
  }

  bool end_array() {
    stack_.pop_back();
    if (!stack_.empty()) Advance();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    throw InvalidInput(
        fmt::format("{}: malformed JSON at byte {}: {}", kKind, position, error.what()));
  }
  // NOLINTEND(readability-identifier-naming)

  ListMetadata Finish() {
    if (deferred_error_) throw InvalidInput{*deferred_error_};
    return std::move(meta_);
  }

 private:
  // ---- Dispatch ----

  bool OnNumber(Json value) {
    Scalar s;
    s.type = Type::kNumber;
    s.number = std::move(value);
    return OnScalar(s);
  }

  bool OnScalar(const Scalar& value) {
    if (stack_.empty()) ListFail("expected a JSON object");
    Child(value.type, &value);
    Advance();
    return true;
  }

  // Arrays count their elements; objects are addressed by key.
  void Advance() { ++stack_.back().next_index; }

  // The context of a value about to start, from its parent and key (or index). Scalars are
  // handled here and give kSkip; a container of the wrong type is a problem and kSkip.
  Ctx Child(Type type, const Scalar* scalar = nullptr) {
    Frame& parent = stack_.back();
    const std::size_t index = parent.next_index;
    switch (parent.ctx) {
      case Ctx::kRoot:
        return RootMember(type, scalar);
      case Ctx::kListMeta:
        if (scalar != nullptr) ListMetaMember(*scalar);
        return Ctx::kSkip;
      case Ctx::kItems:
        if (type == Type::kObject) {
          BeginItem(first_index_ + index);
          return Ctx::kItem;
        }
        BeginItem(first_index_ + index);
        Flag("item", "expected an object");
        EndItem();
        return Ctx::kSkip;
      case Ctx::kItem:
        if (key_ == "metadata") return Expect(type, Type::kObject, Ctx::kItemMeta, "metadata");
        if (key_ == "spec") return Expect(type, Type::kObject, Ctx::kSpec, "spec");
        if (key_ == "status") return Expect(type, Type::kObject, Ctx::kStatus, "status");
        return Ctx::kSkip;
      case Ctx::kItemMeta:
        return ItemMetaMember(type, scalar);
      case Ctx::kLabels:
        if (type == Type::kString) {
          labels_.insert_or_assign(key_, *scalar->string);
        } else {
          Flag(fmt::format("metadata.labels[{:?}]", key_), "expected a string");
        }
        return Ctx::kSkip;
      case Ctx::kOwners:
        owners_.emplace_back().is_object = type == Type::kObject;
        return type == Type::kObject ? Ctx::kOwner : Ctx::kSkip;
      case Ctx::kOwner:
        OwnerMember(type, scalar);
        return Ctx::kSkip;
      case Ctx::kSpec:
        return SpecMember(type, scalar);
      case Ctx::kStatus:
        return StatusMember(type, scalar);
      case Ctx::kCapacity:
        Quantity(node_capacity_, "status.capacity", type, scalar, nullptr);
        return Ctx::kSkip;
      case Ctx::kAllocatable:
        Quantity(node_allocatable_, "status.allocatable", type, scalar, nullptr);
        return Ctx::kSkip;
      case Ctx::kInitContainers:
      case Ctx::kContainers: {
        const bool init = parent.ctx == Ctx::kInitContainers;
        if (type == Type::kObject) {
          container_ = ContainerDraft{};
          container_.init = init;
          container_.index = index;
          return Ctx::kContainer;
        }
        Flag(fmt::format("{}[{}]", ContainersField(init), index), "expected an object");
        return Ctx::kSkip;
      }
      case Ctx::kContainer:
        return ContainerMember(type, scalar);
      case Ctx::kResources:
        if (key_ == "requests") {
          return ExpectInContainer(type, Ctx::kRequests, "resources.requests");
        }
        if (key_ == "limits") return ExpectInContainer(type, Ctx::kLimits, "resources.limits");
        return Ctx::kSkip;
      case Ctx::kRequests:
        Quantity(container_.requests, "resources.requests", type, scalar, &container_);
        return Ctx::kSkip;
      case Ctx::kLimits:
        Quantity(container_.limits, "resources.limits", type, scalar, &container_);
        return Ctx::kSkip;
      case Ctx::kStatuses:
        status_index_ = index;
        if (type == Type::kObject) return Ctx::kStatusEntry;
        FlagStatus("", "expected an object");
        return Ctx::kSkip;
      case Ctx::kStatusEntry:
        if (key_ == "state") return ExpectStatus(type, Ctx::kState, "state");
        return Ctx::kSkip;
      case Ctx::kState:
        if (key_ == "terminated") return ExpectStatus(type, Ctx::kTerminated, "state.terminated");
        return Ctx::kSkip;
      case Ctx::kTerminated:
        if (key_ == "finishedAt") FinishedAt(type, scalar);
        return Ctx::kSkip;
      case Ctx::kVolumes:
        if (type == Type::kObject) return Ctx::kVolume;
        Flag(fmt::format("spec.volumes[{}]", index), "expected an object");
        return Ctx::kSkip;
      case Ctx::kVolume:
        if (key_ == "name") TakeString(type, scalar, volume_.volume, "spec.volumes[].name");
        if (key_ == "persistentVolumeClaim") {
          return Expect(type, Type::kObject, Ctx::kVolumeClaim,
                        "spec.volumes[].persistentVolumeClaim");
        }
        return Ctx::kSkip;
      case Ctx::kVolumeClaim:
        if (key_ == "claimName") {
          TakeString(type, scalar, volume_.claim, "spec.volumes[].persistentVolumeClaim.claimName");
        }
        return Ctx::kSkip;
      case Ctx::kSkip:
        return Ctx::kSkip;
    }
    return Ctx::kSkip;
  }

  void StartObject(Ctx ctx) {
    if (ctx == Ctx::kLabels) labels_.clear();
    if (ctx == Ctx::kVolume) volume_ = {};
  }

  void EndObject(Ctx closed) {
    switch (closed) {
      case Ctx::kItem:
        EndItem();
        break;
      case Ctx::kLabels:
        record_labels_ = std::move(labels_);
        labels_ = model::Labels();
        break;
      case Ctx::kContainer:
        EndContainer();
        break;
      case Ctx::kVolume:
        // The name and the claim may come in either order: the volume is known once it ends.
        if constexpr (kPods) {
          if (!volume_.claim.empty()) record_.claims.push_back(std::move(volume_));
        }
        break;
      default:
        break;
    }
    if (!stack_.empty()) Advance();
  }

  // ---- The list ----

  [[noreturn]] void ListFail(std::string_view what) const {
    throw InvalidInput(fmt::format("{}: {}", kKind, what));
  }

  Ctx RootMember(Type type, const Scalar* scalar) {
    if (key_ == "kind") {
      if (type == Type::kNull) return Ctx::kSkip;
      if (type != Type::kString || *scalar->string != kKind) {
        const std::string got =
            type == Type::kString
                ? Json(*scalar->string).dump(-1, ' ', false, Json::error_handler_t::replace)
            : type == Type::kNumber ? scalar->number.dump()
            : type == Type::kBool   ? Json(scalar->boolean).dump()
            : type == Type::kObject ? std::string("an object")
                                    : std::string("an array");
        throw InvalidInput(fmt::format("expected kind {:?}, got {}", kKind, got));
      }
      kind_checked_ = true;
      return Ctx::kSkip;
    }
    if (key_ == "metadata") return type == Type::kObject ? Ctx::kListMeta : Ctx::kSkip;
    if (key_ == "items") {
      if (type == Type::kArray) return Ctx::kItems;
      if (type != Type::kNull) ListFail("items: expected an array");
    }
    return Ctx::kSkip;
  }

  void ListMetaMember(const Scalar& value) {
    if (key_ == "continue") {
      if (value.type == Type::kString) {
        meta_.continue_token = *value.string;
      } else if (value.type != Type::kNull) {
        ListFail("metadata.continue: expected a string");
      }
    } else if (key_ == "resourceVersion" && value.type == Type::kString) {
      meta_.resource_version = *value.string;
    } else if (key_ == "remainingItemCount" && value.type == Type::kNumber &&
               value.number.is_number_integer()) {
      meta_.remaining_item_count = value.number.get<std::int64_t>();
    }
  }

  // ---- One item ----

  void BeginItem(std::size_t index) {
    index_ = index;
    record_ = Record();
    record_labels_.clear();
    problem_.reset();
    name_type_error_ = false;
    if constexpr (kPods) {
      owners_.clear();
      phase_.reset();
      latest_termination_.reset();
      status_problem_.reset();
      init_sidecar_.clear();
    } else {
      node_capacity_ = {};
      node_allocatable_ = {};
    }
  }

  // Notes the first problem of the item; the item fails when it ends.
  void Flag(std::string field, std::string what) {
    if (!problem_) problem_ = Problem{{}, {}, std::move(field), std::move(what)};
  }

  Ctx Expect(Type type, Type expected, Ctx ctx, std::string_view field) {
    if (type == expected) return ctx;
    if (type != Type::kNull) {
      Flag(std::string(field),
           expected == Type::kObject ? "expected an object" : "expected an array");
    }
    return Ctx::kSkip;
  }

  // A string member of the item; null counts as absent, as the API server omits empty fields.
  void TakeString(Type type, const Scalar* scalar, std::string& into, std::string_view field) {
    if (type == Type::kString) {
      into = *scalar->string;
    } else if (type != Type::kNull) {
      Flag(std::string(field), "expected a string");
    }
  }

  // A time member: absent when null; a protobuf Time, or an RFC 3339 string in JSON. What is
  // wrong with any other value goes to `problem`.
  static std::optional<std::chrono::sys_seconds> TimeOf(Type type, const Scalar* scalar,
                                                        std::string& problem) {
    if (type == Type::kNull) return std::nullopt;
    if (type == Type::kTime) return scalar->time;
    if (type != Type::kString) {
      problem = "expected a string";
      return std::nullopt;
    }
    try {
      return model::ParseTimestamp(*scalar->string);
    } catch (const InvalidInput& e) {
      problem = e.what();
      return std::nullopt;
    }
  }

  std::optional<std::chrono::sys_seconds> Time(Type type, const Scalar* scalar,
                                               std::string_view field) {
    std::string problem;
    const std::optional<std::chrono::sys_seconds> at = TimeOf(type, scalar, problem);
    if (!problem.empty()) Flag(std::string(field), std::move(problem));
    return at;
  }

  Ctx ItemMetaMember(Type type, const Scalar* scalar) {
    if (key_ == "name") {
      if (type != Type::kString && type != Type::kNull) name_type_error_ = true;
      TakeString(type, scalar, record_.name, "metadata.name");
    } else if (key_ == "labels") {
      return Expect(type, Type::kObject, Ctx::kLabels, "metadata.labels");
    } else if (key_ == "creationTimestamp") {
      record_.created = Time(type, scalar, "metadata.creationTimestamp");
    } else if (key_ == "uid") {
      TakeString(type, scalar, record_.uid, "metadata.uid");
    } else if constexpr (kPods) {
      if (key_ == "namespace") {
        TakeString(type, scalar, record_.namespace_name, "metadata.namespace");
      } else if (key_ == "ownerReferences") {
        return Expect(type, Type::kArray, Ctx::kOwners, "metadata.ownerReferences");
      }
    }
    return Ctx::kSkip;
  }

  void OwnerMember(Type type, const Scalar* scalar) {
    OwnerRef& ref = owners_.back();
    if (key_ == "controller") {
      if (type == Type::kBool) {
        ref.controller = scalar->boolean;
      } else if (type != Type::kNull) {
        ref.controller_type_error = true;
      }
    } else if (key_ == "kind" || key_ == "name") {
      const bool kind = key_ == "kind";
      if (type == Type::kString) {
        (kind ? ref.kind : ref.name) = *scalar->string;
      } else if (type != Type::kNull) {
        (kind ? ref.kind_type_error : ref.name_type_error) = true;
      }
    }
  }

  Ctx SpecMember(Type type, const Scalar* scalar) {
    if constexpr (kPods) {
      if (key_ == "nodeName") {
        TakeString(type, scalar, record_.node_name, "spec.nodeName");
      } else if (key_ == "initContainers") {
        record_.init_containers.clear();
        init_sidecar_.clear();
        return Expect(type, Type::kArray, Ctx::kInitContainers, "spec.initContainers");
      } else if (key_ == "containers") {
        record_.containers.clear();
        return Expect(type, Type::kArray, Ctx::kContainers, "spec.containers");
      } else if (key_ == "volumes") {
        record_.claims.clear();
        return Expect(type, Type::kArray, Ctx::kVolumes, "spec.volumes");
      }
    } else {
      if (key_ == "providerID") TakeString(type, scalar, record_.provider_id, "spec.providerID");
    }
    return Ctx::kSkip;
  }

  Ctx StatusMember(Type type, const Scalar* scalar) {
    if constexpr (kPods) {
      if (key_ == "phase") {
        std::string phase;
        TakeString(type, scalar, phase, "status.phase");
        if (type == Type::kString) phase_ = std::move(phase);
      } else if (key_ == "startTime") {
        record_.started = Time(type, scalar, "status.startTime");
      } else if (key_ == "containerStatuses") {
        if (type == Type::kArray) return Ctx::kStatuses;
        if (type != Type::kNull) {
          if (!status_problem_) {
            status_problem_ = Problem{{}, {}, "status.containerStatuses", "expected an array"};
          }
        }
      }
    } else {
      if (key_ == "capacity") {
        return Expect(type, Type::kObject, Ctx::kCapacity, "status.capacity");
      }
      if (key_ == "allocatable") {
        return Expect(type, Type::kObject, Ctx::kAllocatable, "status.allocatable");
      }
    }
    return Ctx::kSkip;
  }

  // One resource of a ResourceList; `container` is set inside a container (the problem is then
  // named with the container).
  void Quantity(ResourceFields& into, std::string_view field, Type type, const Scalar* scalar,
                ContainerDraft* container) {
    std::optional<std::int64_t>* slot = nullptr;
    std::int64_t (*parse)(std::string_view) = nullptr;
    if (key_ == "cpu") {
      slot = &into.cpu_millicores;
      parse = model::ParseCpuMillicores;
    } else if (key_ == "memory") {
      slot = &into.memory_bytes;
      parse = model::ParseBytes;
    } else if (key_ == kGpuResource) {
      slot = &into.gpu_devices;
      parse = model::ParseCount;
    } else {
      return;  // other resources (ephemeral-storage, hugepages, devices...) are not priced
    }
    if (type == Type::kNull) {
      slot->reset();
      return;
    }
    const auto fail = [&](std::string what) {
      std::string path = fmt::format("{}.{}", field, key_);
      if (container != nullptr) {
        if (!container->problem)
          container->problem = Problem{{}, {}, std::move(path), std::move(what)};
      } else {
        Flag(std::move(path), std::move(what));
      }
    };
    try {
      // The API server always writes strings; hand-written documents may hold bare numbers,
      // which Kubernetes accepts too.
      if (type == Type::kString) {
        *slot = parse(*scalar->string);
        return;
      }
      if (type == Type::kNumber) {
        *slot = parse(scalar->number.dump());
        return;
      }
    } catch (const InvalidInput& e) {
      fail(e.what());
      return;
    }
    fail("expected a quantity string");
  }

  // ---- Containers ----

  Ctx ExpectInContainer(Type type, Ctx ctx, std::string_view field) {
    if (type == Type::kObject) return ctx;
    if (type != Type::kNull && !container_.problem) {
      container_.problem = Problem{{}, {}, std::string(field), "expected an object"};
    }
    return Ctx::kSkip;
  }

  Ctx ContainerMember(Type type, const Scalar* scalar) {
    if (key_ == "name") {
      if (type == Type::kString) {
        container_.name = *scalar->string;
      } else if (type != Type::kNull) {
        container_.name_type_error = true;
      }
    } else if (key_ == "resources") {
      return ExpectInContainer(type, Ctx::kResources, "resources");
    } else if (key_ == "restartPolicy" && container_.init) {
      if (type == Type::kString) {
        container_.sidecar = *scalar->string == "Always";
      } else if (type != Type::kNull) {
        Flag(fmt::format("spec.initContainers[{}].restartPolicy", container_.index),
             "expected a string");
      }
    }
    return Ctx::kSkip;
  }

  void EndContainer() {
    ContainerDraft& d = container_;
    const std::string element = fmt::format("{}[{}]", ContainersField(d.init), d.index);
    if (d.name_type_error) {
      Flag(element + ".name", "expected a string");
      return;
    }
    if (d.name.empty()) {
      Flag(element + ".name", "missing");
      return;
    }
    if (d.problem) {
      if (!problem_) {
        problem_ = std::move(d.problem);
        problem_->container_kind = d.init ? "init container" : "container";
        problem_->container_name = d.name;
      }
      return;
    }
    if constexpr (kPods) {
      model::Container c;
      c.name = std::move(d.name);
      // Kubernetes defaults a missing request to the limit. The API server applies it when a
      // pod is created; applying it here too covers documents that were never defaulted.
      c.requests = {d.requests.cpu_millicores.value_or(d.limits.cpu_millicores.value_or(0)),
                    d.requests.memory_bytes.value_or(d.limits.memory_bytes.value_or(0)),
                    d.requests.gpu_devices.value_or(d.limits.gpu_devices.value_or(0))};
      c.limits = {d.limits.cpu_millicores.value_or(0), d.limits.memory_bytes.value_or(0),
                  d.limits.gpu_devices.value_or(0)};
      if (d.init) {
        record_.init_containers.push_back(std::move(c));
        init_sidecar_.push_back(d.sidecar);
      } else {
        record_.containers.push_back(std::move(c));
      }
    }
  }

  // ---- Container statuses (read only for finished pods, as only they need them) ----

  void FlagStatus(std::string_view field, std::string what) {
    if (status_problem_) return;
    std::string path = fmt::format("status.containerStatuses[{}]", status_index_);
    if (!field.empty()) path.append(".").append(field);
    status_problem_ = Problem{{}, {}, std::move(path), std::move(what)};
  }

  Ctx ExpectStatus(Type type, Ctx ctx, std::string_view field) {
    if (type == Type::kObject) return ctx;
    if (type != Type::kNull) FlagStatus(field, "expected an object");
    return Ctx::kSkip;
  }

  void FinishedAt(Type type, const Scalar* scalar) {
    std::string problem;
    const std::optional<std::chrono::sys_seconds> at = TimeOf(type, scalar, problem);
    if (!problem.empty()) {
      FlagStatus("state.terminated.finishedAt", std::move(problem));
    } else if (at && (!latest_termination_ || *at > *latest_termination_)) {
      latest_termination_ = at;
    }
  }

  // ---- Finishing an item ----

  [[noreturn]] void Fail(const Problem& p) {
    std::string subject;
    if (record_.name.empty()) {
      subject = fmt::format("{} items[{}]", kKind, index_);
    } else if constexpr (kPods) {
      subject = record_.namespace_name.empty()
                    ? fmt::format("pod {}", record_.name)
                    : fmt::format("pod {}/{}", record_.namespace_name, record_.name);
    } else {
      subject = fmt::format("node {}", record_.name);
    }
    if (!p.container_kind.empty()) {
      subject += fmt::format(" {} {:?}", p.container_kind, p.container_name);
    }
    std::string message = fmt::format("{}: {}: {}", subject, p.field, p.what);
    // A document of another kind fails as such, even when its kind comes after its items.
    if (!kind_checked_) {
      if (!deferred_error_) deferred_error_ = std::move(message);
      throw Deferred{};
    }
    throw InvalidInput(message);
  }

  [[noreturn]] void Fail(std::string field, std::string what) {
    Fail(Problem{{}, {}, std::move(field), std::move(what)});
  }

  void EndItem() {
    try {
      FinishItem();
    } catch (const Deferred&) {
      skipping_ = true;
    }
  }

  void FinishItem() {
    if (skipping_) return;
    // The name comes first: without it the item cannot be named.
    if (problem_ && (name_type_error_ || record_.name.empty())) Fail(*problem_);
    if (record_.name.empty()) Fail("metadata.name", "missing");
    if (problem_) Fail(*problem_);
    record_.labels = std::move(record_labels_);
    record_labels_ = model::Labels();
    if constexpr (kPods) {
      SetController();
      SetEffectiveRequests();
      record_.phase = model::PodPhaseOf(phase_);
      if (record_.phase == model::PodPhase::kSucceeded ||
          record_.phase == model::PodPhase::kFailed) {
        if (status_problem_) Fail(*status_problem_);
        record_.finished = latest_termination_;
      }
    } else {
      model::Node& node = record_;
      node.instance_type = model::StableOrBetaLabel(node.labels, "node.kubernetes.io/instance-type",
                                                    "beta.kubernetes.io/instance-type");
      node.zone = model::StableOrBetaLabel(node.labels, "topology.kubernetes.io/zone",
                                           "failure-domain.beta.kubernetes.io/zone");
      node.region = model::StableOrBetaLabel(node.labels, "topology.kubernetes.io/region",
                                             "failure-domain.beta.kubernetes.io/region");
      node.capacity_type = model::CapacityTypeOf(node.labels);
      node.node_group = model::NodeGroupOf(node.labels);
      node.capacity = ToCapacity(node_capacity_);
      node.allocatable = ToCapacity(node_allocatable_);
    }
    out_.push_back(std::move(record_));
  }

  void SetController() {
    if (owners_.empty()) return;
    // The managing controller is the reference marked controller: true; without one, the first.
    std::size_t chosen = 0;
    const auto field = [](std::size_t i, std::string_view name) {
      return name.empty() ? fmt::format("metadata.ownerReferences[{}]", i)
                          : fmt::format("metadata.ownerReferences[{}].{}", i, name);
    };
    for (std::size_t i = 0; i < owners_.size(); ++i) {
      const OwnerRef& ref = owners_[i];
      if (!ref.is_object) Fail(field(i, ""), "expected an object");
      if (ref.controller_type_error) Fail(field(i, "controller"), "expected a boolean");
      if (ref.controller.value_or(false)) {
        chosen = i;
        break;
      }
    }
    OwnerRef& ref = owners_[chosen];
    if (ref.kind_type_error) Fail(field(chosen, "kind"), "expected a string");
    if (ref.kind.empty()) Fail(field(chosen, "kind"), "missing");
    if (ref.name_type_error) Fail(field(chosen, "name"), "expected a string");
    if (ref.name.empty()) Fail(field(chosen, "name"), "missing");
    model::ControllerRef controller =
        model::ControllerOf(std::move(ref.kind), std::move(ref.name), record_.labels);
    record_.controller_kind = std::move(controller.kind);
    record_.controller_name = std::move(controller.name);
  }

  void SetEffectiveRequests() {
    model::Pod& pod = record_;
    const std::optional<model::ResourceQuantities> requests =
        model::EffectiveRequests(pod.containers, pod.init_containers, init_sidecar_);
    if (!requests) Fail("spec", "sum of resource requests out of range");
    pod.effective_requests = *requests;
  }

  // Thrown by Fail while the list's kind is not known yet: the item's message waits for the
  // end of the document, where a wrong kind would be reported instead.
  struct Deferred {};

  std::vector<Record>& out_;
  std::size_t first_index_;
  std::vector<Frame> stack_;
  std::string key_;
  ListMetadata meta_;
  bool kind_checked_ = false;
  bool skipping_ = false;  // an item failed before the kind was known: the rest is not read
  std::optional<std::string> deferred_error_;

  // The item being read.
  std::size_t index_ = 0;
  Record record_;
  model::Labels labels_;
  model::Labels record_labels_;
  std::optional<Problem> problem_;
  bool name_type_error_ = false;
  // Nodes.
  ResourceFields node_capacity_;
  ResourceFields node_allocatable_;
  // Pods.
  std::vector<OwnerRef> owners_;
  ContainerDraft container_;
  model::PodClaim volume_;  // spec.volumes[j] being read
  std::vector<bool> init_sidecar_;
  std::optional<std::string> phase_;
  std::size_t status_index_ = 0;
  std::optional<std::chrono::sys_seconds> latest_termination_;
  std::optional<Problem> status_problem_;  // counts only for finished pods
};

// Reads one chunk into `out` through a ListReader that `feed` drives (a parser's events), and
// returns its list metadata; on any error `out` is left as it was: never a partial chunk.
template <typename Record, typename Feed>
ListMetadata ReadChunk(std::vector<Record>& out, Feed&& feed) {
  const std::size_t before = out.size();
  try {
    ListReader<Record> reader(out);
    feed(reader);
    return reader.Finish();
  } catch (...) {
    out.resize(before);
    throw;
  }
}

}  // namespace costledger::sources::list_reader
