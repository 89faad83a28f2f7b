#include "costledger/simulator/aws_render.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "costledger/simulator/instance_types.hpp"
#include "costledger/simulator/random.hpp"
#include "costledger/simulator/sim_time.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kOnDemandTerm = "JRTCKXETXF";
constexpr std::string_view kHourlyRate = "6YS6EN2CT7";
constexpr std::string_view kReservedTerm = "6QCMYABX3D";
constexpr std::string_view kUpfrontRate = "2TG2D8R56U";

// Pretty-prints as the Price List API does (Jackson: two-space indent, " : " separators).
void WriteOffer(std::string& out, const Json& value, int indent) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  if (value.is_object()) {
    if (value.empty()) {
      out += "{ }";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      AppendJsonString(out, key);
      out += " : ";
      WriteOffer(out, member, indent + 2);
    }
    out += "\n";
    out.append(static_cast<std::size_t>(indent), ' ');
    out += "}";
  } else if (value.is_array()) {
    if (value.empty()) {
      out += "[ ]";
      return;
    }
    out += "[ ";
    bool first = true;
    for (const Json& element : value) {
      if (!first) out += ", ";
      first = false;
      WriteOffer(out, element, indent);
    }
    out += " ]";
  } else {
    out += value.dump();
  }
}

// A product code of the price list's shape (16 upper-case letters and digits).
std::string Sku(std::string_view instance_type, std::string_view variant) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::uint64_t h = HashText(fmt::format("{}/{}", instance_type, variant));
  std::string sku;
  for (int i = 0; i < 16; ++i) {
    if (i % 8 == 0) h = Mix64(h + static_cast<std::uint64_t>(i));
    sku.push_back(kAlphabet[h % kAlphabet.size()]);
    h /= kAlphabet.size();
  }
  return sku;
}

std::string PriceText(std::int64_t micros, int decimals) {
  std::string text = fmt::format("{}.{:06d}", micros / 1'000'000, micros % 1'000'000);
  text.append(static_cast<std::size_t>(decimals - 6), '0');
  return text;
}

struct Variant {
  std::string_view key;
  std::string_view operating_system = "Linux";
  std::string_view tenancy = "Shared";
  std::string_view capacity_status = "Used";
  std::string_view pre_installed_sw = "NA";
  std::string_view market_option = "OnDemand";
  std::string_view region = "us-east-1";
  std::string_view operation = "RunInstances";
  std::string_view usage_prefix = "BoxUsage";
  std::string_view license = "No License required";
  double price_factor = 1;
  std::int64_t surcharge_per_vcpu_micros = 0;
  std::string_view description;
};

Json Product(const InstanceType& type, const Variant& v, const std::string& sku) {
  const bool west = v.region == "us-west-2";
  Json attributes = {
      {"servicecode", "AmazonEC2"},
      {"location", west ? "US West (Oregon)" : "US East (N. Virginia)"},
      {"locationType", "AWS Region"},
      {"instanceType", type.name},
      {"currentGeneration", type.family == "p3" ? "No" : "Yes"},
      {"instanceFamily", type.description},
      {"vcpu", std::to_string(type.vcpus)},
      {"physicalProcessor", type.processor},
      {"memory", fmt::format("{} GiB", type.memory_mib / 1024)},
      {"storage", type.storage},
      {"networkPerformance", type.network},
      {"processorArchitecture", "64-bit"},
      {"tenancy", v.tenancy},
      {"operatingSystem", v.operating_system},
      {"licenseModel", v.license},
      {"usagetype", fmt::format("{}{}:{}", west ? "USW2-" : "", v.usage_prefix, type.name)},
      {"operation", v.operation},
      {"availabilityzone", "NA"},
      {"capacitystatus", v.capacity_status},
      {"classicnetworkingsupport", "false"},
      {"ecu", "NA"},
      {"enhancedNetworkingSupported", "Yes"},
      {"gpuMemory", type.gpus == 0
                        ? std::string("NA")
                        : fmt::format("{} GB", type.gpus * (type.family == "p3" ? 16 : 24))},
      {"marketoption", v.market_option},
      {"normalizationSizeFactor", std::to_string(type.vcpus * 2)},
      {"preInstalledSw", v.pre_installed_sw},
      {"regionCode", v.region},
      {"servicename", "Amazon Elastic Compute Cloud"},
      {"vpcnetworkingsupport", "true"},
  };
  if (type.gpus > 0) attributes["gpu"] = std::to_string(type.gpus);
  return Json{{"sku", sku}, {"productFamily", "Compute Instance"}, {"attributes", attributes}};
}

