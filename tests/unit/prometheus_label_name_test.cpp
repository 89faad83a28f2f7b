// Kubernetes label keys spelled as Prometheus label names (kube-state-metrics' label_<key>,
// OpenCost's properties.labels).

#include "costledger/model/prometheus_label_name.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace costledger::model {
namespace {

TEST(PrometheusLabelNameTest, EveryCharacterOutsideTheAlphabetBecomesAnUnderscore) {
  EXPECT_EQ(PrometheusLabelName("app.kubernetes.io/name"), "app_kubernetes_io_name");
  EXPECT_EQ(PrometheusLabelName("pod-template-hash"), "pod_template_hash");
  EXPECT_EQ(PrometheusLabelName("hub.jupyter.org/username"), "hub_jupyter_org_username");
  EXPECT_EQ(PrometheusLabelName("team"), "team");
  EXPECT_EQ(PrometheusLabelName("Team_2"), "Team_2");
  EXPECT_EQ(PrometheusLabelName("ünicode"), "__nicode");  // two bytes, two underscores
}

TEST(PrometheusLabelNameTest, OnlyNamesOfTheAlphabetAreSpelledSo) {
  EXPECT_TRUE(IsPrometheusLabelName("app_kubernetes_io_name"));
  EXPECT_TRUE(IsPrometheusLabelName("team"));
  EXPECT_FALSE(IsPrometheusLabelName("app.kubernetes.io/name"));
  EXPECT_FALSE(IsPrometheusLabelName("pod-template-hash"));
  EXPECT_FALSE(IsPrometheusLabelName(""));
}

TEST(PrometheusLabelNameTest, OfKeysSpelledAlikeTheFirstInKeyOrderWins) {
  const std::map<std::string, std::string> labels{{"app.kubernetes.io/name", "web"},
                                                  {"app_kubernetes_io/name", "other"},
                                                  {"pod-template-hash", "7d9f"},
                                                  {"team", "alpha"}};
  const std::map<std::string, std::string> expected{
      {"app_kubernetes_io_name", "web"}, {"pod_template_hash", "7d9f"}, {"team", "alpha"}};
  EXPECT_EQ(WithPrometheusLabelNames(labels), expected);
}

TEST(PrometheusLabelNameTest, FindsALabelByItsKeyOrItsPrometheusName) {
  const std::map<std::string, std::string> labels{
      {"app.kubernetes.io/name", "web"}, {"app_kubernetes_io/name", "other"}, {"team", "alpha"}};
  ASSERT_NE(FindLabel(labels, "team"), nullptr);
  EXPECT_EQ(*FindLabel(labels, "team"), "alpha");
  EXPECT_EQ(*FindLabel(labels, "app.kubernetes.io/name"), "web");
  EXPECT_EQ(*FindLabel(labels, "app_kubernetes_io/name"), "other");  // its own key first
  EXPECT_EQ(*FindLabel(labels, "app_kubernetes_io_name"), "web");    // first in key order
  EXPECT_EQ(FindLabel(labels, "app-kubernetes-io-name"), nullptr);
  EXPECT_EQ(FindLabel(labels, "owner"), nullptr);
}

}  // namespace
}  // namespace costledger::model
