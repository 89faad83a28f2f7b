// Kubernetes' protobuf encoding of a PodList, read into the same records as the JSON. The API
// server answers in it when asked (Accept: application/vnd.kubernetes.protobuf), as client-go
// asks for core types: a string is its bytes, and whatever the collector does not read (images,
// conditions, tolerations, managed fields...) is jumped over by its length instead of lexed.
// The decoder walks only the fields read and feeds them, as JSON keys and values, to the JSON
// reader's ListReader: one place decides what a pod is, and errors read the same.
//
// Field numbers are those of k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/{apis/meta/v1,runtime}/generated.proto.

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/utf8.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "kubernetes_list_reader.hpp"
#include "protobuf_wire.hpp"

namespace costledger::sources {
namespace {

using list_reader::ListReader;
using protobuf::Field;
using protobuf::ForEachField;
using protobuf::Span;
using protobuf::WireReader;
using protobuf::WireType;

// "k8s\0": every protobuf body of the API server starts with it.
constexpr std::string_view kMagic{"k8s\0", 4};

// runtime.Unknown, the envelope: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2,
// contentEncoding = 3.
struct Envelope {
  std::string_view kind;
  Span raw;
  std::string_view content_encoding;
};

std::string_view Bytes(const Field& f, std::string_view name) {
  if (f.type != WireType::kLengthDelimited) {
    WireReader::Fail(f.offset, fmt::format("{}: expected a length-delimited field", name));
  }
  return f.value.bytes;
}

// A string the records keep: UTF-8, as JSON's always is (protobuf's `string` promises nothing),
// so nothing downstream meets bytes it cannot write out.
std::string_view Text(const Field& f, std::string_view name) {
  const std::string_view text = Bytes(f, name);
  if (!model::IsValidUtf8(text)) {
    WireReader::Fail(f.offset, fmt::format("{}: not valid UTF-8", name));
  }
  return text;
}

Span Message(const Field& f, std::string_view name) {
  Bytes(f, name);
  return f.value;
}

Envelope ReadEnvelope(std::string_view body) {
  if (!body.starts_with(kMagic)) {
    WireReader::Fail(0, R"(no "k8s\0" prefix: not Kubernetes' protobuf encoding)");
  }
  Envelope envelope;
  ForEachField({body.substr(kMagic.size()), kMagic.size()}, [&](const Field& f) {
    if (f.number == 1) {
      ForEachField(Message(f, "typeMeta"), [&](const Field& t) {
        if (t.number == 2) envelope.kind = Text(t, "typeMeta.kind");
      });
    } else if (f.number == 2) {
      envelope.raw = Message(f, "raw");
    } else if (f.number == 3) {
      envelope.content_encoding = Bytes(f, "contentEncoding");
    }
  });
  if (!envelope.content_encoding.empty()) {
    WireReader::Fail(
        0, fmt::format("content encoding {:?} is not supported", envelope.content_encoding));
  }
  return envelope;
}

// Walks a PodList's fields and calls the reader as the JSON parser would for the same document.
class PodListDecoder {
 public:
  explicit PodListDecoder(ListReader<model::Pod>& reader) : reader_(reader) {}

  void Decode(const Envelope& envelope) {
    reader_.start_object(0);
    Key("kind");
    String(envelope.kind);
    // metadata = 1, items = 2 (repeated): the list's metadata first, as in JSON.
    ForEachField(envelope.raw, [&](const Field& f) {
      if (f.number == 1) Object("metadata", Message(f, "metadata"), &PodListDecoder::ListMeta);
    });
    Key("items");
    reader_.start_array(0);
    ForEachField(envelope.raw, [&](const Field& f) {
      if (f.number == 2) Element(Message(f, "items"), &PodListDecoder::Pod);
    });
    reader_.end_array();
    reader_.end_object();
  }

 private:
  using Part = void (PodListDecoder::*)(Span);

  // ---- Events ----

  void Key(std::string_view name) {
    key_.assign(name);
    reader_.key(key_);
  }

  void String(std::string_view value) {
    value_.assign(value);
    reader_.string(value_);
  }

  void KeyString(std::string_view name, const Field& f) {
    Key(name);
    String(Text(f, name));
  }

  void Object(std::string_view name, Span message, Part part) {
    Key(name);
    Element(message, part);
  }

