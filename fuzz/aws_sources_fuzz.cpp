// AWS formats: the EC2 offer file, spot price history, Athena query executions.
#include <sstream>
#include <string>

#include "costledger/sources/athena_parser.hpp"
#include "costledger/sources/ec2_offer_parser.hpp"
#include "costledger/sources/spot_history_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  const std::string_view text = fuzz::Text(data, size);
  fuzz::Refusable([&] {
    std::istringstream in{std::string(text)};
    sources::ParseEc2OfferFile(in, "us-east-1");
  });
  fuzz::Refusable([&] { sources::ParseSpotPriceHistory(text); });
  fuzz::Refusable([&] { sources::ParseAthenaQueryExecutions(text); });
  return 0;
}
