#pragma once

// AdmissionReview bodies and quota board snapshots for the admission webhook and
// POST /v1/quotas/check tests (unit, integration and bench). Header-only.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "costledger/model/quota.hpp"
#include "costledger/model/quota_status.hpp"
#include "costledger/quotas/quota_board.hpp"

namespace costledger::testing {

/// What a review's pod looks like; the defaults are a bare pod of team alpha asking 1 core and
/// 2 GiB in namespace ml.
struct ReviewPod {
  std::string uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
  std::string namespace_name = "ml";
  std::string name;            ///< empty: generateName "train-" (as a controller's pod)
  std::string team = "alpha";  ///< the "team" label; empty: none
  std::string owner_kind;      ///< e.g. "Job"; empty: no ownerReferences
  std::string owner_name = "train";
  std::string cpu = "1";
  std::string memory = "2Gi";
  int gpus = 0;
  std::string node_selector_capacity_type;  ///< karpenter.sh/capacity-type when set
  bool dry_run = false;
  std::string operation = "CREATE";
  std::string kind = "Pod";
};

/// An admission.k8s.io/v1 AdmissionReview as the API server sends it for `p`.
inline nlohmann::json AdmissionReviewJson(const ReviewPod& p) {
  using nlohmann::json;
  json labels = json::object();
  if (!p.team.empty()) labels["team"] = p.team;
  labels["app"] = "trainer";
  json metadata = {{"namespace", p.namespace_name}, {"labels", labels}};
  if (p.name.empty()) {
    metadata["generateName"] = "train-";
  } else {
    metadata["name"] = p.name;
  }
  if (!p.owner_kind.empty()) {
    metadata["ownerReferences"] = json::array({{{"apiVersion", "batch/v1"},
                                                {"kind", p.owner_kind},
                                                {"name", p.owner_name},
                                                {"uid", "6f0a6c1e-1"},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}});
  }
  json resources = {{"requests", {{"cpu", p.cpu}, {"memory", p.memory}}}};
  if (p.gpus > 0) {
    resources["requests"]["nvidia.com/gpu"] = std::to_string(p.gpus);
    resources["limits"] = {{"nvidia.com/gpu", std::to_string(p.gpus)}};
  }
  json spec = {
      {"containers",
       json::array({{{"name", "main"}, {"image", "python:3.12"}, {"resources", resources}}})},
      {"restartPolicy", "Never"}};
  if (!p.node_selector_capacity_type.empty()) {
    spec["nodeSelector"] = {{"karpenter.sh/capacity-type", p.node_selector_capacity_type}};
  }
  const bool pod = p.kind == "Pod";
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", p.uid},
            {"kind", {{"group", pod ? "" : "apps"}, {"version", "v1"}, {"kind", p.kind}}},
            {"resource",
             {{"group", pod ? "" : "apps"},
              {"version", "v1"},
              {"resource", pod ? "pods" : "deployments"}}},
            {"requestKind", {{"group", ""}, {"version", "v1"}, {"kind", p.kind}}},
            {"namespace", p.namespace_name},
            {"operation", p.operation},
            {"userInfo", {{"username", "system:serviceaccount:kube-system:job-controller"}}},
            {"object",
             {{"apiVersion", "v1"}, {"kind", p.kind}, {"metadata", metadata}, {"spec", spec}}},
            {"oldObject", nullptr},
            {"dryRun", p.dry_run},
            {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
}

inline std::string AdmissionReviewBody(const ReviewPod& p) { return AdmissionReviewJson(p).dump(); }

/// A weekly dollar quota of `team` with `action`, limit `limit_dollars`.
inline model::Quota TeamQuota(std::string name, std::string team, std::string action,
                              std::string limit_dollars, std::string contact = "#ml-platform") {
  model::QuotaSpec spec;
  spec.name = std::move(name);
  spec.scope = model::QuotaScopeSpec{};
  spec.scope->team = std::move(team);
  spec.period = "week";
  spec.limit = model::QuotaLimitSpec{};
  spec.limit->dollars = std::move(limit_dollars);
  spec.action = std::move(action);
  spec.contact = std::move(contact);
  return model::ValidateQuota(spec);
}

/// Monday 2026-11-30 00:00 UTC: the week of the snapshots below.
inline std::chrono::sys_seconds WeekStart() {
  return std::chrono::sys_days{std::chrono::year{2026} / 11 / 30};
}

/// A snapshot evaluated at `at` (counted through `at` too) holding `quotas` with `spent_nanos`
/// each (same order), and two offerings: m5.xlarge on-demand ($0.192/h, 4 cores, 16 GiB, 3
/// nodes) and spot ($0.07/h, 1 node).
inline std::shared_ptr<const quotas::QuotaSnapshot> Snapshot(
    std::vector<model::Quota> quotas, const std::vector<std::int64_t>& spent_nanos,
    std::chrono::sys_seconds at) {
  auto s = std::make_shared<quotas::QuotaSnapshot>();
  const model::TimeWindow week{WeekStart(), WeekStart() + std::chrono::days{7}};
  for (std::size_t i = 0; i < quotas.size(); ++i) {
    s->statuses.push_back(model::StatusAt(quotas[i], week, spent_nanos[i], at));
  }
  s->quotas = std::move(quotas);
  s->evaluated_at = at;
  s->counted_through = at;
  constexpr std::int64_t kGiB = std::int64_t{1} << 30;
  model::OfferingPrice od;
  od.instance_type = "m5.xlarge";
  od.capacity_type = model::CapacityType::kOnDemand;
  od.node_price.per_hour = model::Money::FromNanos(192'000'000);
  od.capacity = {4000, 16 * kGiB, 0};
  od.nodes = 3;
  model::OfferingPrice spot = od;
  spot.capacity_type = model::CapacityType::kSpot;
  spot.node_price.per_hour = model::Money::FromNanos(70'000'000);
  spot.nodes = 1;
  s->offerings = {od, spot};
  return s;
}

}  // namespace costledger::testing
