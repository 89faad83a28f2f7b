#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>

namespace costledger::bench {

/// Console output as usual, plus each run's counters kept by benchmark name, so that main()
/// can print the contract's `BENCH {...}` lines with ratios measured in the same run.
class FigureReporter : public benchmark::ConsoleReporter {
 public:
  FigureReporter() : ConsoleReporter(OO_Tabular) {}  // no colour codes in logs
  void ReportRuns(const std::vector<Run>& runs) override;
  /// items_per_second of the named benchmark (its aggregate "median" if repeated); 0 if absent.
  double ItemsPerSecond(const std::string& name) const;

 private:
  std::map<std::string, double> items_per_second_;
};

/// Prints one figure per the benchmarks contract, on its own line:
/// BENCH {"bench":..,"value":..,"unit":..,"baseline":..,"baseline_name":..,"ratio":..}
void PrintFigure(const std::string& bench, double value, const std::string& unit, double baseline,
                 const std::string& baseline_name);

}  // namespace costledger::bench
