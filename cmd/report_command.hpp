#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kReportHelp;

/// `costledger report`: not in this build yet. Says so on stderr and returns 2.
int RunReport(const std::vector<std::string>& args);

}  // namespace costledger::cli
