#include "costledger/api/enforcement_routes.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "admission_fixtures.hpp"
#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "no_cost_reads.hpp"

namespace costledger::api {
namespace {

using costledger::testing::AdmissionReviewBody;
using costledger::testing::ApiRequest;
using costledger::testing::ExpectJsonError;
using costledger::testing::ReviewPod;
using costledger::testing::Snapshot;
using costledger::testing::TeamQuota;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kAdmission = "admission-token-0123456789";
constexpr const char* kViewer = "viewer-token-0123456789";
constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kBetaViewer = "beta-viewer-token-0123456789";

// Wednesday 12:00 of the snapshot's week.
const std::chrono::sys_seconds kNow = costledger::testing::WeekStart() + std::chrono::hours{60};

class EnforcementRoutesTest : public ::testing::Test {
 protected:
  EnforcementRoutesTest() {
    settings_.board = &board_;
    settings_.cluster = "prod-eu";
    tokens_ = TokenRegistry::Parse(fmt::format(
        R"([{{"name": "apiserver", "sha256": "{}", "role": "admission", "teams": ["*"]}},
            {{"name": "viewer", "sha256": "{}", "role": "viewer", "teams": ["*"]}},
            {{"name": "admin", "sha256": "{}", "role": "admin", "teams": ["*"]}},
            {{"name": "beta", "sha256": "{}", "role": "viewer", "teams": ["beta"]}}])",
        Sha256Hex(kAdmission), Sha256Hex(kViewer), Sha256Hex(kAdmin), Sha256Hex(kBetaViewer)));
  }

  // alpha-weekly (deny, $1000) spent $1034.20; beta-alert (alert, $10) spent $50.
  void PublishOverLimit(std::chrono::sys_seconds at = kNow) {
    board_.Publish(Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000"),
                             TeamQuota("beta-alert", "beta", "alert", "10")},
                            {1'034'200'000'000, 50'000'000'000}, at));
  }

  http::HttpResponse Post(std::string_view path, const std::string& body,
                          const char* token = kAdmission, std::chrono::sys_seconds now = kNow) {
    http::HttpRequest r = ApiRequest(std::string(path), token, "POST");
    r.body = body;
    return AnswerEnforcement(settings_, &tokens_, r, now);
  }

  json Review(const ReviewPod& pod, std::chrono::sys_seconds now = kNow) {
    const http::HttpResponse r = Post(kAdmissionPath, AdmissionReviewBody(pod), kAdmission, now);
    EXPECT_EQ(r.status, 200) << r.body;
    const json j = json::parse(r.body);
    EXPECT_EQ(j["apiVersion"], "admission.k8s.io/v1");
    EXPECT_EQ(j["kind"], "AdmissionReview");
    EXPECT_EQ(j["response"]["uid"], pod.uid);
    return j["response"];
  }

  quotas::QuotaBoard board_;
  EnforcementSettings settings_;
  TokenRegistry tokens_ = TokenRegistry::Parse("[]");
};

TEST_F(EnforcementRoutesTest, PodOfATeamOverItsDenyQuotaIsDeniedWithAMessage) {
  PublishOverLimit();
  ReviewPod pod;
  pod.owner_kind = "Job";
  const json response = Review(pod);
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 403);
  EXPECT_EQ(response["status"]["reason"], "Forbidden");
  const std::string message = response["status"]["message"];
  EXPECT_THAT(message, StartsWith("exceeded quota: alpha-weekly, spent: $1,034.20, limit: "
                                  "$1,000.00 per week since Mon 2026-11-30 00:00 UTC"));
  // 1 core + 2 GiB of an m5.xlarge, averaged over 3 on-demand nodes and 1 spot node.
  EXPECT_THAT(message, HasSubstr("this pod would add about $0."));
  EXPECT_THAT(message, HasSubstr("/hour at current prices; ask #ml-platform to raise it"));
  EXPECT_FALSE(response.contains("warnings"));
}

TEST_F(EnforcementRoutesTest, BarePodIsJudgedAlike) {
  PublishOverLimit();
  ReviewPod pod;
  pod.name = "notebook-ada";
  EXPECT_EQ(Review(pod)["allowed"], false);
}

