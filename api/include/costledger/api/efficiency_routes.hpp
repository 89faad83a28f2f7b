#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/api/auth.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/efficiency_feed.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/usage_series_reader.hpp"
#include "costledger/ports/work_counter_reader.hpp"

namespace costledger::api {

/// Where the scaling-engine feed is served.
inline constexpr std::string_view kEfficiencyPath = "/v1/efficiency";
inline constexpr std::string_view kPriorityExpanderPath = "/v1/efficiency/priority-expander";
inline constexpr std::string_view kKarpenterPath = "/v1/efficiency/karpenter";

/// How the feed is computed (config "efficiency").
struct EfficiencySettings {
  std::chrono::seconds interval{60};  ///< the collector's interval (node disappearance)
  model::InterruptionAssumption assumption;
  model::RightsizingPolicy rightsizing;
  /// The window of the gauges and of the expander/Karpenter formats when none is given.
  std::string default_window = "7d";
  /// Namespace of the Cluster Autoscaler ConfigMap (that of the autoscaler's pod).
  std::string expander_namespace = "kube-system";
};

/// The readers the feed needs. `usage` (recommendations) and `work` (cost per item) are
/// optional: without them those parts are absent (null).
struct EfficiencyReaders {
  ports::AllocationReader& allocations;
  ports::AssetReader& assets;
  ports::UsageSeriesReader* usage = nullptr;
  ports::WorkCounterReader* work = nullptr;
};

/// The route of `path` below /v1/efficiency, or "" when it is not one.
std::string EfficiencyRouteOf(std::string_view path);

/// Reads `window` through the ports and builds the offering feed (BuildOfferingFeed), per
/// offering and node group. Throws what the readers throw.
std::vector<model::OfferingFeed> ReadOfferingFeed(const EfficiencyReaders& readers,
                                                  model::TimeWindow window,
                                                  const EfficiencySettings& settings);

/// Orders a workload feed highest cost first, keeping the order (by name) among equal costs.
void SortByCost(std::vector<model::WorkloadSummary>& feed);

/// Reads `window` through the ports and builds the workload feed (BuildWorkloadFeed), for the
/// teams `who` sees, by name. `recommended`: right-sizing for the first that many workloads in
/// SortByCost's order only (a page that shows them), reading their usage series alone;
/// nullopt: for all. Throws what the readers throw.
std::vector<model::WorkloadSummary> ReadWorkloadFeed(
    const EfficiencyReaders& readers, model::TimeWindow window, const EfficiencySettings& settings,
    const Principal& who, std::optional<std::size_t> recommended = std::nullopt);

/// The Cluster Autoscaler priority expander's ConfigMap for `ranked` offerings (RankOfferings
/// order) as YAML: metadata.name cluster-autoscaler-priority-expander in `namespace_name`,
/// data.priorities a YAML map from priority (higher is preferred) to node-group name regexes.
/// Offerings whose nodes carried a node group are matched by that name, escaped and anchored,
/// also as an EKS managed node group's ASG name (`eks-<name>-<uuid>`, the Cluster Autoscaler's id
/// for it); each group gets the priority of its best-ranked offering. Offerings of
/// nodes without a group fall back to a guess per instance type x capacity type,
/// `.*spot.*m5[.-]large.*` (on-demand: `on-?demand`), which needs names that carry both. A
/// catch-all `.*` at priority 1 keeps every other group usable.
std::string PriorityExpanderConfigMap(const std::vector<model::OfferingFeed>& ranked,
                                      const std::string& namespace_name);

/// GET /v1/efficiency?window=&by=offering|workload&filter=, GET /v1/efficiency/priority-expander
/// ?window=&namespace=, GET /v1/efficiency/karpenter?window=. `now` resolves relative windows.
/// Offerings (and the formats built from them) are cluster-wide: 403 for a team-scoped token.
/// Throws InvalidInput (400, naming the parameter) for an unknown parameter, a bad window, a
/// `by` other than offering or workload, or a malformed filter; and what the readers throw.
http::HttpResponse AnswerEfficiency(const EfficiencyReaders& readers,
                                    const EfficiencySettings& settings,
                                    const http::HttpRequest& request, const Principal& who,
                                    std::chrono::sys_seconds now);

}  // namespace costledger::api
