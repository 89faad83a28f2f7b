#include "costledger/fetch/price_loader.hpp"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "costledger/fetch/http_fetch.hpp"
#include "costledger/sources/ec2_offer_parser.hpp"
#include "costledger/sources/spot_history_parser.hpp"

namespace costledger::fetch {
namespace {

bool IsUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

}  // namespace

ports::LoadedPrices LoadPrices(const PriceSettings& settings) {
  ports::LoadedPrices out;
  FetchOptions options;
  options.timeout = settings.timeout;
  if (!settings.on_demand.empty()) {
    try {
      model::OnDemandPriceList list;
      if (IsUrl(settings.on_demand)) {
        const FetchResult r = Fetch(settings.on_demand, options);
        if (!r.ok()) throw std::runtime_error(r.error);
        std::istringstream in(r.body);
        list = sources::ParseEc2OfferFile(in, settings.region);
      } else {
        // Streamed straight from disk: the real EC2 offer file is gigabytes.
        const std::string path = settings.on_demand.rfind("file://", 0) == 0
                                     ? settings.on_demand.substr(7)
                                     : settings.on_demand;
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error(fmt::format("cannot open {}", path));
        list = sources::ParseEc2OfferFile(in, settings.region);
      }
      for (const auto& [type, price] : list.by_instance_type) out.book.SetOnDemand(type, price);
      out.on_demand_types = list.by_instance_type.size();
      for (const auto& [type, price] : list.by_volume_type) out.book.SetVolumePrice(type, price);
      out.volume_types = list.by_volume_type.size();
    } catch (const std::exception& e) {
      out.errors.push_back(fmt::format("on-demand prices: {}", e.what()));
    }
  }
  if (!settings.spot_history.empty()) {
    try {
      const FetchResult r = Fetch(settings.spot_history, options);
      if (!r.ok()) throw std::runtime_error(r.error);
      for (const model::SpotPriceEntry& e : sources::ParseSpotPriceHistory(r.body)) {
        if (e.product_description != "Linux/UNIX") continue;
        out.book.AddSpotPrice(e.instance_type, e.availability_zone, e.timestamp, e.price);
        ++out.spot_entries;
      }
    } catch (const std::exception& e) {
      out.errors.push_back(fmt::format("spot price history: {}", e.what()));
    }
  }
  for (const auto& [type, price] : settings.custom_hourly) out.book.SetCustom(type, {price});
  for (const auto& [key, price] : settings.custom_storage_per_gib_month) {
    out.book.SetCustomVolumePrice(key, {price, {}, {}});
  }
  return out;
}

std::string ConfiguredPriceSource::Describe() const {
  std::string out;
  if (!settings_.on_demand.empty()) out = "on-demand " + settings_.on_demand;
  if (!settings_.spot_history.empty()) {
    if (!out.empty()) out += ", ";
    out += "spot history " + settings_.spot_history;
  }
  return out.empty() ? "custom prices only" : out;
}

}  // namespace costledger::fetch
