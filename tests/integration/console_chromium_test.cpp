// The console in a real browser (Debian's headless Chromium over the DevTools protocol), served
// by the real binary (`costledger serve --role api`) from a private PostgreSQL: every page renders
// without console errors at 1280 and 390 px and without sideways overflow, every figure that
// names its API call equals what that call answers (with the bearer token), drill-down links
// lead to the page they name, and a login scoped to one team cannot reach other teams' pages.
// Set COSTLEDGER_CONSOLE_SCREENSHOTS=DIR to keep a screenshot of every page at both widths.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "costledger/api/auth.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "devtools_browser.hpp"
#include "free_tcp_port.hpp"
#include "private_postgres.hpp"
#include "sample_batches.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;

constexpr const char* kAdmin = "console-admin-token-0123456789";
constexpr const char* kTeam0 = "console-team0-token-0123456789";

/// One server and one browser for the suite (each start takes seconds).
class ConsoleChromiumTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    postgres_ = new testing::PrivatePostgres();
    const std::string url = postgres_->CreateDatabase("console_chromium");
    const auto now = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
    {
      postgres::PostgresStore store(url, "");
      store.Migrate();
      for (int m = 20; m >= 1; --m) {
        store.Write(testing::MakeBatch("c1", now - std::chrono::minutes(m), 4, 6));
      }
    }
    dir_ = new testing::TempDir("console-chromium");
    const std::string tokens = dir_->Path("tokens.json");
    std::ofstream(tokens) << fmt::format(
        R"([{{"name":"platform","sha256":"{}","role":"admin","teams":["*"]}},
            {{"name":"team0-viewer","sha256":"{}","role":"viewer","teams":["team-0"]}}])",
        api::Sha256Hex(kAdmin), api::Sha256Hex(kTeam0));
    port_ = testing::FreeTcpPort();
    json config = {
        {"cluster", "c1"}, {"database_url", url}, {"listen", fmt::format("127.0.0.1:{}", port_)}};
    config["sources"]["kubernetes"]["api_url"] = "http://127.0.0.1:9";
    config["reports"]["enabled"] = false;
    config["auth"]["tokens_file"] = tokens;
    config["api"]["cache_seconds"] = 0;
    const std::string path = dir_->Path("config.json");
    std::ofstream(path) << config.dump();
    serve_ = new testing::ChildProcess(
        {COSTLEDGER_BINARY, "serve", "--config", path, "--role", "api", "--log-format", "json"},
        dir_->Path("serve.log"));
    for (int i = 0; i < 300; ++i) {
      try {
        if (testing::LocalHttp(port_, "GET", "/healthz").status == 200) break;
      } catch (const std::exception&) {  // not listening yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    browser_ = new testing::DevToolsBrowser(*dir_);
  }

  static void TearDownTestSuite() {
    delete browser_;
    serve_->Signal(SIGTERM);
    serve_->Wait(std::chrono::seconds(30));
    delete serve_;
    delete dir_;
    delete postgres_;
  }

  static std::string Url(const std::string& path) {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }

  static void Login(const char* token) {
    browser_->Navigate(Url("/console/login"));
    browser_->EvaluateAndWaitForLoad(fmt::format(
        "document.getElementById('token').value = '{}'; document.getElementById('login').submit()",
        token));
  }

  static std::string Text(const std::string& selector) {
    const json v = browser_->Evaluate(
        fmt::format("(document.querySelector('{}') || {{textContent: ''}}).textContent", selector));
    return v.is_string() ? v.get<std::string>() : "";
  }

  static json ApiAnswer(const std::string& target, const char* token) {
    const testing::LocalReply r = testing::LocalHttp(
        port_, "GET", target, {{"Authorization", fmt::format("Bearer {}", token)}});
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    return json::parse(r.body);
  }

  static inline testing::PrivatePostgres* postgres_ = nullptr;
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::ChildProcess* serve_ = nullptr;
  static inline testing::DevToolsBrowser* browser_ = nullptr;
  static inline int port_ = 0;
};

