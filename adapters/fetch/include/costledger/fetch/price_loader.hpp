#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/price_book.hpp"
#include "costledger/ports/price_source.hpp"

namespace costledger::fetch {

struct PriceSettings {
  std::string region = "us-east-1";
  std::string on_demand;     ///< URL or path of an EC2 offer file; empty to skip
  std::string spot_history;  ///< URL or path of DescribeSpotPriceHistory JSON; empty to skip
  std::map<std::string, model::Money> custom_hourly;
  /// Storage price per GiB-month by volume type (or storage class, for volumes not on EBS);
  /// overrides the offer file's (its IOPS and throughput prices are then not charged).
  std::map<std::string, model::Money> custom_storage_per_gib_month;
  std::chrono::milliseconds timeout{60'000};
};

/// Fetches and parses the price sources (offer file streamed from disk when it is a path) into
/// a fresh PriceBook: on-demand list prices, Linux/UNIX spot steps, custom overrides.
ports::LoadedPrices LoadPrices(const PriceSettings& settings);

/// The price source of the configuration: LoadPrices over fixed settings.
class ConfiguredPriceSource final : public ports::PriceSource {
 public:
  explicit ConfiguredPriceSource(PriceSettings settings) : settings_(std::move(settings)) {}
  ports::LoadedPrices Load() override { return LoadPrices(settings_); }
  /// "on-demand <url or path>, spot history <url>": what is configured.
  std::string Describe() const override;

 private:
  PriceSettings settings_;
};

}  // namespace costledger::fetch
