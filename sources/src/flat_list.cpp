#include "flat_list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "costledger/model/errors.hpp"
#include "costledger/model/quantity.hpp"
#include "costledger/model/timestamp.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

// Whether `path` (array elements as "[]") is `wanted` or inside it.
bool Inside(std::string_view path, std::string_view wanted) {
  return path.starts_with(wanted) &&
         (path.size() == wanted.size() || path[wanted.size()] == '.' || path[wanted.size()] == '[');
}

// Where the reader is: the list's own members, or an item's fields (kept whole, on the way to
// a wanted field, or not kept).
enum class Mode : std::uint8_t { kRoot, kListMeta, kItems, kKeepAll, kSeek, kSkip };

struct Frame {
  Mode mode = Mode::kSkip;
  bool array = false;
  std::size_t next_index = 0;  // arrays: the index of the next element
  std::size_t path_size = 0;   // the length of path_/shape_ at this container
  std::size_t shape_size = 0;
};

// nlohmann's SAX interface, bound statically by sax_parse.
class FlatListReader {
 public:
  FlatListReader(std::string_view kind, std::span<const std::string_view> wanted,
                 const std::function<void(const FlatItem&)>& read)
      : kind_(kind), wanted_(wanted), read_(read) {}

  // NOLINTBEGIN(readability-identifier-naming): names fixed by nlohmann's SAX interface.
  bool null() { return Scalar(FlatType::kNull, {}); }
  bool boolean(bool value) { return Scalar(FlatType::kBool, value ? "true" : "false"); }
  bool number_integer(Json::number_integer_t value) {
    const fmt::format_int text(value);
    return Scalar(FlatType::kNumber, {text.data(), text.size()});
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    const fmt::format_int text(value);
    return Scalar(FlatType::kNumber, {text.data(), text.size()});
  }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    return Scalar(FlatType::kNumber, Json(value).dump());  // as a tree would print it
  }
  bool string(Json::string_t& value) { return Scalar(FlatType::kString, value); }
  bool binary(Json::binary_t& /*value*/) { return Scalar(FlatType::kNull, {}); }
  bool key(Json::string_t& name) {
    key_.assign(name);
    return true;
  }
  bool start_object(std::size_t /*size*/) { return Open(FlatType::kObject); }
  bool start_array(std::size_t /*size*/) { return Open(FlatType::kArray); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    throw InvalidInput(MalformedJson(kind_, position, error.what()));
  }
  // NOLINTEND(readability-identifier-naming)

  ListMetadata Finish() {
    if (first_error_) throw InvalidInput(*first_error_);
    return std::move(meta_);
  }

 private:
  [[noreturn]] void ListFail(std::string_view what) const {
    throw InvalidInput(fmt::format("{}: {}", kind_, what));
  }

  bool Scalar(FlatType type, std::string_view text) {
    if (stack_.empty()) ListFail("expected a JSON object");
    Frame& parent = stack_.back();
    switch (parent.mode) {
      case Mode::kRoot:
        RootScalar(type, text);
        break;
      case Mode::kListMeta:
        ListMetaScalar(type, text);
        break;
      case Mode::kItems:
        NotAnObject(parent.next_index);
        break;
      case Mode::kKeepAll:
      case Mode::kSeek:
        if (ChildMode(parent, type) != Mode::kSkip) Keep(parent, type, text);
        break;
      case Mode::kSkip:
        break;
    }
    ++parent.next_index;
    return true;
  }

  bool Open(FlatType type) {
    const bool array = type == FlatType::kArray;
    if (stack_.empty()) {
      if (array) ListFail("expected a JSON object");
      stack_.push_back({Mode::kRoot});
      return true;
    }
    Frame& parent = stack_.back();
    Frame child{Mode::kSkip, array, 0, path_.size(), shape_.size()};
    switch (parent.mode) {
      case Mode::kRoot:
        if (key_ == "metadata" && !array) child.mode = Mode::kListMeta;
        if (key_ == "items") {
          if (!array) ListFail("items: expected an array");
          child.mode = Mode::kItems;
        }
        if (key_ == "kind") CheckKind(array ? "an array" : "an object");
        break;
      case Mode::kListMeta:
        if (key_ == "continue") ListFail("metadata.continue: expected a string");
        break;
      case Mode::kItems:
        if (array) {
          NotAnObject(parent.next_index);
        } else {
          BeginItem(parent.next_index);
          child.mode = Mode::kSeek;
          child.path_size = 0;
          child.shape_size = 0;
        }
        break;
      case Mode::kKeepAll:
      case Mode::kSeek:
        child.mode = ChildMode(parent, type);
        if (child.mode != Mode::kSkip) {
          Keep(parent, type, {});
          AppendMember(parent, path_, shape_);
          child.path_size = path_.size();
          child.shape_size = shape_.size();
        }
        break;
      case Mode::kSkip:
        break;
    }
    stack_.push_back(child);
    return true;
  }

  bool Close() {
    const bool item = stack_.back().mode == Mode::kSeek && stack_.size() >= 2 &&
                      stack_[stack_.size() - 2].mode == Mode::kItems;
    stack_.pop_back();
    if (stack_.empty()) return true;
    if (item) EndItem();
    // The parent's path again.
    path_.resize(stack_.back().path_size);
    shape_.resize(stack_.back().shape_size);
    ++stack_.back().next_index;
    return true;
  }

  // ---- The list ----

  void CheckKind(std::string_view got) {
    throw InvalidInput(fmt::format("expected kind {:?}, got {}", kind_, got));
  }

  void RootScalar(FlatType type, std::string_view text) {
    if (key_ == "kind") {
      if (type == FlatType::kNull) return;
      if (type != FlatType::kString || text != kind_) {
        CheckKind(type == FlatType::kString ? Json(text).dump() : std::string(text));
      }
    } else if (key_ == "items" && type != FlatType::kNull) {
      ListFail("items: expected an array");
    }
  }

  void ListMetaScalar(FlatType type, std::string_view text) {
    if (key_ == "continue") {
      if (type == FlatType::kString) {
        meta_.continue_token = text;
      } else if (type != FlatType::kNull) {
        ListFail("metadata.continue: expected a string");
      }
    } else if (key_ == "resourceVersion" && type == FlatType::kString) {
      meta_.resource_version = text;
    } else if (key_ == "remainingItemCount" && type == FlatType::kNumber &&
               text.find_first_of(".eE") == std::string_view::npos) {
      try {
        meta_.remaining_item_count = std::stoll(std::string(text));
      } catch (const std::exception&) {  // beyond int64: no count
      }
    }
  }

  // ---- Items ----

  void NotAnObject(std::size_t index) {
    Note(fmt::format("{} items[{}]: expected an object", kind_, index));
  }

  // The first error of the chunk, thrown once it has been read (a wrong kind wins).
  void Note(std::string message) {
    if (!first_error_) first_error_ = std::move(message);
  }

  void BeginItem(std::size_t index) {
    item_index_ = index;
    used_ = 0;
    path_.clear();
    shape_.clear();
  }

  void EndItem() {
    if (first_error_) return;  // the chunk fails: the rest is not read
    try {
      read_(FlatItem(std::span<const FlatField>(fields_.data(), used_), kind_, item_index_));
    } catch (const InvalidInput& e) {
      Note(e.what());
    }
  }

  // Whether the value about to start in `parent` is kept: inside a wanted path, on the way to
  // one, or not at all.
  Mode ChildMode(const Frame& parent, FlatType type) {
    if (parent.mode == Mode::kKeepAll) return Mode::kKeepAll;
    const std::size_t base = shape_.size();
    AppendShape(parent, shape_);
    Mode mode = Mode::kSkip;
    for (const std::string_view w : wanted_) {
      if (Inside(shape_, w)) {
        mode = Mode::kKeepAll;
        break;
      }
      if (type != FlatType::kObject && type != FlatType::kArray) continue;
      if (Inside(w, shape_)) mode = Mode::kSeek;
    }
    shape_.resize(base);
    return mode;
  }

  void AppendShape(const Frame& parent, std::string& shape) const {
    if (parent.array) {
      shape.append("[]");
      return;
    }
    if (!shape.empty()) shape.push_back('.');
    shape.append(key_);
  }

  // The key of the value about to start in `parent`: its key, or "[i]" in an array.
  void AppendKey(const Frame& parent, std::string& out) const {
    if (parent.array) {
      fmt::format_to(std::back_inserter(out), "[{}]", parent.next_index);
    } else {
      out.append(key_);
    }
  }

  void AppendMember(const Frame& parent, std::string& path, std::string& shape) const {
    AppendShape(parent, shape);
    if (!parent.array && !path.empty()) path.push_back('.');
    AppendKey(parent, path);
  }

  // Records a value; the field's strings keep their capacity from item to item.
  void Keep(const Frame& parent, FlatType type, std::string_view text) {
    if (used_ == fields_.size()) fields_.emplace_back();
    FlatField& f = fields_[used_++];
    f.parent.assign(path_, 0, parent.path_size);
    f.key.clear();
    AppendKey(parent, f.key);
    f.type = type;
    f.text.assign(text);
  }

  std::string_view kind_;
  std::span<const std::string_view> wanted_;
  const std::function<void(const FlatItem&)>& read_;
  std::vector<Frame> stack_;
  std::string key_;
  ListMetadata meta_;
  std::optional<std::string> first_error_;
  // The item being read: its fields (fields_[0, used_)) and the path of the open container.
  std::size_t item_index_ = 0;
  std::vector<FlatField> fields_;
  std::size_t used_ = 0;
  std::string path_;   // "spec.nodeAffinity.required.nodeSelectorTerms[0]"
  std::string shape_;  // "spec.nodeAffinity.required.nodeSelectorTerms[]"
};

}  // namespace

