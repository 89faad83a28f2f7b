#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace costledger::simulator {

enum class AthenaState : std::uint8_t { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

std::string_view AthenaStateName(AthenaState state);

/// One Athena query execution as seen at some time `now`.
struct AthenaQuery {
  std::string id;  ///< QueryExecutionId (UUID)
  std::string_view work_group;
  std::string_view statement_type;     ///< DML, DDL or UTILITY
  std::string_view substatement_type;  ///< SELECT, CREATE_TABLE, ...
  std::string_view database;
  std::string query;
  AthenaState state = AthenaState::kSucceeded;
  std::int64_t submitted_millis = 0;
  std::optional<std::int64_t> completed_millis;  ///< absent while queued or running
  std::int64_t data_scanned_bytes = 0;
  std::int64_t engine_millis = 0;
  std::int64_t queue_millis = 0;
  std::int64_t planning_millis = 0;
  std::int64_t total_millis = 0;
  std::string_view state_change_reason;  ///< failures and cancellations
};

/// Workgroups queries run in: analytics, ml-features, reporting, platform-etl, primary.
std::vector<std::string_view> AthenaWorkGroups();

/// Queries submitted in (now - window, now], newest first, in their state at `now` (queued
/// and running ones have no completion time yet). Mostly SUCCEEDED, some FAILED and CANCELLED,
/// DDL and utility statements among them, data scanned from kilobytes to terabytes. About
/// `queries_per_hour` in total; a pure function of (seed, queries_per_hour, now, window).
std::vector<AthenaQuery> AthenaQueriesSubmitted(std::uint64_t seed, int queries_per_hour,
                                                std::int64_t now_millis,
                                                std::int64_t window_millis);

}  // namespace costledger::simulator
