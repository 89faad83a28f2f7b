#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/ports/report_archive.hpp"

namespace costledger::postgres {

/// The report archive in PostgreSQL (table report_archive, migration 0007).
/// Thread-safe: calls share a pool of at most `max_connections` sessions, opened as needed; a
/// call that finds every session busy waits for one, at most `acquire_timeout`. Throws
/// Unavailable when the server is out of reach or no session became free in time.
class PostgresReportArchive final : public ports::ReportArchive {
 public:
  static constexpr std::chrono::milliseconds kDefaultAcquireTimeout{10'000};

  /// Connects lazily (nothing happens here). Throws InvalidInput when `max_connections` is 0
  /// or `acquire_timeout` is negative.
  PostgresReportArchive(std::string url, std::string password, std::size_t max_connections = 2,
                        std::chrono::milliseconds acquire_timeout = kDefaultAcquireTimeout);
  ~PostgresReportArchive() override;
  PostgresReportArchive(const PostgresReportArchive&) = delete;
  PostgresReportArchive& operator=(const PostgresReportArchive&) = delete;
  PostgresReportArchive(PostgresReportArchive&&) = delete;
  PostgresReportArchive& operator=(PostgresReportArchive&&) = delete;

  void Save(const model::ArchivedReport& report) override;
  std::vector<model::ArchivedReportSummary> List(
      const std::optional<std::string>& team, const std::optional<model::IsoWeek>& week) override;
  std::optional<model::ArchivedDocument> Get(const std::string& team, model::IsoWeek week,
                                             std::string_view format) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::postgres
