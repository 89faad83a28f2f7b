#include "costledger/simulator/kubernetes_protobuf.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"
#include "json_reader.hpp"

namespace costledger::simulator {
namespace {

// ---- The schema: JSON name -> field number and how the value is written. ----

enum class Kind : std::uint8_t {
  kString,           // string: length-delimited
  kInt32,            // number: varint (a negative one sign-extended to 10 bytes)
  kInt64,            // number: varint
  kBool,             // true/false: varint 1/0
  kMessage,          // object: a nested message
  kRepeatedMessage,  // array of objects: one nested message per element
  kRepeatedString,   // array of strings: one length-delimited field per element
  kStringMap,        // object of strings: entries {key=1, value=2}
  kQuantityMap,      // object of quantities: entries {key=1, value=2 Quantity{string=1}}
  kTime,             // RFC 3339 string: Time{seconds=1}; null: an empty Time
  kInline,           // a Go struct inlined in JSON: its keys sit in the parent's object
};

struct Message;

struct Field {
  std::string_view json;  // empty for kInline, whose keys are its message's
  std::uint32_t number = 0;
  Kind kind = Kind::kString;
  const Message* message = nullptr;  // kMessage, kRepeatedMessage, kInline
};

struct Message {
  std::string_view name;
  std::span<const Field> fields;
};

// Leaves first: a message's table points at the tables of the messages it holds.

constexpr Field kListMetaFields[] = {
    {"selfLink", 1, Kind::kString},
    {"resourceVersion", 2, Kind::kString},
    {"continue", 3, Kind::kString},
    {"remainingItemCount", 4, Kind::kInt64},
};
constexpr Message kListMeta{"ListMeta", kListMetaFields};

constexpr Field kOwnerReferenceFields[] = {
    {"kind", 1, Kind::kString},     {"name", 3, Kind::kString},
    {"uid", 4, Kind::kString},      {"apiVersion", 5, Kind::kString},
    {"controller", 6, Kind::kBool}, {"blockOwnerDeletion", 7, Kind::kBool},
};
constexpr Message kOwnerReference{"OwnerReference", kOwnerReferenceFields};

constexpr Field kObjectMetaFields[] = {
    {"name", 1, Kind::kString},
    {"generateName", 2, Kind::kString},
    {"namespace", 3, Kind::kString},
    {"selfLink", 4, Kind::kString},
    {"uid", 5, Kind::kString},
    {"resourceVersion", 6, Kind::kString},
    {"generation", 7, Kind::kInt64},
    {"creationTimestamp", 8, Kind::kTime},
    {"deletionTimestamp", 9, Kind::kTime},
    {"deletionGracePeriodSeconds", 10, Kind::kInt64},
    {"labels", 11, Kind::kStringMap},
    {"annotations", 12, Kind::kStringMap},
    {"ownerReferences", 13, Kind::kRepeatedMessage, &kOwnerReference},
    {"finalizers", 14, Kind::kRepeatedString},
};
constexpr Message kObjectMeta{"ObjectMeta", kObjectMetaFields};

constexpr Field kContainerPortFields[] = {
    {"name", 1, Kind::kString},         {"hostPort", 2, Kind::kInt32},
    {"containerPort", 3, Kind::kInt32}, {"protocol", 4, Kind::kString},
    {"hostIP", 5, Kind::kString},
};
constexpr Message kContainerPort{"ContainerPort", kContainerPortFields};

constexpr Field kResourceRequirementsFields[] = {
    {"limits", 1, Kind::kQuantityMap},
    {"requests", 2, Kind::kQuantityMap},
};
constexpr Message kResourceRequirements{"ResourceRequirements", kResourceRequirementsFields};

constexpr Field kContainerFields[] = {
    {"name", 1, Kind::kString},
    {"image", 2, Kind::kString},
    {"ports", 6, Kind::kRepeatedMessage, &kContainerPort},
    {"resources", 8, Kind::kMessage, &kResourceRequirements},
    {"terminationMessagePath", 13, Kind::kString},
    {"imagePullPolicy", 14, Kind::kString},
    {"terminationMessagePolicy", 20, Kind::kString},
    {"restartPolicy", 24, Kind::kString},
};
constexpr Message kContainer{"Container", kContainerFields};

constexpr Field kPersistentVolumeClaimVolumeSourceFields[] = {
    {"claimName", 1, Kind::kString},
    {"readOnly", 2, Kind::kBool},
};
constexpr Message kPersistentVolumeClaimVolumeSource{"PersistentVolumeClaimVolumeSource",
                                                     kPersistentVolumeClaimVolumeSourceFields};

// The simulator's pods mount claims only; the other 29 sources are left out.
constexpr Field kVolumeSourceFields[] = {
    {"persistentVolumeClaim", 10, Kind::kMessage, &kPersistentVolumeClaimVolumeSource},
};
constexpr Message kVolumeSource{"VolumeSource", kVolumeSourceFields};

// JSON inlines the VolumeSource: {"name":"data","persistentVolumeClaim":{...}}.
constexpr Field kVolumeFields[] = {
    {"name", 1, Kind::kString},
    {{}, 2, Kind::kInline, &kVolumeSource},
};
constexpr Message kVolume{"Volume", kVolumeFields};

constexpr Field kPodSecurityContextFields[] = {
    {"runAsUser", 2, Kind::kInt64},
    {"runAsNonRoot", 3, Kind::kBool},
    {"fsGroup", 5, Kind::kInt64},
};
constexpr Message kPodSecurityContext{"PodSecurityContext", kPodSecurityContextFields};

constexpr Field kTolerationFields[] = {
    {"key", 1, Kind::kString},
    {"operator", 2, Kind::kString},
    {"value", 3, Kind::kString},
    {"effect", 4, Kind::kString},
    {"tolerationSeconds", 5, Kind::kInt64},
};
constexpr Message kToleration{"Toleration", kTolerationFields};

constexpr Field kPodSpecFields[] = {
    {"volumes", 1, Kind::kRepeatedMessage, &kVolume},
    {"containers", 2, Kind::kRepeatedMessage, &kContainer},
    {"restartPolicy", 3, Kind::kString},
    {"terminationGracePeriodSeconds", 4, Kind::kInt64},
    {"activeDeadlineSeconds", 5, Kind::kInt64},
    {"dnsPolicy", 6, Kind::kString},
    {"nodeSelector", 7, Kind::kStringMap},
    {"serviceAccountName", 8, Kind::kString},
    {"serviceAccount", 9, Kind::kString},
    {"nodeName", 10, Kind::kString},
    {"hostNetwork", 11, Kind::kBool},
    {"securityContext", 14, Kind::kMessage, &kPodSecurityContext},
    {"schedulerName", 19, Kind::kString},
    {"initContainers", 20, Kind::kRepeatedMessage, &kContainer},
    {"tolerations", 22, Kind::kRepeatedMessage, &kToleration},
    {"priorityClassName", 24, Kind::kString},
    {"priority", 25, Kind::kInt32},
    {"enableServiceLinks", 30, Kind::kBool},
    {"preemptionPolicy", 31, Kind::kString},
};
constexpr Message kPodSpec{"PodSpec", kPodSpecFields};

constexpr Field kPodConditionFields[] = {
    {"type", 1, Kind::kString},        {"status", 2, Kind::kString},
    {"lastProbeTime", 3, Kind::kTime}, {"lastTransitionTime", 4, Kind::kTime},
    {"reason", 5, Kind::kString},      {"message", 6, Kind::kString},
};
constexpr Message kPodCondition{"PodCondition", kPodConditionFields};

constexpr Field kHostIpFields[] = {{"ip", 1, Kind::kString}};
constexpr Message kHostIp{"HostIP", kHostIpFields};

constexpr Field kPodIpFields[] = {{"ip", 1, Kind::kString}};
constexpr Message kPodIp{"PodIP", kPodIpFields};

constexpr Field kContainerStateWaitingFields[] = {
    {"reason", 1, Kind::kString},
    {"message", 2, Kind::kString},
};
constexpr Message kContainerStateWaiting{"ContainerStateWaiting", kContainerStateWaitingFields};

constexpr Field kContainerStateRunningFields[] = {{"startedAt", 1, Kind::kTime}};
constexpr Message kContainerStateRunning{"ContainerStateRunning", kContainerStateRunningFields};

constexpr Field kContainerStateTerminatedFields[] = {
    {"exitCode", 1, Kind::kInt32},     {"signal", 2, Kind::kInt32},
    {"reason", 3, Kind::kString},      {"message", 4, Kind::kString},
    {"startedAt", 5, Kind::kTime},     {"finishedAt", 6, Kind::kTime},
    {"containerID", 7, Kind::kString},
};
constexpr Message kContainerStateTerminated{"ContainerStateTerminated",
                                            kContainerStateTerminatedFields};

constexpr Field kContainerStateFields[] = {
    {"waiting", 1, Kind::kMessage, &kContainerStateWaiting},
    {"running", 2, Kind::kMessage, &kContainerStateRunning},
    {"terminated", 3, Kind::kMessage, &kContainerStateTerminated},
};
constexpr Message kContainerState{"ContainerState", kContainerStateFields};

constexpr Field kContainerStatusFields[] = {
    {"name", 1, Kind::kString},
    {"state", 2, Kind::kMessage, &kContainerState},
    {"lastState", 3, Kind::kMessage, &kContainerState},
    {"ready", 4, Kind::kBool},
    {"restartCount", 5, Kind::kInt32},
    {"image", 6, Kind::kString},
    {"imageID", 7, Kind::kString},
    {"containerID", 8, Kind::kString},
    {"started", 9, Kind::kBool},
};
constexpr Message kContainerStatus{"ContainerStatus", kContainerStatusFields};

constexpr Field kPodStatusFields[] = {
    {"phase", 1, Kind::kString},
    {"conditions", 2, Kind::kRepeatedMessage, &kPodCondition},
    {"message", 3, Kind::kString},
    {"reason", 4, Kind::kString},
    {"hostIP", 5, Kind::kString},
    {"podIP", 6, Kind::kString},
    {"startTime", 7, Kind::kTime},
    {"containerStatuses", 8, Kind::kRepeatedMessage, &kContainerStatus},
    {"qosClass", 9, Kind::kString},
    {"initContainerStatuses", 10, Kind::kRepeatedMessage, &kContainerStatus},
    {"podIPs", 12, Kind::kRepeatedMessage, &kPodIp},
    {"hostIPs", 16, Kind::kRepeatedMessage, &kHostIp},
};
constexpr Message kPodStatus{"PodStatus", kPodStatusFields};

constexpr Field kPodFields[] = {
    {"metadata", 1, Kind::kMessage, &kObjectMeta},
    {"spec", 2, Kind::kMessage, &kPodSpec},
    {"status", 3, Kind::kMessage, &kPodStatus},
};
constexpr Message kPod{"Pod", kPodFields};

constexpr Field kPodListFields[] = {
    {"metadata", 1, Kind::kMessage, &kListMeta},
    {"items", 2, Kind::kRepeatedMessage, &kPod},
};
constexpr Message kPodList{"PodList", kPodListFields};

constexpr Field kStatusDetailsFields[] = {
    {"name", 1, Kind::kString}, {"group", 2, Kind::kString},
    {"kind", 3, Kind::kString}, {"retryAfterSeconds", 5, Kind::kInt32},
    {"uid", 6, Kind::kString},
};
constexpr Message kStatusDetails{"StatusDetails", kStatusDetailsFields};

constexpr Field kStatusFields[] = {
    {"metadata", 1, Kind::kMessage, &kListMeta},
    {"status", 2, Kind::kString},
    {"message", 3, Kind::kString},
    {"reason", 4, Kind::kString},
    {"details", 5, Kind::kMessage, &kStatusDetails},
    {"code", 6, Kind::kInt32},
};
constexpr Message kStatus{"Status", kStatusFields};

// The kinds a document may have.
constexpr const Message* kTopLevel[] = {&kPodList, &kStatus};

// ---- Protobuf wire format. ----

constexpr std::string_view kMagic{"k8s\0", 4};
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kLengthDelimited = 2;
// What Go's time.Time{} is in Unix seconds: its metav1.Time marshals to an empty message.
constexpr std::int64_t kGoZeroTime = -62'135'596'800;

std::size_t VarintSize(std::uint64_t value) {
  std::size_t size = 1;
  for (; value >= 0x80U; value >>= 7U) ++size;
  return size;
}

// Writes `value` at `out` (room for 10 bytes); returns the bytes written.
std::size_t WriteVarint(char* out, std::uint64_t value) {
  std::size_t size = 0;
  for (; value >= 0x80U; value >>= 7U) out[size++] = static_cast<char>((value & 0x7FU) | 0x80U);
  out[size++] = static_cast<char>(value);
  return size;
}

std::uint64_t Tag(std::uint32_t number, std::uint32_t wire_type) {
  return (std::uint64_t{number} << 3U) | wire_type;
}

void AppendVarint(std::string& out, std::uint64_t value) {
  std::array<char, 10> bytes{};
  out.append(bytes.data(), WriteVarint(bytes.data(), value));
}

void AppendTag(std::string& out, std::uint32_t number, std::uint32_t wire_type) {
  AppendVarint(out, Tag(number, wire_type));
}

// A string (or bytes) field: tag, length, the bytes.
void AppendString(std::string& out, std::uint32_t number, std::string_view text) {
  AppendTag(out, number, kLengthDelimited);
  AppendVarint(out, text.size());
  out += text;
}

// ---- JSON -> protobuf, streamed from the JSON reader's events. ----
//
// Every field is written as it is read, then put in field-number order when its message ends:
// a message's fields are "pieces" of the output buffer (byte ranges, each with its sort order),
// which are sorted and, unless they are in order already, copied in order through a scratch
// buffer; then the message's tag and length go in front. Each byte is so moved about once per
// enclosing message, without a tree of the document.

// Where a field's bytes sort in its message: by field number; the fields of an inlined
// message by its field number, then their own.
constexpr std::uint64_t Order(std::uint32_t number, std::uint32_t inner = 0) {
  return (std::uint64_t{number} << 32U) | inner;
}
constexpr std::uint32_t OuterOf(std::uint64_t order) {
  return static_cast<std::uint32_t>(order >> 32U);
}
constexpr std::uint32_t InnerOf(std::uint64_t order) { return static_cast<std::uint32_t>(order); }

struct Piece {
  std::uint64_t order = 0;
  std::size_t begin = 0;  // [begin, end) of the output buffer
  std::size_t end = 0;
  std::size_t key_begin = 0;  // a map entry's key, for sorting the entries
  std::size_t key_size = 0;
};

enum class FrameType : std::uint8_t { kMessage, kArray, kMap };

// An open JSON object or array.
struct Frame {
  FrameType type = FrameType::kMessage;
  // kMessage: its schema (nullptr at the root until the kind is known); kArray and kMap: the
  // message holding the field, for error messages.
  const Message* message = nullptr;
  const Field* field = nullptr;  // kArray, kMap: the field; kMessage: nullptr at the root
  std::uint64_t order = 0;       // the order of the pieces this frame adds to its message
  std::size_t begin = 0;         // the frame's first byte in the output buffer
  std::size_t first_piece = 0;   // kMessage: its first piece; kMap: its first entry
  // kMessage: the field of the key just read, with its order.
  const Field* pending = nullptr;
  std::uint64_t pending_order = 0;
  std::string* type_meta = nullptr;  // the root's: where "kind" or "apiVersion", just read, goes
};

const Message* TopLevel(std::string_view kind) {
  for (const Message* message : kTopLevel) {
    if (message->name == kind) return message;
  }
  throw InvalidInput(fmt::format(
      "cannot encode kind \"{}\" as protobuf: the schema has PodList and Status", kind));
}

// Insertion sort (stable, in place, no allocation) for the few fields of a message; a merge
// sort for the long runs of a large map, unless in order already, as a list's items are.
template <typename Less>
void StableSort(std::vector<Piece>::iterator first, std::vector<Piece>::iterator last, Less less) {
  if (last - first > 32) {
    if (std::is_sorted(first, last, less)) return;
    std::stable_sort(first, last, less);
    return;
  }
  for (auto i = first; i != last; ++i) {
    Piece piece = *i;
    auto j = i;
    for (; j != first && less(piece, *(j - 1)); --j) *j = *(j - 1);
    *j = piece;
  }
}

// Thrown when a field comes before the document's "kind": read it again knowing the kind.
struct KindNotFirst {};

class Transcoder final : public JsonHandler {
 public:
  // `kind` is the document's kind when known before reading it, else empty.
  Transcoder(std::string& out, std::string_view kind) : out_(out), kind_(kind) {
    if (!kind_.empty()) root_ = TopLevel(kind_);
    frames_.reserve(16);
    pieces_.reserve(64);
  }

