// model::Labels, the sorted vector that holds Kubernetes labels: std::map's order and semantics
// for what the code base uses, lookups by string_view, and a JSON object (not a list of pairs)
// when converted.
#include "costledger/model/labels.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace costledger::model {
namespace {

TEST(LabelsTest, BehavesAsAMapOfNamesToValues) {
  Labels labels{{"team", "alpha"}, {"app", "web"}, {"team", "ignored"}};  // first kept, as std::map
  EXPECT_EQ(labels.size(), 2U);
  EXPECT_EQ(labels.begin()->first, "app");  // in name order
  EXPECT_EQ(labels.at("team"), "alpha");
  EXPECT_TRUE(labels.contains(std::string_view("app")));
  EXPECT_EQ(labels.count("nope"), 0U);
  EXPECT_EQ(labels.find("nope"), labels.end());
  EXPECT_THROW(static_cast<void>(labels.at("nope")), std::out_of_range);

  EXPECT_FALSE(labels.emplace("app", "other").second);  // emplace does not overwrite
  EXPECT_EQ(labels.at("app"), "web");
  EXPECT_FALSE(labels.insert_or_assign("app", "api").second);
  EXPECT_EQ(labels.at("app"), "api");
  labels["zone"] = "a";
  EXPECT_EQ(labels.at("zone"), "a");
  EXPECT_EQ(labels.erase("team"), 1U);
  EXPECT_EQ(labels.erase("team"), 0U);
  EXPECT_EQ(labels, (Labels{{"zone", "a"}, {"app", "api"}}));
  EXPECT_NE(labels, (Labels{{"app", "api"}}));
  labels.clear();
  EXPECT_TRUE(labels.empty());
}

// Random insertions, overwrites and erasures leave the same contents, in the same order, as
// std::map under the same operations.
TEST(LabelsTest, AgreesWithStdMapOnRandomOperations) {
  std::mt19937 rng(5);
  Labels labels;
  std::map<std::string, std::string, std::less<>> expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string name = "k" + std::to_string(rng() % 40);
    const std::string value = "v" + std::to_string(rng() % 7);
    switch (rng() % 4) {
      case 0:
        labels.emplace(name, value);
        expected.emplace(name, value);
        break;
      case 1:
        labels.insert_or_assign(name, value);
        expected.insert_or_assign(name, value);
        break;
      case 2:
        labels[name] = value;
        expected[name] = value;
        break;
      default:
        EXPECT_EQ(labels.erase(name), expected.erase(name));
    }
    ASSERT_EQ(labels.size(), expected.size());
  }
  EXPECT_TRUE(std::equal(
      labels.begin(), labels.end(), expected.begin(), expected.end(),
      [](const auto& a, const auto& b) { return a.first == b.first && a.second == b.second; }));
}

TEST(LabelsTest, IsAJsonObject) {
  const Labels labels{{"app.kubernetes.io/name", "web"}, {"team", "alpha"}};
  const nlohmann::json j = labels;
  EXPECT_EQ(j, nlohmann::json::parse(R"({"app.kubernetes.io/name":"web","team":"alpha"})"));
  EXPECT_EQ(j.get<Labels>(), labels);
}

}  // namespace
}  // namespace costledger::model
