#include "costledger/fetch/http_fetch.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_data.hpp"

namespace costledger::fetch {
namespace {

using ::testing::HasSubstr;

// A tiny HTTP/1.0 server on a loopback port: enough to exercise the client's error paths.
class TinyServer {
 public:
  TinyServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) std::abort();
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 64);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void Serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::thread([c] { Handle(c); }).detach();
    }
  }
  static void Handle(int c) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
    }
    const std::string path = request.substr(4, request.find(' ', 4) - 4);
    std::string status = "200 OK";
    std::string body = "hello " + path;
    if (path == "/fail") {
      status = "503 Service Unavailable";
      body = "overloaded";
    } else if (path == "/slow") {
      std::this_thread::sleep_for(std::chrono::seconds(2));
    } else if (path == "/auth") {
      const auto at = request.find("Authorization: ");
      body = at == std::string::npos ? "none" : request.substr(at, request.find("\r\n", at) - at);
    } else if (path == "/big") {
      body.assign(10000, 'x');
    }
    const std::string response = "HTTP/1.0 " + status +
                                 "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                                 body;
    // A client that gave up early is part of the error paths: what it saw is what is tested.
    [[maybe_unused]] const ssize_t sent = ::write(c, response.data(), response.size());
    ::close(c);
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(HttpFetchTest, FetchesBodyAndStatus) {
  TinyServer server;
  const FetchResult r = Fetch(server.Url("/ok"), {});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello /ok");
}

TEST(HttpFetchTest, HttpErrorsComeBackNamedNotThrown) {
  TinyServer server;
  const FetchResult r = Fetch(server.Url("/fail"), {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 503);
  EXPECT_THAT(r.error, HasSubstr("HTTP 503"));
  EXPECT_THAT(r.error, HasSubstr("/fail"));
  EXPECT_TRUE(r.body.empty());
}

TEST(HttpFetchTest, TimeoutIsReported) {
  TinyServer server;
  FetchOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const FetchResult r = Fetch(server.Url("/slow"), options);
  EXPECT_THAT(r.error, HasSubstr("timed out after 300 ms"));
  EXPECT_LT(r.elapsed.count(), 1500);
}

TEST(HttpFetchTest, ConnectionRefusedIsReported) {
  int port = 0;
  {
    TinyServer server;  // take a port, then free it
    port = std::stoi(server.Url("").substr(17));
  }
  const FetchResult r = Fetch("http://127.0.0.1:" + std::to_string(port) + "/x", {});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error, HasSubstr("GET http://127.0.0.1:"));
}

TEST(HttpFetchTest, SendsBearerToken) {
  TinyServer server;
  FetchOptions options;
  options.bearer_token = "abc123";
  EXPECT_EQ(Fetch(server.Url("/auth"), options).body, "Authorization: Bearer abc123");
}

TEST(HttpFetchTest, RefusesOversizedBodies) {
  TinyServer server;
  FetchOptions options;
  options.max_bytes = 100;
  EXPECT_THAT(Fetch(server.Url("/big"), options).error, HasSubstr("larger than 100 bytes"));
}

TEST(HttpFetchTest, ReadsPlainPathsAndFileUrls) {
  const std::string path = testing::TestDataPath("demo/at.txt");
  EXPECT_EQ(Fetch(path, {}).body, "2026-11-16T10:00:00Z\n");
  EXPECT_EQ(Fetch("file://" + path, {}).body, "2026-11-16T10:00:00Z\n");
  EXPECT_THAT(Fetch("/nonexistent/offer.json", {}).error, HasSubstr("cannot open file"));
}

TEST(HttpFetchTest, FetchAllKeepsOrderAndIsolatesFailures) {
  TinyServer server;
  std::vector<std::string> urls;
  for (int i = 0; i < 150; ++i) urls.push_back(server.Url("/n" + std::to_string(i)));
  urls.push_back(server.Url("/fail"));
  const std::vector<FetchResult> results = FetchAll(urls, {}, 16);
  ASSERT_EQ(results.size(), urls.size());
  for (int i = 0; i < 150; ++i) {
    EXPECT_EQ(results[static_cast<std::size_t>(i)].body, "hello /n" + std::to_string(i));
  }
  EXPECT_THAT(results.back().error, HasSubstr("HTTP 503"));
}

}  // namespace
}  // namespace costledger::fetch
