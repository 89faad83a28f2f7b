// costledger: one binary, subcommands. Only picks the subcommand and maps its errors to exit
// codes; each subcommand parses its own options and wires its components (cmd/*_command.cpp).
#include <fmt/core.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "allocate_command.hpp"
#include "costledger/model/errors.hpp"
#include "quota_command.hpp"
#include "report_command.hpp"
#include "serve_command.hpp"
#include "simulate_command.hpp"

namespace {

constexpr const char* kUsage = R"(usage: costledger <command> [options]

Cost and resource accounting for Kubernetes data-science platforms.

commands:
  serve          run the collector and the HTTP API with its Prometheus metrics
  simulate       serve a simulated cluster in the real wire formats
  migrate        apply pending database migrations
  check-config   validate a configuration file and print the effective settings
  allocate       price one interval of a recorded cluster snapshot and print the table
  report         build or send one week's team reports
  quota          list, apply or delete quotas (list | apply -f FILE | delete NAME)

Run `costledger <command> --help` for a command's options.
)";

struct Command {
  std::string_view name;
  const char* help;
  int (*run)(const std::vector<std::string>&);
};

}  // namespace

int main(int argc, char** argv) {
  namespace cli = costledger::cli;
  // Local, not a namespace-scope table: the help texts are defined in other translation units.
  const Command commands[] = {
      {"serve", cli::kServeHelp, cli::RunServe},
      {"simulate", cli::kSimulateHelp, cli::RunSimulate},
      {"report", cli::kReportHelp, cli::RunReport},
      {"migrate", cli::kMigrateHelp, cli::RunMigrate},
      {"check-config", cli::kCheckConfigHelp, cli::RunCheckConfig},
      {"allocate", cli::kAllocateHelp, cli::RunAllocate},
      {"quota", cli::kQuotaHelp, cli::RunQuota},
  };
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    fmt::print(args.empty() ? stderr : stdout, "{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    fmt::print("costledger 0.1.0\n");
    return 0;
  }
  for (const Command& command : commands) {
    if (args[0] != command.name) continue;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const std::string& a : rest) {
      if (a == "--help" || a == "-h") {
        fmt::print("{}", command.help);
        return 0;
      }
    }
    try {
      return command.run(rest);
    } catch (const costledger::InvalidInput& e) {
      fmt::print(stderr, "costledger {}: {}\n", command.name, e.what());
      return 2;
    } catch (const std::exception& e) {
      fmt::print(stderr, "costledger {}: error: {}\n", command.name, e.what());
      return 1;
    }
  }
  fmt::print(stderr, "costledger: unknown command '{}'\n\n{}", args[0], kUsage);
  return 2;
}
