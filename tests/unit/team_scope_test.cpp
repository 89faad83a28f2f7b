// The one rule for which teams a caller sees (the API's tokens apply it through Principal).
#include "costledger/model/team_scope.hpp"

#include <gtest/gtest.h>

namespace costledger::model {
namespace {

TEST(TeamScopeTest, AllTeamsSeesEveryTeamAndCostsOfNoTeam) {
  const TeamScope all = TeamScope::All();
  EXPECT_TRUE(all.Sees("alpha"));
  EXPECT_TRUE(all.Sees("anything"));
  EXPECT_TRUE(all.Sees(""));
}

TEST(TeamScopeTest, ALimitedScopeSeesExactlyItsTeams) {
  const TeamScope alpha_beta = TeamScope::Only({"alpha", "beta"});
  EXPECT_TRUE(alpha_beta.Sees("alpha"));
  EXPECT_TRUE(alpha_beta.Sees("beta"));
  EXPECT_FALSE(alpha_beta.Sees("gamma"));
  EXPECT_FALSE(alpha_beta.Sees("Alpha"));  // case-sensitive
  EXPECT_FALSE(alpha_beta.Sees("alph"));
  EXPECT_FALSE(alpha_beta.Sees(""));  // costs without a team label
}

TEST(TeamScopeTest, AScopeOfNoTeamsSeesNothing) {
  const TeamScope none = TeamScope::Only({});
  EXPECT_FALSE(none.Sees("alpha"));
  EXPECT_FALSE(none.Sees(""));
}

}  // namespace
}  // namespace costledger::model