  // The magic and the Unknown wrapping the object, whose message is the whole buffer now.
  void Finish() {
    if (root_ == nullptr) throw InvalidInput("cannot encode as protobuf: the JSON has no kind");
    std::string type_meta;
    AppendString(type_meta, 1, api_version_);
    AppendString(type_meta, 2, kind_);
    std::string header(kMagic);
    AppendTag(header, 1, kLengthDelimited);
    AppendVarint(header, type_meta.size());
    header += type_meta;
    AppendTag(header, 2, kLengthDelimited);
    AppendVarint(header, out_.size());
    out_.insert(0, header);
  }

  void Null() override {
    Frame& top = Top();
    if (top.type != FrameType::kMessage) return;  // an element or map value: nothing
    const Field& field = Pending(top, "null");
    if (field.kind == Kind::kTime) {  // Go writes a zero Time as an empty message
      const std::size_t begin = out_.size();
      AppendTag(out_, field.number, kLengthDelimited);
      out_.push_back('\0');
      AddPiece(top.pending_order, begin);
    }
  }

  void Bool(bool value) override {
    Frame& top = Top();
    const Field& field = ScalarField(top, "a bool");
    if (field.kind != Kind::kBool) Mismatch(top, field, "a bool");
    AddVarint(top.pending_order, field.number, value ? 1 : 0);
  }

