#pragma once

// Internal to the enforcement routes: the board's snapshot as of a request, with whether it is
// fresh enough to decide from.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "costledger/api/enforcement_routes.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/quotas/quota_board.hpp"

namespace costledger::api {

struct EnforcementState {
  std::shared_ptr<const quotas::QuotaSnapshot> snapshot;  ///< null before the first evaluation
  /// Why the state cannot be trusted ("" when fresh), e.g. "no quota evaluation has run yet".
  std::string stale_reason;
  const model::ZoneRules* zone = nullptr;  ///< never null

  bool Fresh() const { return stale_reason.empty(); }
};

/// The current snapshot and its freshness at `now`.
EnforcementState CurrentState(const EnforcementSettings& settings, std::chrono::sys_seconds now);

/// The warning that says how stale state was handled, e.g. "costledger: quota state is stale (...);
/// failure policy fail-open: allowed without a quota check".
std::string StaleWarning(const EnforcementSettings& settings, const EnforcementState& state,
                         bool allowed);

http::HttpResponse AnswerAdmission(const EnforcementSettings& settings,
                                   const http::HttpRequest& request, std::chrono::sys_seconds now);
http::HttpResponse AnswerLaunchCheck(const EnforcementSettings& settings,
                                     const http::HttpRequest& request, const Principal& who,
                                     std::chrono::sys_seconds now);

}  // namespace costledger::api
