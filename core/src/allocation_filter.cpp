#include "costledger/model/allocation_filter.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "costledger/model/ascii_case.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

constexpr std::string_view kUnallocatedValue = "__unallocated__";

bool IdentifierChar(char c) {
  // Letters, digits, '-', '_' as OpenCost's lexer; bytes >= 0x80 (UTF-8) count as letters.
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '-' || c == '_' || u >= 0x80;
}

enum class FieldSet { kAllocation, kAsset };

class Parser {
 public:
  Parser(std::string_view text, FieldSet fields, const LabelAliases& aliases)
      : text_(text), fields_(fields), aliases_(aliases) {}

  FilterNode Parse() {
    SkipBlanks();
    if (pos_ == text_.size()) return FilterNode::All();
    FilterNode out = Group(0);
    SkipBlanks();
    if (pos_ != text_.size()) Fail("unexpected text after the filter");
    return out;
  }

 private:
  [[noreturn]] void Fail(std::string_view what) const {
    throw InvalidInput(fmt::format(
        "filter '{}' at offset {}: {} (expected comparisons such as namespace:\"a\",\"b\" or "
        "label[app]!:\"x\" joined by '+' (and) or '|' (or), grouped by parentheses)",
        text_, pos_, what));
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Peek(char c) {
    SkipBlanks();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  // element (op element)*, one op per level; at depth > 0 the closing ')' is consumed.
  FilterNode Group(int depth) {
    if (depth > 64) Fail("parentheses nested too deeply");
    std::vector<FilterNode> operands;
    operands.push_back(Element(depth));
    char op = 0;
    while (true) {
      SkipBlanks();
      if (pos_ == text_.size()) {
        if (depth > 0) Fail("'(' without a matching ')'");
        break;
      }
      const char c = text_[pos_];
      if (c == ')') {
        if (depth == 0) Fail("')' without a matching '('");
        ++pos_;
        break;
      }
      if (c != '+' && c != '|') Fail("expected '+', '|' or the end of the filter");
      if (op != 0 && c != op) Fail("'+' and '|' mixed at one level; use parentheses");
      op = c;
      ++pos_;
      operands.push_back(Element(depth));
    }
    if (operands.size() == 1) return std::move(operands.front());
    return op == '+' ? FilterNode::And(std::move(operands)) : FilterNode::Or(std::move(operands));
  }

  FilterNode Element(int depth) {
    if (Peek('(')) {
      ++pos_;
      return Group(depth + 1);
    }
    return Comparison();
  }

  std::string_view Identifier() {
    SkipBlanks();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && IdentifierChar(text_[pos_])) ++pos_;
    if (pos_ == start) Fail("expected a field name");
    return text_.substr(start, pos_ - start);
  }

  struct Key {
    PropertyRef property;
    bool is_map = false;
    bool has_key = false;
    bool fold_case = false;
  };

  Key FieldKey() {
    const std::string_view name = Identifier();
    std::optional<std::string> key;
    if (pos_ < text_.size() && text_[pos_] == '[') {
      const std::size_t close = text_.find(']', pos_);
      if (close == std::string_view::npos) Fail("unterminated '['");
      key = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      if (key->empty()) Fail("empty key in '[]'");
      pos_ = close + 1;
    }
    return fields_ == FieldSet::kAsset ? AssetKey(name, key) : AllocationKey(name, key);
  }

  Key AssetKey(std::string_view name, const std::optional<std::string>& key) {
    static constexpr std::array<std::string_view, 9> kFields{"assetType", "category", "cluster",
                                                             "name",      "provider", "providerID",
                                                             "account",   "project",  "service"};
    if (name == "label") {
      if (!key) return {{CostProperty::kNotCollected, "label"}, true, false, false};
      return {{CostProperty::kNotCollected, "label[" + *key + "]"}, true, true, false};
    }
    if (key) Fail(fmt::format("field '{}' takes no [key]", name));
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      Fail(
          fmt::format("unknown field '{}'; allowed: assetType, category, cluster, name, "
                      "provider, providerID, account, project, service, label[<key>]",
                      name));
    }
    return {{CostProperty::kNotCollected, std::string(name)}, false, false, name == "assetType"};
  }

