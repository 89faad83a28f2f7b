#include "costledger/fetch/http_fetch.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::fetch {
namespace {

using Clock = std::chrono::steady_clock;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IsUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

struct Transfer {
  FetchResult result;
  std::size_t max_bytes = 0;
  bool too_large = false;
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers{nullptr, curl_slist_free_all};
  std::unique_ptr<CURL, void (*)(CURL*)> easy{nullptr, curl_easy_cleanup};
  Clock::time_point started;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->result.body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  if (t->result.body.empty()) {
    // Sized once from Content-Length (when sent, and not compressed) rather than grown and
    // copied as it arrives.
    curl_off_t length = -1;
    curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length > 0 && static_cast<std::size_t>(length) <= t->max_bytes) {
      t->result.body.reserve(static_cast<std::size_t>(length));
    }
  }
  t->result.body.append(data, n);
  return n;
}

constexpr std::string_view kDefaultAccept = "application/json, text/plain;q=0.9, */*;q=0.1";

// `accept`: the Accept header's value; empty for the default.
void Prepare(Transfer& t, const std::string& url, const FetchOptions& options,
             std::string_view accept = {}) {
  t.result.url = url;
  t.max_bytes = options.max_bytes;
  if (t.easy) {
    curl_easy_reset(t.easy.get());  // a handle of an earlier fetch: its buffers are kept
  } else {
    t.easy.reset(curl_easy_init());
  }
  CURL* e = t.easy.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(options.timeout.count(), 5000)));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // gzip when the server offers it
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_slist* headers = nullptr;
  headers = curl_slist_append(
      headers, fmt::format("Accept: {}", accept.empty() ? kDefaultAccept : accept).c_str());
  if (!options.bearer_token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options.bearer_token).c_str());
  }
  t.headers.reset(headers);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  t.started = Clock::now();
}

void Finish(Transfer& t, CURLcode code, const FetchOptions& options) {
  t.result.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t.started);
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &t.result.status);
  const char* content_type = nullptr;
  curl_easy_getinfo(t.easy.get(), CURLINFO_CONTENT_TYPE, &content_type);
  t.result.content_type = content_type != nullptr ? content_type : "";
  if (t.too_large) {
    t.result.error =
        fmt::format("GET {}: response larger than {} bytes", t.result.url, options.max_bytes);
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    t.result.error =
        fmt::format("GET {}: timed out after {} ms", t.result.url, options.timeout.count());
  } else if (code != CURLE_OK) {
    t.result.error = fmt::format("GET {}: {}", t.result.url, curl_easy_strerror(code));
  } else if (t.result.status < 200 || t.result.status >= 300) {
    // An API server asked for protobuf writes its Status in it: its message, not its bytes.
    std::string snippet = t.result.content_type.starts_with(sources::kKubernetesProtobuf)
                              ? sources::KubernetesStatusMessageProtobuf(t.result.body)
                              : t.result.body.substr(0, 200);
    t.result.error = fmt::format("GET {}: HTTP {} {}", t.result.url, t.result.status, snippet);
  }
  if (!t.result.error.empty()) t.result.body.clear();
}

FetchResult ReadLocalFile(const std::string& path_or_file_url, const FetchOptions& options) {
  const std::string path =
      path_or_file_url.rfind("file://", 0) == 0 ? path_or_file_url.substr(7) : path_or_file_url;
  const auto started = Clock::now();
  FetchResult r;
  r.url = path_or_file_url;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = fmt::format("read {}: cannot open file", path);
    return r;
  }
  std::ostringstream out;
  out << in.rdbuf();
  r.body = out.str();
  if (r.body.size() > options.max_bytes) {
    r.body.clear();
    r.error = fmt::format("read {}: larger than {} bytes", path, options.max_bytes);
    return r;
  }
  r.status = 200;
  r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return r;
}

}  // namespace

FetchResult Fetch(const std::string& url_or_path, const FetchOptions& options) {
  if (!IsUrl(url_or_path)) return ReadLocalFile(url_or_path, options);
  GlobalInitOnce();
  Transfer t;
  Prepare(t, url_or_path, options);
  const CURLcode code = curl_easy_perform(t.easy.get());
  Finish(t, code, options);
  return std::move(t.result);
}

std::vector<FetchResult> FetchAll(const std::vector<std::string>& urls, const FetchOptions& options,
                                  int parallel) {
  std::vector<FetchResult> results(urls.size());
  FetchQueue queue(options, parallel);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    queue.Add(urls[i], [&results, i](FetchResult&& r) { results[i] = std::move(r); });
  }
  queue.Run();
  return results;
}

struct FetchQueue::Impl {
  struct Pending {
    std::string url;
    Done done;
    std::string accept;  // empty: the default
  };

