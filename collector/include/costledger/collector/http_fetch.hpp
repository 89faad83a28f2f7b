#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace costledger::collector {

/// How to reach one source.
struct FetchOptions {
  std::chrono::milliseconds timeout{10'000};
  std::string bearer_token;  ///< sent as Authorization: Bearer when not empty
  std::string ca_file;       ///< PEM bundle to verify https servers; system store when empty
  std::size_t max_bytes = std::size_t{4} << 30;  ///< refuse larger bodies
};

struct FetchResult {
  std::string url;
  long status = 0;  ///< HTTP status; 200 for files
  std::string body;
  std::string error;  ///< empty on success (2xx)
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

}  // namespace costledger::collector
