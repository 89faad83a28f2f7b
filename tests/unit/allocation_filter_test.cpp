#include "costledger/model/allocation_filter.hpp"

#include <gtest/gtest.h>

#include <map>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using Values = std::map<std::string, std::string>;

// A row's values by OpenCost name: "namespace", "label[app]", "annotation[x]", ...
std::string KeyOf(const PropertyRef& p) {
  switch (p.property) {
    case CostProperty::kCluster:
      return "cluster";
    case CostProperty::kNode:
      return "node";
    case CostProperty::kNamespace:
      return "namespace";
    case CostProperty::kControllerKind:
      return "controllerKind";
    case CostProperty::kController:
      return "controllerName";
    case CostProperty::kPod:
      return "pod";
    case CostProperty::kContainer:
      return "container";
    case CostProperty::kTeam:
      return "team";
    case CostProperty::kLabel:
      return "label[" + p.label + "]";
    case CostProperty::kAnnotation:
      return "annotation[" + p.label + "]";
    case CostProperty::kNotCollected:
      return p.label;
    default:
      return "other";
  }
}

bool Matches(std::string_view filter, const Values& values) {
  const FilterNode node = ParseFilter(filter);
  return Evaluate(node, [&](const PropertyRef& p) -> std::optional<std::string_view> {
    const auto it = values.find(KeyOf(p));
    return it == values.end() ? std::string_view{} : std::string_view{it->second};
  });
}

const Values kWeb{
    {"cluster", "prod-eu"},           {"node", "ip-10-0-1-5"},     {"namespace", "shop"},
    {"controllerKind", "Deployment"}, {"controllerName", "web"},   {"pod", "web-7d9f-abcde"},
    {"container", "nginx"},           {"team", "alpha"},           {"label[app]", "web"},
    {"label[department]", "retail"},  {"label[env]", "production"}};

TEST(AllocationFilterTest, EveryOperator) {
  EXPECT_TRUE(Matches(R"(namespace:"shop")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace:"sho")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace!:"shop")", kWeb));
  EXPECT_TRUE(Matches(R"(namespace!:"other")", kWeb));
  EXPECT_TRUE(Matches(R"(pod~:"7d9f")", kWeb));
  EXPECT_FALSE(Matches(R"(pod!~:"7d9f")", kWeb));
  EXPECT_TRUE(Matches(R"(pod<~:"web-")", kWeb));
  EXPECT_FALSE(Matches(R"(pod!<~:"web-")", kWeb));
  EXPECT_FALSE(Matches(R"(pod<~:"api-")", kWeb));
  EXPECT_TRUE(Matches(R"(pod~>:"abcde")", kWeb));
  EXPECT_TRUE(Matches(R"(pod>~:"abcde")", kWeb));  // the spelling of the issue, accepted too
  EXPECT_FALSE(Matches(R"(pod!~>:"abcde")", kWeb));
  EXPECT_FALSE(Matches(R"(pod!>~:"abcde")", kWeb));
  EXPECT_TRUE(Matches(R"(pod!~>:"xyz")", kWeb));
  EXPECT_FALSE(Matches(R"(pod~>:"web")", kWeb));
}

TEST(AllocationFilterTest, EveryField) {
  EXPECT_TRUE(Matches(R"(cluster:"prod-eu")", kWeb));
  EXPECT_TRUE(Matches(R"(node:"ip-10-0-1-5")", kWeb));
  EXPECT_TRUE(Matches(R"(controllerName:"web")", kWeb));
  EXPECT_TRUE(Matches(R"(controller:"web")", kWeb));
  // Kinds compare case-insensitively: OpenCost writes "deployment", Kubernetes "Deployment".
  EXPECT_TRUE(Matches(R"(controllerKind:"deployment")", kWeb));
  EXPECT_TRUE(Matches(R"(controllerKind:"Deployment")", kWeb));
  EXPECT_FALSE(Matches(R"(controllerKind:"statefulset")", kWeb));
  EXPECT_TRUE(Matches(R"(container:"nginx")", kWeb));
  EXPECT_TRUE(Matches(R"(team:"alpha")", kWeb));
  EXPECT_TRUE(Matches(R"(label[app]:"web")", kWeb));
  EXPECT_TRUE(Matches(R"(label[app]!:"api")", kWeb));
  // Aliases are labels: department (department), environment (env), owner, product (app).
  EXPECT_TRUE(Matches(R"(department:"retail")", kWeb));
  EXPECT_TRUE(Matches(R"(environment:"production")", kWeb));
  EXPECT_TRUE(Matches(R"(product:"web")", kWeb));
  EXPECT_FALSE(Matches(R"(owner:"bob")", kWeb));
  // Not collected by costledger: empty values.
  EXPECT_FALSE(Matches(R"(annotation[owner]:"bob")", kWeb));
  EXPECT_TRUE(Matches(R"(annotation[owner]!:"bob")", kWeb));
  EXPECT_FALSE(Matches(R"(services:"web-svc")", kWeb));
  EXPECT_TRUE(Matches(R"(services!:"web-svc")", kWeb));
  EXPECT_FALSE(Matches(R"(provider:"AWS")", kWeb));
  EXPECT_FALSE(Matches(R"(nodeLabel[zone]:"a")", kWeb));
  EXPECT_FALSE(Matches(R"(namespaceLabel[team]:"a")", kWeb));
  EXPECT_FALSE(Matches(R"(accountID:"1")", kWeb));
}

