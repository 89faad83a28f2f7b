#include "costledger/sources/spot_history_parser.hpp"

#include <nlohmann/json.hpp>

#include "json_fields.hpp"

namespace costledger::sources {

std::vector<model::SpotPriceEntry> ParseSpotPriceHistory(std::string_view json) {
  const nlohmann::json history = ParseTopLevelArray(json, "spot price history", "SpotPriceHistory");
  std::vector<model::SpotPriceEntry> out;
  out.reserve(history.size());
  for (std::size_t i = 0; i < history.size(); ++i) {
    const JsonFields entry(history[i], "SpotPriceHistory", i);
    model::SpotPriceEntry& row = out.emplace_back();
    row.instance_type = entry.String("InstanceType");
    row.availability_zone = entry.String("AvailabilityZone");
    row.product_description = entry.String("ProductDescription");
    row.price = model::HourlyPrice{entry.Dollars("SpotPrice")};
    row.timestamp = entry.Timestamp("Timestamp");
  }
  return out;
}

}  // namespace costledger::sources
