// What a client sends the API: a request target (path and query), read as an allocation
// request with OpenCost's filter language; windows, durations, timestamps and quantities; quota
// specs and files; AdmissionReviews.
#include <chrono>

#include "costledger/http/http_types.hpp"
#include "costledger/model/allocation_request.hpp"
#include "costledger/model/quantity.hpp"
#include "costledger/model/timestamp.hpp"
#include "costledger/model/window.hpp"
#include "costledger/sources/admission_review.hpp"
#include "costledger/sources/quota_json.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  const std::string_view text = fuzz::Text(data, size);
  const std::chrono::sys_seconds now{std::chrono::seconds{1'763'287'200}};
  fuzz::Refusable([&] {
    const http::ParsedTarget target = http::ParseTarget(text);
    model::AllocationParseOptions options;
    options.ignore_unknown = !target.path.empty() && target.path.back() == 'n';
    model::ParseAllocationRequest(target.query, now, options);
  });
  fuzz::Refusable([&] { model::ParseWindow(text, now); });
  fuzz::Refusable([&] { model::ParseDuration(text); });
  fuzz::Refusable([&] { model::ParseTimestamp(text); });
  fuzz::Refusable([&] { model::ParseCpuMillicores(text); });
  fuzz::Refusable([&] { model::ParseBytes(text); });
  fuzz::Refusable([&] { model::ParseCount(text); });
  fuzz::Refusable([&] { sources::ParseQuotaSpec(text); });
  fuzz::Refusable([&] { sources::ParseQuotaFile(text); });
  fuzz::Refusable([&] { sources::ParseAdmissionReview(text); });
  return 0;
}
