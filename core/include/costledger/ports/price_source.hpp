#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "costledger/model/price_book.hpp"

namespace costledger::ports {

/// Prices as loaded from every configured source.
struct LoadedPrices {
  model::PriceBook book;
  std::size_t on_demand_types = 0;
  std::size_t spot_entries = 0;
  std::size_t volume_types = 0;     ///< EBS volume types priced by the offer file
  std::vector<std::string> errors;  ///< one per failed source; the book holds what did load
};

/// Where node prices come from (on-demand list prices, spot history, custom overrides).
class PriceSource {
 public:
  PriceSource() = default;
  virtual ~PriceSource() = default;
  // An interface: implementations are used through references, never copied or moved.
  PriceSource(const PriceSource&) = delete;
  PriceSource& operator=(const PriceSource&) = delete;
  PriceSource(PriceSource&&) = delete;
  PriceSource& operator=(PriceSource&&) = delete;
  /// A fresh price book; failures are reported in `errors`, never thrown. Called on a thread
  /// of its own (the collector does not wait for a slow source beyond its price wait).
  virtual LoadedPrices Load() = 0;
  /// Where the prices come from, for a log line that names a source that has not answered.
  virtual std::string Describe() const { return "the price source"; }
};

}  // namespace costledger::ports
