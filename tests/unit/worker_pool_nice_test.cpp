// WorkerPool's nice_increment: its threads run at a lower CPU priority than the thread that made
// the pool (the HTTP server's I/O threads keep theirs), and 0 leaves them as they are.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <future>

#include "costledger/api/worker_pool.hpp"

namespace costledger::api {
namespace {

int PriorityInAJob(int nice_increment) {
  WorkerPool pool(1, 1, nice_increment);
  std::promise<int> seen;
  EXPECT_TRUE(pool.TrySubmit(
      [&seen] { seen.set_value(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))); }));
  return seen.get_future().get();
}

TEST(WorkerPoolNiceTest, WorkersRunNicerByTheIncrement) {
  const int mine = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  if (mine + 5 > 19) GTEST_SKIP() << "already at nice " << mine;
  EXPECT_EQ(PriorityInAJob(5), mine + 5);
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), mine);
  EXPECT_EQ(PriorityInAJob(0), mine);
}

}  // namespace
}  // namespace costledger::api
