#pragma once

// Internal to the sources: Kubernetes lists whose records are made of a few fields (persistent
// volumes, their claims, storage classes) read with nlohmann's SAX interface one item at a time,
// keeping only the fields the record is made of. A tree of the whole chunk cost a node and a
// string per field of every item (a fifth of the collector's CPU at 55,000 volumes).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "costledger/model/volume_records.hpp"
#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::sources {

enum class FlatType : std::uint8_t { kNull, kBool, kNumber, kString, kObject, kArray };

/// One value of an item: its parent's path (keys joined by '.', array elements as "[i]":
/// "spec.nodeAffinity.required.nodeSelectorTerms[0]"; "" for the item's own members), its key
/// ("[i]" for an array element), its type and, for scalars, its text (a string's value, a
/// number's JSON text).
struct FlatField {
  std::string parent;
  std::string key;
  FlatType type = FlatType::kNull;
  std::string text;
};

/// One item of a list as read, with errors "<kind> <namespace/name or items[i]>: <field>:
/// <what>". A null field counts as absent, as the API server omits empty fields.
class FlatItem {
 public:
  FlatItem(std::span<const FlatField> fields, std::string_view kind, std::size_t index);

  /// The field at a path of keys joined by '.' ("spec.capacity.storage"); nullptr when absent
  /// or null.
  [[nodiscard]] const FlatField* Find(std::string_view path) const;
  [[noreturn]] void Fail(std::string_view path, std::string_view what) const;

  /// A string; "" when absent.
  [[nodiscard]] std::string String(std::string_view path) const;
  /// A quantity in bytes ("10Gi", "100G", or a bare number); 0 when absent.
  [[nodiscard]] std::int64_t Bytes(std::string_view path) const;
  /// An object of strings (labels, annotations, parameters); empty when absent.
  [[nodiscard]] model::TextMap Strings(std::string_view path) const;
  /// An RFC 3339 instant; nullopt when absent.
  [[nodiscard]] std::optional<std::chrono::sys_seconds> Time(std::string_view path) const;

  [[nodiscard]] std::span<const FlatField> fields() const { return fields_; }

 private:
  std::span<const FlatField> fields_;
  std::string_view kind_;
  std::size_t index_;
  std::string subject_;
};

/// Reads one chunk of a list of `kind` ("PersistentVolumeList"): its metadata, and each item
/// handed to `read` once it has ended. `wanted` are the paths read, array elements as "[]"
/// ("metadata.labels", "spec.nodeAffinity.required.nodeSelectorTerms[].matchExpressions[].key"):
/// a value is kept when it is on the way to one of them or inside one. Throws InvalidInput for
/// malformed JSON, another kind, or the first error `read` throws (after the whole chunk: a
/// wrong kind anywhere wins).
ListMetadata ReadFlatList(std::string_view json, std::string_view kind,
                          std::span<const std::string_view> wanted,
                          const std::function<void(const FlatItem&)>& read);

}  // namespace costledger::sources
