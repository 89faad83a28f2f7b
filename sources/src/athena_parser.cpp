#include "costledger/sources/athena_parser.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/timestamp.hpp"

namespace costledger::sources {
namespace {

using Json = nlohmann::json;

// Athena's default workgroup, where queries ran when the response does not name one.
constexpr std::string_view kDefaultWorkGroup = "primary";

class ExecutionReader {
 public:
  ExecutionReader(const Json& execution, std::size_t index)
      : execution_(execution), index_(index) {}

  [[noreturn]] void Fail(std::string_view field, std::string_view what) const {
    throw InvalidInput(fmt::format("QueryExecutions[{}].{}: {}", index_, field, what));
  }

  // `path` is one or two keys separated by '.', e.g. "Status.State"; nullptr when absent.
  [[nodiscard]] const Json* Find(std::string_view path) const {
    const Json* node = &execution_;
    while (!path.empty()) {
      const std::size_t dot = path.find('.');
      const std::string_view key = path.substr(0, dot);
      if (!node->is_object()) return nullptr;
      const auto it = node->find(key);
      if (it == node->end() || it->is_null()) return nullptr;
      node = &*it;
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    return node;
  }

  [[nodiscard]] const Json& Required(std::string_view path) const {
    const Json* value = Find(path);
    if (value == nullptr) Fail(path, "missing");
    return *value;
  }

  [[nodiscard]] std::string OptionalString(std::string_view path) const {
    const Json* value = Find(path);
    if (value == nullptr) return {};
    if (!value->is_string()) Fail(path, "expected a string");
    return value->get<std::string>();
  }

  [[nodiscard]] std::string RequiredString(std::string_view path) const {
    const Json& value = Required(path);
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
      Fail(path, "expected a non-empty string");
    }
    return value.get<std::string>();
  }

  [[nodiscard]] std::int64_t OptionalCount(std::string_view path) const {
    const Json* value = Find(path);
    if (value == nullptr) return 0;
    if (value->is_number_unsigned()) {
      const auto count = value->get<std::uint64_t>();
      if (count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        Fail(path, "out of range");
      return static_cast<std::int64_t>(count);
    }
    if (value->is_number_integer()) Fail(path, "negative");
    Fail(path, "expected a whole number");
  }

  // ISO 8601 from the CLI; epoch seconds, possibly fractional, from the raw API (truncated).
  [[nodiscard]] std::chrono::sys_seconds Timestamp(std::string_view path) const {
    const Json& value = Required(path);
    if (value.is_string()) {
      try {
        return model::ParseTimestamp(value.get_ref<const std::string&>());
      } catch (const InvalidInput& e) {
        Fail(path, e.what());
      }
    }
    if (!value.is_number()) Fail(path, "expected an ISO 8601 string or epoch seconds");
    if (value.is_number_integer() && !value.is_number_unsigned()) {
      return std::chrono::sys_seconds(std::chrono::seconds(value.get<std::int64_t>()));
    }
    const double seconds = std::floor(value.get<double>());
    // Beyond about 31 million years: not a timestamp, and not representable as sys_seconds.
    if (!std::isfinite(seconds) || std::abs(seconds) > 1e15) Fail(path, "out of range");
    return std::chrono::sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
  }

  [[nodiscard]] model::QueryState State(std::string_view path) const {
    const std::string state = RequiredString(path);
    if (state == "QUEUED") return model::QueryState::kQueued;
    if (state == "RUNNING") return model::QueryState::kRunning;
    if (state == "SUCCEEDED") return model::QueryState::kSucceeded;
    if (state == "FAILED") return model::QueryState::kFailed;
    if (state == "CANCELLED") return model::QueryState::kCancelled;
    Fail(path, fmt::format("unknown state '{}'", state));
  }

 private:
  const Json& execution_;
  std::size_t index_;
};

}  // namespace

std::vector<model::AthenaQueryExecution> ParseAthenaQueryExecutions(std::string_view json) {
  Json doc;
  try {
    doc = Json::parse(json);
  } catch (const Json::parse_error& e) {
    throw InvalidInput(
        fmt::format("Athena query executions: malformed JSON at byte {}: {}", e.byte, e.what()));
  }
  if (!doc.is_object()) throw InvalidInput("Athena query executions: top level is not an object");
  const auto executions = doc.find("QueryExecutions");
  if (executions == doc.end() || !executions->is_array()) {
    throw InvalidInput("Athena query executions: missing QueryExecutions array");
  }
  std::vector<model::AthenaQueryExecution> out;
  out.reserve(executions->size());
  for (std::size_t i = 0; i < executions->size(); ++i) {
    const Json& execution = (*executions)[i];
    if (!execution.is_object()) {
      throw InvalidInput(fmt::format("QueryExecutions[{}]: expected an object", i));
    }
    const ExecutionReader reader(execution, i);
    model::AthenaQueryExecution& row = out.emplace_back();
    row.query_execution_id = reader.RequiredString("QueryExecutionId");
    row.work_group = reader.OptionalString("WorkGroup");
    if (row.work_group.empty()) row.work_group = kDefaultWorkGroup;
    row.statement_type = reader.OptionalString("StatementType");
    row.query = reader.OptionalString("Query");
    row.state = reader.State("Status.State");
    row.submitted = reader.Timestamp("Status.SubmissionDateTime");
    if (reader.Find("Status.CompletionDateTime") != nullptr) {
      row.completed = reader.Timestamp("Status.CompletionDateTime");
    }
    // A queued query has no Statistics yet: nothing scanned.
    row.data_scanned_bytes = reader.OptionalCount("Statistics.DataScannedInBytes");
    row.engine_execution_millis = reader.OptionalCount("Statistics.EngineExecutionTimeInMillis");
  }
  return out;
}

}  // namespace costledger::sources
