// Prometheus text as kubelets (/metrics/resource) and DCGM exporters serve it.
#include "costledger/sources/dcgm_metrics.hpp"
#include "costledger/sources/kubelet_metrics.hpp"
#include "costledger/sources/prometheus_text.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  const std::string_view text = fuzz::Text(data, size);
  fuzz::Refusable([&] { sources::ParsePrometheusText(text); });
  fuzz::Refusable([&] { sources::ParseKubeletResourceMetrics(text); });
  fuzz::Refusable([&] { sources::ParseDcgmMetrics(text); });
  return 0;
}