TEST(AllocationFilterTest, KeylessMapsTestKeys) {
  EXPECT_TRUE(Matches(R"(label:"app")", kWeb));
  EXPECT_TRUE(Matches(R"(label~:"app")", kWeb));
  EXPECT_FALSE(Matches(R"(label:"missing")", kWeb));
  EXPECT_TRUE(Matches(R"(label!:"missing")", kWeb));
  EXPECT_FALSE(Matches(R"(annotation:"owner")", kWeb));
  EXPECT_THROW(ParseFilter(R"(label<~:"ap")"), InvalidInput);
}

TEST(AllocationFilterTest, SeveralValuesAreAnyAndNegatedNone) {
  EXPECT_TRUE(Matches(R"(namespace:"a","shop","b")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace:"a","b")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace!:"a","shop")", kWeb));
  EXPECT_TRUE(Matches(R"(namespace!:"a","b")", kWeb));
  EXPECT_TRUE(Matches(R"(pod<~:"api-","web-")", kWeb));
}

TEST(AllocationFilterTest, AndOrAndParentheses) {
  EXPECT_TRUE(Matches(R"(namespace:"shop"+container:"nginx")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace:"shop"+container:"php")", kWeb));
  EXPECT_TRUE(Matches(R"(namespace:"x"|container:"nginx")", kWeb));
  EXPECT_FALSE(Matches(R"(namespace:"x"|container:"php")", kWeb));
  EXPECT_TRUE(Matches(R"(namespace:"shop"+(pod:"x"|label[app]:"web"))", kWeb));
  EXPECT_FALSE(Matches(R"(namespace:"shop"+(pod:"x"|label[app]:"api"))", kWeb));
  EXPECT_TRUE(Matches(R"((namespace:"x"+pod:"y")|(cluster:"prod-eu"+node<~:"ip-"))", kWeb));
  EXPECT_TRUE(Matches(R"(((namespace:"shop")))", kWeb));
  EXPECT_TRUE(Matches(R"( namespace : "shop" + container:"nginx" )", kWeb));
  EXPECT_TRUE(Matches("", kWeb));
  EXPECT_TRUE(Matches("   ", kWeb));
  EXPECT_TRUE(ParseFilter("").IsAll());
}

