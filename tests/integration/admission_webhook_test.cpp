// The admission webhook and POST /v1/quotas/check as serve wires them: CostApi behind the
// PooledHandler and the Beast server over HTTPS (certificates made with the openssl CLI), with
// real AdmissionReview bodies and a quota board holding hand-made snapshots. The decision never
// waits for the worker pool: a test fills the pool with reads that block and still gets answers.

#include <curl/curl.h>
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "admission_fixtures.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/api/pooled_handler.hpp"
#include "costledger/api/worker_pool.hpp"
#include "costledger/http/http_server.hpp"
#include "costledger/quotas/quota_board.hpp"
#include "no_cost_reads.hpp"
#include "temp_dir.hpp"
#include "test_certificates.hpp"

namespace costledger::api {
namespace {

using costledger::testing::AdmissionReviewBody;
using costledger::testing::AdmissionReviewJson;
using costledger::testing::ReviewPod;
using costledger::testing::Snapshot;
using costledger::testing::TeamQuota;
using costledger::testing::TestCertificate;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;

constexpr const char* kAdmissionToken = "admission-token-0123456789";
constexpr const char* kViewerToken = "viewer-token-0123456789";

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  double seconds = 0;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Reads that block until released: they occupy the worker pool.
class BlockingReads final : public ports::AllocationReader {
 public:
  std::vector<model::AllocationRow> ReadAllocations(
      std::chrono::sys_seconds /*start*/, std::chrono::sys_seconds /*end*/,
      std::chrono::seconds /*step*/, std::span<const model::PropertyRef> /*grouping*/) override {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return {};
  }
  std::vector<model::IdleRow> ReadIdle(std::chrono::sys_seconds /*start*/,
                                       std::chrono::sys_seconds /*end*/,
                                       std::chrono::seconds /*step*/) override {
    return {};
  }
  void WaitFor(int readers) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ >= readers; });
  }
  void Release() {
    const std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool released_ = false;
};

class AdmissionWebhookTest : public ::testing::Test {
 protected:
  AdmissionWebhookTest()
      : ca_(costledger::testing::MakeTestCa(dir_.path(), "cluster-ca")),
        server_cert_(costledger::testing::MakeTestCertificate(dir_.path(), "server",
                                                              "costledger.costledger.svc", ca_)),
        apiserver_cert_(costledger::testing::MakeTestCertificate(dir_.path(), "apiserver",
                                                                 "kube-apiserver", ca_)) {
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(fmt::format(
        R"([{{"name": "apiserver", "sha256": "{}", "role": "admission", "teams": ["*"]}},
            {{"name": "viewer", "sha256": "{}", "role": "viewer", "teams": ["*"]}}])",
        Sha256Hex(kAdmissionToken), Sha256Hex(kViewerToken)));
    settings.cache_ttl = std::chrono::seconds(0);
    settings.enforcement.board = &board_;
    settings.enforcement.cluster = "prod-eu";
    api_ = std::make_unique<CostApi>(CostReaders{blocking_, reads_, reads_, reads_}, nullptr,
                                     settings, [] { return Now(); });
    handler_ = std::make_unique<PooledHandler>(*api_, pool_);
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.tls_cert_file = server_cert_.cert_file;
    options.tls_key_file = server_cert_.key_file;
    options.tls_client_ca_file = ca_.cert_file;
    server_ = std::make_unique<http::HttpServer>(options, handler_->AsHandler());
    server_->Start();
    // alpha-weekly (deny, $1000) spent $1034.20.
    board_.Publish(
        Snapshot({TeamQuota("alpha-weekly", "alpha", "deny", "1000")}, {1'034'200'000'000}, Now()));
  }

  void TearDown() override {
    blocking_.Release();
    server_->Stop();
    pool_.Stop();
  }

  static std::chrono::sys_seconds Now() {
    return costledger::testing::WeekStart() + std::chrono::hours{60};
  }

  Reply Send(const std::string& path, const std::string& body, const char* token,
             const TestCertificate* client = nullptr, const std::string& method = "POST") {
    Reply reply;
    CURL* curl = curl_easy_init();
    const std::string url = fmt::format("https://localhost:{}{}", server_->port(), path);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    if (method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    const std::string auth = token != nullptr ? fmt::format("Authorization: Bearer {}", token) : "";
    if (token != nullptr) headers = curl_slist_append(headers, auth.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (client != nullptr) {
      curl_easy_setopt(curl, CURLOPT_SSLCERT, client->cert_file.c_str());
      curl_easy_setopt(curl, CURLOPT_SSLKEY, client->key_file.c_str());
    }
    reply.code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &reply.seconds);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return reply;
  }

  // The response part of the review answer to `pod`, checked for shape and uid.
  json Review(const ReviewPod& pod, const char* token = kAdmissionToken,
              const TestCertificate* client = nullptr) {
    const Reply r = Send("/v1/admission", AdmissionReviewBody(pod), token, client);
    EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 200) << r.body;
    const json j = json::parse(r.body);
    EXPECT_EQ(j["apiVersion"], "admission.k8s.io/v1");
    EXPECT_EQ(j["kind"], "AdmissionReview");
    EXPECT_EQ(j["response"]["uid"], pod.uid);
    return j["response"];
  }

  costledger::testing::TempDir dir_{"costledger-admission"};
  TestCertificate ca_;
  TestCertificate server_cert_;
  TestCertificate apiserver_cert_;
  quotas::QuotaBoard board_;
  costledger::testing::NoCostReads reads_;
  BlockingReads blocking_;
  std::unique_ptr<CostApi> api_;
  WorkerPool pool_{1, 1};
  std::unique_ptr<PooledHandler> handler_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(AdmissionWebhookTest, PodOfAJobOfATeamOverItsDenyQuotaIsDenied) {
  ASSERT_TRUE(kCurlReady);
  ReviewPod pod;
  pod.owner_kind = "Job";
  const json response = Review(pod);
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 403);
  EXPECT_THAT(std::string(response["status"]["message"]),
              AllOf(StartsWith("exceeded quota: alpha-weekly, spent: $1,034.20, limit: $1,000.00 "
                               "per week since Mon 2026-11-30 00:00 UTC"),
                    HasSubstr("this pod would add about $"), HasSubstr("ask #ml-platform")));
}