FlatItem::FlatItem(std::span<const FlatField> fields, std::string_view kind, std::size_t index)
    : fields_(fields), kind_(kind), index_(index) {
  const FlatField* name = Find("metadata.name");
  if (name != nullptr && name->type == FlatType::kString) subject_ = name->text;
  if (subject_.empty()) Fail("metadata.name", "missing");
  const FlatField* ns = Find("metadata.namespace");
  if (ns != nullptr && ns->type == FlatType::kString) subject_ = ns->text + "/" + subject_;
}

const FlatField* FlatItem::Find(std::string_view path) const {
  const std::size_t dot = path.rfind('.');
  const std::string_view parent = dot == std::string_view::npos ? "" : path.substr(0, dot);
  const std::string_view key = dot == std::string_view::npos ? path : path.substr(dot + 1);
  // The last of the same key, as a tree would keep it.
  for (std::size_t i = fields_.size(); i-- > 0;) {
    const FlatField& f = fields_[i];
    if (f.key == key && f.parent == parent) return f.type == FlatType::kNull ? nullptr : &f;
  }
  return nullptr;
}

void FlatItem::Fail(std::string_view path, std::string_view what) const {
  const std::string subject = subject_.empty() ? fmt::format("items[{}]", index_) : subject_;
  throw InvalidInput(fmt::format("{} {}: {}: {}", kind_, subject, path, what));
}

