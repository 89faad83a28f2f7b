// The scraper against `costledger simulate`'s HTTP server: chunked lists followed to their end
// as client-go's pager follows them, and what happens when a chunk goes wrong.
#include "costledger/fetch/cluster_scraper.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "costledger/fetch/http_fetch.hpp"
#include "costledger/simulator/http_server.hpp"
#include "costledger/simulator/simulator.hpp"
#include "costledger/sources/kubernetes_parser.hpp"

namespace costledger::fetch {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using ::testing::HasSubstr;

constexpr sys_seconds kT{seconds(1'714'564'800)};  // 2024-05-01T12:00:00Z

// A simulated cluster of more than two chunks of pods (500 a chunk), served at a simulated time
// the test sets, with every request target and the Content-Type answered recorded. `rewrite`
// may change a target first. With `json_only`, Accept is ignored (as by a proxy that speaks
// JSON only).
class ScrapedCluster {
 public:
  explicit ScrapedCluster(std::function<std::string(const std::string&)> rewrite = {},
                          bool json_only = false)
      : sim_(simulator::SimulatorOptions{5, {30, 1200}}),
        rewrite_(std::move(rewrite)),
        server_(
            "127.0.0.1", 0,
            [this, json_only](const simulator::HttpRequest& r) {
              std::string target = r.target;
              if (rewrite_) target = rewrite_(target);
              simulator::Response response = sim_.Handle(
                  r.method, target, kT + seconds(offset_.load()), json_only ? "" : r.accept);
              const std::lock_guard lock(mutex_);
              targets_.push_back(target);
              content_types_.push_back(response.content_type);
              return response;
            },
            2) {
    server_.Start();
  }

  SourceSettings Settings() const {
    SourceSettings s;
    s.api_url = "http://127.0.0.1:" + std::to_string(server_.port());
    s.timeout = std::chrono::seconds(30);
    return s;
  }

  // The whole list at the current simulated time, in one response.
  std::string Whole(const std::string& path) const {
    return *sim_.Handle("GET", path, kT + seconds(offset_.load())).body;
  }

  std::vector<std::string> Targets(std::string_view prefix) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const std::string& t : targets_) {
      if (t.rfind(prefix, 0) == 0) out.push_back(t);
    }
    return out;
  }

  // The Content-Type of each answer to a target starting with `prefix`.
  std::vector<std::string> ContentTypes(std::string_view prefix) {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (targets_[i].rfind(prefix, 0) == 0) out.push_back(content_types_[i]);
    }
    return out;
  }

  void SetOffset(int s) { offset_ = s; }

 private:
  simulator::Simulator sim_;
  std::function<std::string(const std::string&)> rewrite_;
  std::atomic<int> offset_{0};
  std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<std::string> content_types_;
  simulator::HttpServer server_;
};

const model::SourceStatus& StatusOf(const model::ClusterSnapshot& snap, const std::string& source) {
  for (const model::SourceStatus& s : snap.statuses) {
    if (s.source == source) return s;
  }
  throw std::runtime_error("no status for " + source);
}

std::vector<std::string> Names(const std::vector<model::Pod>& pods) {
  std::vector<std::string> names;
  for (const model::Pod& p : pods) names.push_back(p.namespace_name + "/" + p.name);
  return names;
}

TEST(ClusterScraperTest, FollowsContinueTokensToTheWholeList) {
  ScrapedCluster cluster;
  const model::ClusterSnapshot snap = ScrapeCluster(cluster.Settings(), kT);
  ASSERT_TRUE(snap.pods.has_value()) << StatusOf(snap, "pods").error;
  ASSERT_TRUE(snap.nodes.has_value()) << StatusOf(snap, "nodes").error;
  const std::vector<model::Pod> whole = sources::ParsePodList(cluster.Whole("/api/v1/pods"));
  ASSERT_GT(whole.size(), 1000U);
  EXPECT_EQ(Names(*snap.pods), Names(whole));
  EXPECT_EQ(snap.nodes->size(), sources::ParseNodeList(cluster.Whole("/api/v1/nodes")).size());

  // Chunks of 500: the first without a token, each next one with the last one's.
  const std::vector<std::string> requests = cluster.Targets("/api/v1/pods");
  ASSERT_EQ(requests.size(), (whole.size() + 499) / 500);
  EXPECT_EQ(requests.front(), "/api/v1/pods?limit=500");
  for (std::size_t i = 1; i < requests.size(); ++i) {
    EXPECT_THAT(requests[i], HasSubstr("/api/v1/pods?limit=500&continue="));
  }
  EXPECT_EQ(cluster.Targets("/api/v1/nodes?").size(), 1U);
  EXPECT_EQ(snap.kubelet.size(), snap.nodes->size());
  for (const model::SourceStatus& s : snap.statuses) EXPECT_EQ(s.error, "") << s.source;
  // Pods were asked for, and read, in Kubernetes' protobuf encoding; the rest in JSON.
  for (const std::string& type : cluster.ContentTypes("/api/v1/pods")) {
    EXPECT_EQ(type, sources::kKubernetesProtobuf);
  }
  for (const std::string& type : cluster.ContentTypes("/api/v1/nodes?")) {
    EXPECT_EQ(type, "application/json");
  }
}