  void Integer(std::int64_t value) override {
    Frame& top = Top();
    const Field& field = ScalarField(top, "an integer");
    if (field.kind == Kind::kInt32 && (value < std::numeric_limits<std::int32_t>::min() ||
                                       value > std::numeric_limits<std::int32_t>::max())) {
      Mismatch(top, field, fmt::format("{} (beyond int32)", value));
    }
    if (field.kind != Kind::kInt32 && field.kind != Kind::kInt64) {
      Mismatch(top, field, "an integer");
    }
    // A negative int32 is sign-extended like an int64 (10 bytes), as protobuf specifies.
    AddVarint(top.pending_order, field.number, static_cast<std::uint64_t>(value));
  }

  void Number(std::string_view text) override {
    Frame& top = Top();
    Mismatch(top, ScalarField(top, "a number"), text);
  }

  void String(std::string_view value) override {
    Frame& top = Top();
    const std::size_t begin = out_.size();
    switch (top.type) {
      case FrameType::kMap:
        AddMapEntry(top, value);
        return;
      case FrameType::kArray:
        if (top.field->kind != Kind::kRepeatedString) Mismatch(top, *top.field, "a string");
        AppendString(out_, top.field->number, value);
        AddPiece(top.order, begin);
        return;
      case FrameType::kMessage:
        break;
    }
    if (top.type_meta != nullptr) {  // the root's kind or apiVersion
      *top.type_meta = value;
      if (top.type_meta == &kind_) {
        const Message* message = TopLevel(kind_);
        if (root_ != nullptr && root_ != message) {
          throw InvalidInput(fmt::format("cannot encode as protobuf: two kinds, {} and {}",
                                         root_->name, message->name));
        }
        root_ = top.message = message;
      }
      top.type_meta = nullptr;
      return;
    }
    const Field& field = *top.pending;
    if (field.kind == Kind::kString) {
      AppendString(out_, field.number, value);
    } else if (field.kind == Kind::kTime) {
      AppendTime(top, field, value);
    } else {
      Mismatch(top, field, "a string");
    }
    AddPiece(top.pending_order, begin);
  }

