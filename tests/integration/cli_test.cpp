// Drives the real `costledger` binary the way a person does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "shell_command.hpp"
#include "test_data.hpp"

namespace costledger::cli {
namespace {

using ::testing::HasSubstr;

using Output = testing::CommandOutput;

Output RunCostledger(const std::string& args) {
  return testing::RunShellCommand(std::string(COSTLEDGER_BINARY) + " " + args);
}

std::string DemoArgs() {
  return "allocate --sample-dir " + testing::TestDataPath("demo") + " --offer " +
         testing::TestDataPath("aws/ec2_offer_us-east-1.json") + " --spot " +
         testing::TestDataPath("aws/spot_price_history.json");
}

TEST(CliTest, EverySubcommandHasHelp) {
  for (const char* command :
       {"serve", "simulate", "report", "migrate", "check-config", "allocate"}) {
    const Output out = RunCostledger(std::string(command) + " --help");
    EXPECT_EQ(out.exit_code, 0) << command;
    EXPECT_THAT(out.text, HasSubstr(std::string("usage: costledger ") + command));
  }
  EXPECT_THAT(RunCostledger("--help").text, HasSubstr("commands:"));
}

TEST(CliTest, UnknownCommandAndOptionAreNamed) {
  const Output unknown = RunCostledger("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.text, HasSubstr("unknown command 'frobnicate'"));
  const Output bad_option = RunCostledger("allocate --colour red");
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_THAT(bad_option.text, HasSubstr("unknown option '--colour'"));
}

TEST(CliTest, AllocatePricesTheDemoClusterExactly) {
  const Output out = RunCostledger(DemoArgs());
  ASSERT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("exact to the nano-dollar"));
  // m5.xlarge on-demand 0.192 $/h + r5.2xlarge spot 0.1266 + g5.2xlarge spot 0.4881, one minute.
  EXPECT_THAT(out.text, HasSubstr("node cost 0.013445000 $"));
  EXPECT_THAT(out.text, HasSubstr("ml-training"));
  EXPECT_THAT(out.text, HasSubstr("__idle__"));
}

TEST(CliTest, AllocateByTeamSumsToTheSameTotal) {
  const Output out = RunCostledger(DemoArgs() + " --aggregate team");
  ASSERT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("alpha"));
  EXPECT_THAT(out.text, HasSubstr("node cost 0.013445000 $"));
}

// Workloads as their platforms name them: the Spark application and the Ray cluster of the
// sample pods (owned by a SparkApplication and a RayCluster), per namespace.
TEST(CliTest, AllocateByWorkloadNamesThePlatformsWorkloads) {
  const Output out = RunCostledger(DemoArgs() + " --aggregate workload");
  ASSERT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("spark/spark:etl-daily"));
  EXPECT_THAT(out.text, HasSubstr("ray/raycluster:raycluster-alpha"));
  EXPECT_THAT(out.text, HasSubstr("node cost 0.013445000 $"));
  const Output by_platform = RunCostledger(DemoArgs() + " --aggregate platform");
  ASSERT_EQ(by_platform.exit_code, 0) << by_platform.text;
  EXPECT_THAT(by_platform.text, HasSubstr("kubernetes"));
  EXPECT_THAT(by_platform.text, HasSubstr("spark"));
}

TEST(CliTest, BadInputIsAClearErrorNotACrash) {
  const Output missing = RunCostledger("allocate --sample-dir /nonexistent");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.text, HasSubstr("cannot read /nonexistent/at.txt"));
  const Output bad_aggregate = RunCostledger(DemoArgs() + " --aggregate colour");
  EXPECT_EQ(bad_aggregate.exit_code, 2);
  EXPECT_THAT(bad_aggregate.text, HasSubstr("allowed: namespace, team"));
}

}  // namespace
}  // namespace costledger::cli
