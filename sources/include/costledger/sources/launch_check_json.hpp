#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/pod_placement.hpp"
#include "costledger/model/quota.hpp"

namespace costledger::sources {

/// The body of POST /v1/quotas/check (DESIGN "Quotas"):
///   {"scope": {"cluster": "prod-eu", "namespace": "ml", "team": "alpha", "labels": {"k": "v"}},
///    "resources": {"cpu": "4", "memory": "16Gi", "gpu": 1, "instance_type": "g5.xlarge",
///                  "capacity_type": "spot"},
///    "hours": 3}
struct LaunchCheckRequest {
  model::QuotaScope scope;  ///< workgroup is not accepted (jobs are container spend)
  model::ResourceQuantities resources;
  model::PodPlacement placement;     ///< instance_type and capacity_type, when given
  std::chrono::seconds duration{0};  ///< hours x 3600, rounded to the second
};

/// Decodes a check request. cpu and memory are Kubernetes quantities (strings, or numbers of
/// cores and bytes); gpu a whole number; capacity_type "spot" or "on-demand"; hours a number > 0
/// and at most a year. Only scope and hours are required. Throws InvalidInput whose message
/// starts with the field ("resources.memory: '16GB!' is not a quantity", "hours: required",
/// "scope.workgroup: unknown key; allowed: cluster, namespace, team, labels").
LaunchCheckRequest ParseLaunchCheck(std::string_view text);

}  // namespace costledger::sources
