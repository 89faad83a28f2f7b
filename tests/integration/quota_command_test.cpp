// Quota management end to end with the real binary and a private PostgreSQL: `costledger quota
// list|apply -f|delete`, and `serve` applying quotas_file at start and on SIGHUP (a bad file
// changes nothing) next to quotas PUT over HTTP.
#include <curl/curl.h>
#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "child_process.hpp"
#include "costledger/postgres/postgres_quota_store.hpp"
#include "costledger/postgres/postgres_store.hpp"
#include "private_postgres.hpp"
#include "shell_command.hpp"
#include "temp_dir.hpp"

namespace costledger {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

using Output = testing::CommandOutput;

Output RunCostledger(const std::string& args) {
  return testing::RunShellCommand(std::string(COSTLEDGER_BINARY) + " " + args);
}

std::string Quota(const std::string& name, int dollars, const std::string& team = "alpha") {
  return fmt::format(
      R"({{"name":"{}","scope":{{"team":"{}"}},"period":"week","limit":{{"dollars":{}}},)"
      R"("action":"deny"}})",
      name, team, dollars);
}

std::vector<std::string> Names(ports::QuotaStore& store) {
  std::vector<std::string> out;
  for (const auto& q : store.List()) out.push_back(q.quota.name);
  return out;
}

std::size_t CallbackBody(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Reply {
  long status = 0;
  std::string body;
};

Reply Http(int port, const std::string& method, const std::string& path,
           const std::string& body = "") {
  Reply reply;
  CURL* curl = curl_easy_init();
  const std::string url = fmt::format("http://127.0.0.1:{}{}", port, path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CallbackBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << method << " " << path;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

// Waits until `text` is in the log at least `times` times.
std::string WaitForLogCount(const testing::ChildProcess& p, const std::string& text, int times) {
  for (int i = 0; i < 300; ++i) {
    std::string log = p.Log();
    int found = 0;
    for (std::size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
      ++found;
    }
    if (found >= times) return log;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "'" << text << "' not logged " << times << " times:\n" << p.Log();
  return p.Log();
}

class QuotaCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<testing::PrivatePostgres>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    url_ = server_->CreateDatabase(name);
    postgres::PostgresStore(url_, "").Migrate();
    store_ = std::make_unique<postgres::PostgresQuotaStore>(url_, "");
    dir_ = std::make_unique<testing::TempDir>("quota-command");
  }

  std::string WriteConfig(const json& extra = json::object()) {
    json config = {{"cluster", "test"},
                   {"database_url", url_},
                   {"listen", "127.0.0.1:0"},
                   {"sources", {{"kubernetes", {{"api_url", "http://127.0.0.1:9"}}}}},
                   {"reports", {{"enabled", false}}}};
    config.update(extra);
    std::string path = dir_->Path("config.json");
    std::ofstream(path) << config.dump();
    return path;
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_->Path(name);
    std::ofstream(path) << text;
    return path;
  }

  static std::unique_ptr<testing::PrivatePostgres> server_;
  std::string url_;
  std::unique_ptr<postgres::PostgresQuotaStore> store_;
  std::unique_ptr<testing::TempDir> dir_;
};

std::unique_ptr<testing::PrivatePostgres> QuotaCommandTest::server_;

TEST_F(QuotaCommandTest, CliAppliesListsAndDeletes) {
  const std::string config = WriteConfig();
  const std::string file =
      Write("q.json", fmt::format(R"({{"quotas":[{},{}]}})", Quota("a", 10), Quota("b", 20)));
  Output out = RunCostledger(fmt::format("quota apply -f {} --config {}", file, config));
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("quota/a created"));
  EXPECT_THAT(out.text, HasSubstr("quota/b created"));
  out = RunCostledger(fmt::format("quota apply --config {} -f {}", config, file));
  EXPECT_THAT(out.text, HasSubstr("quota/a unchanged"));

  out = RunCostledger(fmt::format("quota list --config {}", config));
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("team alpha"));
  EXPECT_THAT(out.text, HasSubstr("$10.00"));
  EXPECT_THAT(out.text, HasSubstr("by cli:"));
  out = RunCostledger(fmt::format("quota list --json --config {}", config));
  const json listed = json::parse(out.text);
  ASSERT_EQ(listed.size(), 2U) << out.text;
  EXPECT_EQ(listed[1].at("limit").at("dollars"), 20);

  // A bad file changes nothing, and says which field of which quota is wrong.
  const std::string bad = Write(
      "bad.json", fmt::format("[{},{}]", Quota("a", 99),
                              R"({"name":"c","scope":{},"period":"year","limit":{"dollars":1}})"));
  out = RunCostledger(fmt::format("quota apply -f {} --config {}", bad, config));
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_THAT(out.text, HasSubstr("[1] (c): period: 'year' is not one of day, week, month"));
  EXPECT_EQ(store_->Get("a")->quota.limit.amount, 10'000'000'000);

  out = RunCostledger(fmt::format("quota delete a --config {}", config));
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("quota/a deleted"));
  out = RunCostledger(fmt::format("quota delete --config {} a", config));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_THAT(out.text, HasSubstr("no quota 'a'"));
  EXPECT_EQ(Names(*store_), std::vector<std::string>{"b"});
  const auto history = store_->History("a", 10);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_THAT(history[0].who, ::testing::StartsWith("cli:"));
  EXPECT_FALSE(history[0].after);
  EXPECT_EQ(RunCostledger(fmt::format("quota frobnicate --config {}", config)).exit_code, 2);
}

TEST_F(QuotaCommandTest, CheckConfigValidatesTheQuotasFile) {
  const std::string good = Write("good.json", fmt::format("[{}]", Quota("a", 1)));
  Output out =
      RunCostledger(fmt::format("check-config --config {}", WriteConfig({{"quotas_file", good}})));
  EXPECT_EQ(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("holds 1 valid quota(s)"));
  const std::string bad = Write("bad.json", R"([{"name":"a","scope":{},"period":"day"}])");
  out = RunCostledger(fmt::format("check-config --config {}", WriteConfig({{"quotas_file", bad}})));
  EXPECT_EQ(out.exit_code, 1) << out.text;
  EXPECT_THAT(out.text, HasSubstr("quotas[0] (a): limit: exactly one of"));
  const std::string yaml = Write("quotas.yaml", "quotas: []\n");
  out =
      RunCostledger(fmt::format("check-config --config {}", WriteConfig({{"quotas_file", yaml}})));
  EXPECT_EQ(out.exit_code, 1) << out.text;
  EXPECT_THAT(out.text, HasSubstr("YAML is not supported"));
}

TEST_F(QuotaCommandTest, ServeAppliesTheQuotasFileAtStartAndOnSighup) {
  const std::string file =
      Write("quotas.json", fmt::format(R"({{"quotas":[{},{}]}})", Quota("f1", 1), Quota("f2", 2)));
  const std::string config = WriteConfig({{"quotas_file", file}});
  testing::ChildProcess serve(
      {COSTLEDGER_BINARY, "serve", "--config", config, "--role", "api", "--log-format", "json"},
      dir_->Path("serve.log"));
  std::string log = serve.WaitForLog(R"("msg":"api listening")", std::chrono::seconds(30));
  std::smatch match;
  ASSERT_TRUE(std::regex_search(log, match, std::regex(R"("msg":"api listening".*"port":(\d+))")))
      << log;
  const int port = std::stoi(match[1].str());
  WaitForLogCount(serve, R"("msg":"quotas file applied")", 1);

  Reply r = Http(port, "GET", "/v1/quotas/f1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("data").at("source"), "file");
  EXPECT_EQ(json::parse(r.body).at("data").at("updatedBy"), "file:" + file);
  r = Http(port, "PUT", "/v1/quotas/mine", Quota("mine", 5, "beta"));
  EXPECT_EQ(r.status, 201) << r.body;
  r = Http(port, "PUT", "/v1/quotas/mine", R"({"scope":{},"period":"week","limit":{"euros":5}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("limit.euros: unknown key; allowed: dollars, gpu_hours"));

  // f2 leaves the file, f1 changes, f3 comes: applied on SIGHUP; the API's quota stays.
  Write("quotas.json", fmt::format("[{},{}]", Quota("f1", 100), Quota("f3", 3)));
  serve.Signal(SIGHUP);
  log = WaitForLogCount(serve, R"("msg":"quotas file applied")", 2);
  EXPECT_THAT(log, HasSubstr(R"("deleted":"f2")"));
  EXPECT_EQ(Names(*store_), (std::vector<std::string>{"f1", "f3", "mine"}));
  EXPECT_EQ(store_->Get("f1")->quota.limit.amount, 100'000'000'000);

  // A bad file: logged with the field, nothing changes, serve keeps running.
  Write("quotas.json", fmt::format("[{},{}]", Quota("f1", 7),
                                   R"({"name":"f4","scope":{},"period":"day","limit":{}})"));
  serve.Signal(SIGHUP);
  log = WaitForLogCount(serve, R"("msg":"quotas file rejected; no quota changed")", 1);
  EXPECT_THAT(log, HasSubstr("quotas[1] (f4): limit: exactly one of dollars"));
  EXPECT_EQ(Names(*store_), (std::vector<std::string>{"f1", "f3", "mine"}));
  EXPECT_EQ(store_->Get("f1")->quota.limit.amount, 100'000'000'000);

  r = Http(port, "GET", "/v1/quotas/f2/history");
  ASSERT_EQ(r.status, 200) << r.body;
  const json history = json::parse(r.body).at("data");
  ASSERT_EQ(history.size(), 2U);
  EXPECT_TRUE(history[0].at("after").is_null());
  EXPECT_EQ(history[0].at("source"), "file");
  EXPECT_EQ(Http(port, "DELETE", "/v1/quotas/mine").status, 204);
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(std::chrono::seconds(30)), 0) << serve.Log();
}

}  // namespace
}  // namespace costledger
