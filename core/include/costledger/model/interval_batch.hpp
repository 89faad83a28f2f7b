#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/aws_records.hpp"
#include "costledger/model/interval_attribution.hpp"

namespace costledger::model {

/// An Athena query execution priced by rule 7 and attributed to a team.
struct PricedQuery {
  AthenaQueryExecution execution;
  std::string team;  ///< from the workgroup mapping; empty when unmapped
  model::Money cost;
};

/// The labels of a pod, for `label:<name>` aggregations. Sent when first seen or changed.
struct PodLabelSet {
  std::string namespace_name;
  std::string pod;
  Labels labels;
  friend bool operator==(const PodLabelSet&, const PodLabelSet&) = default;
};

/// The labels of a node, for its asset (OpenCost's /assets labels). Sent when first seen or
/// changed.
struct NodeLabelSet {
  std::string node;
  Labels labels;
  friend bool operator==(const NodeLabelSet&, const NodeLabelSet&) = default;
};

/// Everything one collector interval produces: the unit that is spooled and written to the
/// database atomically and idempotently.
struct IntervalBatch {
  std::string cluster;
  IntervalCosts costs;
  std::vector<PricedQuery> queries;       ///< final executions seen this interval (may repeat)
  std::vector<PodLabelSet> pod_labels;    ///< pods whose labels are new or changed
  std::vector<NodeLabelSet> node_labels;  ///< nodes whose labels are new or changed
};

}  // namespace costledger::model