TEST_F(EnforcementRoutesTest, SpotPodIsPricedAtSpot) {
  PublishOverLimit();
  ReviewPod pod;
  pod.cpu = "4";
  pod.memory = "16Gi";
  pod.node_selector_capacity_type = "spot";
  EXPECT_THAT(std::string(Review(pod)["status"]["message"]),
              HasSubstr("this pod would add about $0.07/hour"));
}

TEST_F(EnforcementRoutesTest, OtherTeamsAndTeamlessPodsAreAllowed) {
  PublishOverLimit();
  ReviewPod beta;
  beta.team = "beta";  // over its quota too, but that one only alerts
  EXPECT_EQ(Review(beta)["allowed"], true);
  ReviewPod none;
  none.team = "";
  const json response = Review(none);
  EXPECT_EQ(response["allowed"], true);
  EXPECT_FALSE(response.contains("status"));
}

TEST_F(EnforcementRoutesTest, UnderTheLimitIsAllowed) {
  board_.Publish(
      Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {999'000'000'000}, kNow));
  EXPECT_EQ(Review(ReviewPod{})["allowed"], true);
}

TEST_F(EnforcementRoutesTest, OnlyPodCreateIsJudged) {
  PublishOverLimit();
  ReviewPod update;
  update.operation = "UPDATE";
  EXPECT_EQ(Review(update)["allowed"], true);
  ReviewPod deployment;
  deployment.kind = "Deployment";
  EXPECT_EQ(Review(deployment)["allowed"], true);
}

TEST_F(EnforcementRoutesTest, DryRunIsJudgedAlike) {
  PublishOverLimit();
  ReviewPod pod;
  pod.dry_run = true;
  EXPECT_EQ(Review(pod)["allowed"], false);
}

TEST_F(EnforcementRoutesTest, StaleStateFailsOpenWithAWarning) {
  PublishOverLimit(kNow - std::chrono::minutes{11});
  const json response = Review(ReviewPod{});
  EXPECT_EQ(response["allowed"], true);
  ASSERT_EQ(response["warnings"].size(), 1U);
  EXPECT_THAT(std::string(response["warnings"][0]),
              AllOf(StartsWith("costledger: quota state is stale: the last quota evaluation ran "
                               "at 2026-12-02T11:49:00Z (660 s ago) (stale after 600 s)"),
                    HasSubstr("failure policy fail-open: allowed without a quota check")));
}

TEST_F(EnforcementRoutesTest, StaleStateFailsClosedForScopesOfDenyQuotas) {
  settings_.failure_policy = FailurePolicy::kFailClosed;
  PublishOverLimit(kNow - std::chrono::minutes{11});
  const json denied = Review(ReviewPod{});
  EXPECT_EQ(denied["allowed"], false);
  EXPECT_EQ(denied["status"]["code"], 403);
  EXPECT_THAT(std::string(denied["status"]["message"]), HasSubstr("fail-closed"));
  EXPECT_THAT(std::string(denied["warnings"][0]), HasSubstr("denied because quotas cannot be"));
  ReviewPod beta;
  beta.team = "beta";  // no deny quota covers it
  EXPECT_EQ(Review(beta)["allowed"], true);
}

TEST_F(EnforcementRoutesTest, CollectorLagIsStaleToo) {
  auto s = std::make_shared<quotas::QuotaSnapshot>(
      *Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {0}, kNow));
  s->counted_through = kNow - std::chrono::hours{1};
  board_.Publish(s);
  EXPECT_THAT(std::string(Review(ReviewPod{})["warnings"][0]),
              HasSubstr("the last collector interval counted ended at"));
}

TEST_F(EnforcementRoutesTest, BeforeAnyEvaluationFailClosedDeniesEveryPod) {
  settings_.failure_policy = FailurePolicy::kFailClosed;
  ReviewPod teamless;
  teamless.team = "";
  const json response = Review(teamless);
  EXPECT_EQ(response["allowed"], false);
  EXPECT_THAT(std::string(response["warnings"][0]), HasSubstr("no quota evaluation has run yet"));
  settings_.failure_policy = FailurePolicy::kFailOpen;
  EXPECT_EQ(Review(teamless)["allowed"], true);
}

TEST_F(EnforcementRoutesTest, MalformedReviewGets400InAdmissionReviewForm) {
  PublishOverLimit();
  json review = costledger::testing::AdmissionReviewJson(ReviewPod{});
  review["request"].erase("operation");
  const http::HttpResponse r = Post(kAdmissionPath, review.dump());
  ExpectJsonError(r, 400, "request.operation: missing");
  const json j = json::parse(r.body);
  EXPECT_EQ(j["kind"], "AdmissionReview");
  EXPECT_EQ(j["response"]["uid"], ReviewPod{}.uid);
  EXPECT_EQ(j["response"]["allowed"], false);
  EXPECT_EQ(j["response"]["status"]["code"], 400);
  EXPECT_EQ(j["response"]["status"]["message"], "request.operation: missing");
  ExpectJsonError(Post(kAdmissionPath, "not json"), 400, "malformed JSON");
}

TEST_F(EnforcementRoutesTest, AdmissionNeedsAdmissionOrAdmin) {
  PublishOverLimit();
  const std::string body = AdmissionReviewBody(ReviewPod{});
  EXPECT_EQ(Post(kAdmissionPath, body, kAdmin).status, 200);
  ExpectJsonError(Post(kAdmissionPath, body, kViewer), 403, "needs role admission or admin");
  ExpectJsonError(Post(kAdmissionPath, body, nullptr), 401, "client certificate is required");
  ExpectJsonError(Post(kAdmissionPath, body, "wrong"), 401, "not valid");
  http::HttpRequest with_cert = ApiRequest(std::string(kAdmissionPath), nullptr, "POST");
  with_cert.body = body;
  with_cert.client_certificate = "/CN=kube-apiserver";
  EXPECT_EQ(AnswerEnforcement(settings_, &tokens_, with_cert, kNow).status, 200);
  settings_.client_certificate_is_admission = false;
  EXPECT_EQ(AnswerEnforcement(settings_, &tokens_, with_cert, kNow).status, 401);
}

TEST_F(EnforcementRoutesTest, OnlyPostAndOnlyWithABoard) {
  http::HttpRequest get = ApiRequest(std::string(kAdmissionPath), kAdmission);
  ExpectJsonError(AnswerEnforcement(settings_, &tokens_, get, kNow), 405, "POST only");
  settings_.board = nullptr;
  ExpectJsonError(Post(kQuotaCheckPath, "{}", kViewer), 404, "quotas are not enabled");
}

TEST_F(EnforcementRoutesTest, CheckDeniesAJobThatWouldTakeADenyQuotaOver) {
  board_.Publish(
      Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {999'000'000'000}, kNow));
  // A whole on-demand m5.xlarge for 10 hours: $1.92, more than the $1 left.
  const http::HttpResponse r =
      Post(kQuotaCheckPath,
           R"({"scope": {"team": "alpha"}, "resources": {"cpu": "4", "memory": "16Gi",
          "instance_type": "m5.xlarge", "capacity_type": "on-demand"}, "hours": 10})",
           kViewer);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["allowed"], false);
  EXPECT_EQ(j["estimated_cost_nanos"], 1'920'000'000);
  EXPECT_DOUBLE_EQ(j["estimated_cost"].get<double>(), 1.92);
  EXPECT_DOUBLE_EQ(j["price_per_hour"].get<double>(), 0.192);
  EXPECT_EQ(j["price_basis"], "m5.xlarge on-demand");
  EXPECT_DOUBLE_EQ(j["remaining"].get<double>(), 1.0);
  ASSERT_EQ(j["quotas"].size(), 1U);
  EXPECT_EQ(j["quotas"][0]["name"], "alpha-weekly");
  EXPECT_EQ(j["quotas"][0]["fits"], false);
  EXPECT_EQ(j["quotas"][0]["since"], "2026-11-30T00:00:00Z");
  EXPECT_THAT(std::string(j["message"]), StartsWith("denied: this job would cost about $1.92"));
  EXPECT_TRUE(j["warnings"].empty());
}

