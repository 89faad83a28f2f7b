// costledger: one binary, subcommands. Only parses the command line and wires components.
#include <fmt/core.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "allocate_command.hpp"
#include "costledger/model/errors.hpp"
#include "serve_command.hpp"
#include "simulate_command.hpp"

namespace {

constexpr const char* kUsage = R"(usage: costledger <command> [options]

Cost and resource accounting for Kubernetes data-science platforms.

commands:
  serve          run the collector, API, metrics, report scheduler and quota evaluator
  simulate       serve a simulated cluster in the real wire formats
  report         build or send one week's team reports
  migrate        apply pending database migrations
  check-config   validate a configuration file and print the effective settings
  allocate       price one interval of a recorded cluster snapshot and print the table

Run `costledger <command> --help` for a command's options.
)";

struct Command {
  std::string_view name;
  const char* help;
  int (*run)(const std::vector<std::string>&);
};

int NotYetAvailable(std::string_view name) {
  fmt::print(stderr,
             "costledger {}: not available in this build yet; see `costledger {} --help` for what "
             "it will do\n",
             name, name);
  return 2;
}

constexpr const char* kReportHelp = R"(usage: costledger report --week YYYY-Www [options]

Builds the weekly team reports (HTML with inline charts, CSV, JSON) for one ISO week and
stores them; with --send, delivers them by SMTP and webhook exactly once per team and week.

options:
  --config FILE          JSON configuration (also COSTLEDGER_CONFIG)
  --week YYYY-Www        the ISO week, in the configured time zone (default: last week)
  --team NAME            only this team
  --out DIR              also write the files to DIR
  --send                 deliver the reports
)";

int RunReport(const std::vector<std::string>& /*args*/) { return NotYetAvailable("report"); }

}  // namespace

int main(int argc, char** argv) {
  // Local, not a namespace-scope table: the help texts are defined in other translation units.
  const Command commands[] = {
      {"serve", costledger::cli::kServeHelp, costledger::cli::RunServe},
      {"simulate", costledger::cli::kSimulateHelp, costledger::cli::RunSimulate},
      {"report", kReportHelp, RunReport},
      {"migrate", costledger::cli::kMigrateHelp, costledger::cli::RunMigrate},
      {"check-config", costledger::cli::kCheckConfigHelp, costledger::cli::RunCheckConfig},
      {"allocate", costledger::cli::kAllocateHelp, costledger::cli::RunAllocate},
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
