#pragma once

#include <string>
#include <vector>

namespace costledger::cli {

extern const char* const kSimulateHelp;

/// `costledger simulate`: serves a synthetic data-science cluster over HTTP in the real wire
/// formats until SIGINT/SIGTERM. Prints one "simulate: serving ..." line on stdout when ready.
/// Returns the process exit code; throws InvalidInput for bad options and Unavailable when it
/// cannot listen.
int RunSimulate(const std::vector<std::string>& args);

}  // namespace costledger::cli
