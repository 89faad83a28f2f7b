#include "costledger/sources/spot_history_parser.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

class EntryReader {
 public:
  EntryReader(const Json& entry, std::size_t index) : entry_(entry), index_(index) {}

  [[noreturn]] void Fail(std::string_view field, std::string_view what) const {
    throw InvalidInput(fmt::format("SpotPriceHistory[{}].{}: {}", index_, field, what));
  }

  [[nodiscard]] const Json& Required(std::string_view field) const {
    const auto it = entry_.find(field);
    if (it == entry_.end() || it->is_null()) Fail(field, "missing");
    return *it;
  }

  [[nodiscard]] std::string String(std::string_view field) const {
    const Json& value = Required(field);
    if (!value.is_string()) Fail(field, "expected a string");
    std::string text = value.get<std::string>();
    if (text.empty()) Fail(field, "empty");
    return text;
  }

  [[nodiscard]] model::HourlyPrice Price(std::string_view field) const {
    const Json& value = Required(field);
    // The CLI gives "0.918400"; accept a bare number too, via its shortest round-trip text.
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      Fail(field, "expected a decimal string");
    }
    try {
      return model::HourlyPrice{model::Money::ParseDollars(text)};
    } catch (const InvalidInput& e) {
      Fail(field, e.what());
    }
  }

  // ISO 8601 from the CLI; epoch seconds from the raw API (fractions truncated).
  [[nodiscard]] std::chrono::sys_seconds Timestamp(std::string_view field) const {
    const Json& value = Required(field);
    if (value.is_string()) {
      try {
        return model::ParseTimestamp(value.get_ref<const std::string&>());
      } catch (const InvalidInput& e) {
        Fail(field, e.what());
      }
    }
    if (!value.is_number()) Fail(field, "expected an ISO 8601 string or epoch seconds");
    if (value.is_number_integer() && !value.is_number_unsigned()) {
      return std::chrono::sys_seconds(std::chrono::seconds(value.get<std::int64_t>()));
    }
    const double seconds = std::floor(value.get<double>());
    // Beyond about 31 million years: not a timestamp, and not representable as sys_seconds.
    if (!std::isfinite(seconds) || std::abs(seconds) > 1e15) Fail(field, "out of range");
    return std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
  }

 private:
  const Json& entry_;
  std::size_t index_;
};

}  // namespace

std::vector<model::SpotPriceEntry> ParseSpotPriceHistory(std::string_view json) {
  Json doc;
  try {
    doc = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw InvalidInput(
        fmt::format("spot price history: malformed JSON at byte {}: {}", e.byte, e.what()));
  }
  if (!doc.is_object()) throw InvalidInput("spot price history: top level is not an object");
  const auto history = doc.find("SpotPriceHistory");
  if (history == doc.end() || !history->is_array()) {
    throw InvalidInput("spot price history: missing SpotPriceHistory array");
  }
  std::vector<model::SpotPriceEntry> out;
  out.reserve(history->size());
  for (std::size_t i = 0; i < history->size(); ++i) {
    const Json& entry = (*history)[i];
    if (!entry.is_object()) {
      throw InvalidInput(fmt::format("SpotPriceHistory[{}]: expected an object", i));
    }
    const EntryReader reader(entry, i);
    model::SpotPriceEntry& row = out.emplace_back();
    row.instance_type = reader.String("InstanceType");
    row.availability_zone = reader.String("AvailabilityZone");
    row.product_description = reader.String("ProductDescription");
    row.price = reader.Price("SpotPrice");
    row.timestamp = reader.Timestamp("Timestamp");
  }
  return out;
}

}  // namespace costledger::sources