  void StartObject() override {
    if (frames_.empty()) {  // the root
      frames_.push_back(Frame{FrameType::kMessage, root_});
      return;
    }
    Frame& top = Top();
    Frame frame;
    frame.begin = out_.size();
    frame.first_piece = pieces_.size();
    if (top.type == FrameType::kArray && top.field->kind == Kind::kRepeatedMessage) {
      frame.message = top.field->message;
      frame.field = top.field;
      frame.order = top.order;
    } else if (top.type == FrameType::kMessage) {
      const Field& field = Pending(top, "an object");
      frame.field = &field;
      frame.order = top.pending_order;
      if (field.kind == Kind::kMessage) {
        frame.message = field.message;
      } else if (field.kind == Kind::kStringMap || field.kind == Kind::kQuantityMap) {
        frame.type = FrameType::kMap;
        frame.message = top.message;
      } else {
        Mismatch(top, field, "an object");
      }
    } else {
      Mismatch(top, *top.field, "an object");
    }
    frames_.push_back(frame);
  }

  void Key(std::string_view name) override {
    Frame& top = frames_.back();
    if (top.type == FrameType::kMap) {
      map_key_ = name;
      return;
    }
    if (frames_.size() == 1 && (name == "kind" || name == "apiVersion")) {
      top.type_meta = name == "kind" ? &kind_ : &api_version_;
      return;
    }
    if (top.message == nullptr) throw KindNotFirst{};
    for (const Field& field : top.message->fields) {
      if (field.json == name) {
        top.pending = &field;
        top.pending_order = Order(field.number);
        return;
      }
    }
    for (const Field& outer : top.message->fields) {
      if (outer.kind != Kind::kInline) continue;
      for (const Field& field : outer.message->fields) {
        if (field.json == name) {
          top.pending = &field;
          top.pending_order = Order(outer.number, field.number);
          return;
        }
      }
    }
    throw InvalidInput(
        fmt::format("cannot encode {} as protobuf: {} has no field \"{}\" in the schema", kind_,
                    top.message->name, name));
  }