TEST(ClusterScraperTest, AServerThatAnswersJsonOnlyIsReadAsJson) {
  ScrapedCluster cluster({}, /*json_only=*/true);
  const model::ClusterSnapshot snap = ScrapeCluster(cluster.Settings(), kT);
  ASSERT_TRUE(snap.pods.has_value()) << StatusOf(snap, "pods").error;
  EXPECT_EQ(Names(*snap.pods), Names(sources::ParsePodList(cluster.Whole("/api/v1/pods"))));
  const std::vector<std::string> types = cluster.ContentTypes("/api/v1/pods");
  ASSERT_GT(types.size(), 1U);
  for (const std::string& type : types) EXPECT_EQ(type, "application/json");
}

TEST(ClusterScraperTest, ABadContinueTokenIsAnErrorNotAShortList) {
  // The server's token is mangled on the way back: the API server answers 400.
  ScrapedCluster cluster([](const std::string& target) {
    const std::size_t at = target.find("continue=");
    return at == std::string::npos ? target : target.substr(0, at) + "continue=bm90IGEgdG9rZW4";
  });
  const model::ClusterSnapshot snap = ScrapeCluster(cluster.Settings(), kT);
  EXPECT_FALSE(snap.pods.has_value());
  // The Status came in protobuf: its message is read out of it.
  EXPECT_EQ(cluster.ContentTypes("/api/v1/pods").back(), sources::kKubernetesProtobuf);
  EXPECT_THAT(StatusOf(snap, "pods").error, HasSubstr("HTTP 400"));
  EXPECT_THAT(StatusOf(snap, "pods").error, HasSubstr("invalid continue token"));
  const std::string& error = StatusOf(snap, "pods").error;
  EXPECT_TRUE(std::none_of(error.begin(), error.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
      << "the Status's bytes, not its message: " << error;
  EXPECT_TRUE(snap.nodes.has_value());  // one chunk: never needed a token
}

TEST(ClusterScraperTest, AnExpiredTokenRestartsTheListInFull) {
  // Time jumps past the token's snapshot (410 Expired) after the first chunk, as when etcd
  // compacts during a slow list: the pager lists again, without a limit, as client-go does.
  ScrapedCluster* self = nullptr;
  ScrapedCluster cluster([&self](const std::string& target) {
    if (target.find("continue=") != std::string::npos) self->SetOffset(600);
    return target;
  });
  self = &cluster;
  const model::ClusterSnapshot snap = ScrapeCluster(cluster.Settings(), kT);
  ASSERT_TRUE(snap.pods.has_value()) << StatusOf(snap, "pods").error;
  EXPECT_EQ(Names(*snap.pods), Names(sources::ParsePodList(cluster.Whole("/api/v1/pods"))));
  const std::vector<std::string> requests = cluster.Targets("/api/v1/pods");
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests.back(), "/api/v1/pods");
}

TEST(ClusterScraperTest, FetchQueueHandsOverEachResultAndTakesMore) {
  ScrapedCluster cluster;
  FetchQueue queue(FetchOptions{}, 4);
  std::vector<std::string> done;
  const std::string api = cluster.Settings().api_url;
  queue.Add(api + "/healthz", [&](FetchResult&& r) {
    done.push_back(r.body);
    queue.Add(api + "/api/v1/nodes/nowhere",
              [&](FetchResult&& missing) { done.push_back(std::to_string(missing.status)); });
  });
  queue.Run();
  EXPECT_EQ(done, (std::vector<std::string>{"ok\n", "404"}));
}

TEST(ClusterScraperTest, KubeletRoundIsBoundedInConcurrencyAndTime) {
  // Each kubelet answers after 100 ms; the round may run one at a time for 450 ms.
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  ScrapedCluster cluster([&](const std::string& target) {
    if (target.find("/proxy/metrics/resource") == std::string::npos) return target;
    const int now = ++in_flight;
    most = std::max(most.load(), now);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    --in_flight;
    return target;
  });
  SourceSettings settings = cluster.Settings();
  settings.kubelet_concurrency = 1;
  settings.kubelet_deadline = std::chrono::milliseconds(450);
  model::ClusterSnapshot snap = ScrapeClusterState(settings, kT);
  ASSERT_TRUE(snap.nodes.has_value());
  ASSERT_GE(snap.nodes->size(), 20U);
  const auto started = std::chrono::steady_clock::now();
  ScrapeKubelets(settings, *snap.nodes, snap);
  const auto took = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(most.load(), 1) << "more kubelets in flight than kubelet_concurrency";
  EXPECT_LT(took, std::chrono::milliseconds(1500)) << "the round outlived its deadline";
  EXPECT_GE(snap.kubelet.size(), 2U);
  EXPECT_LE(snap.kubelet.size(), 5U);
  // The rest failed: never started (the deadline had passed) or cut short by it.
  std::size_t failed = 0;
  std::size_t not_started = 0;
  for (const model::SourceStatus& s : snap.statuses) {
    if (s.source.rfind("kubelet/", 0) != 0 || s.error.empty()) continue;
    ++failed;
    if (s.error.find("deadline") != std::string::npos) ++not_started;
  }
  EXPECT_EQ(failed + snap.kubelet.size(), snap.nodes->size());
  EXPECT_GE(not_started, snap.nodes->size() - 6);
}

}  // namespace
}  // namespace costledger::fetch
