#include "costledger/common/thread_priority.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace costledger::common {

void LowerThisThreadPriority(int increment) {
  if (increment <= 0) return;
  // On Linux a thread id names one thread for setpriority: only this one gets nicer.
  const auto self = static_cast<id_t>(gettid());
  // NOLINTNEXTLINE(cert-err33-c): best effort; the caller works at any priority
  setpriority(PRIO_PROCESS, self, getpriority(PRIO_PROCESS, self) + increment);
}

}  // namespace costledger::common
