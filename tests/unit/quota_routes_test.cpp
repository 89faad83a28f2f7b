// The quota management routes of the API (GET/PUT/DELETE /v1/quotas[/{name}[/history]])
// through a fake QuotaStore (no database, no socket): roles, team scopes, status codes, and
// errors that name the field.
#include "costledger/api/quota_routes.hpp"

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "api_request.hpp"
#include "costledger/api/cost_api.hpp"
#include "costledger/http/http_status.hpp"
#include "costledger/model/errors.hpp"
#include "no_cost_reads.hpp"

namespace costledger::api {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using testing::ExpectJsonError;

const sys_seconds kNow{seconds{1'796'018'400}};  // 2026-11-30T06:00:00Z

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kViewer = "viewer-token-0123456789";
constexpr const char* kAlphaAdmin = "alpha-admin-token-0123456789";

// The store's contract over a map, with every change in a history.
class FakeQuotaStore final : public ports::QuotaStore {
 public:
  std::vector<ports::StoredQuota> List() override {
    std::vector<ports::StoredQuota> out;
    for (const auto& [name, q] : quotas_) out.push_back(q);
    return out;
  }
  std::optional<ports::StoredQuota> Get(const std::string& name) override {
    const auto it = quotas_.find(name);
    return it == quotas_.end() ? std::nullopt : std::optional(it->second);
  }
  ports::QuotaPutOutcome Put(const model::Quota& quota, const std::string& who,
                             ports::QuotaSource source) override {
    const auto current = Get(quota.name);
    if (current && current->quota == quota && current->source == source) {
      return ports::QuotaPutOutcome::kUnchanged;
    }
    Record(quota.name, who, source, current ? std::optional(current->quota) : std::nullopt, quota);
    quotas_[quota.name] = {quota, current ? current->created_at : kNow, kNow, who, source};
    return current ? ports::QuotaPutOutcome::kReplaced : ports::QuotaPutOutcome::kCreated;
  }
  bool Delete(const std::string& name, const std::string& who, ports::QuotaSource source) override {
    const auto current = Get(name);
    if (!current) return false;
    Record(name, who, source, current->quota, std::nullopt);
    quotas_.erase(name);
    return true;
  }
  ports::QuotaReconcileResult Reconcile(const std::vector<model::Quota>& /*quotas*/,
                                        const std::string& /*who*/) override {
    throw std::logic_error("not used by the routes");
  }
  std::vector<ports::QuotaChange> History(const std::string& name, std::size_t limit) override {
    std::vector<ports::QuotaChange> out;
    for (auto it = changes_.rbegin(); it != changes_.rend() && out.size() < limit; ++it) {
      if (it->name == name) out.push_back(*it);
    }
    return out;
  }

 private:
  void Record(const std::string& name, const std::string& who, ports::QuotaSource source,
              std::optional<model::Quota> before, std::optional<model::Quota> after) {
    changes_.push_back({static_cast<std::int64_t>(changes_.size() + 1), name, kNow, who, source,
                        std::move(before), std::move(after)});
  }
  std::map<std::string, ports::StoredQuota> quotas_;
  std::vector<ports::QuotaChange> changes_;
};

constexpr std::string_view kAlphaWeekly =
    R"({"name": "alpha-weekly", "scope": {"team": "alpha"}, "period": "week",
        "limit": {"dollars": 1000}, "action": "deny", "thresholds": [0.5, 0.8, 1.0]})";

class QuotaRoutesTest : public ::testing::Test {
 protected:
  QuotaRoutesTest() { Build(&store_); }

  void Build(ports::QuotaStore* store) {
    CostApiSettings settings;
    settings.tokens = TokenRegistry::Parse(fmt::format(
        R"([{{"name":"platform","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"reader","sha256":"{}","role":"viewer","teams":["*"]}},
            {{"name":"alpha-lead","sha256":"{}","role":"admin","teams":["alpha"]}}])",
        Sha256Hex(kAdmin), Sha256Hex(kViewer), Sha256Hex(kAlphaAdmin)));
    CostReaders readers{costs_, costs_, costs_, costs_};
    readers.quotas = store;
    api_ = std::make_unique<CostApi>(readers, nullptr, std::move(settings), [] { return kNow; });
  }

  http::HttpResponse Send(const std::string& method, const std::string& target,
                          std::string body = "", const char* token = kAdmin) {
    http::HttpRequest request = testing::ApiRequest(target, token, method);
    request.body = std::move(body);
    if (!request.body.empty()) request.headers["content-type"] = "application/json";
    try {
      return api_->Handle(request);
    } catch (...) {
      return http::ErrorResponse(std::current_exception());
    }
  }

  testing::NoCostReads costs_;
  FakeQuotaStore store_;
  std::unique_ptr<CostApi> api_;
};

