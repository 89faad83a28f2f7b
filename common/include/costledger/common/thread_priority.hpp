#pragma once

namespace costledger::common {

/// Lowers the CPU priority of the calling thread only (Linux per-thread nice) by `increment`,
/// so that on a busy machine the HTTP server's I/O threads (/healthz, /v1/admission) are
/// scheduled ahead of throughput work (database reads, the collector's intervals). Threads it
/// starts afterwards inherit it. Best effort: a failure leaves the priority as it was.
void LowerThisThreadPriority(int increment);

}  // namespace costledger::common
