#include "costledger/sources/dcgm_metrics.hpp"

#include <fmt/core.h>

#include <string>
#include <unordered_map>

#include "costledger/model/errors.hpp"
#include "costledger/sources/prometheus_text.hpp"

namespace costledger::sources {
namespace {

constexpr std::string_view kUtilFamily = "DCGM_FI_DEV_GPU_UTIL";
constexpr std::string_view kFramebufferFamily = "DCGM_FI_DEV_FB_USED";

void FillIfEmpty(std::string& field, std::string_view value) {
  if (field.empty()) field = value;
}

}  // namespace

std::vector<model::DcgmGpuSample> ParseDcgmMetrics(std::string_view text) {
  std::vector<model::DcgmGpuSample> out;
  std::unordered_map<std::string, std::size_t> index_by_device;
  std::string key;
  ForEachPrometheusSample(text, [&](const PromSampleView& sample) {
    const bool is_util = sample.name == kUtilFamily;
    if (!is_util && sample.name != kFramebufferFamily) return;
    const std::string_view uuid = sample.Label("UUID");
    const std::string_view gpu = sample.Label("gpu");
    const std::string_view hostname = sample.Label("Hostname");
    if (uuid.empty() && gpu.empty()) {
      throw InvalidInput(fmt::format(
          "DCGM metrics: {} sample has neither a 'UUID' nor a 'gpu' label", sample.name));
    }
    // The UUID is globally unique; the index only within one host, hence the prefixes.
    if (!uuid.empty()) {
      key.assign("u:").append(uuid);
    } else {
      key.assign("g:").append(hostname).append("/").append(gpu);
    }
    auto [it, inserted] = index_by_device.try_emplace(key, out.size());
    if (inserted) out.emplace_back();
    model::DcgmGpuSample& row = out[it->second];
    FillIfEmpty(row.gpu, gpu);
    FillIfEmpty(row.uuid, uuid);
    FillIfEmpty(row.hostname, hostname);
    FillIfEmpty(row.model, sample.Label("modelName"));
    // The pod labels appear only while the device is assigned; keep them if any series has them.
    if (row.pod.empty() && !sample.Label("pod").empty()) {
      row.namespace_name = sample.Label("namespace");
      row.pod = sample.Label("pod");
      row.container = sample.Label("container");
    }
    if (is_util) {
      row.utilisation_percent = sample.value;
    } else {
      row.framebuffer_used_mib = sample.value;
    }
  });
  return out;
}

}  // namespace costledger::sources
