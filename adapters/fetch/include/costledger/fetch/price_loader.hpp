#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "costledger/model/price_book.hpp"

namespace costledger::fetch {

struct PriceSettings {
  std::string region = "us-east-1";
  std::string on_demand;     ///< URL or path of an EC2 offer file; empty to skip
  std::string spot_history;  ///< URL or path of DescribeSpotPriceHistory JSON; empty to skip
  std::map<std::string, model::Money> custom_hourly;
  std::chrono::milliseconds timeout{60'000};
};

struct LoadedPrices {
  model::PriceBook book;
  std::size_t on_demand_types = 0;
  std::size_t spot_entries = 0;
  std::vector<std::string> errors;  ///< per source; the book holds what did load
};

/// Fetches and parses the price sources (offer file streamed from disk when it is a path) into
/// a fresh PriceBook: on-demand list prices, Linux/UNIX spot steps, custom overrides.
LoadedPrices LoadPrices(const PriceSettings& settings);

}  // namespace costledger::fetch
