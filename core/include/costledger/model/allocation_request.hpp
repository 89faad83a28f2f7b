#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costledger/model/cost_rows.hpp"
#include "costledger/model/window.hpp"

namespace costledger::model {

/// OpenCost's name for the property ("namespace", "controllerKind", "label:app", ...).
std::string PropertyName(const PropertyRef& ref);

/// One clause of a filter: the property equals one of `values` (or, negated, none of them).
struct FilterClause {
  PropertyRef property;
  bool negated = false;
  std::vector<std::string> values;
};

/// The parameters of GET /v1/allocation, validated.
struct AllocationRequest {
  TimeWindow window;
  std::chrono::seconds step{0};        ///< the length of each set; the window when accumulating
  std::vector<PropertyRef> aggregate;  ///< empty: one allocation per container
  bool accumulate = false;             ///< one set for the whole window
  bool include_idle = true;            ///< `idle`: an __idle__ allocation per set
  bool share_idle = false;             ///< `shareIdle`: idle shared by cost instead
  std::vector<FilterClause> filter;    ///< all clauses must hold (AND)
  /// Number of sets: ceil(window / step), one when accumulating.
  std::size_t StepCount() const;
  /// The window of set `index`.
  TimeWindow StepWindow(std::size_t index) const;
};

/// Parses an aggregate list such as "namespace,label:app". Throws InvalidInput naming the
/// allowed properties.
std::vector<PropertyRef> ParseAggregate(std::string_view text);

/// Parses an OpenCost filter: clauses joined by '+', each `<property>:"v1","v2"` (equals any)
/// or `<property>!:"v"` (equals none), where property is an aggregate name or label[name].
/// Throws InvalidInput saying where the filter is malformed.
std::vector<FilterClause> ParseFilter(std::string_view text);

/// Parses the query parameters of GET /v1/allocation (window required; step defaults to the
/// window; accumulate, idle, shareIdle booleans; aggregate; filter). At most `max_steps` sets,
/// so one request cannot ask for millions. Throws InvalidInput naming the parameter.
AllocationRequest ParseAllocationRequest(const std::multimap<std::string, std::string>& query,
                                         std::chrono::sys_seconds now,
                                         std::size_t max_steps = 10'000);

/// "true"/"false"/"1"/"0"; throws InvalidInput naming `parameter` for anything else.
bool ParseBool(std::string_view parameter, std::string_view text);

}  // namespace costledger::model
