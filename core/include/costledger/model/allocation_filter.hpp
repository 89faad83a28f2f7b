#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/cost_rows.hpp"

namespace costledger::model {

/// How a comparison of OpenCost's v2 filter language matches a value.
enum class FilterOp {
  kEquals,    ///< `:` (`!:` negated)
  kContains,  ///< `~:` substring (`!~:`)
  kPrefix,    ///< `<~:` (`!<~:`)
  kSuffix,    ///< `~>:` or `>~:` (`!~>:`, `!>~:`)
  kHasKey,    ///< `label:"app"` without a key: the pod has label app (a non-empty value)
};

/// A parsed filter: a tree of and/or/not over comparisons; the default (kAll) matches anything.
struct FilterNode {
  enum class Kind { kAll, kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kAll;
  std::vector<FilterNode> children;  ///< kAnd, kOr: the operands; kNot: exactly one
  PropertyRef property;              ///< kCompare: what is compared (kHasKey: the label)
  FilterOp op = FilterOp::kEquals;
  std::string value;       ///< kCompare: the literal, unescaped
  bool fold_case = false;  ///< compare case-insensitively (controllerKind: "deployment")

  static FilterNode All() { return {}; }
  static FilterNode Compare(PropertyRef property, FilterOp op, std::string value);
  static FilterNode Not(FilterNode operand);
  /// The conjunction of `operands`, flattened; All() when empty, the operand itself when one.
  static FilterNode And(std::vector<FilterNode> operands);
  static FilterNode Or(std::vector<FilterNode> operands);
  bool IsAll() const { return kind == Kind::kAll; }
  friend bool operator==(const FilterNode&, const FilterNode&) = default;
};

/// Which labels OpenCost's alias fields and aggregates (`department`, `environment`, `owner`,
/// `product`) stand for. `team` is costledger's team property (config `team_label`).
struct LabelAliases {
  std::string department = "department";
  std::string environment = "env";
  std::string owner = "owner";
  std::string product = "app";
  /// The label of `alias` ("department", ...), nullopt for another name.
  std::optional<std::string_view> LabelOf(std::string_view alias) const;
};

/// Whether `actual` satisfies one comparison (without negation). An equality with
/// "__unallocated__" also matches the empty value, as OpenCost's does.
bool CompareValue(FilterOp op, std::string_view actual, std::string_view wanted, bool fold_case);

/// Evaluates `node`; `value_of(const PropertyRef&)` returns the value of a property
/// (std::optional<std::string_view>), nullopt when unknown: a comparison of an unknown value
/// holds (used for idle, which knows only its cluster and node).
template <typename ValueOf>
bool Evaluate(const FilterNode& node, const ValueOf& value_of) {
  switch (node.kind) {
    case FilterNode::Kind::kAll:
      return true;
    case FilterNode::Kind::kAnd:
      for (const FilterNode& c : node.children) {
        if (!Evaluate(c, value_of)) return false;
      }
      return true;
    case FilterNode::Kind::kOr:
      for (const FilterNode& c : node.children) {
        if (Evaluate(c, value_of)) return true;
      }
      return false;
    case FilterNode::Kind::kNot: {
      // An unknown value makes the comparison hold, negated or not.
      const FilterNode& c = node.children.front();
      if (c.kind == FilterNode::Kind::kCompare && !value_of(c.property)) return true;
      return !Evaluate(c, value_of);
    }
    case FilterNode::Kind::kCompare: {
      if (node.op == FilterOp::kHasKey) {
        const std::optional<std::string_view> v = value_of(node.property);
        return !v || !v->empty();
      }
      const std::optional<std::string_view> v = value_of(node.property);
      return !v || CompareValue(node.op, *v, node.value, node.fold_case);
    }
  }
  return false;
}

/// Every property `node` compares, in order of appearance (duplicates kept).
void CollectProperties(const FilterNode& node, std::vector<PropertyRef>& out);

/// Parses OpenCost's v2 allocation filter language:
///   filter  := element (op element)*      one op per level: all '+' (and) or all '|' (or)
///   element := '(' filter ')' | key cmp value (',' value)*
///   key     := field | map '[' name ']' | map      cmp := ':' '!:' '~:' '!~:' '<~:' '!<~:'
///   '~>:' '!~>:' (also '>~:' '!>~:')                value := '"' chars ('\"' escapes '"') '"'
/// Several values: any of them (OR); negated: none of them (AND). Fields: cluster, node,
/// namespace, controllerName, controllerKind, pod, container, provider, accountID, services,
/// department, environment, owner, product, team, and costledger's controller, capacityType,
/// instanceType, platform, workload; maps label, annotation, nodeLabel, namespaceLabel. A
/// map without a key with ':' or '~:' tests that the key named by the value exists. Empty or
/// blank text: All(). Throws InvalidInput saying where the text is malformed.
FilterNode ParseFilter(std::string_view text, const LabelAliases& aliases = {});

/// Parses a filter of /assets: the same language over the fields assetType, category, cluster,
/// name, provider, providerID, account, project, service and label[...], each compared as
/// {kNotCollected, field} (labels as "label[key]"). Throws InvalidInput.
FilterNode ParseAssetFilter(std::string_view text);

}  // namespace costledger::model
