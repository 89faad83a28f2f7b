#pragma once

#include <cstdint>
#include <optional>
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

/// Parses the text format: HELP/TYPE and other comment lines, blank lines, escaped label values
/// (\\, \", \n), optional timestamps, NaN/+Inf/-Inf. Throws InvalidInput naming the line number
/// and what is wrong.
std::vector<PromSample> ParsePrometheusText(std::string_view text);

}  // namespace costledger::sources
