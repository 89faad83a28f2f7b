#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "costledger/ports/usage_series_reader.hpp"

namespace costledger::postgres {

/// Hourly usage series for right-sizing, as container_costs_hourly holds them. For all teams,
/// read from the daily usage digest (container_usage_daily, migration 0009: ~1 row per
/// container and UTC day) for days whose daily rollup is current, and computed from
/// container_costs_hourly by the digest's own SQL function for the others (pending, or being
/// written); for one team (a filter on each row's team), from container_costs_hourly. Per pod
/// and hour (rows of one pod on several nodes in an hour summed), in integers rounded half up:
///   CPU millicores = cpu_usage_millicore_seconds / usage_observed_seconds
///   memory bytes   = memory_usage_byte_seconds / usage_observed_seconds
/// for hours with usage_observed_seconds > 0 only; per series over the window:
///   CPU request    = sum(cpu_request_millicore_seconds) / sum(seconds)
///   memory request = sum(memory_request_byte_seconds) / sum(seconds)
/// (0 when the series' rows have no seconds at all).
/// Thread-safe: calls share a pool of at most `max_connections` sessions; a call that finds
/// every session busy waits for one, at most `acquire_timeout`. Throws Unavailable when the
/// server is out of reach or no session became free in time.
class PostgresUsageReader final : public ports::UsageSeriesReader {
 public:
  static constexpr std::chrono::milliseconds kDefaultAcquireTimeout{10'000};

  /// Connects lazily (nothing happens here). Throws InvalidInput when `max_connections` is 0
  /// or `acquire_timeout` is negative.
  PostgresUsageReader(std::string url, std::string password, std::size_t max_connections = 2,
                      std::chrono::milliseconds acquire_timeout = kDefaultAcquireTimeout);
  ~PostgresUsageReader() override;
  PostgresUsageReader(const PostgresUsageReader&) = delete;
  PostgresUsageReader& operator=(const PostgresUsageReader&) = delete;
  PostgresUsageReader(PostgresUsageReader&&) = delete;
  PostgresUsageReader& operator=(PostgresUsageReader&&) = delete;

  std::vector<model::ContainerUsageSeries> ReadUsageSeries(
      model::TimeWindow window, const std::optional<std::string>& team) override;

  /// From the digest as ReadUsageSeries without a team, only the rows of `workloads` read
  /// (feed_workload_name, migration 0016).
  std::vector<model::ContainerUsageSeries> ReadWorkloadUsageSeries(
      model::TimeWindow window, std::span<const std::string> workloads) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