  void Element(Span message, Part part) {
    reader_.start_object(0);
    (this->*part)(message);
    reader_.end_object();
  }

  // Whether `field` is the first of its number in its message: a repeated field is emitted
  // whole there, with every element wherever it is (Go writes them together; the wire does not
  // promise it). `emitted` keeps the numbers done (all below 64).
  static bool FirstOfItsNumber(const Field& field, std::uint64_t& emitted) {
    const std::uint64_t bit = std::uint64_t{1} << (field.number & 63U);
    if ((emitted & bit) != 0) return false;
    emitted |= bit;
    return true;
  }

  // A repeated message field as a JSON array.
  void Array(std::string_view name, Span message, const Field& first, std::uint64_t& emitted,
             Part part) {
    if (!FirstOfItsNumber(first, emitted)) return;
    Key(name);
    reader_.start_array(0);
    ForEachField(message, [&](const Field& f) {
      if (f.number == first.number) Element(Message(f, name), part);
    });
    reader_.end_array();
  }

  // A map field (repeated entries of key = 1, value = 2) as a JSON object.
  void Map(std::string_view name, Span message, const Field& first, std::uint64_t& emitted,
           bool quantities) {
    if (!FirstOfItsNumber(first, emitted)) return;
    Key(name);
    reader_.start_object(0);
    ForEachField(message, [&](const Field& f) {
      if (f.number != first.number) return;
      std::string_view key;
      std::string_view value;
      ForEachField(Message(f, name), [&](const Field& e) {
        if (e.number == 1) {
          key = Text(e, name);
        } else if (e.number == 2) {
          if (quantities) {  // a resource.Quantity: string = 1
            value = {};
            ForEachField(Message(e, name), [&](const Field& q) {
              if (q.number == 1) value = Text(q, "quantity");
            });
          } else {
            value = Text(e, name);
          }
        }
      });
      Key(key);
      String(value);
    });
    reader_.end_object();
  }

  // metav1.Time: seconds = 1; an empty message is the zero time, which JSON writes as null.
  void Time(std::string_view name, const Field& f) {
    Key(name);
    const Span message = Message(f, name);
    if (message.bytes.empty()) {
      reader_.null();
      return;
    }
    std::int64_t seconds = 0;
    ForEachField(message, [&](const Field& t) {
      if (t.number == 1 && t.type == WireType::kVarint)
        seconds = static_cast<std::int64_t>(t.varint);
    });
    reader_.TimeValue(std::chrono::sys_seconds{std::chrono::seconds{seconds}});
  }

  // ---- Messages ----