Json OnDemandTerm(const std::string& sku, const std::string& price, const std::string& text) {
  const std::string term = fmt::format("{}.{}", sku, kOnDemandTerm);
  const std::string rate = fmt::format("{}.{}", term, kHourlyRate);
  return Json{{term,
               {{"offerTermCode", kOnDemandTerm},
                {"sku", sku},
                {"effectiveDate", "2024-04-01T00:00:00Z"},
                {"priceDimensions",
                 {{rate,
                   {{"rateCode", rate},
                    {"description", text},
                    {"beginRange", "0"},
                    {"endRange", "Inf"},
                    {"unit", "Hrs"},
                    {"pricePerUnit", {{"USD", price}}},
                    {"appliesTo", Json::array()}}}}},
                {"termAttributes", Json::object()}}}};
}

Json ReservedTerm(const std::string& sku, const InstanceType& type, std::int64_t od_micros) {
  const std::string term = fmt::format("{}.{}", sku, kReservedTerm);
  const std::string upfront = fmt::format("{}.{}", term, kUpfrontRate);
  const std::string hourly = fmt::format("{}.{}", term, kHourlyRate);
  // One year all upfront at about 40 % off.
  const std::int64_t fee = od_micros * 8760 * 6 / 10 / 1'000'000;
  return Json{
      {term,
       {{"offerTermCode", kReservedTerm},
        {"sku", sku},
        {"effectiveDate", "2023-11-01T00:00:00Z"},
        {"priceDimensions",
         {{upfront,
           {{"rateCode", upfront},
            {"description", "Upfront Fee"},
            {"unit", "Quantity"},
            {"pricePerUnit", {{"USD", std::to_string(fee)}}},
            {"appliesTo", Json::array()}}},
          {hourly,
           {{"rateCode", hourly},
            {"description",
             fmt::format("Linux/UNIX (Amazon VPC), {} reserved instance applied", type.name)},
            {"beginRange", "0"},
            {"endRange", "Inf"},
            {"unit", "Hrs"},
            {"pricePerUnit", {{"USD", "0.0000000000"}}},
            {"appliesTo", Json::array()}}}}},
        {"termAttributes",
         {{"LeaseContractLength", "1yr"},
          {"OfferingClass", "standard"},
          {"PurchaseOption", "All Upfront"}}}}}};
}

}  // namespace

