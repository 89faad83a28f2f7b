#include "costledger/sources/ec2_offer_parser.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"
#include "test_data.hpp"

namespace costledger::model {
// Readable gtest failure messages (found by ADL).
void PrintTo(const HourlyPrice& price, std::ostream* os) {
  *os << "$" << price.per_hour.ToDecimalString() << "/h";
}
}  // namespace costledger::model

namespace costledger::sources {
namespace {

using costledger::testing::ErrorOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// One product plus its OnDemand term, with the attributes of a kept Linux SKU by default;
// each test changes the one attribute it is about.
struct TestSku {
  std::string sku = "2B2TYMN5DTV2XA9G";
  std::string instance_type = "m5.xlarge";
  std::string product_family = "Compute Instance";
  std::string region_code = "us-east-1";
  std::string operating_system = "Linux";
  std::string tenancy = "Shared";
  std::string capacity_status = "Used";
  std::string pre_installed_sw = "NA";
  std::optional<std::string> market_option = "OnDemand";
  std::string usd = "0.1920000000";
  std::string unit = "Hrs";
};

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string ProductJson(const TestSku& s) {
  std::string attributes =
      R"j("servicecode":"AmazonEC2","location":"US East (N. Virginia)",)j"
      R"("locationType":"AWS Region","instanceType":)" +
      Quoted(s.instance_type) + R"(,"vcpu":"4","memory":"16 GiB",)" + R"("tenancy":)" +
      Quoted(s.tenancy) + R"(,"operatingSystem":)" + Quoted(s.operating_system) +
      R"(,"usagetype":"BoxUsage:m5.xlarge","operation":"RunInstances",)" + R"("capacitystatus":)" +
      Quoted(s.capacity_status) + R"(,"preInstalledSw":)" + Quoted(s.pre_installed_sw) +
      R"(,"regionCode":)" + Quoted(s.region_code);
  if (s.market_option) attributes += R"(,"marketoption":)" + Quoted(*s.market_option);
  return Quoted(s.sku) + R"(:{"sku":)" + Quoted(s.sku) + R"(,"productFamily":)" +
         Quoted(s.product_family) + R"(,"attributes":{)" + attributes + "}}";
}

std::string TermJson(const TestSku& s, std::string_view term_code, std::string_view usd) {
  const std::string term = s.sku + "." + std::string(term_code);
  return Quoted(s.sku) + ":{" + Quoted(term) + R"(:{"offerTermCode":)" + Quoted(term_code) +
         R"(,"sku":)" + Quoted(s.sku) +
         R"(,"effectiveDate":"2024-04-01T00:00:00Z","priceDimensions":{)" +
         Quoted(term + ".6YS6EN2CT7") + R"(:{"rateCode":)" + Quoted(term + ".6YS6EN2CT7") +
         R"(,"description":"per Instance Hour","beginRange":"0","endRange":"Inf","unit":)" +
         Quoted(s.unit) + R"(,"pricePerUnit":{"USD":)" + Quoted(usd) +
         R"(},"appliesTo":[]}},"termAttributes":{}}})";
}

enum class Layout { kProductsFirst, kTermsFirst };

std::string OfferFile(const std::vector<TestSku>& skus, Layout layout = Layout::kProductsFirst,
                      const std::vector<TestSku>& reserved = {}) {
  std::string products = R"("products":{)";
  std::string on_demand;
  std::string reserved_terms;
  for (std::size_t i = 0; i < skus.size(); ++i) {
    if (i > 0) {
      products += ",";
      on_demand += ",";
    }
    products += ProductJson(skus[i]);
    on_demand += TermJson(skus[i], "JRTCKXETXF", skus[i].usd);
  }
  products += "}";
  for (std::size_t i = 0; i < reserved.size(); ++i) {
    if (i > 0) reserved_terms += ",";
    reserved_terms += TermJson(reserved[i], "4NA7Y494T4", reserved[i].usd);
  }
  const std::string terms =
      R"("terms":{"OnDemand":{)" + on_demand + R"(},"Reserved":{)" + reserved_terms + "}}";
  const std::string header =
      R"({"formatVersion":"v1.0","disclaimer":"For informational purposes only.",)"
      R"("offerCode":"AmazonEC2","version":"20240430190506",)"
      R"("publicationDate":"2024-04-30T19:05:06Z",)";
  return header +
         (layout == Layout::kProductsFirst ? products + "," + terms : terms + "," + products) + "}";
}

model::OnDemandPriceList Parse(const std::string& text, std::string_view region = "us-east-1") {
  std::istringstream in(text);
  return sources::ParseEc2OfferFile(in, region);
}

model::HourlyPrice Dollars(std::string_view text) {
  return model::HourlyPrice{model::Money::ParseDollars(text)};
}

// Parses a one-SKU offer file and says whether the SKU was kept.
bool Kept(const TestSku& sku) { return !Parse(OfferFile({sku})).by_instance_type.empty(); }

// --- recorded offer file ---------------------------------------------------------------------

TEST(Ec2OfferParserTest, RecordedOfferKeepsOnlyLinuxSharedOnDemandPrices) {
  std::ifstream in(costledger::testing::TestDataPath("aws/ec2_offer_us-east-1.json"),
                   std::ios::binary);
  ASSERT_TRUE(in);
  const model::OnDemandPriceList list = sources::ParseEc2OfferFile(in, "us-east-1");
  EXPECT_EQ(list.region_code, "us-east-1");
  EXPECT_EQ(list.skus_seen, 18u);  // 7 kept, 10 distractor instances, 1 storage product
  EXPECT_THAT(
      list.by_instance_type,
      ElementsAre(Pair("c5.2xlarge", Dollars("0.34")), Pair("g5.12xlarge", Dollars("5.672")),
                  Pair("g5.2xlarge", Dollars("1.212")), Pair("m5.xlarge", Dollars("0.192")),
                  Pair("p3.2xlarge", Dollars("3.06")), Pair("r5.2xlarge", Dollars("0.504")),
                  Pair("t3.medium", Dollars("0.0416"))));
  EXPECT_EQ(list.by_instance_type.at("m5.xlarge").per_hour.nanos(), 192'000'000);
}

TEST(Ec2OfferParserTest, RecordedOfferFilteredToAnotherRegion) {
  std::ifstream in(costledger::testing::TestDataPath("aws/ec2_offer_us-east-1.json"),
                   std::ios::binary);
  ASSERT_TRUE(in);
  const model::OnDemandPriceList list = sources::ParseEc2OfferFile(in, "us-west-2");
  EXPECT_EQ(list.region_code, "us-west-2");
  EXPECT_THAT(list.by_instance_type, ElementsAre(Pair("c5.2xlarge", Dollars("0.361"))));
}

// --- one test per filter rule ----------------------------------------------------------------

TEST(Ec2OfferParserTest, KeepsLinuxSharedUsedPreinstalledNoneOnDemandSku) {
  const model::OnDemandPriceList list = Parse(OfferFile({TestSku{}}));
  EXPECT_EQ(list.skus_seen, 1u);
  EXPECT_THAT(list.by_instance_type, ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

TEST(Ec2OfferParserTest, DropsOtherProductFamilies) {
  TestSku bare_metal;
  bare_metal.product_family = "Compute Instance (bare metal)";
  EXPECT_FALSE(Kept(bare_metal));
  TestSku storage;
  storage.product_family = "Storage";
  EXPECT_FALSE(Kept(storage));
  TestSku host;
  host.product_family = "Dedicated Host";
  EXPECT_FALSE(Kept(host));
}

TEST(Ec2OfferParserTest, DropsOtherRegions) {
  TestSku sku;
  sku.region_code = "us-west-2";
  EXPECT_FALSE(Kept(sku));
  EXPECT_THAT(Parse(OfferFile({sku}), "us-west-2").by_instance_type,
              ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

TEST(Ec2OfferParserTest, DropsWindows) {
  TestSku sku;
  sku.operating_system = "Windows";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, DropsRhelAndSuse) {
  TestSku rhel;
  rhel.operating_system = "RHEL";
  EXPECT_FALSE(Kept(rhel));
  TestSku suse;
  suse.operating_system = "SUSE";
  EXPECT_FALSE(Kept(suse));
}

TEST(Ec2OfferParserTest, DropsDedicatedAndHostTenancy) {
  TestSku dedicated;
  dedicated.tenancy = "Dedicated";
  EXPECT_FALSE(Kept(dedicated));
  TestSku host;
  host.tenancy = "Host";
  EXPECT_FALSE(Kept(host));
}

TEST(Ec2OfferParserTest, DropsUnusedCapacityReservation) {
  TestSku sku;
  sku.capacity_status = "UnusedCapacityReservation";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, DropsAllocatedCapacityReservation) {
  TestSku sku;
  sku.capacity_status = "AllocatedCapacityReservation";
  sku.usd = "0.1920000000";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, DropsPreInstalledSoftware) {
  TestSku sql_std;
  sql_std.pre_installed_sw = "SQL Std";
  EXPECT_FALSE(Kept(sql_std));
  TestSku sql_web;
  sql_web.pre_installed_sw = "SQL Web";
  EXPECT_FALSE(Kept(sql_web));
}

TEST(Ec2OfferParserTest, DropsCapacityBlockMarketOption) {
  TestSku sku;
  sku.market_option = "CapacityBlock";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, KeepsSkuWithoutMarketOptionAttribute) {
  TestSku sku;
  sku.market_option.reset();
  EXPECT_TRUE(Kept(sku));
}

TEST(Ec2OfferParserTest, DropsZeroPrice) {
  TestSku sku;
  sku.usd = "0.0000000000";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, DropsNonHourlyPriceDimensions) {
  TestSku sku;
  sku.unit = "Quantity";
  EXPECT_FALSE(Kept(sku));
}

TEST(Ec2OfferParserTest, IgnoresReservedTerms) {
  TestSku kept;
  TestSku reserved_of_kept = kept;
  reserved_of_kept.usd = "0.1210000000";  // a cheaper Reserved rate must not win
  TestSku reserved_only;
  reserved_only.sku = "RESERVEDONLY0001";
  reserved_only.instance_type = "c5.2xlarge";
  reserved_only.usd = "0.2150000000";
  std::string text = OfferFile({kept}, Layout::kProductsFirst, {reserved_of_kept, reserved_only});
  // Add a product whose only price is Reserved.
  const std::string products_key = R"("products":{)";
  text.insert(text.find(products_key) + products_key.size(), ProductJson(reserved_only) + ",");
  const model::OnDemandPriceList list = Parse(text);
  EXPECT_EQ(list.skus_seen, 2u);
  EXPECT_THAT(list.by_instance_type, ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

TEST(Ec2OfferParserTest, ProductWithoutTermIsDropped) {
  TestSku sku;
  std::string text = R"({"offerCode":"AmazonEC2","products":{)" + ProductJson(sku) +
                     R"(},"terms":{"OnDemand":{}}})";
  const model::OnDemandPriceList list = Parse(text);
  EXPECT_EQ(list.skus_seen, 1u);
  EXPECT_TRUE(list.by_instance_type.empty());
}

// --- duplicates ------------------------------------------------------------------------------

TEST(Ec2OfferParserTest, TwoSkusWithDifferentPricesThrowNamingBoth) {
  TestSku first;
  first.sku = "AAAAAAAAAAAAAAA1";
  TestSku second = first;
  second.sku = "BBBBBBBBBBBBBBB2";
  second.usd = "0.2000000000";
  const std::string message = ErrorOf<InvalidInput>([&] { Parse(OfferFile({first, second})); });
  EXPECT_THAT(message, HasSubstr("m5.xlarge"));
  EXPECT_THAT(message, HasSubstr("AAAAAAAAAAAAAAA1"));
  EXPECT_THAT(message, HasSubstr("BBBBBBBBBBBBBBB2"));
}

TEST(Ec2OfferParserTest, TwoSkusWithTheSamePriceAreFine) {
  TestSku first;
  first.sku = "AAAAAAAAAAAAAAA1";
  TestSku second = first;
  second.sku = "BBBBBBBBBBBBBBB2";
  second.usd = "0.192";  // same amount, other spelling
  const model::OnDemandPriceList list = Parse(OfferFile({first, second}));
  EXPECT_EQ(list.skus_seen, 2u);
  EXPECT_THAT(list.by_instance_type, ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

TEST(Ec2OfferParserTest, DistractorWithOtherPriceDoesNotConflict) {
  TestSku kept;
  TestSku windows = kept;
  windows.sku = "WINDOWS000000001";
  windows.operating_system = "Windows";
  windows.usd = "0.3760000000";
  EXPECT_THAT(Parse(OfferFile({kept, windows})).by_instance_type,
              ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

// --- layout ----------------------------------------------------------------------------------

TEST(Ec2OfferParserTest, TermsBeforeProductsGiveTheSameResult) {
  TestSku m5;
  TestSku c5;
  c5.sku = "C5C5C5C5C5C5C5C5";
  c5.instance_type = "c5.2xlarge";
  c5.usd = "0.3400000000";
  TestSku windows;
  windows.sku = "WINDOWS000000001";
  windows.operating_system = "Windows";
  windows.usd = "0.3760000000";
  const std::vector<TestSku> skus = {m5, windows, c5};
  const model::OnDemandPriceList products_first = Parse(OfferFile(skus, Layout::kProductsFirst));
  const model::OnDemandPriceList terms_first = Parse(OfferFile(skus, Layout::kTermsFirst));
  EXPECT_EQ(terms_first.skus_seen, 3u);
  EXPECT_EQ(terms_first.by_instance_type, products_first.by_instance_type);
  EXPECT_THAT(terms_first.by_instance_type, ElementsAre(Pair("c5.2xlarge", Dollars("0.34")),
                                                        Pair("m5.xlarge", Dollars("0.192"))));
}

TEST(Ec2OfferParserTest, IgnoresUnknownKeysArraysAndNonStringValues) {
  TestSku sku;
  std::string text = OfferFile({sku});
  text.insert(1, R"("attributesList":{"vcpu":["1","2"],"nested":{"a":[{"b":null}]}},)"
                 R"("count":3,"ratio":0.5,"flag":true,)");
  EXPECT_THAT(Parse(text).by_instance_type, ElementsAre(Pair("m5.xlarge", Dollars("0.192"))));
}

// --- errors ----------------------------------------------------------------------------------

TEST(Ec2OfferParserTest, MalformedJsonThrowsWithBytePosition) {
  const std::string text = R"({"offerCode":"AmazonEC2","products":{"X":{"sku":"X",}}})";
  // Byte 53 is the stray '}' where a key should follow the comma.
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Parse(text); }), HasSubstr("malformed JSON at byte 53"));
}

TEST(Ec2OfferParserTest, TruncatedFileThrows) {
  const std::string text = OfferFile({TestSku{}});
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Parse(text.substr(0, text.size() / 2)); }),
              HasSubstr("malformed JSON at byte"));
}

TEST(Ec2OfferParserTest, EmptyInputThrows) {
  EXPECT_THAT(ErrorOf<InvalidInput>([] { Parse(""); }), HasSubstr("malformed JSON at byte"));
}

TEST(Ec2OfferParserTest, TopLevelMustBeAnObject) {
  EXPECT_THAT(ErrorOf<InvalidInput>([] { Parse("[1, 2]"); }),
              HasSubstr("top level is not a JSON object"));
}

TEST(Ec2OfferParserTest, OtherServicesOfferFileIsRejected) {
  EXPECT_THAT(ErrorOf<InvalidInput>([] { Parse(R"({"offerCode":"AmazonS3","products":{}})"); }),
              HasSubstr("offerCode is 'AmazonS3'"));
}

TEST(Ec2OfferParserTest, UnparsablePriceNamesSku) {
  TestSku sku;
  sku.usd = "twelve";
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { Parse(OfferFile({sku})); }),
              HasSubstr("SKU 2B2TYMN5DTV2XA9G"));
}

// --- streaming -------------------------------------------------------------------------------

TEST(Ec2OfferParserTest, StreamsALargeOfferFile) {
  // 50,000 distractors, each failing one filter, around three kept SKUs.
  constexpr int kDistractors = 50'000;
  std::vector<TestSku> kept(3);
  kept[0].sku = "KEPT000000000001";
  kept[1].sku = "KEPT000000000002";
  kept[1].instance_type = "r5.2xlarge";
  kept[1].usd = "0.5040000000";
  kept[2].sku = "KEPT000000000003";
  kept[2].instance_type = "g5.2xlarge";
  kept[2].usd = "1.2120000000";

  const auto distractor = [](int i) {
    TestSku sku;
    sku.sku = "D" + std::to_string(1'000'000'000'000'000LL + i);
    sku.instance_type = "m5.xlarge";  // same type: a wrongly kept distractor would conflict
    sku.usd = "0." + std::to_string(300 + i % 500) + "0000000";
    switch (i % 8) {
      case 0:
        sku.operating_system = "Windows";
        break;
      case 1:
        sku.tenancy = "Dedicated";
        break;
      case 2:
        sku.capacity_status = "UnusedCapacityReservation";
        break;
      case 3:
        sku.pre_installed_sw = "SQL Std";
        break;
      case 4:
        sku.region_code = "eu-west-1";
        break;
      case 5:
        sku.market_option = "CapacityBlock";
        break;
      case 6:
        sku.product_family = "Compute Instance (bare metal)";
        break;
      default:
        sku.operating_system = "RHEL";
        break;
    }
    return sku;
  };

  std::stringstream offer;
  offer << R"({"formatVersion":"v1.0","offerCode":"AmazonEC2","products":{)";
  for (int i = 0; i < kDistractors; ++i) {
    if (i > 0) offer << ',';
    offer << ProductJson(distractor(i));
    if (i == kDistractors / 2) {
      for (const auto& sku : kept) offer << ',' << ProductJson(sku);
    }
  }
  offer << R"(},"terms":{"OnDemand":{)";
  for (const auto& sku : kept) offer << TermJson(sku, "JRTCKXETXF", sku.usd) << ',';
  for (int i = 0; i < kDistractors; ++i) {
    if (i > 0) offer << ',';
    const TestSku sku = distractor(i);
    offer << TermJson(sku, "JRTCKXETXF", sku.usd);
  }
  offer << R"(},"Reserved":{)";
  for (int i = 0; i < kDistractors; i += 10) {
    if (i > 0) offer << ',';
    const TestSku sku = distractor(i);
    offer << TermJson(sku, "4NA7Y494T4", "0.1000000000");
  }
  offer << "}}}";

  const model::OnDemandPriceList list = sources::ParseEc2OfferFile(offer, "us-east-1");
  EXPECT_EQ(list.skus_seen, static_cast<std::size_t>(kDistractors) + kept.size());
  EXPECT_THAT(list.by_instance_type,
              ElementsAre(Pair("g5.2xlarge", Dollars("1.212")), Pair("m5.xlarge", Dollars("0.192")),
                          Pair("r5.2xlarge", Dollars("0.504"))));
}

// EBS SKUs as the offer file lists them: size per GB-Mo (Storage), provisioned IOPS per IOPS-Mo
// (System Operation, group "EBS IOPS"), throughput per GiBps-mo (Provisioned Throughput); other
// regions and io2's higher IOPS tiers are not kept. One SKU's terms come before its product.
TEST(Ec2OfferParserTest, KeepsEbsPricesPerVolumeType) {
  const auto product = [](std::string_view sku, std::string_view family, std::string_view region,
                          std::string_view api, std::string_view group) {
    return fmt::format(
        R"("{0}":{{"sku":"{0}","productFamily":"{1}","attributes":{{"regionCode":"{2}",)"
        R"("volumeApiName":"{3}","group":"{4}","storageMedia":"SSD-backed"}}}})",
        sku, family, region, api, group);
  };
  const auto term = [](std::string_view sku, std::string_view usd, std::string_view unit) {
    return fmt::format(
        R"("{0}":{{"{0}.JRTCKXETXF":{{"priceDimensions":{{"{0}.JRTCKXETXF.6YS6EN2CT7":)"
        R"({{"unit":"{2}","pricePerUnit":{{"USD":"{1}"}}}}}}}}}})",
        sku, usd, unit);
  };
  const std::string offer = fmt::format(
      R"({{"offerCode":"AmazonEC2","terms":{{"OnDemand":{{{}}}}},"products":{{{}}},)"
      R"("terms2":{{}}}})",
      fmt::format("{},{},{},{},{},{}", term("GP3", "0.0800000000", "GB-Mo"),
                  term("GP3IOPS", "0.0050000000", "IOPS-Mo"),
                  term("GP3TP", "40.9600000000", "GiBps-mo"),
                  term("IO2T2", "0.0455000000", "IOPS-Mo"), term("GP3EU", "0.0880000000", "GB-Mo"),
                  term("ST1", "0.0450000000", "GB-Mo")),
      fmt::format("{},{},{},{},{},{}", product("GP3", "Storage", "us-east-1", "gp3", ""),
                  product("GP3IOPS", "System Operation", "us-east-1", "gp3", "EBS IOPS"),
                  product("GP3TP", "Provisioned Throughput", "us-east-1", "gp3", "EBS Throughput"),
                  product("IO2T2", "System Operation", "us-east-1", "io2", "EBS IOPS Tier 2"),
                  product("GP3EU", "Storage", "eu-west-1", "gp3", ""),
                  product("ST1", "Storage", "us-east-1", "st1", "")));
  std::istringstream in(offer);
  const model::OnDemandPriceList list = ParseEc2OfferFile(in, "us-east-1");
  EXPECT_TRUE(list.by_instance_type.empty());
  ASSERT_EQ(list.by_volume_type.size(), 2U);
  const model::VolumePrice& gp3 = list.by_volume_type.at("gp3");
  EXPECT_EQ(gp3.per_gib_month.ToDecimalString(), "0.080000000");
  EXPECT_EQ(gp3.per_iops_month.ToDecimalString(), "0.005000000");
  EXPECT_EQ(gp3.per_gibps_month.ToDecimalString(), "40.960000000");
  EXPECT_EQ(list.by_volume_type.at("st1").per_gib_month.ToDecimalString(), "0.045000000");
  EXPECT_EQ(list.by_volume_type.at("st1").per_iops_month.nanos(), 0);
}

}  // namespace
}  // namespace costledger::sources
