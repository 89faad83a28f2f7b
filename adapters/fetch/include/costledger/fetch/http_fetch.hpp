#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace costledger::fetch {

/// How to reach one source.
struct FetchOptions {
  std::chrono::milliseconds timeout{10'000};
  std::string bearer_token;  ///< sent as Authorization: Bearer when not empty
  std::string ca_file;       ///< PEM bundle to verify https servers; system store when empty
  std::size_t max_bytes = std::size_t{4} << 30;  ///< refuse larger bodies
  /// FetchQueue only: no fetch starts after this instant and each one started ends by it (its
  /// timeout is cut to what is left); fetches still queued then fail with "not started: ...".
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct FetchResult {
  std::string url;
  long status = 0;  ///< HTTP status; 200 for files
  std::string body;
  std::string content_type;  ///< the response's Content-Type, as sent ("" for files)
  std::string error;         ///< empty on success (2xx)
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return error.empty(); }
};

/// Fetches a source by URL (http://, https://, file://) or plain file path. Never throws for
/// network or HTTP errors: they come back in `error` ("GET http://x: HTTP 503", "timed out
/// after 10000 ms", ...), so one failing source never stops the others. Thread-safe.
FetchResult Fetch(const std::string& url_or_path, const FetchOptions& options);

/// Fetches many URLs concurrently (one libcurl multi handle, at most `parallel` in flight);
/// results in the order of `urls`.
std::vector<FetchResult> FetchAll(const std::vector<std::string>& urls, const FetchOptions& options,
                                  int parallel = 64);

/// Fetches concurrently like FetchAll, but hands each result to its own callback as soon as it
/// has arrived (on the thread calling Run), so that a body can be parsed and dropped while
/// others are still on their way: memory holds the bodies in flight, not all of them. A
/// callback may Add() further fetches (the next chunk of a list). Not thread-safe.
class FetchQueue {
 public:
  using Done = std::function<void(FetchResult&& result)>;

  explicit FetchQueue(FetchOptions options, int parallel = 64);
  ~FetchQueue();
  FetchQueue(const FetchQueue&) = delete;
  FetchQueue& operator=(const FetchQueue&) = delete;
  FetchQueue(FetchQueue&&) = delete;
  FetchQueue& operator=(FetchQueue&&) = delete;

  /// Queues a fetch. `accept`, when set, replaces the default Accept header (JSON, then text):
  /// e.g. Kubernetes' protobuf before JSON.
  void Add(std::string url_or_path, Done done, std::string accept = {});

  /// Runs until every fetch added, including those callbacks add, is done. An exception thrown
  /// by a callback propagates (fetches still in flight are abandoned).
  void Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::fetch
