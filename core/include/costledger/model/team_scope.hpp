#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace costledger::model {

/// Which teams' costs a caller may see: the one rule every reader of costs applies (the API's
/// tokens carry one, see api::Principal). Team names match exactly (case-sensitive); the empty
/// team (costs without a team label) is seen only by a scope of all teams.
struct TeamScope {
  /// True: every team, and costs of no team.
  bool all_teams = true;
  /// The teams seen when `all_teams` is false.
  std::set<std::string, std::less<>> teams;

  /// Every team.
  static TeamScope All() { return {true, {}}; }
  /// Only `teams` (none when empty).
  static TeamScope Only(std::set<std::string, std::less<>> teams) {
    return {false, std::move(teams)};
  }

  /// Whether costs of `team` may be seen.
  bool Sees(std::string_view team) const { return all_teams || teams.contains(team); }
};

}  // namespace costledger::model
