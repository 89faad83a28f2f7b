#include "served_cluster.hpp"

#include <curl/curl.h>
#include <fmt/core.h>

#include <regex>
#include <stdexcept>
#include <thread>

namespace costledger::testing {
namespace {

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

HttpReply HttpCall(const std::string& method, const std::string& url, const std::string& token,
                   const std::string& body) {
  HttpReply reply;
  if (!kCurlReady) return reply;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!token.empty()) {
    headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", token).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

HttpReply WaitForHttpStatus(const std::string& url, long status,
                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpReply reply = HttpCall("GET", url);
  while (reply.status != status && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    reply = HttpCall("GET", url);
  }
  return reply;
}

SimulatedCluster::SimulatedCluster(const std::string& binary, const std::string& log_path,
                                   int nodes, int pods, int seed)
    : process_(std::make_unique<ChildProcess>(
          std::vector<std::string>{binary, "simulate", "--listen", "127.0.0.1:0", "--nodes",
                                   std::to_string(nodes), "--pods", std::to_string(pods), "--seed",
                                   std::to_string(seed)},
          log_path)) {
  const std::string log = process_->WaitForLog("http://", std::chrono::seconds(60));
  std::smatch m;
  if (!std::regex_search(log, m, std::regex(R"(http://[0-9.]+:\d+)"))) {
    throw std::runtime_error("costledger simulate printed no URL:\n" + log);
  }
  url_ = m[0];
}

nlohmann::json ServeConfigFor(const std::string& cluster, const std::string& database_url,
                              const std::string& sim_url, int port, const std::string& spool_dir) {
  nlohmann::json config = {{"cluster", cluster},
                           {"database_url", database_url},
                           {"listen", fmt::format("127.0.0.1:{}", port)},
                           {"interval_seconds", 1},
                           {"scrape_timeout_seconds", 1},
                           {"team_label", "team"},
                           {"time_zone", "UTC"},
                           {"spool_dir", spool_dir}};
  config["sources"]["kubernetes"]["api_url"] = sim_url;
  config["sources"]["dcgm"]["urls"] = nlohmann::json::array({sim_url + "/dcgm/metrics"});
  config["sources"]["pricing"] = {{"region", "us-east-1"},
                                  {"on_demand", sim_url + "/pricing/ec2_offer.json"},
                                  {"spot_history", sim_url + "/pricing/spot_price_history.json"},
                                  {"refresh_seconds", 600}};
  config["reports"]["enabled"] = false;
  return config;
}

}  // namespace costledger::testing