std::string RenderEc2OfferFile() {
  // The SKU the collector must keep, then the ones it must skip.
  static const Variant kVariants[] = {
      {.key = "linux", .description = "On Demand Linux"},
      {.key = "windows",
       .operating_system = "Windows",
       .operation = "RunInstances:0002",
       .surcharge_per_vcpu_micros = 46'000,
       .description = "On Demand Windows"},
      {.key = "rhel",
       .operating_system = "RHEL",
       .operation = "RunInstances:0010",
       .surcharge_per_vcpu_micros = 7'200,
       .description = "On Demand RHEL"},
      {.key = "dedicated",
       .tenancy = "Dedicated",
       .usage_prefix = "DedicatedUsage",
       .price_factor = 1.1,
       .description = "On Demand Dedicated Linux"},
      {.key = "unused-reservation",
       .capacity_status = "UnusedCapacityReservation",
       .usage_prefix = "UnusedBox",
       .description = "Unused Reservation Linux"},
      {.key = "allocated-reservation",
       .capacity_status = "AllocatedCapacityReservation",
       .usage_prefix = "Reservation",
       .price_factor = 0,
       .description = "Reservation Linux"},
      {.key = "sql-std",
       .pre_installed_sw = "SQL Std",
       .operation = "RunInstances:0006",
       .surcharge_per_vcpu_micros = 120'000,
       .description = "On Demand Linux with SQL Std"},
      {.key = "us-west-2",
       .region = "us-west-2",
       .price_factor = 1.05,
       .description = "On Demand Linux"},
  };
  Json products = Json::object();
  Json on_demand = Json::object();
  Json reserved = Json::object();
  for (const InstanceType& type : InstanceCatalogue()) {
    const std::int64_t od = OnDemandMicrosPerHour(type);
    for (const Variant& v : kVariants) {
      const std::string sku = Sku(type.name, v.key);
      products[sku] = Product(type, v, sku);
      const auto micros = static_cast<std::int64_t>(static_cast<double>(od) * v.price_factor) +
                          v.surcharge_per_vcpu_micros * type.vcpus;
      const std::string price = PriceText(micros, 10);
      on_demand[sku] =
          OnDemandTerm(sku, price,
                       micros == 0 ? fmt::format("Linux {} Instance Hour Reservation", type.name)
                                   : fmt::format("${} per {} {} Instance Hour",
                                                 PriceText(micros, 6), v.description, type.name));
      if (v.key == "linux") reserved[sku] = ReservedTerm(sku, type, od);
    }
  }
  // Capacity Blocks for ML: a different market, not the on-demand price.
  if (const InstanceType* p3 = FindInstanceType("p3.2xlarge")) {
    const std::string sku = Sku(p3->name, "capacity-block");
    products[sku] = Product(*p3,
                            Variant{.key = "capacity-block",
                                    .market_option = "CapacityBlock",
                                    .description = "Capacity Block Linux"},
                            sku);
    on_demand[sku] = OnDemandTerm(sku, "2.4480000000",
                                  "$2.448 per Capacity Block Linux p3.2xlarge Instance Hour");
  }
  // A placeholder SKU with a zero price, of an instance type the cluster does not run.
  {
    InstanceType m5_large = *FindInstanceType("m5.xlarge");
    m5_large.name = "m5.large";
    m5_large.size = "large";
    m5_large.vcpus = 2;
    m5_large.memory_mib = 8192;
    const std::string sku = Sku("m5.large", "placeholder");
    products[sku] =
        Product(m5_large, Variant{.key = "placeholder", .description = "On Demand Linux"}, sku);
    on_demand[sku] =
        OnDemandTerm(sku, "0.0000000000", "$0 per On Demand Linux m5.large Instance Hour");
  }
  // EBS: other product families entirely. Per volume type its GB-month (Storage), and for
  // gp3, io1 and io2 the provisioned IOPS-month (System Operation) and gp3's provisioned
  // throughput (Provisioned Throughput); one Storage SKU of another region, and io2's higher IOPS
  // tier, that the collector must skip.
  struct EbsSku {
    const char* key;
    const char* family;
    const char* api_name;
    const char* group;
    const char* region;
    const char* price;
    const char* unit;
    const char* text;
  };
  static const EbsSku kEbs[] = {
      {"gp3", "Storage", "gp3", "", "us-east-1", "0.0800000000", "GB-Mo",
       "$0.08 per GB-month of General Purpose (gp3) provisioned storage"},
      {"gp2", "Storage", "gp2", "", "us-east-1", "0.1000000000", "GB-Mo",
       "$0.10 per GB-month of General Purpose SSD (gp2) provisioned storage"},
      {"io1", "Storage", "io1", "", "us-east-1", "0.1250000000", "GB-Mo",
       "$0.125 per GB-month of Provisioned IOPS SSD (io1) provisioned storage"},
      {"io2", "Storage", "io2", "", "us-east-1", "0.1250000000", "GB-Mo",
       "$0.125 per GB-month of Provisioned IOPS SSD (io2) provisioned storage"},
      {"st1", "Storage", "st1", "", "us-east-1", "0.0450000000", "GB-Mo",
       "$0.045 per GB-month of Throughput Optimized HDD (st1) provisioned storage"},
      {"sc1", "Storage", "sc1", "", "us-east-1", "0.0150000000", "GB-Mo",
       "$0.015 per GB-month of Cold HDD (sc1) provisioned storage"},
      {"gp3-iops", "System Operation", "gp3", "EBS IOPS", "us-east-1", "0.0050000000", "IOPS-Mo",
       "$0.005 per IOPS-month provisioned above 3000 - gp3"},
      {"io1-iops", "System Operation", "io1", "EBS IOPS", "us-east-1", "0.0650000000", "IOPS-Mo",
       "$0.065 per IOPS-month provisioned - io1"},
      {"io2-iops", "System Operation", "io2", "EBS IOPS", "us-east-1", "0.0650000000", "IOPS-Mo",
       "$0.065 per IOPS-month provisioned up to 32000 - io2"},
      {"io2-iops-tier2", "System Operation", "io2", "EBS IOPS Tier 2", "us-east-1", "0.0455000000",
       "IOPS-Mo", "$0.0455 per IOPS-month provisioned 32001-64000 - io2"},
      {"gp3-throughput", "Provisioned Throughput", "gp3", "EBS Throughput", "us-east-1",
       "40.9600000000", "GiBps-mo", "$0.04 per MiBps-month provisioned above 125 - gp3"},
      {"gp3-eu-west-1", "Storage", "gp3", "", "eu-west-1", "0.0880000000", "GB-Mo",
       "$0.088 per GB-month of General Purpose (gp3) provisioned storage - EU (Ireland)"},
  };
  for (const EbsSku& e : kEbs) {
    const std::string sku = Sku(e.key, "ebs");
    Json attributes = {{"servicecode", "AmazonEC2"},
                       {"locationType", "AWS Region"},
                       {"usagetype", fmt::format("EBS:VolumeUsage.{}", e.api_name)},
                       {"operation", ""},
                       {"regionCode", e.region},
                       {"servicename", "Amazon Elastic Compute Cloud"},
                       {"volumeApiName", e.api_name}};
    if (e.group[0] != '\0') attributes["group"] = e.group;
    products[sku] = Json{{"sku", sku}, {"productFamily", e.family}, {"attributes", attributes}};
    on_demand[sku] = OnDemandTerm(sku, e.price, e.text);
    on_demand[sku][fmt::format("{}.{}", sku, kOnDemandTerm)]["priceDimensions"]
             [fmt::format("{}.{}.{}", sku, kOnDemandTerm, kHourlyRate)]["unit"] = e.unit;
  }
  const Json offer = {
      {"formatVersion", "v1.0"},
      {"disclaimer",
       "This pricing list is for informational purposes only. All prices are subject to the "
       "additional terms included in the pricing pages on http://aws.amazon.com. All Free Tier "
       "prices are also subject to the terms included at https://aws.amazon.com/free/"},
      {"offerCode", "AmazonEC2"},
      {"version", "20240430190506"},
      {"publicationDate", "2024-04-30T19:05:06Z"},
      {"products", products},
      {"terms", {{"OnDemand", on_demand}, {"Reserved", reserved}}},
  };
  std::string out;
  WriteOffer(out, offer, 0);
  out.push_back('\n');
  return out;
}

