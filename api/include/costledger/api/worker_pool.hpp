#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace costledger::api {

/// How much nicer than the HTTP server's I/O threads `costledger serve` runs its database-read
/// workers, its /metrics renderer and its collector: throughput work yields the cores to
/// /healthz and admission answers.
inline constexpr int kReadWorkerNice = 5;

/// A fixed number of threads running jobs in submission order, with a bounded queue: TrySubmit
/// never waits, it refuses a job when the queue is full. For work that may block for long
/// (database reads), kept off the HTTP server's I/O threads. Thread-safe.
class WorkerPool {
 public:
  /// Starts `threads` threads; at most `queue_capacity` jobs wait for a free thread (0: a job is
  /// taken only when a thread is free), so at most threads + queue_capacity jobs are unfinished.
  /// Throws InvalidInput when `threads` is below 1. `nice_increment` > 0 lowers the threads'
  /// CPU priority by that much (Linux per-thread nice), so that on a busy machine the HTTP
  /// server's I/O threads (/healthz, /v1/admission) are scheduled ahead of long reads; a
  /// failure to lower it is ignored.
  WorkerPool(int threads, std::size_t queue_capacity, int nice_increment = 0);
  /// Stops (see Stop).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  WorkerPool(WorkerPool&&) = delete;
  WorkerPool& operator=(WorkerPool&&) = delete;

  /// Queues `job` to run on one of the threads. False (and `job` is destroyed unrun) when
  /// `queue_capacity` jobs are already waiting or the pool is stopped. An exception the job
  /// throws is swallowed: a job reports its own failures.
  bool TrySubmit(std::function<void()> job);

  /// Jobs waiting for a thread (not those running).
  std::size_t waiting() const;
  int threads() const { return static_cast<int>(threads_.size()); }
  std::size_t queue_capacity() const { return queue_capacity_; }

  /// Lets the running jobs finish, destroys the waiting ones unrun, joins the threads; later
  /// submissions are refused. Idempotent. Must not be called from a job.
  void Stop();

 private:
  void Work();

  const std::size_t queue_capacity_;
  mutable std::mutex mutex_;
  std::condition_variable job_ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;  // jobs being run
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace costledger::api
