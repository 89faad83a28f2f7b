#include "costledger/sources/admission_review.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "admission_fixtures.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::sources {
namespace {

using costledger::testing::AdmissionReviewBody;
using costledger::testing::AdmissionReviewJson;
using costledger::testing::ReviewPod;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ErrorOf(const std::string& body, std::string* uid = nullptr) {
  try {
    (void)ParseAdmissionReview(body, uid);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(AdmissionReviewTest, PodCreateOfAControllerIsRead) {
  ReviewPod p;
  p.owner_kind = "Job";
  p.cpu = "1500m";
  p.memory = "3Gi";
  p.gpus = 1;
  const AdmissionReviewRequest r = ParseAdmissionReview(AdmissionReviewBody(p));
  EXPECT_EQ(r.api_version, "admission.k8s.io/v1");
  EXPECT_EQ(r.uid, p.uid);
  EXPECT_EQ(r.operation, "CREATE");
  EXPECT_EQ(r.namespace_name, "ml");
  EXPECT_FALSE(r.dry_run);
  ASSERT_TRUE(r.IsPodCreate());
  const model::Pod& pod = r.pod->pod;
  EXPECT_EQ(pod.name, "train-");  // not named yet: its generateName
  EXPECT_EQ(pod.labels.at("team"), "alpha");
  EXPECT_EQ(pod.controller_kind, "Job");
  EXPECT_EQ(pod.controller_name, "train");
  EXPECT_EQ(pod.effective_requests, (model::ResourceQuantities{1500, 3LL * 1024 * 1024 * 1024, 1}));
  EXPECT_EQ(r.pod->placement, model::PodPlacement{});
}

TEST(AdmissionReviewTest, BarePodWithNameIsRead) {
  ReviewPod p;
  p.name = "notebook-ada";
  const AdmissionReviewRequest r = ParseAdmissionReview(AdmissionReviewBody(p));
  ASSERT_TRUE(r.IsPodCreate());
  EXPECT_EQ(r.pod->pod.name, "notebook-ada");
  EXPECT_EQ(r.pod->pod.controller_kind, "");
}

TEST(AdmissionReviewTest, DryRunAndUserAreRead) {
  ReviewPod p;
  p.dry_run = true;
  const AdmissionReviewRequest r = ParseAdmissionReview(AdmissionReviewBody(p));
  EXPECT_TRUE(r.dry_run);
  EXPECT_EQ(r.user, "system:serviceaccount:kube-system:job-controller");
}

TEST(AdmissionReviewTest, OnlyPodCreateCarriesAPod) {
  ReviewPod update;
  update.operation = "UPDATE";
  EXPECT_FALSE(ParseAdmissionReview(AdmissionReviewBody(update)).IsPodCreate());
  ReviewPod deployment;
  deployment.kind = "Deployment";
  EXPECT_FALSE(ParseAdmissionReview(AdmissionReviewBody(deployment)).IsPodCreate());
  nlohmann::json ephemeral = AdmissionReviewJson(ReviewPod{});
  ephemeral["request"]["subResource"] = "ephemeralcontainers";
  EXPECT_FALSE(ParseAdmissionReview(ephemeral.dump()).IsPodCreate());
  // An UPDATE need not carry a readable object.
  nlohmann::json no_object = AdmissionReviewJson(update);
  no_object["request"].erase("object");
  EXPECT_FALSE(ParseAdmissionReview(no_object.dump()).IsPodCreate());
}

TEST(AdmissionReviewTest, PlacementComesFromNodeSelectorAndAffinity) {
  ReviewPod p;
  p.node_selector_capacity_type = "spot";
  nlohmann::json review = AdmissionReviewJson(p);
  review["request"]["object"]["spec"]["affinity"] = {
      {"nodeAffinity",
       {{"requiredDuringSchedulingIgnoredDuringExecution",
         {{"nodeSelectorTerms",
           {{{"matchExpressions",
              {{{"key", "node.kubernetes.io/instance-type"},
                {"operator", "In"},
                {"values", {"g5.xlarge"}}}}}}}}}}}}};
  const AdmissionReviewRequest r = ParseAdmissionReview(review.dump());
  const model::PodPlacement expected{"g5.xlarge", model::CapacityType::kSpot};
  EXPECT_EQ(r.pod->placement, expected);
}

TEST(AdmissionReviewTest, NamespaceOfTheRequestWins) {
  nlohmann::json review = AdmissionReviewJson(ReviewPod{});
  review["request"]["object"]["metadata"].erase("namespace");
  const AdmissionReviewRequest r = ParseAdmissionReview(review.dump());
  EXPECT_EQ(r.namespace_name, "ml");
  EXPECT_EQ(r.pod->pod.namespace_name, "ml");
}

TEST(AdmissionReviewTest, MalformedReviewsNameTheField) {
  EXPECT_THAT(ErrorOf("{\"apiVersion\":"), HasSubstr("malformed JSON at byte"));
  EXPECT_THAT(ErrorOf("[]"), StartsWith("AdmissionReview: expected a JSON object"));
  nlohmann::json review = AdmissionReviewJson(ReviewPod{});
  auto with = [&](auto change) {
    nlohmann::json copy = review;
    change(copy);
    return ErrorOf(copy.dump());
  };
  EXPECT_THAT(with([](auto& j) { j["apiVersion"] = "admission.k8s.io/v2"; }),
              StartsWith("apiVersion: 'admission.k8s.io/v2' is not admission.k8s.io/v1"));
  EXPECT_THAT(with([](auto& j) { j["kind"] = "Pod"; }), StartsWith("kind: 'Pod'"));
  EXPECT_THAT(with([](auto& j) { j.erase("request"); }), StartsWith("request: missing"));
  EXPECT_THAT(with([](auto& j) { j["request"] = "x"; }), StartsWith("request: expected an object"));
  EXPECT_THAT(with([](auto& j) { j["request"].erase("uid"); }), StartsWith("request.uid: missing"));
  EXPECT_THAT(with([](auto& j) { j["request"]["uid"] = 7; }),
              StartsWith("request.uid: expected a string"));
  EXPECT_THAT(with([](auto& j) { j["request"].erase("operation"); }),
              StartsWith("request.operation: missing"));
  EXPECT_THAT(with([](auto& j) { j["request"]["dryRun"] = "yes"; }),
              StartsWith("request.dryRun: expected a boolean"));
  EXPECT_THAT(with([](auto& j) { j["request"].erase("object"); }),
              StartsWith("request.object: missing"));
  EXPECT_THAT(with([](auto& j) { j["request"]["object"].erase("spec"); }),
              StartsWith("request.object.spec: missing"));
  EXPECT_THAT(with([](auto& j) {
                j["request"]["object"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] =
                    "lots";
              }),
              AllOf(StartsWith("request.object: "), HasSubstr("cpu")));
  EXPECT_THAT(with([](auto& j) {
                j["request"]["object"]["spec"]["nodeSelector"] = {{"a", 1}};
              }),
              StartsWith("request.object.spec.nodeSelector.a: expected a string"));
}

TEST(AdmissionReviewTest, UidIsKeptForTheAnswerToAMalformedReview) {
  nlohmann::json review = AdmissionReviewJson(ReviewPod{});
  review["request"].erase("operation");
  std::string uid;
  (void)ErrorOf(review.dump(), &uid);
  EXPECT_EQ(uid, ReviewPod{}.uid);
}

TEST(AdmissionReviewTest, AnswerHasTheContractShape) {
  AdmissionReviewAnswer a;
  a.uid = "u-1";
  a.allowed = false;
  a.status_code = 403;
  a.status_reason = "Forbidden";
  a.status_message = "exceeded quota: alpha-weekly";
  a.warnings = {"stale"};
  const nlohmann::json j = nlohmann::json::parse(AdmissionReviewToJson(a));
  EXPECT_EQ(j["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(j["kind"], "AdmissionReview");
  EXPECT_EQ(j["response"]["uid"], "u-1");
  EXPECT_EQ(j["response"]["allowed"], false);
  EXPECT_EQ(j["response"]["status"]["code"], 403);
  EXPECT_EQ(j["response"]["status"]["message"], "exceeded quota: alpha-weekly");
  EXPECT_EQ(j["response"]["warnings"][0], "stale");
  AdmissionReviewAnswer allowed;
  allowed.uid = "u-2";
  const nlohmann::json k = nlohmann::json::parse(AdmissionReviewToJson(allowed));
  EXPECT_FALSE(k["response"].contains("status"));
  EXPECT_FALSE(k["response"].contains("warnings"));
}

}  // namespace
}  // namespace costledger::sources
