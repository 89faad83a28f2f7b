#pragma once

#include <cstdint>
#include <string_view>

namespace costledger::simulator {

/// What ReadJson reports, event by event in document order. A string's view (keys too) is
/// valid during the call only.
class JsonHandler {
 public:
  JsonHandler() = default;
  virtual ~JsonHandler() = default;
  JsonHandler(const JsonHandler&) = delete;
  JsonHandler& operator=(const JsonHandler&) = delete;
  JsonHandler(JsonHandler&&) = delete;
  JsonHandler& operator=(JsonHandler&&) = delete;

  virtual void StartObject() = 0;
  virtual void Key(std::string_view key) = 0;
  virtual void EndObject() = 0;
  virtual void StartArray() = 0;
  virtual void EndArray() = 0;
  virtual void String(std::string_view value) = 0;  ///< unescaped
  virtual void Integer(std::int64_t value) = 0;
  /// A number with a fraction or an exponent, or an integer beyond int64, as written.
  virtual void Number(std::string_view text) = 0;
  virtual void Bool(bool value) = 0;
  virtual void Null() = 0;
};

/// Reads one JSON document with nlohmann's SAX parser (strictly: UTF-8 checked, no trailing
/// text) and reports it to `handler`. Throws InvalidInput naming the byte offset of the first
/// thing that is not JSON; the handler's exceptions pass through.
void ReadJson(std::string_view json, JsonHandler& handler);

}  // namespace costledger::simulator
