#include "costledger/sources/quota_json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::sources {
namespace {

constexpr std::string_view kAlphaWeekly =
    R"({"name": "alpha-weekly", "scope": {"team": "alpha"}, "period": "week",
        "limit": {"dollars": 1000}, "action": "deny", "thresholds": [0.5, 0.8, 1.0]})";

/// The InvalidInput message of decoding and validating `json` ("" when accepted).
std::string Rejection(std::string_view json) {
  try {
    model::ValidateQuota(ParseQuotaSpec(json));
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

TEST(QuotaJsonTest, DecodesTheContractsExample) {
  const model::Quota q = model::ValidateQuota(ParseQuotaSpec(kAlphaWeekly));
  EXPECT_EQ(q.name, "alpha-weekly");
  EXPECT_EQ(q.scope.team, "alpha");
  EXPECT_EQ(q.period, model::QuotaPeriod::kWeek);
  EXPECT_EQ(q.limit.unit, model::QuotaUnit::kDollars);
  EXPECT_EQ(q.limit.amount, 1000'000'000'000);
  EXPECT_EQ(q.action, model::QuotaAction::kDeny);
  EXPECT_EQ(q.thresholds_ppm, (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
}

TEST(QuotaJsonTest, KeepsLimitDecimalsExact) {
  const model::Quota q = model::ValidateQuota(
      ParseQuotaSpec(R"({"name":"a","scope":{},"period":"day","limit":{"dollars":0.1}})"));
  EXPECT_EQ(q.limit.amount, 100'000'000);
  const model::Quota s = model::ValidateQuota(ParseQuotaSpec(
      R"({"name":"a","scope":{},"period":"day","limit":{"dollars":"123456789.123456789"}})"));
  EXPECT_EQ(s.limit.amount, 123'456'789'123'456'789);
}

TEST(QuotaJsonTest, ErrorsNameTheFieldAndTheAllowedValues) {
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"fortnight","limit":{"dollars":1}})"),
            "period: 'fortnight' is not one of day, week, month");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{"team":7},"period":"day","limit":{"dollars":1}})"),
            "scope.team: expected a string, got a number");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{"tean":"x"},"period":"day","limit":{"dollars":1}})"),
            "scope.tean: unknown key; allowed: cluster, namespace, team, labels, workgroup");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"day","limit":{"euros":1}})"),
            "limit.euros: unknown key; allowed: dollars, gpu_hours, cpu_hours, bytes_scanned");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"day","limit":{"dollars":true}})"),
            "limit.dollars: expected a number, got a boolean");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"day","limit":{"dollars":1},)"
                      R"("thresholds":[0.5,"x"]})"),
            "thresholds[1]: expected a number, got a string");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"day","limit":{"dollars":1},"x":1})"),
            "x: unknown key; allowed: name, scope, period, limit, action, thresholds, forecast, "
            "contact");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{"labels":{"app":1}},"period":"day",)"
                      R"("limit":{"dollars":1}})"),
            "scope.labels.app: expected a string, got a number");
  EXPECT_EQ(Rejection(R"({"name":"a","scope":{},"period":"day","limit":{"dollars":1},)"
                      R"("forecast":"yes"})"),
            "forecast: expected true or false, got a string");
  EXPECT_EQ(Rejection("[1]"), "quota: expected an object, got an array");
  EXPECT_NE(Rejection("{").find("malformed JSON"), std::string::npos);
}

TEST(QuotaJsonTest, CanonicalJsonRoundTripsEveryUnitAndField) {
  for (const std::string_view text : {
           R"({"name":"a","scope":{"cluster":"c","namespace":"ml","team":"t",)"
           R"("labels":{"app":"train","gpu":"a100"}},"period":"month","limit":{"gpu_hours":12.34},)"
           R"("action":"deny","thresholds":[0.333333,1,2.5],"forecast":true,"contact":"x \"y\""})",
           R"({"name":"b","scope":{"workgroup":"w"},"period":"day","limit":{"bytes_scanned":)"
           R"(1000000000000000000},"thresholds":[]})",
           R"({"name":"c","scope":{},"period":"week","limit":{"cpu_hours":0.0001}})",
           R"({"name":"d","scope":{},"period":"week","limit":{"dollars":"999999999.999999999"}})",
       }) {
    const model::Quota q = model::ValidateQuota(ParseQuotaSpec(text));
    const std::string canonical = QuotaToJson(q);
    EXPECT_EQ(model::ValidateQuota(ParseQuotaSpec(canonical)), q) << canonical;
  }
  EXPECT_EQ(QuotaToJson(model::ValidateQuota(ParseQuotaSpec(kAlphaWeekly))),
            R"({"name":"alpha-weekly","scope":{"team":"alpha"},"period":"week",)"
            R"("limit":{"dollars":1000},"action":"deny","thresholds":[0.5,0.8,1],)"
            R"("forecast":false,"contact":""})");
}

TEST(QuotaJsonTest, FileIsAnObjectWithQuotasOrAList) {
  const std::string one = std::string(kAlphaWeekly);
  EXPECT_EQ(ParseQuotaFile("{\"quotas\": [" + one + "]}").size(), 1U);
  EXPECT_EQ(ParseQuotaFile("[" + one + "]").size(), 1U);
  EXPECT_TRUE(ParseQuotaFile("[]").empty());
}

TEST(QuotaJsonTest, FileErrorsNameTheElementAndNothingIsReturned) {
  const auto message = [](std::string_view text) -> std::string {
    try {
      ParseQuotaFile(text);
    } catch (const InvalidInput& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(message(R"({"quotas":[{"name":"a","scope":{},"period":"day","limit":{"dollars":1}},)"
                    R"({"name":"b","scope":{},"period":"year","limit":{"dollars":1}}]})"),
            "quotas[1] (b): period: 'year' is not one of day, week, month");
  EXPECT_EQ(message(R"([{"name":"a","scope":{},"period":"day","limit":{"dollars":1}},)"
                    R"({"name":"a","scope":{},"period":"week","limit":{"dollars":1}}])"),
            "quotas[1] (a): name: 'a' is given twice; quota names are unique");
  EXPECT_NE(message(R"({"quota":[]})").find("expected {\"quotas\": [...]}"), std::string::npos);
  EXPECT_EQ(message(R"({"quotas":3})"), "quotas: expected a list of quotas, got a number");
}

}  // namespace
}  // namespace costledger::sources