TEST_F(EnforcementRoutesTest, CheckAllowsAJobThatFits) {
  board_.Publish(Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {0}, kNow));
  const http::HttpResponse r =
      Post(kQuotaCheckPath,
           R"({"scope": {"team": "alpha"}, "resources": {"cpu": "4", "memory": "16Gi",
          "capacity_type": "spot"}, "hours": 3})",
           kAdmission);
  const json j = json::parse(r.body);
  EXPECT_EQ(j["allowed"], true);
  EXPECT_EQ(j["estimated_cost_nanos"], 210'000'000);
  EXPECT_THAT(std::string(j["message"]), StartsWith("allowed: this job would cost about $0.21"));
}

TEST_F(EnforcementRoutesTest, CheckOfAGpuJobWithoutGpuNodesSaysTheCostIsUnknown) {
  board_.Publish(Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {0}, kNow));
  const json j = json::parse(
      Post(kQuotaCheckPath, R"({"scope": {"team": "alpha"}, "resources": {"gpu": 1}, "hours": 1})",
           kViewer)
          .body);
  EXPECT_TRUE(j["estimated_cost"].is_null());
  EXPECT_THAT(std::string(j["warnings"][0]), HasSubstr("no running offering can host"));
}

TEST_F(EnforcementRoutesTest, CheckBadInputIs400NamingTheField) {
  PublishOverLimit();
  ExpectJsonError(Post(kQuotaCheckPath, R"({"scope": {}, "hours": -1})", kViewer), 400,
                  "hours: must be greater than 0");
  ExpectJsonError(
      Post(kQuotaCheckPath, R"({"scope": {}, "hours": 1, "resources": {"cpu": "x"}})", kViewer),
      400, "resources.cpu: ");
}

