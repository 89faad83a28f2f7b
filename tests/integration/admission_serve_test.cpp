// The admission webhook from the real binary: `costledger serve --role api` on a private
// PostgreSQL whose quota evaluator finds team-0's deny quota over its limit; AdmissionReviews of
// team-0's pods are denied, team-1's allowed (its deny quota has room), with tokens of each role.
#include <curl/curl.h>
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "admission_fixtures.hpp"
#include "child_process.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;
constexpr const char* kAdmission = "serve-admission-token-0123456789";
constexpr const char* kViewer = "serve-viewer-token-0123456789";

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct Reply {
  long status = 0;
  std::string body;
};

Reply Post(int port, const std::string& path, const std::string& body, const char* token) {
  Reply reply;
  CURL* curl = curl_easy_init();
  const std::string url = fmt::format("http://127.0.0.1:{}{}", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  const std::string auth = fmt::format("Authorization: Bearer {}", token);
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

model::Quota TeamDeny(std::string name, std::string team, std::int64_t limit_nanos) {
  model::Quota q;
  q.name = std::move(name);
  q.scope.team = std::move(team);
  q.period = model::QuotaPeriod::kMonth;
  q.limit = {model::QuotaUnit::kDollars, limit_nanos};
  q.action = model::QuotaAction::kDeny;
  q.contact = "#ml-platform";
  return q;
}

TEST(AdmissionServeTest, DeniesNewPodsOfTheTeamOverItsDenyQuotaOnly) {
  ASSERT_TRUE(kCurlReady);
  testing::PrivatePostgres server;
  const std::string url = server.CreateDatabase("admission_serve");
  const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
  {
    postgres::PostgresStore store(url, "");
    store.Migrate();
    for (int m = 5; m >= 0; --m) {
      store.Write(testing::MakeBatch("c1", now - std::chrono::minutes(m), 2, 3));
    }
    postgres::PostgresQuotaStore quotas(url, "");
    quotas.Put(TeamDeny("team0-monthly", "team-0", 1000), "test", ports::QuotaSource::kApi);
    quotas.Put(TeamDeny("team1-monthly", "team-1", 1'000'000'000'000), "test",
               ports::QuotaSource::kApi);
  }
  testing::TempDir dir("admission-serve");
  const std::string tokens = dir.Path("tokens.json");
  std::ofstream(tokens) << fmt::format(
      R"([{{"name":"apiserver","sha256":"{}","role":"admission","teams":["*"]}},
          {{"name":"viewer","sha256":"{}","role":"viewer","teams":["*"]}}])",
      api::Sha256Hex(kAdmission), api::Sha256Hex(kViewer));
  const int port = testing::FreeTcpPort();
  json config = {
      {"cluster", "c1"}, {"database_url", url}, {"listen", fmt::format("127.0.0.1:{}", port)}};
  config["sources"]["kubernetes"]["api_url"] = "http://127.0.0.1:9";
  config["reports"]["enabled"] = false;
  config["quotas"]["evaluate_seconds"] = 1;
  config["auth"]["tokens_file"] = tokens;
  config["admission"]["failure_policy"] = "fail-open";
  const std::string path = dir.Path("config.json");
  std::ofstream(path) << config.dump();
  testing::ChildProcess serve(
      {COSTLEDGER_BINARY, "serve", "--config", path, "--role", "api", "--log-format", "json"},
      dir.Path("serve.log"));

  testing::ReviewPod team0;
  team0.team = "team-0";
  team0.owner_kind = "Job";
  // Until the first evaluation the state is stale: allowed with a warning (fail-open).
  json response;
  for (int i = 0; i < 300; ++i) {
    const Reply r = Post(port, "/v1/admission", testing::AdmissionReviewBody(team0), kAdmission);
    if (r.status == 200) {
      response = json::parse(r.body)["response"];
      if (response["allowed"] == false) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(response["allowed"], false) << serve.Log();
  EXPECT_EQ(response["uid"], team0.uid);
  EXPECT_EQ(response["status"]["code"], 403);
  EXPECT_THAT(std::string(response["status"]["message"]),
              AllOf(StartsWith("exceeded quota: team0-monthly, spent: $"),
                    HasSubstr("this pod would add about $"), HasSubstr("ask #ml-platform")));

  testing::ReviewPod bare = team0;
  bare.owner_kind.clear();
  bare.name = "notebook-ada";
  bare.dry_run = true;
  EXPECT_EQ(json::parse(Post(port, "/v1/admission", testing::AdmissionReviewBody(bare), kAdmission)
                            .body)["response"]["allowed"],
            false);
  testing::ReviewPod team1;
  team1.team = "team-1";
  const json allowed = json::parse(
      Post(port, "/v1/admission", testing::AdmissionReviewBody(team1), kAdmission).body);
  EXPECT_EQ(allowed["response"]["allowed"], true);
  EXPECT_FALSE(allowed["response"].contains("warnings")) << allowed.dump();

  const Reply malformed =
      Post(port, "/v1/admission", R"({"apiVersion":"admission.k8s.io/v1"})", kAdmission);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json::parse(malformed.body)["kind"], "AdmissionReview");
  EXPECT_EQ(Post(port, "/v1/admission", testing::AdmissionReviewBody(team1), kViewer).status, 403);

  const Reply check =
      Post(port, "/v1/quotas/check",
           R"({"scope": {"team": "team-0"}, "resources": {"cpu": "1"}, "hours": 1})", kViewer);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(json::parse(check.body)["allowed"], false);

  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(seconds(30)), 0) << serve.Log();
}

}  // namespace
}  // namespace costledger