  void EndObject() override {
    const Frame frame = frames_.back();
    frames_.pop_back();
    if (frame.type == FrameType::kMap) {
      SortMapEntries(frame);
      return;
    }
    if (frame.message == nullptr) {
      throw InvalidInput("cannot encode as protobuf: the JSON has no kind");
    }
    EndMessage(frame);
  }

  void StartArray() override {
    Frame& top = Top();
    if (top.type != FrameType::kMessage) Mismatch(top, *top.field, "an array");
    const Field& field = Pending(top, "an array");
    if (field.kind != Kind::kRepeatedMessage && field.kind != Kind::kRepeatedString) {
      Mismatch(top, field, "an array");
    }
    Frame frame;
    frame.type = FrameType::kArray;
    frame.message = top.message;
    frame.field = &field;
    frame.order = top.pending_order;
    frames_.push_back(frame);
  }

  void EndArray() override { frames_.pop_back(); }

 private:
  Frame& Top() {
    if (frames_.empty()) throw InvalidInput("cannot encode as protobuf: the JSON is no object");
    return frames_.back();
  }

  // The field a value in message frame `top` belongs to.
  const Field& Pending(Frame& top, std::string_view what) {
    if (top.type_meta != nullptr) {
      throw InvalidInput(fmt::format(
          "cannot encode as protobuf: kind and apiVersion must be strings, not {}", what));
    }
    return *top.pending;
  }