/// The value of `field` of entry `key` ("*": all entries summed; "": `data` itself) in an API
/// answer; allocation answers hold a list of sets, summed over.
double ValueIn(const json& answer, const std::string& key, const std::string& field) {
  std::vector<json> sets;
  if (answer["data"].is_array()) {
    for (const json& s : answer["data"]) sets.push_back(s);
  } else {
    sets.push_back(answer["data"]);
  }
  double sum = 0;
  for (const json& s : sets) {
    if (key.empty()) {
      sum += s[field].get<double>();
    } else if (key == "*") {
      for (const auto& [name, entry] : s.items()) sum += entry.value(field, 0.0);
    } else if (s.contains(key)) {
      sum += s[key].value(field, 0.0);
    }
  }
  return sum;
}

const std::vector<std::string> kPages = {"/",
                                         "/console/teams",
                                         "/console/team?team=team-0",
                                         "/console/namespaces",
                                         "/console/namespace?namespace=ns-0",
                                         "/console/nodes",
                                         "/console/storage",
                                         "/console/queries",
                                         "/console/quotas",
                                         "/console/efficiency",
                                         "/console/reports",
                                         "/console/api"};

TEST_F(ConsoleChromiumTest, EveryPageRendersWithoutErrorsAtBothWidths) {
  Login(kAdmin);
  // The drill-down pages below the namespace, as its links name them.
  browser_->Navigate(Url("/console/namespace?namespace=ns-0"));
  std::vector<std::string> pages = kPages;
  const std::string workload =
      browser_->Evaluate("document.querySelector('#workloads tbody a').getAttribute('href')");
  pages.push_back(workload);
  browser_->Navigate(Url(workload));
  pages.push_back(
      browser_->Evaluate("document.querySelector('#pods tbody a').getAttribute('href')"));
  const char* keep =
      std::getenv("COSTLEDGER_CONSOLE_SCREENSHOTS");  // NOLINT(concurrency-mt-unsafe)
  int n = 0;
  for (const int width : {1280, 390}) {
    browser_->SetWidth(width);
    for (const std::string& page : pages) {
      SCOPED_TRACE(fmt::format("{} at {} px", page, width));
      browser_->TakeErrors();
      browser_->Navigate(Url(page));
      EXPECT_EQ(browser_->TakeErrors(), std::vector<std::string>{});
      EXPECT_FALSE(Text("h1").empty());
      EXPECT_EQ(Text(".message"), "") << "the page only says why it cannot show";
      EXPECT_EQ(browser_->Evaluate("document.documentElement.scrollWidth <= window.innerWidth"),
                true)
          << "the page overflows sideways";
      if (keep != nullptr) browser_->Screenshot(fmt::format("{}/{:02}-{}.png", keep, n++, width));
    }
  }
}

TEST_F(ConsoleChromiumTest, FiguresEqualWhatTheirApiCallsAnswer) {
  Login(kAdmin);
  int checked = 0;
  for (const std::string& page : kPages) {
    browser_->Navigate(Url(page));
    const json figures = browser_->Evaluate(
        "Array.from(document.querySelectorAll('a.fig[data-api]')).map(a => ({api: a.dataset.api, "
        "key: a.dataset.key, field: a.dataset.field, title: a.title, text: a.textContent}))");
    for (const json& f : figures) {
      SCOPED_TRACE(fmt::format("{}: {} {} {}", page, f["api"].get<std::string>(),
                               f["key"].get<std::string>(), f["field"].get<std::string>()));
      const double api = ValueIn(ApiAnswer(f["api"], kAdmin), f["key"], f["field"]);
      const std::string title = f["title"];
      const double shown =
          title.ends_with(" USD") ? std::stod(title) : std::stod(f["text"].get<std::string>());
      EXPECT_NEAR(shown, api, 1e-6 + std::abs(api) * 1e-12);
      ++checked;
    }
  }
  EXPECT_GT(checked, 50);
}

TEST_F(ConsoleChromiumTest, DrillDownLinksLeadWhereTheySay) {
  Login(kAdmin);
  browser_->Navigate(Url("/"));
  browser_->EvaluateAndWaitForLoad("document.querySelector('#by-namespace tbody a').click()");
  const std::string ns = Text("h1");
  EXPECT_TRUE(ns.starts_with("Namespace ns-")) << ns;
  const std::string workload = Text("#workloads tbody a");
  browser_->EvaluateAndWaitForLoad("document.querySelector('#workloads tbody a').click()");
  EXPECT_EQ(Text("h1"), workload);
  EXPECT_NE(Text(".crumbs").find(ns.substr(std::string("Namespace ").size())), std::string::npos);
  const std::string pod = Text("#pods tbody a");
  browser_->EvaluateAndWaitForLoad("document.querySelector('#pods tbody a').click()");
  EXPECT_EQ(Text("h1"), "Pod " + pod);
  EXPECT_GT(browser_->Evaluate("document.querySelectorAll('#containers tbody tr').length"), 0);
  browser_->Navigate(Url("/console/teams"));
  const std::string team = Text("#list tbody a");
  browser_->EvaluateAndWaitForLoad("document.querySelector('#list tbody a').click()");
  EXPECT_EQ(Text("h1"), "Team " + team);
}

