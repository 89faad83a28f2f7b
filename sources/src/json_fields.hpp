#pragma once

// Internal to the sources: the fields of AWS JSON responses (spot price history, Athena query
// executions, the EC2 offer file), read with errors that name the element and the field.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "costledger/model/money.hpp"

namespace costledger::sources {

/// "<document>: malformed JSON at byte <byte>: <detail>": how every parser here reports JSON
/// that does not parse.
std::string MalformedJson(std::string_view document, std::size_t byte, std::string_view detail);

/// The array under `key` in the top-level object of `json` (e.g. "SpotPriceHistory"). Throws
/// InvalidInput, prefixed with `document`, for malformed JSON, a top level that is not an
/// object, or no such array.
nlohmann::json ParseTopLevelArray(std::string_view json, std::string_view document,
                                  std::string_view key);

/// `keys` joined by ", " ("cpu, memory, gpu"), for errors that list what is allowed.
std::string JoinKeys(std::span<const std::string_view> keys);

/// Throws InvalidInput "<prefix><key>: unknown key; allowed: <allowed, joined>" for the first key
/// of `object` that is not in `allowed` (request bodies the API validates strictly).
void RejectUnknownKeys(const nlohmann::json& object, std::string_view prefix,
                       std::span<const std::string_view> allowed);

/// `text` as a decimal dollar amount (Money::ParseDollars); throws InvalidInput
/// "<where>: <why>" otherwise.
model::Money ParseDollarsAt(std::string_view text, std::string_view where);

/// The fields of one object, element `index` of the array `array_name` of a response. Every
/// error is InvalidInput "<array_name>[<index>].<path>: <what>". A path is one key or keys
/// joined by '.' ("Status.State"); a null field counts as absent. Reads `element` in place:
/// it must outlive this reader.
class JsonFields {
 public:
  /// Throws InvalidInput "<array_name>[<index>]: expected an object" when it is not one.
  JsonFields(const nlohmann::json& element, std::string_view array_name, std::size_t index);

  /// The field at `path`; nullptr when absent or null.
  [[nodiscard]] const nlohmann::json* Find(std::string_view path) const;

  /// Throws the error of `path`.
  [[noreturn]] void Fail(std::string_view path, std::string_view what) const;

  /// A required non-empty string ("missing", "expected a string", "empty").
  [[nodiscard]] std::string String(std::string_view path) const;
  /// A string, "" when absent.
  [[nodiscard]] std::string OptionalString(std::string_view path) const;
  /// A whole number >= 0 that fits int64, 0 when absent.
  [[nodiscard]] std::int64_t OptionalCount(std::string_view path) const;
  /// A required dollar amount: a decimal string as the AWS CLI gives ("0.918400"), or a bare
  /// number (read through its shortest round-trip text).
  [[nodiscard]] model::Money Dollars(std::string_view path) const;
  /// A required instant: an ISO 8601 string (the AWS CLI) or epoch seconds (the raw API;
  /// fractions truncated).
  [[nodiscard]] std::chrono::sys_seconds Timestamp(std::string_view path) const;

 private:
  [[nodiscard]] const nlohmann::json& Required(std::string_view path) const;

  const nlohmann::json& element_;
  std::string_view array_name_;
  std::size_t index_;
};

}  // namespace costledger::sources
