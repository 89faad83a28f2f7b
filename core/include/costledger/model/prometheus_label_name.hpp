#pragma once

#include <map>
#include <string>
#include <string_view>

namespace costledger::model {

/// A Kubernetes label key as Prometheus label names spell it (kube-state-metrics' label_<key>,
/// and so OpenCost's API, which reads pod labels from kube_pod_labels): every character outside
/// [a-zA-Z0-9_] becomes '_' ("app.kubernetes.io/name" -> "app_kubernetes_io_name").
std::string PrometheusLabelName(std::string_view key);

/// Whether `name` is already so spelled (only [a-zA-Z0-9_]): the only names a key spelled that
/// way can equal.
bool IsPrometheusLabelName(std::string_view name);

/// `labels` keyed by PrometheusLabelName; of keys that spell alike the first in key order wins,
/// as in kube-state-metrics' series.
template <typename LabelMap>
std::map<std::string, std::string> WithPrometheusLabelNames(const LabelMap& labels) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : labels) out.emplace(PrometheusLabelName(key), value);
  return out;
}

/// The value of label `name` in `labels`: the key itself, else (for a name spelled as a
/// Prometheus label name) the first key in key order that spells as it. nullptr when none.
template <typename LabelMap>
const std::string* FindLabel(const LabelMap& labels, std::string_view name) {
  if (const auto it = labels.find(std::string(name)); it != labels.end()) return &it->second;
  if (!IsPrometheusLabelName(name)) return nullptr;
  for (const auto& [key, value] : labels) {
    if (PrometheusLabelName(key) == name) return &value;
  }
  return nullptr;
}

}  // namespace costledger::model