TEST_F(ConsoleChromiumTest, AScopedLoginSeesOnlyItsTeam) {
  Login(kTeam0);
  browser_->Navigate(Url("/"));
  EXPECT_EQ(browser_->Evaluate(
                "Array.from(document.querySelectorAll('#by-team tbody tr td:first-child')).map(t "
                "=> t.textContent)"),
            json::array({"team-0"}));
  EXPECT_EQ(Text("nav").find("Nodes"), std::string::npos);
  for (const char* page : {"/console/team?team=team-1", "/console/nodes", "/console/storage",
                           "/console/efficiency?team=team-2", "/console/reports?team=team-1"}) {
    SCOPED_TRACE(page);
    browser_->Navigate(Url(page));
    EXPECT_NE(Text(".message"), "");
    EXPECT_EQ(browser_->Evaluate("document.querySelectorAll('a.fig').length"), 0);
  }
  // The API behind the figures answers this browser with the same scope.
  const json teams = browser_->Evaluate(
      "fetch('/v1/allocation?window=today&aggregate=team&accumulate=true').then(r => r.json())"
      ".then(j => Object.keys(j.data[0]))");
  EXPECT_EQ(teams, json::array({"team-0"}));
}

TEST_F(ConsoleChromiumTest, OneClickLoginLinkLogsInAndForgetsTheToken) {
  browser_->TakeErrors();
  browser_->Navigate(Url(fmt::format("/console/login#token={}", kTeam0)));
  json where;
  for (int i = 0; i < 100; ++i) {
    where = browser_->Evaluate("location.pathname + location.hash");
    if (where == "/") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(where, "/");
  EXPECT_NE(Text(".user").find("team0-viewer"), std::string::npos);
  EXPECT_EQ(browser_->TakeErrors(), std::vector<std::string>{});
}

TEST_F(ConsoleChromiumTest, LoginAndLogoutRefuseOtherSitesAndSetAStrictCookie) {
  const auto evil = testing::LocalHttp(
      port_, "POST", "/console/login",
      {{"Origin", "https://evil.example"}, {"Content-Type", "application/x-www-form-urlencoded"}},
      std::string("token=") + kAdmin);
  EXPECT_EQ(evil.status, 403);
  EXPECT_EQ(evil.set_cookie, "");
  const auto ok = testing::LocalHttp(port_, "POST", "/console/login",
                                     {{"Origin", fmt::format("http://127.0.0.1:{}", port_)},
                                      {"Content-Type", "application/x-www-form-urlencoded"}},
                                     std::string("token=") + kAdmin + "&next=/console/nodes");
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.location, "/console/nodes");
  EXPECT_NE(ok.set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(ok.set_cookie.find("SameSite=Strict"), std::string::npos);
  const std::string cookie = ok.set_cookie.substr(0, ok.set_cookie.find(';'));
  // Logout without the session's CSRF token is refused; the session still works.
  const auto forged = testing::LocalHttp(
      port_, "POST", "/console/logout",
      {{"Origin", fmt::format("http://127.0.0.1:{}", port_)}, {"Cookie", cookie}}, "csrf=guess");
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(testing::LocalHttp(port_, "GET", "/console/nodes", {{"Cookie", cookie}}).status, 200);
  // Pages without a session send the browser to the login form; wrong tokens are refused.
  const auto anonymous = testing::LocalHttp(port_, "GET", "/console/nodes");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.location, "/console/login?next=%2Fconsole%2Fnodes");
  const auto wrong =
      testing::LocalHttp(port_, "POST", "/console/login",
                         {{"Origin", fmt::format("http://127.0.0.1:{}", port_)}}, "token=wrong");
  EXPECT_EQ(wrong.status, 401);
}

}  // namespace
}  // namespace costledger
