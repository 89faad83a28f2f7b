#pragma once

namespace costledger::common {

/// How many threads to read the database with on a machine with `cpus` usable cores: one per
/// core, at least 2 and at most 8. A read keeps a core busy (here or in PostgreSQL); more reads
/// at once than cores add no throughput, they only make the I/O threads (/healthz,
/// /v1/admission) wait longer to be scheduled (measured in `bench/run admission`). The cap keeps
/// a replica's database connections bounded on large nodes.
int WorkerThreadsFor(int cpus);

/// WorkerThreadsFor the cores this process may run on (its CPU affinity).
int DefaultWorkerThreads();

}  // namespace costledger::common
