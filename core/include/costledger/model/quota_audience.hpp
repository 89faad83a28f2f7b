#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "costledger/model/quota.hpp"

namespace costledger::model {

/// Whether a team's weekly report shows a quota of `scope`: a scope that names a team concerns
/// that team only; else one that names a namespace concerns the teams that spent in it that week
/// (`namespaces`), and one that names a workgroup the teams that ran queries in it
/// (`workgroups`). A scope of a cluster or labels alone concerns no team in particular: it is in
/// no report (the console and /v1/quotas show it).
bool QuotaConcernsTeam(const QuotaScope& scope, std::string_view team,
                       const std::set<std::string, std::less<>>& namespaces,
                       const std::set<std::string, std::less<>>& workgroups);

}  // namespace costledger::model