TEST_F(EnforcementRoutesTest, CheckWithAScopedTokenNeedsOneOfItsTeams) {
  PublishOverLimit();
  ExpectJsonError(Post(kQuotaCheckPath, R"({"scope": {"team": "alpha"}, "hours": 1})", kBetaViewer),
                  403, "scope.team must be one of them");
  EXPECT_EQ(Post(kQuotaCheckPath, R"({"scope": {"team": "beta"}, "hours": 1})", kBetaViewer).status,
            200);
}

TEST_F(EnforcementRoutesTest, CheckOnStaleStateFollowsThePolicy) {
  settings_.failure_policy = FailurePolicy::kFailClosed;
  PublishOverLimit(kNow - std::chrono::hours{2});
  const json j = json::parse(
      Post(kQuotaCheckPath, R"({"scope": {"team": "alpha"}, "hours": 1})", kViewer).body);
  EXPECT_EQ(j["allowed"], false);
  EXPECT_THAT(std::string(j["message"]), HasSubstr("fail-closed"));
}

// CostApi answers both routes in Decide (on the I/O thread), never with a database read.
TEST_F(EnforcementRoutesTest, CostApiDecidesWithoutTheDatabase) {
  PublishOverLimit();
  costledger::testing::NoCostReads reads;
  CostApiSettings api_settings;
  api_settings.tokens = tokens_;
  api_settings.enforcement = settings_;
  CostApi api({reads, reads, reads, reads}, nullptr, api_settings, [] { return kNow; });
  http::HttpRequest r = ApiRequest(std::string(kAdmissionPath), kAdmission, "POST");
  r.body = AdmissionReviewBody(ReviewPod{});
  const CostApi::Decision d = api.Decide(r);
  ASSERT_TRUE(d.response);
  EXPECT_EQ(json::parse(d.response->body)["response"]["allowed"], false);
  http::HttpRequest check = ApiRequest(std::string(kQuotaCheckPath), kViewer, "POST");
  check.body = R"({"scope": {"team": "beta"}, "hours": 1})";
  const CostApi::Decision c = api.Decide(check);
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->status, 200);
  // Other methods on /v1/quotas/check are the quota routes': a quota may not be named so.
  http::HttpRequest put = ApiRequest(std::string(kQuotaCheckPath), kAdmin, "PUT");
  EXPECT_FALSE(IsEnforcementRequest(put));
  EXPECT_TRUE(IsEnforcementRequest(ApiRequest(std::string(kAdmissionPath), kAdmin, "GET")));
  EXPECT_EQ(CostApi::RouteOf("/v1/admission"), "/v1/admission");
  EXPECT_EQ(CostApi::RouteOf("/v1/quotas/check"), "/v1/quotas/check");
}

TEST(FailurePolicyTest, ParsesTheTwoPolicies) {
  EXPECT_EQ(ParseFailurePolicy("fail-open"), FailurePolicy::kFailOpen);
  EXPECT_EQ(ParseFailurePolicy("fail-closed"), FailurePolicy::kFailClosed);
  EXPECT_THROW((void)ParseFailurePolicy("Ignore"), costledger::InvalidInput);
  EXPECT_EQ(ToString(FailurePolicy::kFailClosed), "fail-closed");
}

}  // namespace
}  // namespace costledger::api
