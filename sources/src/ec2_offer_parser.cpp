#include "costledger/sources/ec2_offer_parser.hpp"

#include <fmt/core.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "costledger/model/errors.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

// Where the SAX cursor is. Only the few paths we read get their own context; everything else
// (Reserved terms, attributesList, appliesTo arrays, termAttributes, ...) is kSkip.
enum class Context : std::uint8_t {
  kRoot,             // {...}
  kProducts,         // products
  kProduct,          // products.SKU
  kAttributes,       // products.SKU.attributes
  kTerms,            // terms
  kOnDemand,         // terms.OnDemand
  kOnDemandSku,      // terms.OnDemand.SKU
  kOfferTerm,        // terms.OnDemand.SKU.OFFERTERM
  kPriceDimensions,  // ...OFFERTERM.priceDimensions
  kPriceDimension,   // ...priceDimensions.RATECODE
  kPricePerUnit,     // ...RATECODE.pricePerUnit
  kSkip,
};

struct Product {
  std::string key;  // the object key, used when "sku" is absent
  std::string sku;
  std::string product_family;
  std::string instance_type;
  std::string region_code;
  std::string operating_system;
  std::string tenancy;
  std::string capacity_status;
  std::string pre_installed_sw;
  std::optional<std::string> market_option;
  std::string volume_api_name;  // EBS: "gp3", "io2", ...
  std::string group;            // EBS: "EBS IOPS", "EBS Throughput"
};

// What a kept SKU prices: an instance hour, or an EBS volume type's GiB-month, provisioned
// IOPS-month or provisioned GiBps-month.
enum class SkuKind : std::uint8_t { kInstance, kVolumeSize, kVolumeIops, kVolumeThroughput };

struct KeptSku {
  std::string instance_type;                   // or the volume type
  std::optional<model::Money> price_per_hour;  // or per month, for volumes
  SkuKind kind = SkuKind::kInstance;
};

std::string_view UnitOf(SkuKind kind) {
  switch (kind) {
    case SkuKind::kInstance:
      return "Hrs";
    case SkuKind::kVolumeSize:
      return "GB-Mo";
    case SkuKind::kVolumeIops:
      return "IOPS-Mo";
    case SkuKind::kVolumeThroughput:
      return "GiBps-mo";
  }
  return "Hrs";
}

bool IsPriceUnit(std::string_view unit) {
  return unit == "Hrs" || unit == "GB-Mo" || unit == "IOPS-Mo" || unit == "GiBps-mo";
}

// SAX handler (nlohmann's json_sax interface, bound statically by sax_parse). Memory is
// bounded by the SKUs kept, plus, only while products have not been read yet, one price per
// OnDemand SKU.
class OfferHandler {
 public:
  explicit OfferHandler(std::string_view region_code) : region_code_(region_code) {}

  // NOLINTBEGIN(readability-identifier-naming): names fixed by nlohmann's SAX interface.
  bool null() { return true; }
  bool boolean(bool /*value*/) { return true; }
  bool number_integer(Json::number_integer_t /*value*/) { return true; }
  bool number_unsigned(Json::number_unsigned_t /*value*/) { return true; }
  bool number_float(Json::number_float_t /*value*/, const Json::string_t& /*text*/) { return true; }
  bool binary(Json::binary_t& /*value*/) { return true; }

  bool key(Json::string_t& name) {
    key_.assign(name);
    return true;
  }

  bool string(Json::string_t& value) {
    if (stack_.empty()) return true;
    switch (stack_.back()) {
      case Context::kRoot:
        if (key_ == "offerCode" && value != "AmazonEC2") {
          throw InvalidInput(
              fmt::format("EC2 offer file: offerCode is '{}', expected 'AmazonEC2'", value));
        }
        break;
      case Context::kProduct:
        if (key_ == "sku") {
          product_.sku = value;
        } else if (key_ == "productFamily") {
          product_.product_family = value;
        }
        break;
      case Context::kAttributes:
        StoreAttribute(value);
        break;
      case Context::kPriceDimension:
        if (key_ == "unit") unit_ = value;
        break;
      case Context::kPricePerUnit:
        if (key_ == "USD") usd_ = value;
        break;
      default:
        break;
    }
    return true;
  }

