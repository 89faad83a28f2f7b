#include "json_reader.hpp"

#include <fmt/core.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::simulator {
namespace {

using Json = nlohmann::json;

// nlohmann's SAX interface (strict: UTF-8 checked, no trailing text) forwarded to the handler.
class Forwarder {
 public:
  explicit Forwarder(JsonHandler& handler) : handler_(handler) {}

  // NOLINTBEGIN(readability-identifier-naming): names fixed by nlohmann's SAX interface.
  bool null() {
    handler_.Null();
    return true;
  }
  bool boolean(bool value) {
    handler_.Bool(value);
    return true;
  }
  bool number_integer(Json::number_integer_t value) {
    handler_.Integer(value);
    return true;
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    if (value <= static_cast<Json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      handler_.Integer(static_cast<std::int64_t>(value));
    } else {
      handler_.Number(std::to_string(value));  // beyond int64: as written
    }
    return true;
  }
  bool number_float(Json::number_float_t /*value*/, const Json::string_t& text) {
    handler_.Number(text);
    return true;
  }
  bool string(Json::string_t& value) {
    handler_.String(value);
    return true;
  }
  bool binary(Json::binary_t& /*value*/) { return false; }  // not in JSON text
  bool key(Json::string_t& name) {
    handler_.Key(name);
    return true;
  }
  bool start_object(std::size_t /*size*/) {
    handler_.StartObject();
    return true;
  }
  bool end_object() {
    handler_.EndObject();
    return true;
  }
  bool start_array(std::size_t /*size*/) {
    handler_.StartArray();
    return true;
  }
  bool end_array() {
    handler_.EndArray();
    return true;
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    throw InvalidInput(fmt::format("not JSON at byte {}: {}", position, error.what()));
  }
  // NOLINTEND(readability-identifier-naming)

 private:
  JsonHandler& handler_;
};

}  // namespace

void ReadJson(std::string_view json, JsonHandler& handler) {
  Forwarder forwarder(handler);
  Json::sax_parse(json.begin(), json.end(), &forwarder, Json::input_format_t::json,
                  /*strict=*/true);
}

}  // namespace costledger::simulator
