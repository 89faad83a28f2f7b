#include "costledger/sources/athena_parser.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <string>

#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

// Athena's default workgroup, where queries ran when the response does not name one.
constexpr std::string_view kDefaultWorkGroup = "primary";

model::QueryState StateOf(const JsonFields& execution, std::string_view path) {
  const std::string state = execution.String(path);
  if (state == "QUEUED") return model::QueryState::kQueued;
  if (state == "RUNNING") return model::QueryState::kRunning;
  if (state == "SUCCEEDED") return model::QueryState::kSucceeded;
  if (state == "FAILED") return model::QueryState::kFailed;
  if (state == "CANCELLED") return model::QueryState::kCancelled;
  execution.Fail(path, fmt::format("unknown state '{}'", state));
}

}  // namespace

std::vector<model::AthenaQueryExecution> ParseAthenaQueryExecutions(std::string_view json) {
  const Json executions = ParseTopLevelArray(json, "Athena query executions", "QueryExecutions");
  std::vector<model::AthenaQueryExecution> out;
  out.reserve(executions.size());
  for (std::size_t i = 0; i < executions.size(); ++i) {
    const JsonFields execution(executions[i], "QueryExecutions", i);
    model::AthenaQueryExecution& row = out.emplace_back();
    row.query_execution_id = execution.String("QueryExecutionId");
    row.work_group = execution.OptionalString("WorkGroup");
    if (row.work_group.empty()) row.work_group = kDefaultWorkGroup;
    row.statement_type = execution.OptionalString("StatementType");
    row.query = execution.OptionalString("Query");
    row.state = StateOf(execution, "Status.State");
    row.submitted = execution.Timestamp("Status.SubmissionDateTime");
    if (execution.Find("Status.CompletionDateTime") != nullptr) {
      row.completed = execution.Timestamp("Status.CompletionDateTime");
    }
    // A queued query has no Statistics yet: nothing scanned.
    row.data_scanned_bytes = execution.OptionalCount("Statistics.DataScannedInBytes");
    row.engine_execution_millis = execution.OptionalCount("Statistics.EngineExecutionTimeInMillis");
  }
  return out;
}

}  // namespace costledger::sources
