#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/money.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/model/zone_rules.hpp"

namespace costledger::model {

/// A quota with its current status, as the quota evaluator holds them.
struct QuotaWithStatus {
  const Quota* quota = nullptr;  ///< never null; owned by the caller
  QuotaStatus status;
};

/// A pod being created (the Pod of an AdmissionReview CREATE), as quota rules see it.
struct PodToAdmit {
  std::string cluster;  ///< this service's cluster (config "cluster")
  std::string namespace_name;
  std::string team;  ///< the value of the configured team label; empty when it has none
  Labels labels;
  ResourceQuantities requests;  ///< the pod's effective requests (Pod::effective_requests)
  /// About what the pod costs per hour at current prices, when the caller can tell (e.g. its
  /// requests x the unit prices of the instance type it will likely land on).
  std::optional<HourlyPrice> estimated_price;
};

struct AdmissionDecision {
  bool allowed = true;
  std::vector<std::string> exceeded;  ///< deny quotas that stop the pod, in the order given
  /// Why not, for AdmissionReview status.message (empty when allowed), e.g.
  /// "exceeded quota: alpha-weekly, spent: $1,034.20, limit: $1,000.00 per week since Mon
  /// 2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC); this pod would add about $0.42/hour
  /// at current prices; ask #ml-platform to raise it"
  std::string message;
};

/// Whether a new pod may start. A quota stops it when it is a deny quota, its scope covers the
/// pod (ScopeMatchesContainer on cluster, namespace, team, labels), its spend reached its limit,
/// and the pod would add to it: any pod adds dollars and CPU core-hours (usage counts even
/// without a request), only pods that request GPUs add GPU-hours. Other quotas in `quotas` are
/// ignored, so the caller may pass them all. Contacts: each stopping quota's own, else
/// `default_contact`; none, no "ask" clause. Pure.
AdmissionDecision DecideAdmission(const PodToAdmit& pod, std::span<const QuotaWithStatus> quotas,
                                  const ZoneRules& zone, std::string_view default_contact = {});

/// A job about to be launched (POST /v1/quotas/check), as quota rules see it.
struct LaunchPlan {
  std::string cluster;  ///< the route fills in this service's cluster when the request has none
  std::string namespace_name;
  std::string team;
  Labels labels;
  ResourceQuantities resources;  ///< "cpu", "memory", "gpu" of the request
  /// What those resources cost per hour: the route prices "instance_type" x "capacity_type"
  /// (e.g. the resources' share of the node at rule 2's unit prices).
  HourlyPrice price;
  std::chrono::seconds duration{0};  ///< "hours" x 3600
};

/// How one quota that covers the job would fare.
struct QuotaCheck {
  std::string name;
  QuotaAction action = QuotaAction::kAlert;
  QuotaUnit unit = QuotaUnit::kDollars;
  TimeWindow period;
  std::int64_t spent = 0;  ///< base units of `unit`, as in QuotaStatus
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::int64_t would_add = 0;  ///< the job's estimated use in base units of `unit`
  bool fits = true;            ///< would_add is 0, or spent + would_add <= limit
};

struct LaunchCheck {
  bool allowed = true;   ///< every deny quota that covers the job fits
  Money estimated_cost;  ///< price x duration, rounded half-even to the nano-dollar (rule 1)
  std::optional<Money> remaining;  ///< the least left of the dollar quotas that cover the job
  std::vector<QuotaCheck> quotas;  ///< every quota whose scope covers the job, in the order given
  std::string message;             ///< one paragraph for the person launching
};

/// The longest job CheckLaunch estimates.
inline constexpr std::chrono::hours kMaxLaunchDuration{8784};  // a leap year

/// Estimates the job's use against each quota whose scope covers it (as for a pod). The job uses
/// dollars = price x duration, CPU core-hours = cpu x duration, GPU-hours = gpus x duration,
/// no bytes scanned. Throws InvalidInput naming the request field ("hours: must be greater than
/// 0", "resources.cpu: must not be negative", ...). Pure.
LaunchCheck CheckLaunch(const LaunchPlan& plan, std::span<const QuotaWithStatus> quotas,
                        const ZoneRules& zone, std::string_view default_contact = {});

}  // namespace costledger::model