  Impl(FetchOptions o, int p)
      : options(std::move(o)),
        parallel(std::max(1, p)),
        multi(curl_multi_init(), [](CURLM* m) { curl_multi_cleanup(m); }) {
    curl_multi_setopt(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(parallel));
  }

  ~Impl() {
    for (auto& [easy, transfer] : running) curl_multi_remove_handle(multi.get(), easy);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  // Starts queued fetches while there is room; files are read at once.
  void StartMore() {
    while (!queued.empty() && static_cast<int>(running.size()) < parallel) {
      Pending next = std::move(queued.front());
      queued.pop_front();
      if (!IsUrl(next.url)) {
        next.done(ReadLocalFile(next.url, options));
        continue;
      }
      auto transfer = std::make_unique<Running>();
      if (!idle_handles.empty()) {
        transfer->transfer.easy = std::move(idle_handles.back());
        idle_handles.pop_back();
      }
      if (!idle_bodies.empty()) {
        transfer->transfer.result.body = std::move(idle_bodies.back());
        idle_bodies.pop_back();
        transfer->transfer.result.body.clear();
      }
      Prepare(transfer->transfer, next.url, options, next.accept);
      if (options.deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            *options.deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          FetchResult late;
          late.url = next.url;
          late.error =
              fmt::format("GET {}: not started: the scrape's deadline had passed", next.url);
          next.done(std::move(late));
          continue;
        }
        curl_easy_setopt(transfer->transfer.easy.get(), CURLOPT_TIMEOUT_MS,
                         static_cast<long>(std::min(left, options.timeout).count()));
      }
      transfer->done = std::move(next.done);
      CURL* easy = transfer->transfer.easy.get();
      curl_multi_add_handle(multi.get(), easy);
      running.emplace(easy, std::move(transfer));
    }
  }

  struct Running {
    Transfer transfer;
    Done done;
  };

  // Handles and body buffers of finished fetches, reused by the next ones: a scrape makes
  // thousands of fetches (a kubelet each, a list chunk each), and freeing each handle's buffers
  // and each megabyte body made glibc consolidate its free lists every time (a tenth of the
  // collector's CPU at 5,000 nodes). Bounded: what is kept is what was in flight anyway.
  static constexpr std::size_t kKeptBodies = 4;
  void KeepHandle(std::unique_ptr<CURL, void (*)(CURL*)> easy) {
    if (easy && idle_handles.size() < static_cast<std::size_t>(parallel)) {
      idle_handles.push_back(std::move(easy));
    }
  }
  void KeepBody(std::string& body) {
    if (body.capacity() > 0 && idle_bodies.size() < kKeptBodies) {
      idle_bodies.push_back(std::move(body));
    }
  }

  FetchOptions options;
  int parallel;
  std::unique_ptr<CURLM, void (*)(CURLM*)> multi;
  std::deque<Pending> queued;
  std::map<CURL*, std::unique_ptr<Running>> running;
  std::vector<std::unique_ptr<CURL, void (*)(CURL*)>> idle_handles;
  std::vector<std::string> idle_bodies;
};

FetchQueue::FetchQueue(FetchOptions options, int parallel)
    : impl_(std::make_unique<Impl>(std::move(options), parallel)) {
  GlobalInitOnce();
}

FetchQueue::~FetchQueue() = default;

void FetchQueue::Add(std::string url_or_path, Done done, std::string accept) {
  impl_->queued.push_back({std::move(url_or_path), std::move(done), std::move(accept)});
}

void FetchQueue::Run() {
  Impl& q = *impl_;
  q.StartMore();
  while (!q.running.empty() || !q.queued.empty()) {
    int still = 0;
    curl_multi_perform(q.multi.get(), &still);
    int pending_messages = 0;
    while (CURLMsg* msg = curl_multi_info_read(q.multi.get(), &pending_messages)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(q.multi.get(), easy);
      const auto it = q.running.find(easy);
      std::unique_ptr<Impl::Running> done = std::move(it->second);
      q.running.erase(it);
      Finish(done->transfer, code, q.options);
      FetchResult result = std::move(done->transfer.result);
      Done callback = std::move(done->done);
      q.KeepHandle(std::move(done->transfer.easy));
      done.reset();  // the headers go before the callback runs
      callback(std::move(result));
      // The callback takes an rvalue reference: the body is still here unless it moved it.
      q.KeepBody(result.body);  // NOLINT(bugprone-use-after-move)
    }
    q.StartMore();
    if (!q.running.empty()) curl_multi_poll(q.multi.get(), nullptr, 0, 100, nullptr);
  }
}

}  // namespace costledger::fetch
