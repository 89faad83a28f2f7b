// The console's routes without a server or a database (fake reader ports): login and session
// cookie, CSRF on login and logout, the Content-Security-Policy, team scopes, escaping of names
// that come from the cluster, and the session the API accepts for GET.
#include "costledger/console/console.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "api_request.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/model/allocation_request.hpp"

namespace costledger::console {
namespace {

using std::chrono::sys_seconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kAlpha = "alpha-token-0123456789";
constexpr const char* kAdmission = "admission-token-0123456789";
const sys_seconds kNow = sys_seconds{std::chrono::days(20'000)} + std::chrono::hours(13);

/// Containers of three teams; every read returns them grouped as asked, in the last step.
class FakeReaders final : public ports::AllocationReader,
                          public ports::AssetReader,
                          public ports::QueryReader {
 public:
  struct Container {
    std::map<model::CostProperty, std::string> values;
    std::int64_t cost_nanos;
  };
  std::vector<Container> containers = {
      {{{model::CostProperty::kTeam, "alpha"},
        {model::CostProperty::kNamespace, "ml"},
        {model::CostProperty::kWorkload, "notebook:alice"},
        {model::CostProperty::kPod, "p1"}},
       1'500'000'000},
      {{{model::CostProperty::kTeam, "beta"},
        {model::CostProperty::kNamespace, "etl"},
        {model::CostProperty::kWorkload, "dag:load/copy"},
        {model::CostProperty::kPod, "p2"}},
       2'250'000'000},
      {{{model::CostProperty::kTeam, "gamma"},
        {model::CostProperty::kNamespace, "<script>alert(1)</script>"},
        {model::CostProperty::kWorkload, "Deployment:x"},
        {model::CostProperty::kPod, "p3"}},
       250'000'000}};

  std::vector<model::AllocationRow> ReadAllocations(
      sys_seconds start, sys_seconds end, std::chrono::seconds step,
      std::span<const model::PropertyRef> grouping) override {
    std::vector<model::AllocationRow> rows;
    for (const Container& c : containers) {
      model::AllocationRow r;
      r.step = static_cast<std::size_t>((end - start - std::chrono::seconds(1)) / step);
      for (const model::PropertyRef& p : grouping) {
        const auto it = c.values.find(p.property);
        r.values.push_back(it == c.values.end()
                               ? (p.property == model::CostProperty::kCluster ? "c1" : "x")
                               : it->second);
      }
      r.first_start = end - std::chrono::hours(1);
      r.last_end = end;
      r.container_seconds = 3600;
      r.cpu_cost = model::Money::FromNanos(c.cost_nanos);
      rows.push_back(std::move(r));
    }
    return rows;
  }
  std::vector<model::IdleRow> ReadIdle(sys_seconds /*start*/, sys_seconds /*end*/,
                                       std::chrono::seconds /*step*/) override {
    return {};
  }
  std::vector<model::NodeAssetRow> ReadAssets(sys_seconds /*start*/, sys_seconds /*end*/) override {
    return {};
  }
  std::vector<model::QueryCostRow> ReadQueries(sys_seconds /*start*/,
                                               sys_seconds /*end*/) override {
    return {};
  }
};

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest()
      : tokens_(api::TokenRegistry::Parse(fmt::format(
            R"([{{"name":"platform","sha256":"{}","role":"admin","teams":["*"]}},
                {{"name":"alpha-viewer","sha256":"{}","role":"viewer","teams":["alpha"]}},
                {{"name":"webhook","sha256":"{}","role":"admission","teams":["*"]}}])",
            api::Sha256Hex(kAdmin), api::Sha256Hex(kAlpha), api::Sha256Hex(kAdmission)))),
        console_(ConsoleReaders{fake_,
                                fake_,
                                fake_,
                                nullptr,
                                nullptr,
                                api::EfficiencyReaders{fake_, fake_, nullptr, nullptr},
                                {}},
                 Settings(), [] { return kNow; }) {}

  ConsoleSettings Settings() {
    ConsoleSettings s;
    s.tokens = &tokens_;
    return s;
  }

  static http::HttpRequest Post(const std::string& path, const std::string& body,
                                const std::string& origin = "http://console.test") {
    http::HttpRequest r = testing::ApiRequest(path, nullptr, "POST");
    r.headers["host"] = "console.test";
    if (!origin.empty()) r.headers["origin"] = origin;
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = body;
    return r;
  }

  static std::string Header(const http::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  /// Logs in with `token`; returns the cookie ("costledger_session=...").
  std::string Login(const char* token) {
    const http::HttpResponse r =
        console_.Handle(Post("/console/login", std::string("token=") + token));
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string set = Header(r, "Set-Cookie");
    return set.substr(0, set.find(';'));
  }

  http::HttpResponse Get(const std::string& target, const std::string& cookie) {
    http::HttpRequest r = testing::ApiRequest(target, nullptr);
    if (!cookie.empty()) r.headers["cookie"] = "other=1; " + cookie;
    return console_.Handle(r);
  }

  FakeReaders fake_;
  api::TokenRegistry tokens_;
  Console console_;
};

TEST_F(ConsoleTest, PagesSendTheBrowserToTheLoginFormFirst) {
  const http::HttpResponse r = Get("/console/teams?window=7d", "");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), "/console/login?next=%2Fconsole%2Fteams%3Fwindow%3D7d");
  EXPECT_EQ(Get("/console/login", "").status, 200);
}

TEST_F(ConsoleTest, LoginSetsAStrictHttpOnlySessionCookieAndReturnsToTheNextPage) {
  const http::HttpResponse r = console_.Handle(
      Post("/console/login", std::string("token=") + kAdmin + "&next=%2Fconsole%2Fnodes"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), "/console/nodes");
  EXPECT_THAT(Header(r, "Set-Cookie"), HasSubstr("; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(Header(r, "Set-Cookie"), Not(HasSubstr(kAdmin)));
  // Another site as the place to return to is refused (an open redirect).
  const http::HttpResponse away = console_.Handle(
      Post("/console/login", std::string("token=") + kAdmin + "&next=%2F%2Fevil.example"));
  EXPECT_EQ(Header(away, "Location"), "/");
}

TEST_F(ConsoleTest, LoginFromAnotherOriginOrWithoutOneIsRefused) {
  EXPECT_EQ(
      console_
          .Handle(Post("/console/login", std::string("token=") + kAdmin, "https://evil.example"))
          .status,
      403);
  EXPECT_EQ(console_.Handle(Post("/console/login", std::string("token=") + kAdmin, "")).status,
            403);
  EXPECT_EQ(console_.Handle(Post("/console/login", "token=wrong")).status, 401);
  EXPECT_EQ(console_.Handle(Post("/console/login", std::string("token=") + kAdmission)).status,
            403);
}

TEST_F(ConsoleTest, LogoutNeedsTheSessionsCsrfToken) {
  const std::string cookie = Login(kAdmin);
  const http::HttpResponse page = Get("/", cookie);
  ASSERT_EQ(page.status, 200);
  const std::string marker = "name=\"csrf\" value=\"";
  const std::size_t at = page.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = page.body.substr(at + marker.size(), 64);
  http::HttpRequest forged = Post("/console/logout", "csrf=0000");
  forged.headers["cookie"] = cookie;
  EXPECT_EQ(console_.Handle(forged).status, 403);
  EXPECT_EQ(Get("/", cookie).status, 200);
  http::HttpRequest logout = Post("/console/logout", "csrf=" + csrf);
  logout.headers["cookie"] = cookie;
  const http::HttpResponse out = console_.Handle(logout);
  EXPECT_EQ(out.status, 303);
  EXPECT_THAT(Header(out, "Set-Cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(Get("/", cookie).status, 303) << "the session is gone";
}

TEST_F(ConsoleTest, PagesCarryAPolicyThatRunsOnlyThisServersScript) {
  const http::HttpResponse r = Get("/", Login(kAdmin));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Content-Security-Policy"), std::string(kConsolePolicy));
  EXPECT_THAT(r.body, HasSubstr("<script src=\"/console/static/console.js\" defer></script>"));
  EXPECT_THAT(r.body, Not(HasSubstr("<script>")));
  EXPECT_EQ(Get("/console/static/console.js", "").status, 200);
}

TEST_F(ConsoleTest, FiguresNameTheirApiCall) {
  const http::HttpResponse r = Get("/console/teams?window=7d", Login(kAdmin));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body,
              HasSubstr("data-api=\"/v1/allocation?window=7d&amp;aggregate=team&amp;accumulate="
                        "true\" data-key=\"alpha\" data-field=\"totalCost\""));
  EXPECT_THAT(r.body, HasSubstr(">$1.50</a>"));
  EXPECT_THAT(r.body, HasSubstr(">$2.25</a>"));
}

// The fake's costs all began an hour ago: the forecast says it extrapolates from that hour.
TEST_F(ConsoleTest, ForecastSaysHowLittleItIsBasedOn) {
  const http::HttpResponse r = Get("/", Login(kAdmin));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("month to date + the rate of the 60 min collected so far"));
  EXPECT_THAT(r.body, Not(HasSubstr("last 7 days' rate")));
}

TEST_F(ConsoleTest, NamesFromTheClusterAreEscaped) {
  const http::HttpResponse r = Get("/console/namespaces?window=7d", Login(kAdmin));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(1)&lt;"));
}

TEST_F(ConsoleTest, AScopedLoginSeesOnlyItsTeams) {
  const std::string cookie = Login(kAlpha);
  const http::HttpResponse overview = Get("/", cookie);
  ASSERT_EQ(overview.status, 200);
  EXPECT_THAT(overview.body, HasSubstr("team=alpha"));
  EXPECT_THAT(overview.body, Not(HasSubstr("beta")));
  EXPECT_THAT(overview.body, Not(HasSubstr("href=\"/console/nodes\"")));
  EXPECT_EQ(Get("/console/team?team=beta", cookie).status, 403);
  EXPECT_EQ(Get("/console/nodes", cookie).status, 403);
  EXPECT_EQ(Get("/console/team?team=alpha", cookie).status, 200);
  // The API takes this browser's session for GET, with the same scope.
  http::HttpRequest api_call = testing::ApiRequest("/v1/allocation?window=7d", nullptr);
  api_call.headers["cookie"] = cookie;
  const auto who = console_.SessionPrincipal(api_call);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "alpha-viewer");
  EXPECT_FALSE(who->scope.all_teams);
  EXPECT_FALSE(console_.SessionPrincipal(testing::ApiRequest("/v1/assets", nullptr)).has_value());
}

TEST_F(ConsoleTest, BadParametersAndUnknownPagesAnswerAPage) {
  const std::string cookie = Login(kAdmin);
  EXPECT_EQ(Get("/console/teams?window=fortnight", cookie).status, 400);
  EXPECT_EQ(Get("/console/team", cookie).status, 400);
  EXPECT_EQ(Get("/console/nowhere", cookie).status, 404);
}

}  // namespace
}  // namespace costledger::console

namespace costledger::console {
namespace {

TEST(ConsoleAnonymousTest, TheAnonymousRoleSeesPagesWithoutALoginAndMayStillLogIn) {
  FakeReaders fake;
  const api::TokenRegistry tokens = api::TokenRegistry::Parse(
      fmt::format(R"([{{"name":"alpha-viewer","sha256":"{}","role":"viewer","teams":["alpha"]}}])",
                  api::Sha256Hex(kAlpha)));
  ConsoleSettings settings;
  settings.tokens = &tokens;
  settings.anonymous_role = api::Role::kViewer;
  Console console(ConsoleReaders{fake,
                                 fake,
                                 fake,
                                 nullptr,
                                 nullptr,
                                 api::EfficiencyReaders{fake, fake, nullptr, nullptr},
                                 {}},
                  settings, [] { return kNow; });
  const http::HttpResponse r = console.Handle(testing::ApiRequest("/console/teams", nullptr));
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("anonymous (viewer, all teams)"));
  EXPECT_THAT(r.body, HasSubstr("href=\"/console/login\">Log in</a>"));
  EXPECT_THAT(r.body, HasSubstr("beta"));
}

}  // namespace
}  // namespace costledger::console
