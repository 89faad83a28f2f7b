#include "costledger/common/worker_threads.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace costledger::common {

int WorkerThreadsFor(int cpus) { return std::clamp(cpus, 2, 8); }

int DefaultWorkerThreads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  int cpus = 0;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
  if (cpus <= 0) cpus = static_cast<int>(std::thread::hardware_concurrency());
  return WorkerThreadsFor(cpus);
}

}  // namespace costledger::common
