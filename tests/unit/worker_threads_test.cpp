// The default size of the database-read pool: one thread per usable core, 2 to 8.
#include "costledger/common/worker_threads.hpp"

#include <gtest/gtest.h>
#include <sched.h>

namespace costledger::common {
namespace {

TEST(WorkerThreadsTest, DefaultThreadsAreOnePerCoreBetweenTwoAndEight) {
  EXPECT_EQ(WorkerThreadsFor(0), 2);
  EXPECT_EQ(WorkerThreadsFor(1), 2);
  EXPECT_EQ(WorkerThreadsFor(2), 2);
  EXPECT_EQ(WorkerThreadsFor(6), 6);
  EXPECT_EQ(WorkerThreadsFor(8), 8);
  EXPECT_EQ(WorkerThreadsFor(96), 8);
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(DefaultWorkerThreads(), WorkerThreadsFor(CPU_COUNT(&set)));  // this process's cores
}

}  // namespace
}  // namespace costledger::common
