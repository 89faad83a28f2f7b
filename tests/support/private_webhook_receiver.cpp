#include "private_webhook_receiver.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace costledger::testing {

PrivateWebhookReceiver::PrivateWebhookReceiver(const PrivateWebhookReceiverOptions& options)
    : dir_("costledger-webhook") {
  std::filesystem::create_directories(dir_.Path("requests"));
  std::vector<std::string> args{"--dir",         dir_.Path("requests"),
                                "--fail-first",  std::to_string(options.fail_first),
                                "--fail-status", std::to_string(options.fail_status),
                                "--delay-ms",    std::to_string(options.delay.count())};
  if (options.retry_after_seconds) {
    args.insert(args.end(), {"--retry-after", std::to_string(*options.retry_after_seconds)});
  }
  server_ = StartPythonServer(SupportScript("webhook_sink.py"), args, dir_.Path("webhook.log"),
                              options.start_timeout);
}

PrivateWebhookReceiver::~PrivateWebhookReceiver() { StopPythonServer(server_); }

std::string PrivateWebhookReceiver::Url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", server_.port, path);
}

std::string PrivateWebhookReceiver::Log() const {
  return ChildProcess::ReadFile(dir_.Path("webhook.log"));
}

std::vector<ReceivedRequest> PrivateWebhookReceiver::Requests() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Path("requests"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ReceivedRequest> requests;
  for (const auto& f : files) {
    std::ifstream in(f);
    const nlohmann::json j = nlohmann::json::parse(in);
    ReceivedRequest r;
    r.method = j.at("method").get<std::string>();
    r.path = j.at("path").get<std::string>();
    r.headers = j.at("headers").get<std::map<std::string, std::string>>();
    r.body = j.at("body").get<std::string>();
    r.status = j.at("status").get<int>();
    requests.push_back(std::move(r));
  }
  return requests;
}

std::vector<ReceivedRequest> PrivateWebhookReceiver::WaitForRequests(
    std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<ReceivedRequest> requests = Requests();
    if (requests.size() >= count) return requests;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(fmt::format("{} request(s) after {} ms, expected {}; log:\n{}",
                                           requests.size(), timeout.count(), count, Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace costledger::testing