std::string RenderSpotPriceHistory(std::span<const SpotPricePoint> points) {
  std::string out;
  out.reserve(points.size() * 220 + 64);
  JsonWriter json(out, 4);
  json.BeginObject().Key("SpotPriceHistory").BeginArray();
  for (const SpotPricePoint& p : points) {
    json.BeginObject()
        .Member("AvailabilityZone", p.availability_zone)
        .Member("InstanceType", p.instance_type)
        .Member("ProductDescription", p.product_description)
        .Member("SpotPrice", PriceText(p.price_micros, 6))
        .Key("Timestamp")
        .StringWith([&](std::string& text) { AppendAwsDateTime(text, p.timestamp); })
        .EndObject();
  }
  json.EndArray().Member("NextToken", "").EndObject();
  out.push_back('\n');
  return out;
}

std::string RenderAthenaQueryExecutions(std::span<const AthenaQuery> queries, std::string buffer) {
  std::string& out = buffer;
  out.clear();
  out.reserve(queries.size() * 1900 + 64);
  JsonWriter json(out, 4);
  json.BeginObject().Key("QueryExecutions").BeginArray();
  for (const AthenaQuery& q : queries) {
    const bool dml = q.statement_type == "DML";
    json.BeginObject()
        .Member("QueryExecutionId", q.id)
        .Member("Query", q.query)
        .Member("StatementType", q.statement_type);
    json.Key("ResultConfiguration")
        .BeginObject()
        .Key("OutputLocation")
        .StringWith([&](std::string& text) {
          text += "s3://acme-athena-results/";
          text += q.work_group;
          text.push_back('/');
          text += q.id;
          text += dml ? ".csv" : ".txt";
        });
    json.EndObject();
    json.Key("ResultReuseConfiguration")
        .BeginObject()
        .Key("ResultReuseByAgeConfiguration")
        .BeginObject()
        .Member("Enabled", false)
        .EndObject()
        .EndObject();
    json.Key("QueryExecutionContext")
        .BeginObject()
        .Member("Database", q.database)
        .Member("Catalog", "awsdatacatalog")
        .EndObject();
    json.Key("Status").BeginObject().Member("State", AthenaStateName(q.state));
    if (!q.state_change_reason.empty()) json.Member("StateChangeReason", q.state_change_reason);
    json.Key("SubmissionDateTime").StringWith([&](std::string& text) {
      AppendAwsDateTimeMillis(text, q.submitted_millis);
    });
    if (q.completed_millis) {
      json.Key("CompletionDateTime").StringWith([&](std::string& text) {
        AppendAwsDateTimeMillis(text, *q.completed_millis);
      });
    }
    if (q.state == AthenaState::kFailed) {
      json.Key("AthenaError")
          .BeginObject()
          .Member("ErrorCategory", 2)
          .Member("ErrorType", 1006)
          .Member("Retryable", false)
          .Member("ErrorMessage", q.state_change_reason)
          .EndObject();
    }
    json.EndObject();
    const std::int64_t service =
        q.completed_millis ? q.total_millis - q.queue_millis - q.planning_millis - q.engine_millis
                           : 0;
    json.Key("Statistics")
        .BeginObject()
        .Member("EngineExecutionTimeInMillis", q.engine_millis)
        .Member("DataScannedInBytes", q.data_scanned_bytes)
        .Member("TotalExecutionTimeInMillis", q.total_millis)
        .Member("QueryQueueTimeInMillis", q.queue_millis)
        .Member("ServicePreProcessingTimeInMillis", std::int64_t{q.queue_millis > 0 ? 45 : 0})
        .Member("QueryPlanningTimeInMillis", q.planning_millis)
        .Member("ServiceProcessingTimeInMillis", service)
        .Key("ResultReuseInformation")
        .BeginObject()
        .Member("ReusedPreviousResult", false)
        .EndObject()
        .EndObject();
    json.Member("WorkGroup", q.work_group)
        .Key("EngineVersion")
        .BeginObject()
        .Member("SelectedEngineVersion", "AUTO")
        .Member("EffectiveEngineVersion", "Athena engine version 3")
        .EndObject()
        .Member("SubstatementType", q.substatement_type)
        .EndObject();
  }
  json.EndArray().Key("UnprocessedQueryExecutionIds").BeginArray().EndArray().EndObject();
  out.push_back('\n');
  return buffer;
}

}  // namespace costledger::simulator