  Key AllocationKey(std::string_view name, const std::optional<std::string>& key) {
    struct Named {
      std::string_view name;
      CostProperty property;
    };
    static constexpr std::array<Named, 14> kFields{{
        {"cluster", CostProperty::kCluster},
        {"node", CostProperty::kNode},
        {"namespace", CostProperty::kNamespace},
        {"controllerName", CostProperty::kController},
        {"controller", CostProperty::kController},
        {"controllerKind", CostProperty::kControllerKind},
        {"pod", CostProperty::kPod},
        {"container", CostProperty::kContainer},
        {"team", CostProperty::kTeam},
        {"capacityType", CostProperty::kCapacityType},
        {"instanceType", CostProperty::kInstanceType},
        {"platform", CostProperty::kPlatform},
        {"workload", CostProperty::kWorkload},
        {"services", CostProperty::kNotCollected},
    }};
    const bool is_map =
        name == "label" || name == "annotation" || name == "nodeLabel" || name == "namespaceLabel";
    if (is_map) {
      const CostProperty p = name == "label"        ? CostProperty::kLabel
                             : name == "annotation" ? CostProperty::kAnnotation
                                                    : CostProperty::kNotCollected;
      if (!key) {
        return {{p, p == CostProperty::kNotCollected ? std::string(name) : std::string()},
                true,
                false,
                false};
      }
      return {{p, p == CostProperty::kNotCollected ? fmt::format("{}[{}]", name, *key) : *key},
              true,
              true,
              false};
    }
    if (key) Fail(fmt::format("field '{}' takes no [key]", name));
    if (const auto label = aliases_.LabelOf(name)) {
      return {{CostProperty::kLabel, std::string(*label)}, false, false, false};
    }
    if (name == "provider" || name == "accountID") {
      return {{CostProperty::kNotCollected, std::string(name)}, false, false, false};
    }
    for (const Named& f : kFields) {
      if (f.name == name) {
        PropertyRef ref{f.property, {}};
        if (f.property == CostProperty::kNotCollected) ref.label = std::string(name);
        return {ref, false, false, f.property == CostProperty::kControllerKind};
      }
    }
    Fail(fmt::format(
        "unknown field '{}'; allowed: cluster, node, namespace, controllerName, controllerKind, "
        "pod, container, services, provider, accountID, department, environment, owner, "
        "product, team, label[<key>], annotation[<key>], nodeLabel[<key>], "
        "namespaceLabel[<key>], and costledger's controller, capacityType, instanceType, "
        "platform, workload",
        name));
  }

  // The operator: returns the op and whether it is negated.
  std::pair<FilterOp, bool> Operator() {
    SkipBlanks();
    const std::string_view rest = text_.substr(pos_);
    struct Spelling {
      std::string_view text;
      FilterOp op;
      bool negated;
    };
    // Longest first, so that "!~>:" is not read as "!~" + ">:".
    static constexpr std::array<Spelling, 10> kOps{{
        {"!<~:", FilterOp::kPrefix, true},
        {"!~>:", FilterOp::kSuffix, true},
        {"!>~:", FilterOp::kSuffix, true},
        {"<~:", FilterOp::kPrefix, false},
        {"~>:", FilterOp::kSuffix, false},
        {">~:", FilterOp::kSuffix, false},
        {"!~:", FilterOp::kContains, true},
        {"~:", FilterOp::kContains, false},
        {"!:", FilterOp::kEquals, true},
        {":", FilterOp::kEquals, false},
    }};
    for (const Spelling& s : kOps) {
      if (rest.substr(0, s.text.size()) == s.text) {
        pos_ += s.text.size();
        return {s.op, s.negated};
      }
    }
    Fail("expected an operator: ':', '!:', '~:', '!~:', '<~:', '!<~:', '~>:' or '!~>:'");
  }

