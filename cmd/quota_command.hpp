#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kQuotaHelp;

/// `costledger quota list|apply -f FILE|delete NAME [--config FILE]`: manages quotas in
/// PostgreSQL directly (through the QuotaStore port), recorded as "cli:<user>". Returns the exit
/// code; throws InvalidInput for bad arguments or a bad file (nothing is then changed),
/// NotFound for deleting a quota that does not exist.
int RunQuota(const std::vector<std::string>& args);

}  // namespace costledger::cli
