#include "json_fields.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::sources {

using Json = nlohmann::json;

std::string MalformedJson(std::string_view document, std::size_t byte, std::string_view detail) {
  return fmt::format("{}: malformed JSON at byte {}: {}", document, byte, detail);
}

Json ParseTopLevelArray(std::string_view json, std::string_view document, std::string_view key) {
  Json doc;
  try {
    doc = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw InvalidInput(MalformedJson(document, e.byte, e.what()));
  } catch (const Json::exception& e) {  // out_of_range: a number beyond a double
    throw InvalidInput(fmt::format("{}: not valid JSON: {}", document, e.what()));
  }
  if (!doc.is_object()) throw InvalidInput(fmt::format("{}: top level is not an object", document));
  const auto array = doc.find(key);
  if (array == doc.end() || !array->is_array()) {
    throw InvalidInput(fmt::format("{}: missing {} array", document, key));
  }
  return std::move(*array);
}

std::string JoinKeys(std::span<const std::string_view> keys) {
  std::string out;
  for (const std::string_view key : keys) {
    out += out.empty() ? "" : ", ";
    out += key;
  }
  return out;
}

void RejectUnknownKeys(const nlohmann::json& object, std::string_view prefix,
                       std::span<const std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::ranges::find(allowed, key) == allowed.end()) {
      throw InvalidInput(
          fmt::format("{}{}: unknown key; allowed: {}", prefix, key, JoinKeys(allowed)));
    }
  }
}

model::Money ParseDollarsAt(std::string_view text, std::string_view where) {
  try {
    return model::Money::ParseDollars(text);
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("{}: {}", where, e.what()));
  }
}

JsonFields::JsonFields(const Json& element, std::string_view array_name, std::size_t index)
    : element_(element), array_name_(array_name), index_(index) {
  if (!element_.is_object()) {
    throw InvalidInput(fmt::format("{}[{}]: expected an object", array_name_, index_));
  }
}

const Json* JsonFields::Find(std::string_view path) const {
  const Json* node = &element_;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end() || it->is_null()) return nullptr;
    node = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

void JsonFields::Fail(std::string_view path, std::string_view what) const {
  throw InvalidInput(fmt::format("{}[{}].{}: {}", array_name_, index_, path, what));
}

const Json& JsonFields::Required(std::string_view path) const {
  const Json* value = Find(path);
  if (value == nullptr) Fail(path, "missing");
  return *value;
}

std::string JsonFields::String(std::string_view path) const {
  const Json& value = Required(path);
  if (!value.is_string()) Fail(path, "expected a string");
  if (value.get_ref<const std::string&>().empty()) Fail(path, "empty");
  return value.get<std::string>();
}

std::string JsonFields::OptionalString(std::string_view path) const {
  const Json* value = Find(path);
  if (value == nullptr) return {};
  if (!value->is_string()) Fail(path, "expected a string");
  return value->get<std::string>();
}

std::int64_t JsonFields::OptionalCount(std::string_view path) const {
  const Json* value = Find(path);
  if (value == nullptr) return 0;
  if (value->is_number_unsigned()) {
    const auto count = value->get<std::uint64_t>();
    if (count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      Fail(path, "out of range");
    }
    return static_cast<std::int64_t>(count);
  }
  if (value->is_number_integer()) Fail(path, "negative");
  Fail(path, "expected a whole number");
}

model::Money JsonFields::Dollars(std::string_view path) const {
  const Json& value = Required(path);
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number()) {
    text = value.dump();
  } else {
    Fail(path, "expected a decimal string");
  }
  try {
    return model::Money::ParseDollars(text);
  } catch (const InvalidInput& e) {
    Fail(path, e.what());
  }
}

std::chrono::sys_seconds JsonFields::Timestamp(std::string_view path) const {
  const Json& value = Required(path);
  if (value.is_string()) {
    try {
      return model::ParseTimestamp(value.get_ref<const std::string&>());
    } catch (const InvalidInput& e) {
      Fail(path, e.what());
    }
  }
  if (!value.is_number()) Fail(path, "expected an ISO 8601 string or epoch seconds");
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    return std::chrono::sys_seconds(std::chrono::seconds(value.get<std::int64_t>()));
  }
  const double seconds = std::floor(value.get<double>());
  // Beyond about 31 million years: not a timestamp, and not representable as sys_seconds.
  if (!std::isfinite(seconds) || std::abs(seconds) > 1e15) Fail(path, "out of range");
  return std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
}

}  // namespace costledger::sources