TEST_F(QuotaRoutesTest, PutCreatesThenReplacesAndGetShowsWhoAndWhen) {
  http::HttpResponse r = Send("PUT", "/v1/quotas/alpha-weekly", std::string(kAlphaWeekly));
  EXPECT_EQ(r.status, 201) << r.body;
  nlohmann::json body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.at("status"), "created");
  EXPECT_EQ(body.at("data").at("limit").at("dollars"), 1000);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers.front().first, "Location");
  EXPECT_EQ(r.headers.front().second, "/v1/quotas/alpha-weekly");

  r = Send("PUT", "/v1/quotas/alpha-weekly", std::string(kAlphaWeekly));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body).at("status"), "unchanged");
  // The name in the body is optional.
  r = Send("PUT", "/v1/quotas/alpha-weekly",
           R"({"scope":{"team":"alpha"},"period":"month","limit":{"gpu_hours":10}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body).at("status"), "replaced");

  r = Send("GET", "/v1/quotas/alpha-weekly", "", kViewer);
  ASSERT_EQ(r.status, 200) << r.body;
  body = nlohmann::json::parse(r.body).at("data");
  EXPECT_EQ(body.at("name"), "alpha-weekly");
  EXPECT_EQ(body.at("period"), "month");
  EXPECT_EQ(body.at("action"), "alert");
  EXPECT_EQ(body.at("thresholds"), nlohmann::json::parse("[0.5,0.8,1]"));
  EXPECT_EQ(body.at("updatedBy"), "token:platform");
  EXPECT_EQ(body.at("updatedAt"), "2026-11-30T06:00:00Z");
  EXPECT_EQ(body.at("source"), "api");

  r = Send("GET", "/v1/quotas", "", kViewer);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body).at("data").size(), 1U);

  r = Send("GET", "/v1/quotas/alpha-weekly/history", "", kViewer);
  ASSERT_EQ(r.status, 200);
  body = nlohmann::json::parse(r.body).at("data");
  ASSERT_EQ(body.size(), 2U);
  EXPECT_EQ(body[0].at("before").at("period"), "week");
  EXPECT_EQ(body[0].at("after").at("period"), "month");
  EXPECT_TRUE(body[1].at("before").is_null());
  EXPECT_EQ(nlohmann::json::parse(Send("GET", "/v1/quotas/alpha-weekly/history?limit=1").body),
            nlohmann::json::parse(fmt::format(R"({{"code":200,"data":[{}]}})", body[0].dump())));
}

TEST_F(QuotaRoutesTest, BadSpecsGet400NamingTheFieldAndNothingIsStored) {
  const auto put = [&](std::string body) { return Send("PUT", "/v1/quotas/q", std::move(body)); };
  ExpectJsonError(put(R"({"scope":{},"period":"fortnight","limit":{"dollars":1}})"), 400,
                  "period: 'fortnight' is not one of day, week, month");
  ExpectJsonError(put(R"({"scope":{},"period":"day","limit":{"dollars":1},"action":"block"})"), 400,
                  "action: 'block' is not one of alert, deny");
  ExpectJsonError(put(R"({"scope":{},"period":"day","limit":{"dollars":1,"gpu_hours":2}})"), 400,
                  "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned");
  ExpectJsonError(put(R"({"scope":{},"period":"day","limit":{"dollars":-1}})"), 400,
                  "limit.dollars: '-1' must be greater than 0");
  ExpectJsonError(put(R"({"period":"day","limit":{"dollars":1}})"), 400, "scope: required");
  ExpectJsonError(put(R"({"name":"other","scope":{},"period":"day","limit":{"dollars":1}})"), 400,
                  "name: 'other' in the body does not match 'q' in the path");
  ExpectJsonError(put("{"), 400, "malformed JSON");
  ExpectJsonError(Send("PUT", "/v1/quotas/Bad_Name", "{}"), 400, "name: 'Bad_Name'");
  ExpectJsonError(Send("PUT", "/v1/quotas/check", "{}"), 400, "reserved");
  EXPECT_TRUE(store_.List().empty());
}