  bool start_object(std::size_t /*size*/) {
    stack_.push_back(ChildContext());
    switch (stack_.back()) {
      case Context::kProduct:
        product_ = Product{};
        product_.key = key_;
        break;
      case Context::kOnDemandSku:
        term_sku_ = key_;
        break;
      case Context::kPriceDimension:
        unit_.clear();
        usd_.reset();
        break;
      default:
        break;
    }
    return true;
  }

  bool end_object() {
    const Context closed = stack_.back();
    stack_.pop_back();
    switch (closed) {
      case Context::kProduct:
        FinishProduct();
        break;
      case Context::kProducts:
        FinishProducts();
        break;
      case Context::kPriceDimension:
        FinishPriceDimension();
        break;
      default:
        break;
    }
    return true;
  }

  bool start_array(std::size_t /*size*/) {
    stack_.push_back(Context::kSkip);
    return true;
  }

  bool end_array() {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    throw InvalidInput(MalformedJson("EC2 offer file", position, error.what()));
  }
  // NOLINTEND(readability-identifier-naming)

  model::OnDemandPriceList Finish() {
    if (!root_seen_) throw InvalidInput("EC2 offer file: top level is not a JSON object");
    model::OnDemandPriceList list;
    list.region_code = std::string(region_code_);
    list.skus_seen = skus_seen_;
    // The SKU that set each instance type's price, to name both SKUs on a conflict.
    std::unordered_map<std::string, const std::string*> price_sku;
    for (const auto& [sku, kept] : kept_) {
      std::optional<model::Money> price = kept.price_per_hour;
      if (!price) {
        // Terms came before products: the price was buffered.
        const auto it = pending_prices_.find(sku);
        if (it != pending_prices_.end()) price = it->second;
      }
      if (!price) continue;  // no positive hourly OnDemand price: not offered on demand
      if (kept.kind != SkuKind::kInstance) {
        model::VolumePrice& v = list.by_volume_type[kept.instance_type];
        (kept.kind == SkuKind::kVolumeSize   ? v.per_gib_month
         : kept.kind == SkuKind::kVolumeIops ? v.per_iops_month
                                             : v.per_gibps_month) = *price;
        continue;
      }
      const auto [it, inserted] =
          list.by_instance_type.try_emplace(kept.instance_type, model::HourlyPrice{*price});
      if (inserted) {
        price_sku.emplace(kept.instance_type, &sku);
      } else if (it->second.per_hour != *price) {
        throw InvalidInput(fmt::format(
            "EC2 offer file: instance type {} has two on-demand prices: {} (SKU {}) and {} "
            "(SKU {})",
            kept.instance_type, it->second.per_hour.ToDecimalString(),
            *price_sku.at(kept.instance_type), price->ToDecimalString(), sku));
      }
    }
    return list;
  }

 private:
  Context ChildContext() {
    if (stack_.empty()) {
      root_seen_ = true;
      return Context::kRoot;
    }
    switch (stack_.back()) {
      case Context::kRoot:
        if (key_ == "products") return Context::kProducts;
        if (key_ == "terms") return Context::kTerms;
        return Context::kSkip;
      case Context::kProducts:
        return Context::kProduct;
      case Context::kProduct:
        return key_ == "attributes" ? Context::kAttributes : Context::kSkip;
      case Context::kTerms:
        return key_ == "OnDemand" ? Context::kOnDemand : Context::kSkip;  // Reserved skipped
      case Context::kOnDemand:
        return Context::kOnDemandSku;
      case Context::kOnDemandSku:
        return Context::kOfferTerm;
      case Context::kOfferTerm:
        return key_ == "priceDimensions" ? Context::kPriceDimensions : Context::kSkip;
      case Context::kPriceDimensions:
        return Context::kPriceDimension;
      case Context::kPriceDimension:
        return key_ == "pricePerUnit" ? Context::kPricePerUnit : Context::kSkip;
      default:
        return Context::kSkip;
    }
  }

