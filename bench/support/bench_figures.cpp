#include "bench_figures.hpp"

#include <fmt/core.h>

#include <cstdio>

namespace costledger::bench {

void FigureReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    const auto it = run.counters.find("items_per_second");
    if (it == run.counters.end()) continue;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    const std::string name = run.run_name.function_name;
    if (median || !items_per_second_.contains(name)) items_per_second_[name] = it->second.value;
  }
}

double FigureReporter::ItemsPerSecond(const std::string& name) const {
  const auto it = items_per_second_.find(name);
  return it == items_per_second_.end() ? 0.0 : it->second;
}

void PrintFigure(const std::string& bench, double value, const std::string& unit, double baseline,
                 const std::string& baseline_name) {
  const double ratio = baseline > 0 ? value / baseline : 0.0;
  static_cast<void>(std::fflush(stdout));
  fmt::print(
      "BENCH {{\"bench\":\"{}\",\"value\":{:.4g},\"unit\":\"{}\",\"baseline\":{:.4g},"
      "\"baseline_name\":\"{}\",\"ratio\":{:.2f}}}\n",
      bench, value, unit, baseline, baseline_name, ratio);
  static_cast<void>(std::fflush(stdout));
}

}  // namespace costledger::bench
