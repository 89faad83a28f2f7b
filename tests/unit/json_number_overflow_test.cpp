// A number too large for a double (`1e999`, or the `171798E69184` the spool fuzzer wrote into a
// batch) makes the JSON library throw out_of_range, not parse_error: every parser of outside
// JSON used to let it escape as an unknown exception (a 500, or a spool file the collector could
// not classify). Each now refuses it as InvalidInput naming the document. Found by
// scripts/fuzz (spool_batch_fuzz); the other parsers had the same catch.
#include <gtest/gtest.h>

#include <string>

#include "costledger/api/auth.hpp"
#include "costledger/collector/interval_batch_codec.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/sources/admission_review.hpp"
#include "costledger/sources/athena_parser.hpp"
#include "costledger/sources/launch_check_json.hpp"
#include "costledger/sources/quota_json.hpp"
#include "costledger/sources/spot_history_parser.hpp"
#include "costledger/sources/volume_parser.hpp"

namespace costledger {
namespace {

TEST(JsonNumberOverflowTest, EveryJsonParserRefusesItAsInvalidInput) {
  const std::string huge = "171798E69184";
  EXPECT_THROW(collector::DecodeBatch(R"({"format":4,"cluster":"c","start":)" + huge + "}"),
               InvalidInput);
  EXPECT_THROW(collector::DecodeBatch("[1e999]"), InvalidInput);
  EXPECT_THROW(sources::ParseQuotaSpec(R"({"limit":{"amount":1e999,"unit":"dollars"}})"),
               InvalidInput);
  EXPECT_THROW(sources::ParseQuotaFile(R"([{"limit":{"amount":1e999}}])"), InvalidInput);
  EXPECT_THROW(sources::ParseAdmissionReview(R"({"request":{"uid":1e999}})"), InvalidInput);
  EXPECT_THROW(sources::ParseLaunchCheck(R"({"cpu":1e999})"), InvalidInput);
  EXPECT_THROW(sources::ParseSpotPriceHistory(R"({"SpotPriceHistory":[1e999]})"), InvalidInput);
  EXPECT_THROW(sources::ParseAthenaQueryExecutions(R"({"QueryExecutions":[1e999]})"), InvalidInput);
  std::vector<model::PersistentVolume> volumes;
  EXPECT_THROW(sources::ParsePersistentVolumeListChunk(R"({"items":[1e999]})", volumes),
               InvalidInput);
  EXPECT_THROW(api::TokenRegistry::Parse(R"([{"name":"a","sha256":1e999}])"), InvalidInput);
}

}  // namespace
}  // namespace costledger
