#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config.hpp"
#include "costledger/common/logger.hpp"
#include "costledger/model/iso_week.hpp"
#include "costledger/reports/weekly_reports.hpp"

namespace costledger::cli {

/// Weekly reports wired to their adapters from the configuration: PostgreSQL readers, archive
/// and notification ledger, SMTP and webhook senders, on-demand list prices (spot savings).
/// Used by `costledger report` and by serve's scheduler. Thread-compatible: one caller at a
/// time.
class ReportWiring {
 public:
  ReportWiring(const Config& config, common::Logger& log);
  ~ReportWiring();
  ReportWiring(const ReportWiring&) = delete;
  ReportWiring& operator=(const ReportWiring&) = delete;
  ReportWiring(ReportWiring&&) = delete;
  ReportWiring& operator=(ReportWiring&&) = delete;

  /// Builds every team's report of `week` (only `team`'s when given), archives them in
  /// PostgreSQL and, when `out_dir` is not empty, writes <week>/<team>.<format> files there.
  std::vector<reports::BuiltReport> BuildAndArchive(model::IsoWeek week,
                                                    const std::optional<std::string>& team,
                                                    const std::string& out_dir);
  /// Delivers `built` to the configured recipients, exactly once per team, week and channel.
  reports::DeliveryRun Deliver(const std::vector<reports::BuiltReport>& built);
  /// Whether the last interval of `week` is stored (an interval at or after its end is).
  bool WeekIsStored(model::IsoWeek week);
  /// The week before the one that contains now, in the configured zone.
  model::IsoWeek LastCompleteWeek() const;

  /// Serve's scheduler: every `poll`, when a week's reports are due (reports.weekday/hour) and
  /// its data is stored, builds, archives and delivers them; failed deliveries are retried at
  /// later polls as the ledger allows. Returns when `stop` is set.
  /// After each delivery `on_delivered` (optional) gets the run and the ledger's counts (for
  /// /metrics).
  void RunSchedule(
      const std::atomic<bool>& stop, std::chrono::seconds poll,
      const std::function<void(const reports::DeliveryRun&,
                               std::span<const model::NotificationCount>)>& on_delivered = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::cli