  // The field of a number or bool: the pending key's, in a message.
  const Field& ScalarField(Frame& top, std::string_view what) {
    if (top.type != FrameType::kMessage) Mismatch(top, *top.field, what);
    return Pending(top, what);
  }

  [[noreturn]] void Mismatch(const Frame& top, const Field& field, std::string_view what) {
    const std::string_view message = top.message == nullptr ? "" : top.message->name;
    throw InvalidInput(fmt::format("cannot encode {} as protobuf: {}.{} cannot be {}", kind_,
                                   message, field.json, what));
  }

  void AddPiece(std::uint64_t order, std::size_t begin) {
    pieces_.push_back(Piece{order, begin, out_.size()});
  }

  void AddVarint(std::uint64_t order, std::uint32_t number, std::uint64_t value) {
    const std::size_t begin = out_.size();
    AppendTag(out_, number, kVarint);
    AppendVarint(out_, value);
    AddPiece(order, begin);
  }

  void AppendTime(const Frame& top, const Field& field, std::string_view text) {
    std::int64_t seconds = 0;
    try {
      seconds = model::ParseTimestamp(text).time_since_epoch().count();
    } catch (const InvalidInput& e) {
      Mismatch(top, field, fmt::format("\"{}\" ({})", text, e.what()));
    }
    AppendTag(out_, field.number, kLengthDelimited);
    if (seconds == kGoZeroTime) {
      out_.push_back('\0');
      return;
    }
    const auto value = static_cast<std::uint64_t>(seconds);
    AppendVarint(out_, 1 + VarintSize(value));
    AppendTag(out_, 1, kVarint);
    AppendVarint(out_, value);
  }