  // ListMeta: resourceVersion = 2, continue = 3, remainingItemCount = 4.
  void ListMeta(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 2) {
        KeyString("resourceVersion", f);
      } else if (f.number == 3) {
        KeyString("continue", f);
      } else if (f.number == 4 && f.type == WireType::kVarint) {
        Key("remainingItemCount");
        reader_.number_integer(static_cast<std::int64_t>(f.varint));
      }
    });
  }

  // Pod: metadata = 1, spec = 2, status = 3.
  void Pod(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) {
        Object("metadata", Message(f, "metadata"), &PodListDecoder::ObjectMeta);
      } else if (f.number == 2) {
        Object("spec", Message(f, "spec"), &PodListDecoder::PodSpec);
      } else if (f.number == 3) {
        Object("status", Message(f, "status"), &PodListDecoder::PodStatus);
      }
    });
  }

  // ObjectMeta: name = 1, namespace = 3, uid = 5, creationTimestamp = 8, labels = 11,
  // ownerReferences = 13.
  void ObjectMeta(Span m) {
    std::uint64_t emitted = 0;
    ForEachField(m, [&](const Field& f) {
      switch (f.number) {
        case 1:
          KeyString("name", f);
          break;
        case 3:
          KeyString("namespace", f);
          break;
        case 5:
          KeyString("uid", f);
          break;
        case 8:
          Time("creationTimestamp", f);
          break;
        case 11:
          Map("labels", m, f, emitted, /*quantities=*/false);
          break;
        case 13:
          Array("ownerReferences", m, f, emitted, &PodListDecoder::OwnerReference);
          break;
        default:
          break;
      }
    });
  }

  // OwnerReference: kind = 1, name = 3, controller = 6.
  void OwnerReference(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) {
        KeyString("kind", f);
      } else if (f.number == 3) {
        KeyString("name", f);
      } else if (f.number == 6 && f.type == WireType::kVarint) {
        Key("controller");
        reader_.boolean(f.varint != 0);
      }
    });
  }

  // PodSpec: volumes = 1, containers = 2, nodeName = 10, initContainers = 20.
  void PodSpec(Span m) {
    std::uint64_t emitted = 0;
    ForEachField(m, [&](const Field& f) {
      switch (f.number) {
        case 1:
          Array("volumes", m, f, emitted, &PodListDecoder::Volume);
          break;
        case 2:
          Array("containers", m, f, emitted, &PodListDecoder::Container);
          break;
        case 10:
          KeyString("nodeName", f);
          break;
        case 20:
          Array("initContainers", m, f, emitted, &PodListDecoder::Container);
          break;
        default:
          break;
      }
    });
  }

  // Container: name = 1, resources = 8 (limits = 1, requests = 2), restartPolicy = 24.
  void Container(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) {
        KeyString("name", f);
      } else if (f.number == 8) {
        Object("resources", Message(f, "resources"), &PodListDecoder::Resources);
      } else if (f.number == 24) {
        KeyString("restartPolicy", f);
      }
    });
  }

  void Resources(Span m) {
    std::uint64_t emitted = 0;
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) Map("limits", m, f, emitted, /*quantities=*/true);
      if (f.number == 2) Map("requests", m, f, emitted, /*quantities=*/true);
    });
  }

  // Volume: name = 1, volumeSource = 2, whose persistentVolumeClaim = 10 (claimName = 1). JSON
  // inlines the volume source into the volume, and so do the events.
  void Volume(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) {
        KeyString("name", f);
      } else if (f.number == 2) {
        ForEachField(Message(f, "volumeSource"), [&](const Field& s) {
          if (s.number == 10) {
            Object("persistentVolumeClaim", Message(s, "persistentVolumeClaim"),
                   &PodListDecoder::ClaimSource);
          }
        });
      }
    });
  }

  void ClaimSource(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) KeyString("claimName", f);
    });
  }

  // PodStatus: phase = 1, startTime = 7, containerStatuses = 8.
  void PodStatus(Span m) {
    std::uint64_t emitted = 0;
    ForEachField(m, [&](const Field& f) {
      if (f.number == 1) {
        KeyString("phase", f);
      } else if (f.number == 7) {
        Time("startTime", f);
      } else if (f.number == 8) {
        Array("containerStatuses", m, f, emitted, &PodListDecoder::ContainerStatus);
      }
    });
  }

  // ContainerStatus: state = 2; ContainerState: terminated = 3; ContainerStateTerminated:
  // finishedAt = 6. The rest of a status is not read.
  void ContainerStatus(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 2) Object("state", Message(f, "state"), &PodListDecoder::ContainerState);
    });
  }

  void ContainerState(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 3) {
        Object("terminated", Message(f, "terminated"), &PodListDecoder::Terminated);
      }
    });
  }

  void Terminated(Span m) {
    ForEachField(m, [&](const Field& f) {
      if (f.number == 6) Time("finishedAt", f);
    });
  }

  ListReader<model::Pod>& reader_;
  std::string key_;
  std::string value_;
};

}  // namespace

ListMetadata ParsePodListChunkProtobuf(std::string_view body, std::vector<model::Pod>& pods) {
  try {
    return list_reader::ReadChunk(pods, [body](ListReader<model::Pod>& reader) {
      PodListDecoder(reader).Decode(ReadEnvelope(body));
    });
  } catch (const protobuf::WireError& e) {
    throw InvalidInput(fmt::format("PodList: malformed protobuf at byte {}: {}", e.offset, e.what));
  }
}

std::string KubernetesStatusMessageProtobuf(std::string_view body) {
  try {
    const Envelope envelope = ReadEnvelope(body);
    if (envelope.kind != "Status") return {};
    std::string message;
    ForEachField(envelope.raw, [&](const Field& f) {  // Status: message = 3
      if (f.number == 3) message = Bytes(f, "message");
    });
    return message;
  } catch (const protobuf::WireError&) {
    return {};
  }
}

}  // namespace costledger::sources
