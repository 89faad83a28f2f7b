// deploy/admission/validating-webhook.yaml, read with Debian's python3-yaml, against what
// costledger serves: the path answers AdmissionReviews, and the fields are ones the API server
// accepts and that keep kube-system and costledger's own namespace out.

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "admission_fixtures.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/enforcement_routes.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "no_cost_reads.hpp"
#include "shell_command.hpp"

namespace costledger::api {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

json LoadWebhook() {
  const costledger::testing::CommandOutput out = costledger::testing::RunShellCommand(
      fmt::format("/usr/bin/python3 -c 'import json, sys, yaml; "
                  "print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' '{}'",
                  COSTLEDGER_WEBHOOK_YAML));
  if (out.exit_code != 0) throw std::runtime_error(out.text);
  return json::parse(out.text);
}

TEST(DeployWebhookTest, IsAValidatingWebhookConfigurationOfPodCreates) {
  const json doc = LoadWebhook();
  EXPECT_EQ(doc["apiVersion"], "admissionregistration.k8s.io/v1");
  EXPECT_EQ(doc["kind"], "ValidatingWebhookConfiguration");
  ASSERT_EQ(doc["webhooks"].size(), 1U);
  const json& w = doc["webhooks"][0];
  EXPECT_NE(std::string(w["name"]).find('.'), std::string::npos) << "must be fully qualified";
  EXPECT_THAT(w["admissionReviewVersions"].get<std::vector<std::string>>(), ElementsAre("v1"));
  EXPECT_EQ(w["sideEffects"], "None");
  EXPECT_TRUE(w["failurePolicy"] == "Ignore" || w["failurePolicy"] == "Fail");
  const int timeout = w["timeoutSeconds"];
  EXPECT_GE(timeout, 1);
  EXPECT_LE(timeout, 30);  // the API server's limit
  ASSERT_EQ(w["rules"].size(), 1U);
  const json& rule = w["rules"][0];
  EXPECT_THAT(rule["apiGroups"].get<std::vector<std::string>>(), ElementsAre(""));
  EXPECT_THAT(rule["operations"].get<std::vector<std::string>>(), ElementsAre("CREATE"));
  EXPECT_THAT(rule["resources"].get<std::vector<std::string>>(), ElementsAre("pods"));
}

TEST(DeployWebhookTest, LeavesOutKubeSystemAndCostledgersOwnNamespace) {
  const json w = LoadWebhook()["webhooks"][0];
  const std::string own = w["clientConfig"]["service"]["namespace"];
  const json& expressions = w["namespaceSelector"]["matchExpressions"];
  ASSERT_EQ(expressions.size(), 1U);
  EXPECT_EQ(expressions[0]["key"], "kubernetes.io/metadata.name");
  EXPECT_EQ(expressions[0]["operator"], "NotIn");
  EXPECT_THAT(expressions[0]["values"].get<std::vector<std::string>>(),
              UnorderedElementsAre("kube-system", own));
}

TEST(DeployWebhookTest, PathIsTheWebhookCostledgerServes) {
  const json service = LoadWebhook()["webhooks"][0]["clientConfig"]["service"];
  const std::string path = service["path"];
  EXPECT_EQ(path, kAdmissionPath);
  EXPECT_EQ(service["port"], 9003);  // config "listen" default

  // The path answers an AdmissionReview as serve wires the API, with no token configured.
  quotas::QuotaBoard board;
  board.Publish(costledger::testing::Snapshot({}, {}, costledger::testing::WeekStart()));
  costledger::testing::NoCostReads reads;
  CostApiSettings settings;
  settings.enforcement.board = &board;
  CostApi api({reads, reads, reads, reads}, nullptr, settings,
              [] { return costledger::testing::WeekStart(); });
  http::HttpRequest request;
  request.method = "POST";
  request.target = path;
  request.path = path;
  request.body = costledger::testing::AdmissionReviewBody({});
  const http::HttpResponse response = api.Handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  const json review = json::parse(response.body);
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["response"]["allowed"], true);
}

}  // namespace
}  // namespace costledger::api