  // An entry {key=1, value=2} of the map open in `map`; a quantity is a message {string=1}.
  void AddMapEntry(const Frame& map, std::string_view value) {
    const std::size_t key_size = VarintSize(map_key_.size()) + map_key_.size();
    const std::size_t quantity_size = 1 + VarintSize(value.size()) + value.size();
    const bool quantity = map.field->kind == Kind::kQuantityMap;
    const std::size_t value_size = quantity ? VarintSize(quantity_size) + quantity_size
                                            : VarintSize(value.size()) + value.size();
    const std::size_t begin = out_.size();
    AppendTag(out_, map.field->number, kLengthDelimited);
    AppendVarint(out_, 1 + key_size + 1 + value_size);
    AppendTag(out_, 1, kLengthDelimited);
    AppendVarint(out_, map_key_.size());
    const std::size_t key_begin = out_.size();
    out_ += map_key_;
    if (quantity) {
      AppendTag(out_, 2, kLengthDelimited);
      AppendVarint(out_, quantity_size);
      AppendString(out_, 1, value);
    } else {
      AppendString(out_, 2, value);
    }
    pieces_.push_back(Piece{map.order, begin, out_.size(), key_begin, map_key_.size()});
  }

  std::string_view KeyOf(const Piece& piece) const {
    return std::string_view{out_}.substr(piece.key_begin, piece.key_size);
  }

  // Go writes a map's entries in key order; JSON need not have them in order.
  void SortMapEntries(const Frame& map) {
    const auto first = pieces_.begin() + static_cast<std::ptrdiff_t>(map.first_piece);
    StableSort(first, pieces_.end(),
               [this](const Piece& a, const Piece& b) { return KeyOf(a) < KeyOf(b); });
    const auto duplicate =
        std::adjacent_find(first, pieces_.end(),
                           [this](const Piece& a, const Piece& b) { return KeyOf(a) == KeyOf(b); });
    if (duplicate != pieces_.end()) {
      throw InvalidInput(fmt::format("cannot encode {} as protobuf: {}.{} has the key \"{}\" twice",
                                     kind_, map.message->name, map.field->json, KeyOf(*duplicate)));
    }
  }

