#include "costledger/sources/kubelet_metrics.hpp"

#include <fmt/core.h>

#include <string>
#include <unordered_map>

#include "costledger/model/errors.hpp"
#include "costledger/sources/prometheus_text.hpp"

namespace costledger::sources {
namespace {

constexpr std::string_view kCpuFamily = "container_cpu_usage_seconds_total";
constexpr std::string_view kMemoryFamily = "container_memory_working_set_bytes";

// An empty label is the same as an absent one in Prometheus, so both are rejected.
std::string_view RequiredLabel(const PromSampleView& sample, std::string_view key) {
  const std::string_view value = sample.Label(key);
  if (value.empty()) {
    throw InvalidInput(
        fmt::format("kubelet metrics: {} sample has no '{}' label", sample.name, key));
  }
  return value;
}

}  // namespace

std::vector<model::KubeletContainerSample> ParseKubeletResourceMetrics(std::string_view text) {
  std::vector<model::KubeletContainerSample> out;
  std::unordered_map<std::string, std::size_t> index_by_key;
  std::string key;
  ForEachPrometheusSample(text, [&](const PromSampleView& sample) {
    const bool is_cpu = sample.name == kCpuFamily;
    if (!is_cpu && sample.name != kMemoryFamily) return;
    const std::string_view namespace_name = RequiredLabel(sample, "namespace");
    const std::string_view pod = RequiredLabel(sample, "pod");
    const std::string_view container = RequiredLabel(sample, "container");
    // '/' cannot occur in namespace or pod names, so the key is unambiguous.
    key.assign(namespace_name).append("/").append(pod).append("/").append(container);
    auto [it, inserted] = index_by_key.try_emplace(key, out.size());
    if (inserted) {
      model::KubeletContainerSample& row = out.emplace_back();
      row.namespace_name = namespace_name;
      row.pod = pod;
      row.container = container;
    }
    model::KubeletContainerSample& row = out[it->second];
    if (is_cpu) {
      row.cpu_usage_seconds_total = sample.value;
      row.timestamp_ms = sample.timestamp_ms;
    } else {
      row.memory_working_set_bytes = sample.value;
    }
  });
  return out;
}

}  // namespace costledger::sources
