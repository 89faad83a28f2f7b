#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kServeHelp;
extern const char* const kMigrateHelp;
extern const char* const kCheckConfigHelp;

/// `costledger serve`: the collector (and, with later roles, the API) until SIGTERM/SIGINT.
int RunServe(const std::vector<std::string>& args);
/// `costledger migrate`: applies pending migrations and prints them.
int RunMigrate(const std::vector<std::string>& args);
/// `costledger check-config`: validates the configuration and the database connection.
int RunCheckConfig(const std::vector<std::string>& args);

}  // namespace costledger::cli