  // Puts the fields of the message ending in number order with its tag and length in front
  // (none at the root), and makes the result a piece of the enclosing message.
  void EndMessage(const Frame& frame) {
    const auto first = pieces_.begin() + static_cast<std::ptrdiff_t>(frame.first_piece);
    StableSort(first, pieces_.end(),
               [](const Piece& a, const Piece& b) { return a.order < b.order; });
    bool in_place = true;
    std::size_t expected = frame.begin;
    for (auto piece = first; piece != pieces_.end(); ++piece) {
      in_place = in_place && piece->begin == expected && InnerOf(piece->order) == 0;
      expected = piece->end;
    }
    const bool root = frames_.empty();
    // A nested message's own number: an inlined message's member sorts by the inlined
    // message's number but is tagged with its own.
    const std::uint32_t number = root ? 0 : frame.field->number;
    if (in_place) {
      if (!root) {
        std::array<char, 20> header{};
        std::size_t size = WriteVarint(header.data(), Tag(number, kLengthDelimited));
        size += WriteVarint(header.data() + size, out_.size() - frame.begin);
        out_.insert(frame.begin, header.data(), size);
      }
    } else {
      // The fields of an inlined message are one nested message at its field number.
      scratch_.clear();
      for (auto piece = first; piece != pieces_.end();) {
        const std::uint32_t inline_number = InnerOf(piece->order) == 0 ? 0 : OuterOf(piece->order);
        if (inline_number == 0) {
          scratch_.append(out_, piece->begin, piece->end - piece->begin);
          ++piece;
          continue;
        }
        auto group_end = piece;
        std::size_t size = 0;
        for (; group_end != pieces_.end() && OuterOf(group_end->order) == inline_number &&
               InnerOf(group_end->order) != 0;
             ++group_end) {
          size += group_end->end - group_end->begin;
        }
        AppendTag(scratch_, inline_number, kLengthDelimited);
        AppendVarint(scratch_, size);
        for (; piece != group_end; ++piece) {
          scratch_.append(out_, piece->begin, piece->end - piece->begin);
        }
      }
      out_.resize(frame.begin);
      if (!root) {
        AppendTag(out_, number, kLengthDelimited);
        AppendVarint(out_, scratch_.size());
      }
      out_ += scratch_;
    }
    pieces_.erase(first, pieces_.end());
    if (!root) AddPiece(frame.order, frame.begin);
  }

  std::string& out_;
  std::string kind_;
  std::string api_version_;
  const Message* root_ = nullptr;
  std::vector<Frame> frames_;
  std::vector<Piece> pieces_;
  std::string map_key_;
  std::string scratch_;
};

// Finds the root's "kind" without encoding, for a document whose kind does not come first.
class KindFinder final : public JsonHandler {
 public:
  const std::string& kind() const { return kind_; }

  void StartObject() override { Open(); }
  void Key(std::string_view key) override { kind_next_ = depth_ == 1 && key == "kind"; }
  void EndObject() override { --depth_; }
  void StartArray() override { Open(); }
  void EndArray() override { --depth_; }
  void String(std::string_view value) override {
    if (kind_next_) kind_ = value;
    kind_next_ = false;
  }
  void Integer(std::int64_t /*value*/) override { kind_next_ = false; }
  void Number(std::string_view /*text*/) override { kind_next_ = false; }
  void Bool(bool /*value*/) override { kind_next_ = false; }
  void Null() override { kind_next_ = false; }

 private:
  void Open() {
    ++depth_;
    kind_next_ = false;
  }

  int depth_ = 0;
  bool kind_next_ = false;
  std::string kind_;
};

}  // namespace

std::string EncodeKubernetesProtobuf(std::string_view json, std::string buffer) {
  buffer.clear();
  try {
    Transcoder transcoder(buffer, {});
    ReadJson(json, transcoder);
    transcoder.Finish();
    return buffer;
  } catch (const KindNotFirst&) {
  }
  KindFinder finder;
  ReadJson(json, finder);
  if (finder.kind().empty()) throw InvalidInput("cannot encode as protobuf: the JSON has no kind");
  buffer.clear();
  Transcoder transcoder(buffer, finder.kind());
  ReadJson(json, transcoder);
  transcoder.Finish();
  return buffer;
}

}  // namespace costledger::simulator