TEST_F(AdmissionWebhookTest, BarePodIsDeniedAlike) {
  ReviewPod pod;
  pod.name = "notebook-ada";
  EXPECT_EQ(Review(pod)["allowed"], false);
}

TEST_F(AdmissionWebhookTest, PodsOutOfScopeAreAllowed) {
  ReviewPod beta;
  beta.team = "beta";
  beta.owner_kind = "Job";
  EXPECT_EQ(Review(beta)["allowed"], true);
  ReviewPod teamless;
  teamless.team = "";
  EXPECT_EQ(Review(teamless)["allowed"], true);
}

TEST_F(AdmissionWebhookTest, DryRunIsJudgedAlike) {
  ReviewPod pod;
  pod.dry_run = true;
  EXPECT_EQ(Review(pod)["allowed"], false);
  pod.team = "beta";
  EXPECT_EQ(Review(pod)["allowed"], true);
}

TEST_F(AdmissionWebhookTest, OnlyPodCreateIsJudged) {
  ReviewPod update;
  update.operation = "UPDATE";
  EXPECT_EQ(Review(update)["allowed"], true);
}

TEST_F(AdmissionWebhookTest, MalformedBodyGets400InAdmissionReviewForm) {
  json review = AdmissionReviewJson(ReviewPod{});
  review["request"]["object"]["spec"]["containers"][0]["resources"]["requests"]["memory"] = "lots";
  const Reply r = Send("/v1/admission", review.dump(), kAdmissionToken);
  EXPECT_EQ(r.status, 400);
  const json j = json::parse(r.body);
  EXPECT_EQ(j["code"], 400);
  EXPECT_EQ(j["kind"], "AdmissionReview");
  EXPECT_EQ(j["response"]["uid"], ReviewPod{}.uid);
  EXPECT_EQ(j["response"]["allowed"], false);
  EXPECT_EQ(j["response"]["status"]["code"], 400);
  EXPECT_THAT(std::string(j["response"]["status"]["message"]),
              AllOf(StartsWith("request.object: "), HasSubstr("memory")));
  const Reply garbage = Send("/v1/admission", "{\"apiVersion\": ", kAdmissionToken);
  EXPECT_EQ(garbage.status, 400);
  EXPECT_THAT(garbage.body, HasSubstr("malformed JSON"));
}

TEST_F(AdmissionWebhookTest, WrongRoleOrNoCredentialsAreRefused) {
  const std::string body = AdmissionReviewBody(ReviewPod{});
  const Reply viewer = Send("/v1/admission", body, kViewerToken);
  EXPECT_EQ(viewer.status, 403);
  EXPECT_THAT(viewer.body, HasSubstr("needs role admission or admin"));
  EXPECT_EQ(Send("/v1/admission", body, nullptr).status, 401);
  EXPECT_EQ(Send("/v1/admission", body, "not-a-token").status, 401);
  // The admission token is good for nothing else.
  EXPECT_EQ(Send("/v1/allocation?window=1d", "", kAdmissionToken, nullptr, "GET").status, 403);
}

TEST_F(AdmissionWebhookTest, ClientCertificateOfTheApiServerAuthenticates) {
  ReviewPod pod;
  EXPECT_EQ(Review(pod, nullptr, &apiserver_cert_)["allowed"], false);
}

TEST_F(AdmissionWebhookTest, QuotaCheckAnswersOverHttps) {
  const Reply r = Send("/v1/quotas/check",
                       R"({"scope": {"team": "alpha"}, "resources": {"cpu": "4", "memory": "16Gi",
                           "capacity_type": "spot"}, "hours": 3})",
                       kViewerToken);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["allowed"], false);
  EXPECT_EQ(j["estimated_cost_nanos"], 210'000'000);
  EXPECT_EQ(j["remaining"], 0.0);
  EXPECT_EQ(j["quotas"][0]["name"], "alpha-weekly");
  const Reply bad = Send("/v1/quotas/check", R"({"scope": {}, "hours": "3"})", kViewerToken);
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("hours: expected a number"));
}

TEST_F(AdmissionWebhookTest, AnswersWhileTheWorkerPoolIsFull) {
  // One worker blocked in a read, one read queued: the pool is full and reads get 503.
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([this, i] {
      (void)Send(fmt::format("/v1/allocation?window={}d&aggregate=namespace", i + 1), "",
                 kViewerToken, nullptr, "GET");
    });
    if (i == 0) blocking_.WaitFor(1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Send("/v1/allocation?window=3d", "", kViewerToken, nullptr, "GET").status, 503);
  const Reply r = Send("/v1/admission", AdmissionReviewBody(ReviewPod{}), kAdmissionToken);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["response"]["allowed"], false);
  EXPECT_LT(r.seconds, 1.0);
  blocking_.Release();
  for (auto& t : readers) t.join();
}

}  // namespace
}  // namespace costledger::api
