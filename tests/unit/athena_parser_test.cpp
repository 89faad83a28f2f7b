#include "costledger/sources/athena_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"
#include "test_data.hpp"

namespace costledger::sources {
namespace {

using costledger::testing::ErrorOf;
using model::QueryState;
using std::chrono::seconds;
using ::testing::HasSubstr;

std::string AthenaError(std::string_view json) {
  return ErrorOf<InvalidInput>([&] { ParseAthenaQueryExecutions(json); });
}

// 2024-05-01T12:00:00Z
constexpr std::chrono::sys_seconds kNoon{seconds(1714564800)};

// One execution with the given members of Status and Statistics, and optional extra members.
std::string OneExecution(std::string_view status, std::string_view statistics = "",
                         std::string_view extra = R"("WorkGroup":"analytics")") {
  std::string json =
      R"({"QueryExecutions":[{"QueryExecutionId":"q-1","Status":{)" + std::string(status) + "}";
  if (!statistics.empty()) json += R"(,"Statistics":{)" + std::string(statistics) + "}";
  if (!extra.empty()) json += "," + std::string(extra);
  return json + R"(}],"UnprocessedQueryExecutionIds":[]})";
}

TEST(AthenaParserTest, RecordedCliExecutions) {
  const auto executions =
      ParseAthenaQueryExecutions(costledger::testing::ReadTestData("athena/query_executions.json"));
  ASSERT_EQ(executions.size(), 8u);

  const model::AthenaQueryExecution& succeeded = executions[0];
  EXPECT_EQ(succeeded.query_execution_id, "3f1c9a2e-7b4d-4e8a-9c61-0d2f5e8b7a14");
  EXPECT_EQ(succeeded.work_group, "analytics");
  EXPECT_EQ(succeeded.statement_type, "DML");
  EXPECT_THAT(succeeded.query, HasSubstr("FROM sales.orders"));
  EXPECT_EQ(succeeded.state, QueryState::kSucceeded);
  EXPECT_EQ(succeeded.submitted, kNoon);               // .123 truncated
  EXPECT_EQ(succeeded.completed, kNoon + seconds(4));  // .856 truncated
  EXPECT_EQ(succeeded.data_scanned_bytes, 1'289'748'480);
  EXPECT_EQ(succeeded.engine_execution_millis, 4311);
  EXPECT_FALSE(succeeded.IsDdl());

  const model::AthenaQueryExecution& failed = executions[1];
  EXPECT_EQ(failed.state, QueryState::kFailed);
  EXPECT_EQ(failed.data_scanned_bytes, 0);
  EXPECT_EQ(failed.submitted, kNoon + seconds(61));

  const model::AthenaQueryExecution& cancelled = executions[2];
  EXPECT_EQ(cancelled.state, QueryState::kCancelled);
  EXPECT_EQ(cancelled.work_group, "ml-features");
  EXPECT_EQ(cancelled.data_scanned_bytes, 73'014'444'032);
  EXPECT_EQ(cancelled.engine_execution_millis, 311'204);

  const model::AthenaQueryExecution& running = executions[3];
  EXPECT_EQ(running.state, QueryState::kRunning);
  EXPECT_FALSE(running.completed.has_value());
  EXPECT_EQ(running.data_scanned_bytes, 5'368'709'120);

  const model::AthenaQueryExecution& ddl = executions[4];
  EXPECT_EQ(ddl.state, QueryState::kSucceeded);
  EXPECT_EQ(ddl.work_group, "reporting");
  EXPECT_TRUE(ddl.IsDdl());
  EXPECT_EQ(ddl.data_scanned_bytes, 0);

  EXPECT_EQ(executions[5].statement_type, "UTILITY");
  EXPECT_EQ(executions[5].work_group, "primary");
  EXPECT_FALSE(executions[5].IsDdl());

  EXPECT_EQ(executions[6].data_scanned_bytes, 524'288);

  const model::AthenaQueryExecution& queued = executions[7];
  EXPECT_EQ(queued.state, QueryState::kQueued);
  EXPECT_FALSE(queued.completed.has_value());
  EXPECT_EQ(queued.data_scanned_bytes, 0);  // no Statistics yet
  EXPECT_EQ(queued.engine_execution_millis, 0);
}

TEST(AthenaParserTest, RawApiEpochSecondsMatchCliIsoStrings) {
  const auto cli =
      ParseAthenaQueryExecutions(costledger::testing::ReadTestData("athena/query_executions.json"));
  const auto raw = ParseAthenaQueryExecutions(
      costledger::testing::ReadTestData("athena/query_executions_raw.json"));
  ASSERT_EQ(raw.size(), cli.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    SCOPED_TRACE(raw[i].query_execution_id);
    EXPECT_EQ(raw[i].query_execution_id, cli[i].query_execution_id);
    EXPECT_EQ(raw[i].work_group, cli[i].work_group);
    EXPECT_EQ(raw[i].state, cli[i].state);
    EXPECT_EQ(raw[i].submitted, cli[i].submitted);
    EXPECT_EQ(raw[i].completed, cli[i].completed);
    EXPECT_EQ(raw[i].data_scanned_bytes, cli[i].data_scanned_bytes);
    EXPECT_EQ(raw[i].engine_execution_millis, cli[i].engine_execution_millis);
  }
}

TEST(AthenaParserTest, FractionalEpochSecondsAreTruncated) {
  const auto executions = ParseAthenaQueryExecutions(
      OneExecution(R"("State":"SUCCEEDED","SubmissionDateTime":1714564800.999,)"
                   R"("CompletionDateTime":1714564801)"));
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].submitted, kNoon);
  EXPECT_EQ(executions[0].completed, kNoon + seconds(1));
}

TEST(AthenaParserTest, MapsEveryState) {
  const std::pair<const char*, QueryState> cases[] = {
      {"QUEUED", QueryState::kQueued},       {"RUNNING", QueryState::kRunning},
      {"SUCCEEDED", QueryState::kSucceeded}, {"FAILED", QueryState::kFailed},
      {"CANCELLED", QueryState::kCancelled},
  };
  for (const auto& [text, state] : cases) {
    const auto executions = ParseAthenaQueryExecutions(OneExecution(
        R"("State":")" + std::string(text) + R"(","SubmissionDateTime":"2024-05-01T12:00:00Z")"));
    ASSERT_EQ(executions.size(), 1u);
    EXPECT_EQ(executions[0].state, state) << text;
  }
}

TEST(AthenaParserTest, UnknownStateThrows) {
  EXPECT_THAT(AthenaError(OneExecution(R"("State":"TIMED_OUT","SubmissionDateTime":1714564800)")),
              HasSubstr("QueryExecutions[0].Status.State: unknown state 'TIMED_OUT'"));
}

TEST(AthenaParserTest, MissingStatisticsMeansNothingScanned) {
  const auto executions = ParseAthenaQueryExecutions(
      OneExecution(R"("State":"QUEUED","SubmissionDateTime":1714564800)"));
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].data_scanned_bytes, 0);
  EXPECT_EQ(executions[0].engine_execution_millis, 0);
  EXPECT_TRUE(executions[0].statement_type.empty());
  EXPECT_TRUE(executions[0].query.empty());
}

TEST(AthenaParserTest, MissingWorkGroupIsTheDefaultWorkGroup) {
  const auto executions = ParseAthenaQueryExecutions(
      OneExecution(R"("State":"SUCCEEDED","SubmissionDateTime":1714564800)", "", ""));
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0].work_group, "primary");
}

TEST(AthenaParserTest, MissingRequiredFieldsNameIndexAndField) {
  EXPECT_THAT(AthenaError(R"({"QueryExecutions":[{"Status":{"State":"RUNNING",)"
                          R"("SubmissionDateTime":1714564800}}]})"),
              HasSubstr("QueryExecutions[0].QueryExecutionId"));
  EXPECT_THAT(AthenaError(OneExecution(R"("SubmissionDateTime":1714564800)")),
              HasSubstr("QueryExecutions[0].Status.State: missing"));
  EXPECT_THAT(AthenaError(OneExecution(R"("State":"RUNNING")")),
              HasSubstr("QueryExecutions[0].Status.SubmissionDateTime: missing"));
  EXPECT_THAT(
      AthenaError(R"({"QueryExecutions":[{"QueryExecutionId":"q-0","Status":{)"
                  R"("State":"RUNNING","SubmissionDateTime":1}},{"QueryExecutionId":"q-1"}]})"),
      HasSubstr("QueryExecutions[1].Status.State: missing"));
}

TEST(AthenaParserTest, InvalidStatisticsAreErrors) {
  EXPECT_THAT(AthenaError(OneExecution(R"("State":"SUCCEEDED","SubmissionDateTime":1)",
                                       R"("DataScannedInBytes":-5)")),
              HasSubstr("QueryExecutions[0].Statistics.DataScannedInBytes: negative"));
  EXPECT_THAT(AthenaError(OneExecution(R"("State":"SUCCEEDED","SubmissionDateTime":1)",
                                       R"("EngineExecutionTimeInMillis":"12")")),
              HasSubstr("Statistics.EngineExecutionTimeInMillis: expected a whole number"));
}

TEST(AthenaParserTest, InvalidTimestampsAreErrors) {
  EXPECT_THAT(AthenaError(OneExecution(R"("State":"SUCCEEDED","SubmissionDateTime":"soon")")),
              HasSubstr("QueryExecutions[0].Status.SubmissionDateTime"));
  EXPECT_THAT(AthenaError(OneExecution(
                  R"("State":"SUCCEEDED","SubmissionDateTime":1,"CompletionDateTime":[1])")),
              HasSubstr("Status.CompletionDateTime: expected an ISO 8601 string or epoch seconds"));
}

TEST(AthenaParserTest, EmptyListGivesNoExecutions) {
  EXPECT_TRUE(
      ParseAthenaQueryExecutions(R"({"QueryExecutions":[],"UnprocessedQueryExecutionIds":[]})")
          .empty());
}

TEST(AthenaParserTest, MalformedDocumentsAreErrors) {
  EXPECT_THAT(AthenaError(R"({"QueryExecutions":[)"), HasSubstr("malformed JSON at byte"));
  EXPECT_THAT(AthenaError(R"({"UnprocessedQueryExecutionIds":[]})"),
              HasSubstr("missing QueryExecutions array"));
  EXPECT_THAT(AthenaError(R"("QueryExecutions")"), HasSubstr("top level is not an object"));
  EXPECT_THAT(AthenaError(R"({"QueryExecutions":["q-1"]})"),
              HasSubstr("QueryExecutions[0]: expected an object"));
}

}  // namespace
}  // namespace costledger::sources
