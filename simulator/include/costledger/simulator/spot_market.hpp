#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace costledger::simulator {

/// One change of a spot price series (DescribeSpotPriceHistory entry).
struct SpotPricePoint {
  std::string_view instance_type;
  std::string_view availability_zone;
  std::string_view product_description;  ///< "Linux/UNIX", "Windows", ...
  std::int64_t price_micros = 0;         ///< USD per hour x 10^6
  std::int64_t timestamp = 0;            ///< Unix seconds
};

/// Spot prices of every instance type of the catalogue in us-east-1a..f for "Linux/UNIX",
/// plus a few other products (Windows, Red Hat, SUSE, "Linux/UNIX (Amazon VPC)"). Each series
/// is a step function changing every few hours, at 25-45 % of the on-demand price; a pure
/// function of (seed, time).
///
/// Returns the changes in [from, to] of every series, plus each series' last change at or
/// before `from` (so the price at `from` is known), newest first as AWS lists them.
std::vector<SpotPricePoint> SpotPriceHistory(std::uint64_t seed, std::int64_t from,
                                             std::int64_t to);

/// The spot price in micro-dollars per hour of one series at `t` (the latest change at or
/// before t); 0 when the series does not exist.
std::int64_t SpotPriceMicrosAt(std::uint64_t seed, std::string_view instance_type,
                               std::string_view zone, std::string_view product, std::int64_t t);

}  // namespace costledger::simulator
