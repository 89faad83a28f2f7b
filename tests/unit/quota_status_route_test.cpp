#include "costledger/api/quota_status_route.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/cost_metrics.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "listed_quotas.hpp"
#include "no_cost_reads.hpp"

namespace costledger::api {
namespace {

using std::chrono::sys_seconds;
using ::testing::HasSubstr;

const sys_seconds kDay{std::chrono::days{20'422}};  // 2025-11-30

// Athena queries of the quota's workgroup, submitted on kDay.
class Queries final : public ports::QueryReader {
 public:
  std::vector<model::QueryCostRow> ReadQueries(sys_seconds start, sys_seconds end) override {
    EXPECT_EQ(start, kDay);
    EXPECT_EQ(end, kDay + std::chrono::hours{50});
    model::QueryCostRow q;
    q.query_execution_id = "q1";
    q.work_group = "analytics";
    q.state = "SUCCEEDED";
    q.statement_type = "DML";
    q.submitted = kDay + std::chrono::hours{1};
    q.cost = model::Money::FromNanos(2'500'000'000);
    return {q, q};  // seen twice, counted once
  }
};

model::Quota AlphaQuota() {
  model::Quota q;
  q.name = "alpha-weekly";
  q.scope.workgroup = "analytics";  // query spend only: the route reads no container rows
  q.period = model::QuotaPeriod::kWeek;
  q.limit = {model::QuotaUnit::kDollars, 1000LL * 1'000'000'000};
  return q;
}

class QuotaStatusRouteTest : public ::testing::Test {
 protected:
  QuotaStatusRouteTest() { store_.quotas = {AlphaQuota()}; }
  http::HttpResponse Get(const std::string& target, const quotas::QuotaBoard* b) {
    CostApi api(CostReaders{.allocations = reads_,
                            .assets = reads_,
                            .queries = queries_,
                            .health = reads_,
                            .quotas = &store_,
                            .quota_board = b},
                nullptr, {}, [] { return kDay; });
    return api.Handle(testing::ApiRequest(target, nullptr));
  }
  void Publish() {
    auto s = std::make_shared<quotas::QuotaSnapshot>();
    s->quotas = {AlphaQuota()};
    model::QuotaStatus status;
    status.unit = model::QuotaUnit::kDollars;
    status.period = {kDay, kDay + std::chrono::days{7}};
    status.spent = 812'400'000'000;
    status.limit = 1000LL * 1'000'000'000;
    status.remaining = status.limit - status.spent;
    status.ratio = 0.8124;
    status.forecast = 1'500'000'000'000;
    s->statuses = {status};
    s->evaluated_at = kDay + std::chrono::hours{50};
    s->counted_through = kDay + std::chrono::hours{50};
    board_.Publish(s);
  }

  testing::NoCostReads reads_;
  Queries queries_;
  costledger::testing::ListedQuotas store_;
  quotas::QuotaBoard board_;
};

TEST_F(QuotaStatusRouteTest, AnswersFromTheBoardInContractUnitsAndExactBaseUnits) {
  Publish();
  const http::HttpResponse r = Get("/v1/quotas/alpha-weekly/status", &board_);
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json d = nlohmann::json::parse(r.body)["data"];
  EXPECT_DOUBLE_EQ(d["spent"].get<double>(), 812.4);
  EXPECT_DOUBLE_EQ(d["limit"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(d["remaining"].get<double>(), 187.6);
  EXPECT_DOUBLE_EQ(d["forecast"].get<double>(), 1500.0);
  EXPECT_EQ(d["spentBase"].get<std::int64_t>(), 812'400'000'000);
  EXPECT_EQ(d["baseUnit"], "nano-dollars");
  EXPECT_EQ(d["since"], "2025-11-30T00:00:00Z");
  EXPECT_EQ(d["action"], "alert");
  EXPECT_EQ(d["period"], "week");
  EXPECT_TRUE(d["topSpenders"]["namespaces"].empty());
  ASSERT_EQ(d["topSpenders"]["workgroups"].size(), 1U);
  EXPECT_EQ(d["topSpenders"]["workgroups"][0]["name"], "analytics");
  EXPECT_EQ(d["topSpenders"]["workgroups"][0]["spentBase"].get<std::int64_t>(), 2'500'000'000);
}

TEST_F(QuotaStatusRouteTest, UnknownQuotaIs404AndNoEvaluationYetIs503SayingWhy) {
  EXPECT_EQ(Get("/v1/quotas/nope/status", &board_).status, 404);
  const http::HttpResponse before = Get("/v1/quotas/alpha-weekly/status", &board_);
  EXPECT_EQ(before.status, 503);
  EXPECT_THAT(before.body, HasSubstr("has not finished its first evaluation"));
  const http::HttpResponse none = Get("/v1/quotas/alpha-weekly/status", nullptr);
  EXPECT_EQ(none.status, 503);
  EXPECT_THAT(none.body, HasSubstr("does not run in this process"));
  EXPECT_EQ(CostApi::RouteOf("/v1/quotas/alpha-weekly/status"), "/v1/quotas/{name}/status");
  EXPECT_EQ(Get("/v1/quotas/alpha-weekly/status", &board_).status, 503);
}

TEST(QuotaGaugesTest, SpentLimitAndRatioByQuotaAndUnit) {
  CostMetrics metrics;
  const model::Quota q = AlphaQuota();
  model::QuotaStatus s;
  s.unit = model::QuotaUnit::kDollars;
  s.spent = 250'000'000'000;
  s.limit = 1000LL * 1'000'000'000;
  s.ratio = 0.25;
  const std::vector<model::QuotaWithStatus> one{{&q, s}};
  metrics.ObserveQuotas(one);
  const std::string text = metrics.Serialize();
  EXPECT_THAT(text,
              HasSubstr(R"(costledger_quota_spent{quota="alpha-weekly",unit="dollars"} 250)"));
  EXPECT_THAT(text,
              HasSubstr(R"(costledger_quota_limit{quota="alpha-weekly",unit="dollars"} 1000)"));
  EXPECT_THAT(
      text, HasSubstr(R"(costledger_quota_usage_ratio{quota="alpha-weekly",unit="dollars"} 0.25)"));
  metrics.ObserveQuotas({});  // the quota was deleted
  EXPECT_THAT(metrics.Serialize(), ::testing::Not(HasSubstr(R"(quota="alpha-weekly")")));
}

}  // namespace
}  // namespace costledger::api