std::string FlatItem::String(std::string_view path) const {
  const FlatField* v = Find(path);
  if (v == nullptr) return {};
  if (v->type != FlatType::kString) Fail(path, "expected a string");
  return v->text;
}

std::int64_t FlatItem::Bytes(std::string_view path) const {
  const FlatField* v = Find(path);
  if (v == nullptr) return 0;
  if (v->type != FlatType::kString && v->type != FlatType::kNumber) {
    Fail(path, "expected a quantity string");
  }
  try {
    return model::ParseBytes(v->text);
  } catch (const InvalidInput& e) {
    Fail(path, e.what());
  }
}

model::TextMap FlatItem::Strings(std::string_view path) const {
  model::TextMap out;
  const FlatField* v = Find(path);
  if (v == nullptr) return out;
  if (v->type != FlatType::kObject) Fail(path, "expected an object");
  for (const FlatField& f : fields_) {
    if (f.parent != path) continue;
    if (f.type != FlatType::kString)
      Fail(fmt::format("{}[{:?}]", path, f.key), "expected a string");
    out.insert_or_assign(f.key, f.text);
  }
  return out;
}

std::optional<std::chrono::sys_seconds> FlatItem::Time(std::string_view path) const {
  const std::string text = String(path);
  if (text.empty()) return std::nullopt;
  try {
    return model::ParseTimestamp(text);
  } catch (const InvalidInput& e) {
    Fail(path, e.what());
  }
}

ListMetadata ReadFlatList(std::string_view json, std::string_view kind,
                          std::span<const std::string_view> wanted,
                          const std::function<void(const FlatItem&)>& read) {
  FlatListReader reader(kind, wanted, read);
  Json::sax_parse(json.begin(), json.end(), &reader, Json::input_format_t::json, /*strict=*/true);
  return reader.Finish();
}

}  // namespace costledger::sources
