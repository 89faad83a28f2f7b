#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kAllocateHelp;

/// `costledger allocate`: prices one interval of a recorded cluster snapshot and prints the
/// allocation table. Returns the process exit code.
int RunAllocate(const std::vector<std::string>& args);

}  // namespace costledger::cli