  void StoreAttribute(const std::string& value) {
    if (key_ == "instanceType") {
      product_.instance_type = value;
    } else if (key_ == "regionCode") {
      product_.region_code = value;
    } else if (key_ == "operatingSystem") {
      product_.operating_system = value;
    } else if (key_ == "tenancy") {
      product_.tenancy = value;
    } else if (key_ == "capacitystatus") {
      product_.capacity_status = value;
    } else if (key_ == "preInstalledSw") {
      product_.pre_installed_sw = value;
    } else if (key_ == "marketoption") {
      product_.market_option = value;
    } else if (key_ == "volumeApiName") {
      product_.volume_api_name = value;
    } else if (key_ == "group") {
      product_.group = value;
    }
  }

  // The same filters Karpenter applies to the Pricing API.
  bool Keep(const Product& p) const {
    return p.product_family == "Compute Instance" && p.region_code == region_code_ &&
           p.operating_system == "Linux" && p.tenancy == "Shared" && p.capacity_status == "Used" &&
           p.pre_installed_sw == "NA" && (!p.market_option || *p.market_option == "OnDemand") &&
           !p.instance_type.empty();
  }

  // EBS: a volume type's size (Storage), provisioned IOPS (System Operation, group "EBS
  // IOPS") and provisioned throughput (Provisioned Throughput, group "EBS Throughput").
  std::optional<SkuKind> VolumeKind(const Product& p) const {
    if (p.region_code != region_code_ || p.volume_api_name.empty()) return std::nullopt;
    if (p.product_family == "Storage") return SkuKind::kVolumeSize;
    if (p.product_family == "System Operation" && p.group == "EBS IOPS") {
      return SkuKind::kVolumeIops;
    }
    if (p.product_family == "Provisioned Throughput" && p.group == "EBS Throughput") {
      return SkuKind::kVolumeThroughput;
    }
    return std::nullopt;
  }

  void FinishProduct() {
    ++skus_seen_;
    const std::optional<SkuKind> volume = VolumeKind(product_);
    if (!volume && !Keep(product_)) return;
    std::string sku = product_.sku.empty() ? std::move(product_.key) : std::move(product_.sku);
    if (volume) {
      kept_.insert_or_assign(std::move(sku),
                             KeptSku{std::move(product_.volume_api_name), {}, *volume});
      return;
    }
    kept_.insert_or_assign(std::move(sku), KeptSku{std::move(product_.instance_type), {}});
  }

  void FinishProducts() {
    products_done_ = true;
    for (const auto& [sku, price] : pending_prices_) {
      const auto it = kept_.find(sku);
      if (it != kept_.end() && !it->second.price_per_hour) it->second.price_per_hour = price;
    }
    // Buffered prices of SKUs we did not keep are no longer needed; release their memory.
    std::unordered_map<std::string, model::Money>().swap(pending_prices_);
  }

  void FinishPriceDimension() {
    if (!usd_ || !IsPriceUnit(unit_)) return;
    const auto kept = kept_.find(term_sku_);
    if (kept != kept_.end() && unit_ != UnitOf(kept->second.kind)) return;
    if (kept == kept_.end() && unit_ != "Hrs" && products_done_) return;
    const bool wanted = kept != kept_.end() ? !kept->second.price_per_hour : !products_done_;
    if (!wanted) return;  // another SKU, or a price already taken
    const model::Money price =
        ParseDollarsAt(*usd_, fmt::format("EC2 offer file: SKU {}", term_sku_));
    if (price <= model::Money()) return;  // placeholder SKUs carry 0.0000000000
    if (kept != kept_.end()) {
      kept->second.price_per_hour = price;
    } else {
      pending_prices_.try_emplace(term_sku_, price);
    }
  }

  std::string_view region_code_;
  std::vector<Context> stack_;
  std::string key_;
  bool root_seen_ = false;
  bool products_done_ = false;
  std::size_t skus_seen_ = 0;

  Product product_;
  std::string term_sku_;
  std::string unit_;
  std::optional<std::string> usd_;

  std::map<std::string, KeptSku, std::less<>> kept_;  // ordered: deterministic conflicts
  std::unordered_map<std::string, model::Money> pending_prices_;
};

}  // namespace

model::OnDemandPriceList ParseEc2OfferFile(std::istream& in, std::string_view region_code) {
  OfferHandler handler(region_code);
  Json::sax_parse(in, &handler, nlohmann::json::input_format_t::json, /*strict=*/true);
  return handler.Finish();
}

}  // namespace costledger::sources
