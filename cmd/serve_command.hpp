#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kServeHelp;
extern const char* const kMigrateHelp;
extern const char* const kCheckConfigHelp;

/// `costledger serve`: per `--role`, the collector, the API, or both (default) until
/// SIGTERM/SIGINT (or one interval with `--once`). Returns the process exit code.
int RunServe(const std::vector<std::string>& args);
/// `costledger migrate`: applies pending migrations and prints them.
int RunMigrate(const std::vector<std::string>& args);
/// `costledger check-config`: validates the configuration and the database connection.
int RunCheckConfig(const std::vector<std::string>& args);

}  // namespace costledger::cli
