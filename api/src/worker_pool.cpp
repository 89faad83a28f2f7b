#include "costledger/api/worker_pool.hpp"

#include <utility>

#include "costledger/common/thread_priority.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::api {

WorkerPool::WorkerPool(int threads, std::size_t queue_capacity, int nice_increment)
    : queue_capacity_(queue_capacity) {
  if (threads < 1) {
    throw InvalidInput("a worker pool needs at least one thread, got " + std::to_string(threads));
  }
  threads_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice_increment] {
      common::LowerThisThreadPriority(nice_increment);
      Work();
    });
  }
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TrySubmit(std::function<void()> job) {
  {
    const std::lock_guard lock(mutex_);
    // Jobs not finished are at most one per thread plus a full queue.
    if (stopping_ || running_ + queue_.size() >= threads_.size() + queue_capacity_) return false;
    queue_.push_back(std::move(job));
  }
  job_ready_.notify_one();
  return true;
}

std::size_t WorkerPool::waiting() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    dropped.swap(queue_);
  }
  job_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  dropped.clear();  // outside the lock: a job's destructor may do anything
}

void WorkerPool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    try {
      job();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a job reports its own errors; keep the thread
    }
    job = nullptr;  // its captures go before the slot is free
    const std::lock_guard lock(mutex_);
    --running_;
  }
}

}  // namespace costledger::api
