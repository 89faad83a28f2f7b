// The spool's batch format (every version a collector may have left on disk).
#include "costledger/collector/interval_batch_codec.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  fuzz::Refusable([&] { collector::DecodeBatch(fuzz::Text(data, size)); });
  return 0;
}