TEST(AllocationFilterTest, QuotedValues) {
  const Values v{{"pod", R"(a"b)"}, {"namespace", "a b,c+d|e(f)"}};
  EXPECT_TRUE(Matches(R"(pod:"a\"b")", v));  // OpenCost's UI escapes quotes so
  EXPECT_TRUE(Matches(R"x(namespace:"a b,c+d|e(f)")x", v));
  EXPECT_EQ(ParseFilter(R"(pod:"")").value, "");
}

TEST(AllocationFilterTest, UnallocatedMatchesEmptyValues) {
  EXPECT_TRUE(Matches(R"(controllerName:"__unallocated__")", {{"controllerName", ""}}));
  EXPECT_FALSE(Matches(R"(controllerName:"__unallocated__")", kWeb));
  EXPECT_TRUE(Matches(R"(controllerName!:"__unallocated__")", kWeb));
}

TEST(AllocationFilterTest, TreeShape) {
  const FilterNode f = ParseFilter(R"(pod:"x")");
  EXPECT_EQ(f, FilterNode::Compare({CostProperty::kPod, {}}, FilterOp::kEquals, "x"));
  const FilterNode n = ParseFilter(R"(namespace!:"a","b"+(pod:"p"|pod:"q"))");
  ASSERT_EQ(n.kind, FilterNode::Kind::kAnd);
  // namespace!:"a","b" flattens into the conjunction: not a, not b, then the group.
  ASSERT_EQ(n.children.size(), 3u);
  EXPECT_EQ(n.children[0].kind, FilterNode::Kind::kNot);
  EXPECT_EQ(n.children[2].kind, FilterNode::Kind::kOr);
  std::vector<PropertyRef> properties;
  CollectProperties(n, properties);
  EXPECT_EQ(properties, (std::vector<PropertyRef>{{CostProperty::kNamespace, {}},
                                                  {CostProperty::kNamespace, {}},
                                                  {CostProperty::kPod, {}},
                                                  {CostProperty::kPod, {}}}));
  EXPECT_TRUE(FilterNode::And({}).IsAll());
  EXPECT_TRUE(FilterNode::Or({FilterNode::All(), n}).IsAll());
  EXPECT_EQ(FilterNode::And({FilterNode::All(), n}), n);
}

// Unknown values (idle knows only its cluster and node) make comparisons hold.
TEST(AllocationFilterTest, UnknownValuesHold) {
  const FilterNode f = ParseFilter(R"(cluster:"c1"+namespace!:"kube-system"+pod:"x")");
  const auto idle_of = [](std::string cluster) {
    return [cluster](const PropertyRef& p) -> std::optional<std::string_view> {
      if (p.property == CostProperty::kCluster) return std::string_view{cluster};
      return std::nullopt;
    };
  };
  EXPECT_TRUE(Evaluate(f, idle_of("c1")));
  EXPECT_FALSE(Evaluate(f, idle_of("c2")));
}

TEST(AllocationFilterTest, MalformedFiltersSayWhere) {
  for (const char* bad : {
           "namespace",
           "namespace:alpha",
           R"(namespace:"alpha)",
           R"(nope:"x")",
           R"(namespace:"a" team:"b")",
           R"(namespace:"a"+team:"b"|pod:"c")",  // one operator per level
           R"((namespace:"a")",
           R"(namespace:"a"))",
           R"(label[]:"x")",
           R"(label[app:"x")",
           R"(namespace["x"]:"a")",
           R"(namespace~"a")",
           R"(namespace<:"a")",
           R"(namespace!"a")",
           R"(namespace:"a",)",
           R"(namespace:"a"+)",
           R"(+namespace:"a")",
           "()",
       }) {
    EXPECT_THROW(ParseFilter(bad), InvalidInput) << bad;
  }
  const std::string error = testing::ErrorOf<InvalidInput>([] { ParseFilter(R"(nope:"x")"); });
  EXPECT_NE(error.find("unknown field 'nope'"), std::string::npos) << error;
  EXPECT_NE(error.find("offset"), std::string::npos) << error;
  const std::string deep = std::string(100, '(') + R"(pod:"x")" + std::string(100, ')');
  EXPECT_THROW(ParseFilter(deep), InvalidInput);
}

TEST(AllocationFilterTest, AssetFilters) {
  const FilterNode f = ParseAssetFilter(R"(assetType:"node"+cluster:"prod"+label[zone]!:"b")");
  const auto node = [](const PropertyRef& p) -> std::optional<std::string_view> {
    if (p.label == "assetType") return "Node";
    if (p.label == "cluster") return "prod";
    return std::string_view{};
  };
  EXPECT_TRUE(Evaluate(f, node));
  EXPECT_FALSE(Evaluate(ParseAssetFilter(R"(assetType:"disk")"), node));
  EXPECT_TRUE(
      Evaluate(ParseAssetFilter(R"(category:"Compute"|name~:"ip")"), [](const PropertyRef& p) {
        return std::optional<std::string_view>(p.label == "category" ? "Compute" : "");
      }));
  EXPECT_THROW(ParseAssetFilter(R"(namespace:"a")"), InvalidInput);
  EXPECT_TRUE(ParseAssetFilter("").IsAll());
}

TEST(AllocationFilterTest, CompareValue) {
  EXPECT_TRUE(CompareValue(FilterOp::kEquals, "a", "a", false));
  EXPECT_FALSE(CompareValue(FilterOp::kEquals, "A", "a", false));
  EXPECT_TRUE(CompareValue(FilterOp::kEquals, "A", "a", true));
  EXPECT_TRUE(CompareValue(FilterOp::kContains, "abc", "", false));
  EXPECT_TRUE(CompareValue(FilterOp::kPrefix, "abc", "ab", false));
  EXPECT_FALSE(CompareValue(FilterOp::kPrefix, "a", "ab", false));
  EXPECT_TRUE(CompareValue(FilterOp::kSuffix, "abc", "bc", false));
  EXPECT_FALSE(CompareValue(FilterOp::kSuffix, "c", "bc", false));
  EXPECT_TRUE(CompareValue(FilterOp::kHasKey, "x", "", false));
  EXPECT_FALSE(CompareValue(FilterOp::kHasKey, "", "", false));
}

}  // namespace
}  // namespace costledger::model