TEST_F(QuotaRoutesTest, WrongContentTypeIs415AndAHugeBodyIs413) {
  http::HttpRequest request = testing::ApiRequest("/v1/quotas/q", kAdmin, "PUT");
  request.body = "scope=x";
  request.headers["content-type"] = "application/x-www-form-urlencoded";
  ExpectJsonError(api_->Handle(request), 415, "application/json");
  request.headers["content-type"] = "application/json; charset=utf-8";
  request.body = std::string(kMaxQuotaBodyBytes + 1, ' ');
  ExpectJsonError(api_->Handle(request), 413, "at most");
}

TEST_F(QuotaRoutesTest, DeleteIs204ThenItIs404) {
  Send("PUT", "/v1/quotas/alpha-weekly", std::string(kAlphaWeekly));
  http::HttpResponse r = Send("DELETE", "/v1/quotas/alpha-weekly");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  ExpectJsonError(Send("DELETE", "/v1/quotas/alpha-weekly"), 404, "no quota 'alpha-weekly'");
  ExpectJsonError(Send("GET", "/v1/quotas/alpha-weekly"), 404, "no quota 'alpha-weekly'");
  // Its history outlives it.
  EXPECT_EQ(
      nlohmann::json::parse(Send("GET", "/v1/quotas/alpha-weekly/history").body).at("data").size(),
      2U);
}

TEST_F(QuotaRoutesTest, ViewersReadAndOnlyAdminsChange) {
  ExpectJsonError(Send("PUT", "/v1/quotas/alpha-weekly", std::string(kAlphaWeekly), kViewer), 403,
                  "changing quotas needs admin");
  ExpectJsonError(Send("DELETE", "/v1/quotas/alpha-weekly", "", kViewer), 403, "needs admin");
  ExpectJsonError(Send("GET", "/v1/quotas", "", nullptr), 401, "Authorization");
  EXPECT_TRUE(store_.List().empty());
}

TEST_F(QuotaRoutesTest, ATeamScopedTokenManagesOnlyItsTeamsQuotas) {
  EXPECT_EQ(Send("PUT", "/v1/quotas/alpha-weekly", std::string(kAlphaWeekly), kAlphaAdmin).status,
            201);
  ExpectJsonError(
      Send("PUT", "/v1/quotas/beta",
           R"({"scope":{"team":"beta"},"period":"day","limit":{"dollars":1}})", kAlphaAdmin),
      403, "scope.team is one of alpha");
  EXPECT_EQ(
      Send("PUT", "/v1/quotas/all", R"({"scope":{},"period":"day","limit":{"dollars":1}})").status,
      201);
  ExpectJsonError(Send("DELETE", "/v1/quotas/all", "", kAlphaAdmin), 403, "quota 'all'");
  ExpectJsonError(Send("GET", "/v1/quotas/all", "", kAlphaAdmin), 403, "quota 'all'");
  const auto listed = nlohmann::json::parse(Send("GET", "/v1/quotas", "", kAlphaAdmin).body);
  ASSERT_EQ(listed.at("data").size(), 1U);
  EXPECT_EQ(listed.at("data")[0].at("name"), "alpha-weekly");
}

TEST_F(QuotaRoutesTest, MethodsRoutesAndADisabledStore) {
  http::HttpResponse r = Send("POST", "/v1/quotas/q", "{}");
  ExpectJsonError(r, 405, "GET, HEAD, PUT, DELETE");
  ExpectJsonError(Send("PUT", "/v1/quotas", "{}"), 405, "GET, HEAD");
  ExpectJsonError(Send("DELETE", "/v1/quotas/q/history"), 405, "GET, HEAD");
  ExpectJsonError(Send("GET", "/v1/quotas/a/b"), 404, "no route");
  ExpectJsonError(Send("GET", "/v1/quotas?x=1"), 400, "x");
  ExpectJsonError(Send("GET", "/v1/quotas/q/history?limit=0"), 400, "parameter 'limit'");
  EXPECT_EQ(CostApi::RouteOf("/v1/quotas/q"), "/v1/quotas/{name}");
  EXPECT_EQ(CostApi::RouteOf("/v1/quotas/q/history"), "/v1/quotas/{name}/history");
  Build(nullptr);
  ExpectJsonError(Send("GET", "/v1/quotas"), 404, "quotas are not enabled");
}

}  // namespace
}  // namespace costledger::api
