// The API's bounded worker pool: jobs run on its threads, a full queue refuses, Stop drops what
// still waits.
#include "costledger/api/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "costledger/model/errors.hpp"

namespace costledger::api {
namespace {

using std::chrono::seconds;

// Jobs that wait until released, counting those that started.
class Blocker {
 public:
  std::function<void()> Job() {
    return [this] {
      std::unique_lock lock(mutex_);
      ++started_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
      ++finished_;
    };
  }
  void Release() {
    {
      const std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }
  bool AwaitStarted(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(30), [&] { return started_ >= count; });
  }
  int finished() {
    const std::lock_guard lock(mutex_);
    return finished_;
  }
  bool AwaitFinished(int count) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (finished() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return finished() >= count;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  int finished_ = 0;
  bool released_ = false;
};

TEST(WorkerPoolTest, RunsJobsOnItsOwnThreads) {
  WorkerPool pool(3, 10);
  EXPECT_EQ(pool.threads(), 3);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  std::atomic<int> done{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      {
        const std::lock_guard lock(mutex);
        ids.insert(std::this_thread::get_id());
      }
      ++done;
    }));
  }
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (done < 10 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(done, 10);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0U);
}

TEST(WorkerPoolTest, AFullQueueRefusesWithoutWaiting) {
  Blocker blocker;
  WorkerPool pool(2, 3);
  ASSERT_TRUE(pool.TrySubmit(blocker.Job()));
  ASSERT_TRUE(pool.TrySubmit(blocker.Job()));
  ASSERT_TRUE(blocker.AwaitStarted(2));  // both threads busy
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.TrySubmit(blocker.Job())) << i;
  EXPECT_EQ(pool.waiting(), 3U);
  bool ran = false;
  EXPECT_FALSE(pool.TrySubmit([&ran] { ran = true; }));
  blocker.Release();
  EXPECT_TRUE(blocker.AwaitFinished(5));  // the queued ones ran too
  pool.Stop();
  EXPECT_FALSE(ran);
}

TEST(WorkerPoolTest, AQueueOfZeroTakesOnlyWhatIdleThreadsCanRun) {
  Blocker blocker;
  WorkerPool pool(2, 0);
  EXPECT_TRUE(pool.TrySubmit(blocker.Job()));
  EXPECT_TRUE(pool.TrySubmit(blocker.Job()));
  EXPECT_FALSE(pool.TrySubmit(blocker.Job()));
  ASSERT_TRUE(blocker.AwaitStarted(2));
  blocker.Release();
}

TEST(WorkerPoolTest, StopFinishesRunningJobsDropsWaitingOnesAndRefusesMore) {
  Blocker blocker;
  WorkerPool pool(1, 4);
  ASSERT_TRUE(pool.TrySubmit(blocker.Job()));
  ASSERT_TRUE(blocker.AwaitStarted(1));
  std::atomic<bool> waiting_ran{false};
  ASSERT_TRUE(pool.TrySubmit([&waiting_ran] { waiting_ran = true; }));
  std::thread stopper([&pool] { pool.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  blocker.Release();
  stopper.join();
  EXPECT_EQ(blocker.finished(), 1);
  EXPECT_FALSE(waiting_ran);
  EXPECT_FALSE(pool.TrySubmit([] {}));
  pool.Stop();  // idempotent
}

TEST(WorkerPoolTest, AThrowingJobDoesNotStopItsThread) {
  WorkerPool pool(1, 4);
  std::atomic<bool> after{false};
  ASSERT_TRUE(pool.TrySubmit([] { throw std::runtime_error("job failed"); }));
  ASSERT_TRUE(pool.TrySubmit([&after] { after = true; }));
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (!after && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(after);
}

TEST(WorkerPoolTest, NeedsAThread) { EXPECT_THROW(WorkerPool(0, 4), InvalidInput); }

}  // namespace
}  // namespace costledger::api
