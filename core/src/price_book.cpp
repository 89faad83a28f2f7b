#include "costledger/model/price_book.hpp"

#include <algorithm>

namespace costledger::model {
namespace {

std::string SpotKey(std::string_view instance_type, std::string_view zone) {
  std::string key;
  key.reserve(instance_type.size() + zone.size() + 1);
  key.append(instance_type).append(1, '\n').append(zone);
  return key;
}

}  // namespace

std::string_view ToString(CapacityType type) {
  return type == CapacityType::kSpot ? "spot" : "on-demand";
}

std::string_view ToString(PriceSource source) {
  switch (source) {
    case PriceSource::kCustom:
      return "custom";
    case PriceSource::kOnDemand:
      return "on-demand";
    case PriceSource::kSpot:
      return "spot";
    case PriceSource::kOnDemandSpotFallback:
      return "on-demand (no spot price)";
    case PriceSource::kMissing:
      return "missing";
  }
  return "missing";
}

void PriceBook::SetOnDemand(std::string instance_type, HourlyPrice price) {
  on_demand_.insert_or_assign(std::move(instance_type), price);
}

void PriceBook::SetCustom(std::string instance_type, HourlyPrice price) {
  custom_.insert_or_assign(std::move(instance_type), price);
}

void PriceBook::AddSpotPrice(std::string_view instance_type, std::string_view zone,
                             std::chrono::sys_seconds effective_from, HourlyPrice price) {
  std::vector<SpotStep>& steps = spot_[SpotKey(instance_type, zone)];
  const auto at = std::lower_bound(
      steps.begin(), steps.end(), effective_from,
      [](const SpotStep& step, std::chrono::sys_seconds t) { return step.from < t; });
  if (at != steps.end() && at->from == effective_from) {
    at->price = price;
  } else {
    steps.insert(at, SpotStep{effective_from, price});
  }
}

std::optional<HourlyPrice> PriceBook::OnDemand(std::string_view instance_type) const {
  const auto it = on_demand_.find(instance_type);
  if (it == on_demand_.end()) return std::nullopt;
  return it->second;
}

PriceQuote PriceBook::PriceAt(std::string_view instance_type, std::string_view zone,
                              CapacityType type, std::chrono::sys_seconds at) const {
  if (const auto it = custom_.find(instance_type); it != custom_.end()) {
    return {it->second, PriceSource::kCustom};
  }
  if (type == CapacityType::kSpot) {
    if (const auto it = spot_.find(SpotKey(instance_type, zone)); it != spot_.end()) {
      const std::vector<SpotStep>& steps = it->second;
      // The latest step at or before `at`; later steps are in the future and ignored.
      const auto after = std::upper_bound(
          steps.begin(), steps.end(), at,
          [](std::chrono::sys_seconds t, const SpotStep& step) { return t < step.from; });
      if (after != steps.begin()) return {std::prev(after)->price, PriceSource::kSpot};
    }
  }
  if (const auto od = OnDemand(instance_type)) {
    return {*od, type == CapacityType::kSpot ? PriceSource::kOnDemandSpotFallback
                                             : PriceSource::kOnDemand};
  }
  return {};
}

void PriceBook::SetVolumePrice(std::string price_key, VolumePrice price) {
  volume_.insert_or_assign(std::move(price_key), price);
}

void PriceBook::SetCustomVolumePrice(std::string price_key, VolumePrice price) {
  custom_volume_.insert_or_assign(std::move(price_key), price);
}

VolumeQuote PriceBook::VolumePriceOf(std::string_view price_key) const {
  if (const auto it = custom_volume_.find(price_key); it != custom_volume_.end()) {
    return {it->second, PriceSource::kCustom};
  }
  if (const auto it = volume_.find(price_key); it != volume_.end()) {
    return {it->second, PriceSource::kOnDemand};
  }
  return {};
}

}  // namespace costledger::model
