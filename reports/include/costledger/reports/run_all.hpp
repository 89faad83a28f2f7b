#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace costledger::reports {

/// Runs every task, at most `concurrency` at a time (the calling thread is one of them), in
/// their order of start; once all have ended, rethrows the first exception any threw (and starts
/// no task after it). Each task must write only what is its own.
void RunAll(const std::vector<std::function<void()>>& tasks, std::size_t concurrency);

}  // namespace costledger::reports
