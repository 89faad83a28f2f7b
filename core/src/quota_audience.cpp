#include "costledger/model/quota_audience.hpp"

namespace costledger::model {

bool QuotaConcernsTeam(const QuotaScope& scope, std::string_view team,
                       const std::set<std::string, std::less<>>& namespaces,
                       const std::set<std::string, std::less<>>& workgroups) {
  if (scope.team) return *scope.team == team;
  if (scope.namespace_name) return namespaces.contains(*scope.namespace_name);
  if (scope.workgroup) return workgroups.contains(*scope.workgroup);
  return false;
}

}  // namespace costledger::model
