#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace costledger::sources {

/// One sample line of the Prometheus text exposition format 0.0.4.
struct PromSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  ///< unescaped values, input order
  double value = 0;                                         ///< NaN and +/-Inf allowed
  std::optional<std::int64_t> timestamp_ms;

  /// The value of label `key`, or empty.
  std::string_view Label(std::string_view key) const;
};

/// A sample as the parser reads it: views into the text (a label value with escapes into the
/// parser's buffer), valid only while the visitor runs.
struct PromSampleView {
  std::string_view name;
  std::span<const std::pair<std::string_view, std::string_view>> labels;  ///< input order
  double value = 0;
  std::optional<std::int64_t> timestamp_ms;

  /// The value of label `key`, or empty.
  std::string_view Label(std::string_view key) const;
};

/// Parses the text as ParsePrometheusText does (same errors) and hands each sample to `visit`
/// without copying it: for readers that keep a few families of a large exposition (a kubelet's
/// at every node, a DCGM exporter's), where copying every sample was most of their time.
void ForEachPrometheusSample(std::string_view text,
                             const std::function<void(const PromSampleView&)>& visit);

/// Parses the text format: HELP/TYPE and other comment lines, blank lines, escaped label values
/// (\\, \", \n), optional timestamps, NaN/+Inf/-Inf. Throws InvalidInput naming the line number
/// and what is wrong.
std::vector<PromSample> ParsePrometheusText(std::string_view text);

}  // namespace costledger::sources