  std::string Value() {
    SkipBlanks();
    if (pos_ >= text_.size() || text_[pos_] != '"') Fail("expected a quoted value");
    ++pos_;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      value += text_[pos_++];
    }
    if (pos_ >= text_.size()) Fail("unterminated quoted value");
    ++pos_;
    return value;
  }

  FilterNode Comparison() {
    const Key key = FieldKey();
    auto [op, negated] = Operator();
    std::vector<std::string> values{Value()};
    while (Peek(',')) {
      ++pos_;
      values.push_back(Value());
    }
    std::vector<FilterNode> nodes;
    for (std::string& v : values) {
      FilterNode n;
      if (key.is_map && !key.has_key) {
        // label:"app": has the key app (OpenCost: a key-less map compares keys).
        if (op != FilterOp::kEquals && op != FilterOp::kContains) {
          Fail("a map field without [key] supports ':', '!:', '~:' and '!~:' only");
        }
        PropertyRef ref = key.property;
        if (ref.property == CostProperty::kNotCollected) {
          ref.label += "[" + v + "]";
        } else {
          ref.label = v;
        }
        n = FilterNode::Compare(std::move(ref), FilterOp::kHasKey, std::move(v));
      } else {
        n = FilterNode::Compare(key.property, op, std::move(v));
        n.fold_case = key.fold_case;
      }
      nodes.push_back(negated ? FilterNode::Not(std::move(n)) : std::move(n));
    }
    if (nodes.size() == 1) return std::move(nodes.front());
    return negated ? FilterNode::And(std::move(nodes)) : FilterNode::Or(std::move(nodes));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  FieldSet fields_;
  const LabelAliases& aliases_;
};

FilterNode Combine(FilterNode::Kind kind, std::vector<FilterNode> operands) {
  std::vector<FilterNode> flat;
  for (FilterNode& o : operands) {
    if (kind == FilterNode::Kind::kAnd && o.IsAll()) continue;
    if (o.kind == kind) {
      for (FilterNode& c : o.children) flat.push_back(std::move(c));
    } else {
      flat.push_back(std::move(o));
    }
  }
  if (flat.empty()) return FilterNode::All();
  if (flat.size() == 1) return std::move(flat.front());
  FilterNode n;
  n.kind = kind;
  n.children = std::move(flat);
  return n;
}

}  // namespace

FilterNode FilterNode::Compare(PropertyRef property, FilterOp op, std::string value) {
  FilterNode n;
  n.kind = Kind::kCompare;
  n.property = std::move(property);
  n.op = op;
  n.value = std::move(value);
  return n;
}

FilterNode FilterNode::Not(FilterNode operand) {
  FilterNode n;
  n.kind = Kind::kNot;
  n.children.push_back(std::move(operand));
  return n;
}

FilterNode FilterNode::And(std::vector<FilterNode> operands) {
  return Combine(Kind::kAnd, std::move(operands));
}

FilterNode FilterNode::Or(std::vector<FilterNode> operands) {
  for (const FilterNode& o : operands) {
    if (o.IsAll()) return All();
  }
  return Combine(Kind::kOr, std::move(operands));
}

std::optional<std::string_view> LabelAliases::LabelOf(std::string_view alias) const {
  if (alias == "department") return department;
  if (alias == "environment") return environment;
  if (alias == "owner") return owner;
  if (alias == "product") return product;
  return std::nullopt;
}

bool CompareValue(FilterOp op, std::string_view actual, std::string_view wanted, bool fold_case) {
  switch (op) {
    case FilterOp::kEquals:
      if (wanted == kUnallocatedValue && actual.empty()) return true;
      return fold_case ? EqualsIgnoringAsciiCase(actual, wanted) : actual == wanted;
    case FilterOp::kContains:
      return actual.find(wanted) != std::string_view::npos;
    case FilterOp::kPrefix:
      return actual.substr(0, wanted.size()) == wanted;
    case FilterOp::kSuffix:
      return actual.size() >= wanted.size() &&
             actual.substr(actual.size() - wanted.size()) == wanted;
    case FilterOp::kHasKey:
      return !actual.empty();
  }
  return false;
}

void CollectProperties(const FilterNode& node, std::vector<PropertyRef>& out) {
  if (node.kind == FilterNode::Kind::kCompare) out.push_back(node.property);
  for (const FilterNode& c : node.children) CollectProperties(c, out);
}

FilterNode ParseFilter(std::string_view text, const LabelAliases& aliases) {
  return Parser(text, FieldSet::kAllocation, aliases).Parse();
}

FilterNode ParseAssetFilter(std::string_view text) {
  const LabelAliases none;
  return Parser(text, FieldSet::kAsset, none).Parse();
}

}  // namespace costledger::model
