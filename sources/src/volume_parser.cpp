#include "costledger/sources/volume_parser.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/quantity.hpp"
#include "costledger/model/timestamp.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

// One item of a list, with errors "<kind> <name or items[i]>: <field>: <what>".
class Item {
 public:
  Item(const Json& item, std::string_view kind, std::size_t index)
      : item_(item), kind_(kind), index_(index) {
    if (!item.is_object())
      throw InvalidInput(fmt::format("{} items[{}]: expected an object", kind, index));
    const Json* name = Find("metadata.name");
    if (name != nullptr && name->is_string()) subject_ = name->get<std::string>();
    if (subject_.empty()) Fail("metadata.name", "missing");
    const Json* ns = Find("metadata.namespace");
    if (ns != nullptr && ns->is_string()) subject_ = ns->get<std::string>() + "/" + subject_;
  }

  [[noreturn]] void Fail(std::string_view path, std::string_view what) const {
    const std::string subject = subject_.empty() ? fmt::format("items[{}]", index_) : subject_;
    throw InvalidInput(fmt::format("{} {}: {}: {}", kind_, subject, path, what));
  }

  // The value at a '.'-separated path; nullptr when absent or null.
  const Json* Find(std::string_view path) const {
    const Json* at = &item_;
    while (!path.empty()) {
      const std::size_t dot = path.find('.');
      const std::string_view key = path.substr(0, dot);
      if (!at->is_object()) return nullptr;
      const auto it = at->find(key);
      if (it == at->end() || it->is_null()) return nullptr;
      at = &*it;
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    return at;
  }

  std::string String(std::string_view path) const {
    const Json* v = Find(path);
    if (v == nullptr) return {};
    if (!v->is_string()) Fail(path, "expected a string");
    return v->get<std::string>();
  }

  std::int64_t Bytes(std::string_view path) const {
    const Json* v = Find(path);
    if (v == nullptr) return 0;
    try {
      if (v->is_string()) return model::ParseBytes(v->get_ref<const std::string&>());
      if (v->is_number()) return model::ParseBytes(v->dump());
    } catch (const InvalidInput& e) {
      Fail(path, e.what());
    }
    Fail(path, "expected a quantity string");
  }

  model::TextMap Strings(std::string_view path) const {
    model::TextMap out;
    const Json* v = Find(path);
    if (v == nullptr) return out;
    if (!v->is_object()) Fail(path, "expected an object");
    for (const auto& [k, value] : v->items()) {
      if (!value.is_string()) Fail(fmt::format("{}[{:?}]", path, k), "expected a string");
      out.emplace(k, value.get<std::string>());
    }
    return out;
  }

  std::optional<std::chrono::sys_seconds> Time(std::string_view path) const {
    const std::string text = String(path);
    if (text.empty()) return std::nullopt;
    try {
      return model::ParseTimestamp(text);
    } catch (const InvalidInput& e) {
      Fail(path, e.what());
    }
  }

  const Json& json() const { return item_; }

 private:
  const Json& item_;
  std::string_view kind_;
  std::size_t index_;
  std::string subject_;
};

// The zone a volume is pinned to: its zone label, else its node affinity's zone term.
std::string ZoneOf(const Item& item) {
  const model::TextMap labels = item.Strings("metadata.labels");
  for (const std::string_view key :
       {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}) {
    if (const auto it = labels.find(key); it != labels.end()) return it->second;
  }
  const Json* terms = item.Find("spec.nodeAffinity.required.nodeSelectorTerms");
  if (terms == nullptr || !terms->is_array()) return {};
  for (const Json& term : *terms) {
    const auto expressions = term.find("matchExpressions");
    if (expressions == term.end() || !expressions->is_array()) continue;
    for (const Json& e : *expressions) {
      const auto key = e.find("key");
      const auto values = e.find("values");
      if (key == e.end() || !key->is_string() || values == e.end() || !values->is_array() ||
          values->empty() || !(*values)[0].is_string()) {
        continue;
      }
      const auto& k = key->get_ref<const std::string&>();
      if (k == "topology.kubernetes.io/zone" || k == "topology.ebs.csi.aws.com/zone" ||
          k == "failure-domain.beta.kubernetes.io/zone") {
        return (*values)[0].get<std::string>();
      }
    }
  }
  return {};
}

model::PersistentVolume ReadVolume(const Item& item) {
  model::PersistentVolume pv;
  pv.name = item.String("metadata.name");
  pv.uid = item.String("metadata.uid");
  pv.created = item.Time("metadata.creationTimestamp");
  pv.capacity_bytes = item.Bytes("spec.capacity.storage");
  pv.storage_class = item.String("spec.storageClassName");
  pv.phase = item.String("status.phase");
  pv.claim_namespace = item.String("spec.claimRef.namespace");
  pv.claim_name = item.String("spec.claimRef.name");
  pv.csi_driver = item.String("spec.csi.driver");
  pv.volume_handle = item.String("spec.csi.volumeHandle");
  if (item.Find("spec.awsElasticBlockStore") != nullptr) {
    pv.aws_ebs_in_tree = true;
    pv.volume_handle = item.String("spec.awsElasticBlockStore.volumeID");
  }
  // The in-tree provisioner recorded the type it created in an annotation of some versions.
  const model::TextMap annotations = item.Strings("metadata.annotations");
  if (const auto it = annotations.find("ebs.csi.aws.com/volumeType"); it != annotations.end()) {
    pv.in_tree_type = it->second;
  }
  pv.zone = ZoneOf(item);
  return pv;
}

model::PersistentVolumeClaim ReadClaim(const Item& item) {
  model::PersistentVolumeClaim c;
  c.namespace_name = item.String("metadata.namespace");
  c.name = item.String("metadata.name");
  c.uid = item.String("metadata.uid");
  c.labels = item.Strings("metadata.labels");
  c.volume_name = item.String("spec.volumeName");
  c.storage_class = item.String("spec.storageClassName");
  c.requested_bytes = item.Bytes("spec.resources.requests.storage");
  c.capacity_bytes = item.Bytes("status.capacity.storage");
  c.phase = item.String("status.phase");
  return c;
}

model::StorageClass ReadClass(const Item& item) {
  model::StorageClass c;
  c.name = item.String("metadata.name");
  c.provisioner = item.String("provisioner");
  c.parameters = item.Strings("parameters");
  return c;
}

template <typename Record, typename Read>
ListMetadata ParseChunk(std::string_view json, std::string_view kind, std::vector<Record>& out,
                        Read read) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw InvalidInput(MalformedJson(kind, e.byte, e.what()));
  } catch (const Json::exception& e) {  // out_of_range: a number beyond a double
    throw InvalidInput(fmt::format("{}: not valid JSON: {}", kind, e.what()));
  }
  if (!root.is_object()) throw InvalidInput(fmt::format("{}: expected a JSON object", kind));
  if (const auto k = root.find("kind"); k != root.end() && !k->is_null()) {
    if (!k->is_string() || k->get_ref<const std::string&>() != kind) {
      throw InvalidInput(fmt::format("expected kind {:?}, got {}", kind, k->dump()));
    }
  }
  ListMetadata meta;
  if (const auto m = root.find("metadata"); m != root.end() && m->is_object()) {
    if (const auto c = m->find("continue"); c != m->end() && !c->is_null()) {
      if (!c->is_string())
        throw InvalidInput(fmt::format("{}: metadata.continue: expected a string", kind));
      meta.continue_token = c->get<std::string>();
    }
    if (const auto rv = m->find("resourceVersion"); rv != m->end() && rv->is_string()) {
      meta.resource_version = rv->get<std::string>();
    }
    if (const auto r = m->find("remainingItemCount"); r != m->end() && r->is_number_integer()) {
      meta.remaining_item_count = r->get<std::int64_t>();
    }
  }
  std::vector<Record> items;
  if (const auto it = root.find("items"); it != root.end() && !it->is_null()) {
    if (!it->is_array()) throw InvalidInput(fmt::format("{}: items: expected an array", kind));
    items.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      items.push_back(read(Item((*it)[i], kind, out.size() + i)));
    }
  }
  out.insert(out.end(), std::make_move_iterator(items.begin()),
             std::make_move_iterator(items.end()));
  return meta;
}

}  // namespace

ListMetadata ParsePersistentVolumeListChunk(std::string_view json,
                                            std::vector<model::PersistentVolume>& out) {
  return ParseChunk(json, "PersistentVolumeList", out, ReadVolume);
}

ListMetadata ParsePersistentVolumeClaimListChunk(std::string_view json,
                                                 std::vector<model::PersistentVolumeClaim>& out) {
  return ParseChunk(json, "PersistentVolumeClaimList", out, ReadClaim);
}

ListMetadata ParseStorageClassListChunk(std::string_view json,
                                        std::vector<model::StorageClass>& out) {
  return ParseChunk(json, "StorageClassList", out, ReadClass);
}

}  // namespace costledger::sources
