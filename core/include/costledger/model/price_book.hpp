#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/money.hpp"
#include "costledger/model/volume_pricing.hpp"

namespace costledger::model {

enum class CapacityType { kOnDemand, kSpot };

std::string_view ToString(CapacityType type);

/// Where a node's price came from, so every cost can say how it was priced.
enum class PriceSource {
  kCustom,                ///< configured override
  kOnDemand,              ///< price list
  kSpot,                  ///< latest spot history entry at or before t
  kOnDemandSpotFallback,  ///< spot node without spot history: on-demand used instead
  kMissing,               ///< no price known: the node costs nothing, and says so
};

std::string_view ToString(PriceSource source);

struct PriceQuote {
  HourlyPrice price;
  PriceSource source = PriceSource::kMissing;
};

/// A volume type's prices and where they came from (kCustom, kOnDemand or kMissing).
struct VolumeQuote {
  VolumePrice price;
  PriceSource source = PriceSource::kMissing;
  friend bool operator==(const VolumeQuote&, const VolumeQuote&) = default;
};

/// Prices of node offerings (rule 1): on-demand list prices, a spot step function per
/// instance type and zone, and custom overrides per instance type.
/// Not thread-safe for writes; const lookups may run concurrently.
class PriceBook {
 public:
  void SetOnDemand(std::string instance_type, HourlyPrice price);
  void SetCustom(std::string instance_type, HourlyPrice price);
  /// Adds one step of the spot price function (already filtered to the product, e.g.
  /// Linux/UNIX). A later call for the same instant replaces the earlier one.
  void AddSpotPrice(std::string_view instance_type, std::string_view zone,
                    std::chrono::sys_seconds effective_from, HourlyPrice price);

  /// The price in force at `at`: custom, else (spot nodes) the latest spot entry at or before
  /// `at` (entries in the future are ignored), else on-demand, else kMissing.
  PriceQuote PriceAt(std::string_view instance_type, std::string_view zone, CapacityType type,
                     std::chrono::sys_seconds at) const;

  std::optional<HourlyPrice> OnDemand(std::string_view instance_type) const;

  /// Storage prices per volume type (VolumeSpec::price_key): the offer file's, and configured
  /// ones that override them.
  void SetVolumePrice(std::string price_key, VolumePrice price);
  void SetCustomVolumePrice(std::string price_key, VolumePrice price);
  /// Custom, else the offer file's, else kMissing (zero prices).
  VolumeQuote VolumePriceOf(std::string_view price_key) const;
  std::size_t volume_type_count() const { return volume_.size(); }
  std::size_t spot_series_count() const { return spot_.size(); }
  std::size_t on_demand_count() const { return on_demand_.size(); }

 private:
  struct SpotStep {
    std::chrono::sys_seconds from;
    HourlyPrice price;
  };
  std::map<std::string, HourlyPrice, std::less<>> on_demand_;
  std::map<std::string, HourlyPrice, std::less<>> custom_;
  std::map<std::string, VolumePrice, std::less<>> volume_;
  std::map<std::string, VolumePrice, std::less<>> custom_volume_;
  // Key: instance type + '\n' + zone; steps sorted by `from`.
  std::map<std::string, std::vector<SpotStep>, std::less<>> spot_;
};

}  // namespace costledger::model
