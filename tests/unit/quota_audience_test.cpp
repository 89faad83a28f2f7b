#include "costledger/model/quota_audience.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

const std::set<std::string, std::less<>> kNamespaces{"ml-training", "notebooks"};
const std::set<std::string, std::less<>> kWorkgroups{"analytics"};

bool Concerns(const QuotaScope& scope, std::string_view team = "alpha") {
  return QuotaConcernsTeam(scope, team, kNamespaces, kWorkgroups);
}

TEST(QuotaAudienceTest, AScopeThatNamesATeamConcernsThatTeamOnly) {
  QuotaScope scope;
  scope.team = "alpha";
  EXPECT_TRUE(Concerns(scope));
  EXPECT_FALSE(Concerns(scope, "beta"));
  // Another team's quota on a namespace this team spent in is still the other team's.
  scope.team = "beta";
  scope.namespace_name = "notebooks";
  EXPECT_FALSE(Concerns(scope));
  // The team's quota whatever else the scope narrows to.
  scope.team = "alpha";
  scope.cluster = "elsewhere";
  scope.namespace_name = "not-spent-in";
  EXPECT_TRUE(Concerns(scope));
}

TEST(QuotaAudienceTest, ANamespaceOrWorkgroupScopeConcernsTheTeamsThatSpentThere) {
  QuotaScope ns;
  ns.namespace_name = "notebooks";
  EXPECT_TRUE(Concerns(ns));
  ns.namespace_name = "batch";
  EXPECT_FALSE(Concerns(ns));
  QuotaScope wg;
  wg.workgroup = "analytics";
  EXPECT_TRUE(Concerns(wg));
  wg.workgroup = "primary";
  EXPECT_FALSE(Concerns(wg));
}

TEST(QuotaAudienceTest, ClusterAndLabelScopesConcernNoTeamInParticular) {
  EXPECT_FALSE(Concerns(QuotaScope{}));
  QuotaScope cluster;
  cluster.cluster = "prod";
  EXPECT_FALSE(Concerns(cluster));
  QuotaScope labels;
  labels.labels = Labels{{"app", "trainer"}};
  EXPECT_FALSE(Concerns(labels));
}

}  // namespace
}  // namespace costledger::model
