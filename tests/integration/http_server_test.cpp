// The HTTP server end to end on a loopback port: libcurl as a well-behaved client, raw sockets
// for malformed and slow ones. No timing assertion is tight: the machine may be loaded.
#include "costledger/http/http_server.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "costledger/model/errors.hpp"
#include "error_of.hpp"
#include "temp_dir.hpp"

namespace costledger::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const bool kCurlReady = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK;

// --- A libcurl client; one handle keeps its connection alive between requests. ---

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  long new_connections = 0;
};

class Client {
 public:
  Client() : curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Extra per-request curl options go in `configure`.
  Reply Send(const std::string& url, const std::string& method = "GET",
             const std::string& body = "", const std::vector<std::string>& headers = {},
             const std::function<void(CURL*)>& configure = {}) {
    Reply reply;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Client::OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Client::OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply);
    if (method == "HEAD") {
      curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (!body.empty()) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_slist* list = nullptr;
    for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    if (configure) configure(curl_);
    reply.code = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &reply.new_connections);
    return reply;
  }

 private:
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<Reply*>(user)->body.append(data, size * count);
    return size * count;
  }
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* reply = static_cast<Reply*>(user);
    const std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) reply->headers.clear();  // a 100 Continue came first
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      value.erase(value.find_last_not_of("\r\n") + 1);
      reply->headers[name] = value;
    }
    return size * count;
  }
  CURL* curl_;
};

// --- Raw sockets, for what curl would never send. ---

int Connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

struct RawReply {
  std::string data;
  bool closed = false;  // the server closed the connection (EOF or reset) before `limit`
};

RawReply ReadUntilClosed(int fd, seconds limit) {
  RawReply reply;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      reply.closed = true;
      break;
    }
    reply.data.append(buffer, static_cast<std::size_t>(n));
  }
  return reply;
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// --- The server under test. ---

HttpResponse TestHandler(const HttpRequest& request) {
  if (request.path == "/echo") {
    std::string text = request.method + " " + request.path;
    for (const auto& [name, value] : request.query) {
      text.append(" [").append(name).append("=").append(value).append("]");
    }
    text += " body=" + std::to_string(request.body.size());
    text += " x-test=" + request.Header("x-test");
    text += " remote=" + request.remote_address;
    return HttpResponse{200, "text/plain", text, {{"X-Handler", "echo"}}};
  }
  if (request.path == "/invalid") throw InvalidInput("window must be positive");
  if (request.path == "/missing") throw NotFound("no quota named \"x\"");
  if (request.path == "/boom") throw std::runtime_error("password=hunter2 leaked");
  if (request.path == "/throw-int") throw 42;
  if (request.path == "/status") return HttpResponse{std::stoi(*request.Query("code")), "", "", {}};
  if (request.path == "/json") return HttpResponse{200, "application/json", R"({"ok":true})", {}};
  return JsonError(404, "no route for " + request.path);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}, Handler handler = TestHandler) {
    ASSERT_TRUE(kCurlReady);
    options.listen = "127.0.0.1:0";
    options.access_log = [this](const AccessLogEntry& entry) {
      const std::lock_guard lock(log_mutex_);
      log_.push_back(entry);
    };
    server_ = std::make_unique<HttpServer>(std::move(options), std::move(handler));
    server_->Start();
    ASSERT_NE(server_->port(), 0);
  }

  std::string Url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + target;
  }

  /// Polls until the access log holds `count` entries (they are written after the response).
  std::vector<AccessLogEntry> WaitForLog(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard lock(log_mutex_);
        if (log_.size() >= count) return log_;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    const std::lock_guard lock(log_mutex_);
    return log_;
  }

  std::mutex log_mutex_;
  std::vector<AccessLogEntry> log_;
  std::unique_ptr<HttpServer> server_;  // last: stopped before the log it writes to goes away
};

void ExpectJsonError(const Reply& reply, long status, const std::string& message_part) {
  EXPECT_EQ(reply.code, CURLE_OK) << curl_easy_strerror(reply.code);
  EXPECT_EQ(reply.status, status);
  EXPECT_EQ(reply.headers.at("content-type"), "application/json");
  EXPECT_THAT(reply.body, StartsWith(R"({"code":)" + std::to_string(status) + R"(,"message":")"));
  EXPECT_THAT(reply.body, HasSubstr(message_part));
}

TEST_F(HttpServerTest, GetDecodesTheQuery) {
  Start();
  Client client;
  const Reply r = client.Send(Url("/echo?name=a+b%21&x=1"), "GET", "", {"X-Test: yes"});
  EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /echo [name=a b!] [x=1] body=0 x-test=yes remote=127.0.0.1");
  EXPECT_EQ(r.headers.at("content-type"), "text/plain");
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.headers.at("server"), "costledger");
  EXPECT_EQ(r.headers.at("x-handler"), "echo");
}

TEST_F(HttpServerTest, PostPutDeliverTheBody) {
  Start();
  Client client;
  EXPECT_THAT(client.Send(Url("/echo"), "POST", std::string(5000, 'x')).body,
              HasSubstr("POST /echo body=5000"));
  EXPECT_THAT(client.Send(Url("/echo"), "PUT", "{}").body, HasSubstr("PUT /echo body=2"));
  EXPECT_THAT(client.Send(Url("/echo"), "DELETE").body, HasSubstr("DELETE /echo body=0"));
}

TEST_F(HttpServerTest, HeadSendsHeadersWithoutBody) {
  Start();
  Client client;
  const Reply r = client.Send(Url("/json"), "HEAD");
  EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-length"), "11");
  EXPECT_EQ(r.body, "");
  // The connection is still in sync for the next request.
  EXPECT_EQ(client.Send(Url("/json")).body, R"({"ok":true})");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Start();
  Client client;
  for (int i = 0; i < 5; ++i) {
    const Reply r = client.Send(Url("/echo?i=" + std::to_string(i)));
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.body, HasSubstr("[i=" + std::to_string(i) + "]"));
    EXPECT_EQ(r.new_connections, i == 0 ? 1 : 0) << "request " << i;
  }
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  const int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  SendAll(fd,
          "GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
          "POST /echo?n=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
          "GET /echo?n=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const RawReply reply = ReadUntilClosed(fd, seconds(30));
  ::close(fd);
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(Count(reply.data, "HTTP/1.1 200 OK"), 3) << reply.data;
  const std::size_t first = reply.data.find("[n=1]");
  const std::size_t second = reply.data.find("[n=2] body=3");
  const std::size_t third = reply.data.find("[n=3]");
  ASSERT_NE(third, std::string::npos) << reply.data;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(HttpServerTest, BodyOverTheLimitGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Start(options);
  Client client;
  EXPECT_EQ(client.Send(Url("/echo"), "POST", std::string(1024, 'x')).status, 200);
  // Without Expect the whole body is on its way when the server refuses it.
  ExpectJsonError(client.Send(Url("/echo"), "POST", std::string(200000, 'x'), {"Expect:"}), 413,
                  "larger than 1024 bytes");
  // With Expect: 100-continue it is refused before being sent.
  ExpectJsonError(
      client.Send(Url("/echo"), "POST", std::string(4096, 'x'), {"Expect: 100-continue"}), 413,
      "larger than 1024 bytes");
  const Reply ok =
      client.Send(Url("/echo"), "POST", std::string(1000, 'x'), {"Expect: 100-continue"});
  EXPECT_EQ(ok.status, 200);
  EXPECT_THAT(ok.body, HasSubstr("body=1000"));
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Start(options);
  const int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                  std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  const RawReply reply = ReadUntilClosed(fd, seconds(30));
  ::close(fd);
  EXPECT_THAT(reply.data, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(reply.data, HasSubstr(R"({"code":413,)"));
  EXPECT_TRUE(reply.closed);
}

TEST_F(HttpServerTest, HugeHeadersGet431) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  Start(options);
  Client client;
  EXPECT_EQ(client.Send(Url("/echo"), "GET", "", {"X-Test: " + std::string(2000, 'h')}).status,
            200);
  ExpectJsonError(client.Send(Url("/echo"), "GET", "", {"X-Big: " + std::string(64000, 'h')}), 431,
                  "header");
}

TEST_F(HttpServerTest, GarbageGets400AndClose) {
  Start();
  static constexpr char kTlsHello[] =
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n";
  for (const std::string& garbage :
       {std::string(kTlsHello, sizeof(kTlsHello) - 1), std::string("GET /echo\r\n\r\n"),
        std::string("GET /echo HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("POST /echo HTTP/1.1\r\nContent-Length: banana\r\n\r\n")}) {
    const int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    SendAll(fd, garbage);
    const RawReply reply = ReadUntilClosed(fd, seconds(30));
    ::close(fd);
    EXPECT_THAT(reply.data, StartsWith("HTTP/1.1 400 Bad Request\r\n")) << garbage;
    EXPECT_THAT(reply.data, HasSubstr("Content-Type: application/json"));
    EXPECT_THAT(reply.data, HasSubstr(R"({"code":400,"message":"malformed HTTP request)"));
    EXPECT_TRUE(reply.closed);
  }
}

TEST_F(HttpServerTest, BadPercentEncodingGets400) {
  Start();
  Client client;
  ExpectJsonError(client.Send(Url("/echo?window=7d%zz")), 400, "percent-encoding");
}

TEST_F(HttpServerTest, HandlerErrorsMapToStatuses) {
  Start();
  Client client;
  ExpectJsonError(client.Send(Url("/invalid")), 400, R"("message":"window must be positive")");
  ExpectJsonError(client.Send(Url("/missing")), 404, R"(no quota named \"x\")");
  ExpectJsonError(client.Send(Url("/nowhere")), 404, "no route for /nowhere");
}

TEST_F(HttpServerTest, UnknownExceptionsGet500WithoutDetails) {
  Start();
  Client client;
  for (const char* target : {"/boom", "/throw-int"}) {
    const Reply r = client.Send(Url(target));
    ExpectJsonError(r, 500, R"("message":"internal error")");
    EXPECT_THAT(r.body, Not(HasSubstr("hunter2")));
  }
}

TEST_F(HttpServerTest, EmptyErrorBodiesGetAJsonBody) {
  Start();
  Client client;
  ExpectJsonError(client.Send(Url("/status?code=403")), 403, "Forbidden");
  ExpectJsonError(client.Send(Url("/status?code=99")), 500, "internal error");
  const Reply no_content = client.Send(Url("/status?code=204"));
  EXPECT_EQ(no_content.status, 204);
  EXPECT_EQ(no_content.body, "");
  EXPECT_EQ(client.Send(Url("/json")).status, 200);  // connection still in sync
}

TEST_F(HttpServerTest, EveryMethodReachesTheHandlerWhoseRoutesKnowWhatTheyAllow) {
  Start();
  Client client;
  for (const char* method : {"PATCH", "OPTIONS", "BREW"}) {
    const Reply r = client.Send(Url("/echo"), method);
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.body, StartsWith(std::string(method) + " /echo"));
  }
}

TEST_F(HttpServerTest, ARepeatedParameterGets400NamingIt) {
  Start();
  Client client;
  // Encoded or not, the same name twice: no endpoint guesses which value was meant.
  for (const char* target : {"/echo?window=1d&window=7d", "/echo?x=1&%77indow=1d&window=2d"}) {
    const Reply r = client.Send(Url(target));
    ExpectJsonError(r, 400, "parameter 'window' is given more than once");
  }
  EXPECT_EQ(client.Send(Url("/echo?window=1d&aggregate=a,b")).status, 200);
}

TEST_F(HttpServerTest, EveryResponseIsNosniffAndUncachedUnlessTheRouteSaysOtherwise) {
  Start(ServerOptions{}, [](const HttpRequest& request) {
    HttpResponse r{200, "text/html", "<p>x</p>", {}};
    if (request.path == "/cached") {
      r.headers = {{"Cache-Control", "public, max-age=300"}, {"X-Content-Type-Options", "bad"}};
    }
    if (request.path == "/fail") throw std::runtime_error("boom");
    return r;
  });
  Client client;
  for (const char* target : {"/page", "/fail"}) {
    const Reply r = client.Send(Url(target));
    EXPECT_EQ(r.headers.at("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(r.headers.at("cache-control"), "no-store") << target;
  }
  const Reply cached = client.Send(Url("/cached"));
  EXPECT_EQ(cached.headers.at("cache-control"), "public, max-age=300");
  EXPECT_EQ(cached.headers.at("x-content-type-options"), "nosniff");
}

TEST_F(HttpServerTest, AnAllowedHostListRefusesOtherNamesButNotIpLiterals) {
  ServerOptions options;
  options.allowed_hosts = {"costs.example.org", "localhost"};
  Start(options);
  Client client;
  ExpectJsonError(client.Send(Url("/echo"), "GET", "", {"Host: attacker.example"}), 421,
                  "does not serve the host");
  ExpectJsonError(client.Send(Url("/echo"), "GET", "", {"Host: attacker.example:9003"}), 421,
                  "does not serve the host");
  EXPECT_EQ(client.Send(Url("/echo"), "GET", "", {"Host: COSTS.example.org:9003"}).status, 200);
  EXPECT_EQ(client.Send(Url("/echo"), "GET", "", {"Host: localhost"}).status, 200);
  EXPECT_EQ(client.Send(Url("/echo"), "GET", "", {"Host: 10.1.2.3:9003"}).status, 200);
  EXPECT_EQ(client.Send(Url("/echo"), "GET", "", {"Host: [::1]:9003"}).status, 200);
  EXPECT_EQ(client.Send(Url("/echo")).status, 200);  // curl's own Host: 127.0.0.1:port
}

TEST_F(HttpServerTest, SlowClientTimesOut) {
  ServerOptions options;
  options.request_timeout = seconds(1);
  Start(options);
  const int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /echo HTTP/1.1\r\nHost: x\r\n");  // never finished
  const RawReply reply = ReadUntilClosed(fd, seconds(30));
  ::close(fd);
  EXPECT_TRUE(reply.closed);
  EXPECT_THAT(reply.data, StartsWith("HTTP/1.1 408"));
  EXPECT_THAT(reply.data, HasSubstr(R"({"code":408,)"));
}

TEST_F(HttpServerTest, IdleConnectionIsClosedSilently) {
  ServerOptions options;
  options.request_timeout = seconds(1);
  Start(options);
  const int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  const RawReply reply = ReadUntilClosed(fd, seconds(30));
  ::close(fd);
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.data, "");
}

TEST_F(HttpServerTest, StopLetsARunningRequestFinish) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  Start({}, [&entered](const HttpRequest&) {
    entered.set_value();
    std::this_thread::sleep_for(milliseconds(1500));
    return HttpResponse{200, "text/plain", "done", {}};
  });
  Reply reply;
  std::thread client([&] { reply = Client().Send(Url("/slow")); });
  ASSERT_EQ(entered_future.wait_for(seconds(30)), std::future_status::ready);
  const int idle = Connect(server_->port());  // an idle keep-alive connection must not block Stop
  server_->Stop();
  client.join();
  EXPECT_EQ(reply.code, CURLE_OK) << curl_easy_strerror(reply.code);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "done");
  EXPECT_EQ(reply.headers.at("connection"), "close");
  if (idle >= 0) {
    EXPECT_TRUE(ReadUntilClosed(idle, seconds(30)).closed);
    ::close(idle);
  }
  EXPECT_EQ(Client().Send(Url("/json")).code, CURLE_COULDNT_CONNECT);
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, StopAndDestroyWithoutStart) {
  HttpServer server({}, TestHandler);
  server.Stop();
  EXPECT_EQ(server.port(), 0);
}

TEST_F(HttpServerTest, StartRejectsBadListenAddresses) {
  for (const char* listen :
       {"nonsense", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80a", "::1:9003", "[::1"}) {
    ServerOptions options;
    options.listen = listen;
    HttpServer server(options, TestHandler);
    EXPECT_THROW(server.Start(), InvalidInput) << listen;
  }
}

TEST_F(HttpServerTest, StartRejectsANonPositiveTimeout) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.request_timeout = seconds(0);
  HttpServer server(options, TestHandler);
  EXPECT_THROW(server.Start(), InvalidInput);
}

TEST_F(HttpServerTest, StartNamesAnAddressInUse) {
  Start();
  ServerOptions options;
  const std::string address = "127.0.0.1:" + std::to_string(server_->port());
  options.listen = address;
  HttpServer second(options, TestHandler);
  try {
    second.Start();
    ADD_FAILURE() << "second bind succeeded";
  } catch (const InvalidInput&) {
    ADD_FAILURE() << "wrong exception type";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("cannot listen on " + address));
  }
}

TEST_F(HttpServerTest, AccessLogRecordsEachResponse) {
  ServerOptions options;
  options.max_body_bytes = 10;
  Start(options);
  Client client;
  const Reply ok = client.Send(Url("/echo?x=1"));
  client.Send(Url("/echo?big"), "POST", std::string(100, 'x'), {"Expect:"});
  client.Send(Url("/boom"));
  std::vector<AccessLogEntry> log = WaitForLog(3);
  ASSERT_EQ(log.size(), 3U);
  // Entries of different connections may be written in any order.
  std::sort(log.begin(), log.end(),
            [](const auto& a, const auto& b) { return a.status < b.status; });
  EXPECT_EQ(log[0].remote, "127.0.0.1");
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].target, "/echo?x=1");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].response_bytes, ok.body.size());
  EXPECT_GE(log[0].duration.count(), 0);
  EXPECT_EQ(log[0].error, "");
  EXPECT_EQ(log[1].method, "POST");
  EXPECT_EQ(log[1].target, "/echo?big");
  EXPECT_EQ(log[1].status, 413);
  EXPECT_GT(log[1].response_bytes, 0U);
  // The client hears "internal error"; the log says why.
  EXPECT_EQ(log[2].target, "/boom");
  EXPECT_EQ(log[2].status, 500);
  EXPECT_EQ(log[2].error, "password=hunter2 leaked");
}

TEST_F(HttpServerTest, ManyConcurrentClients) {
  Start();
  constexpr int kThreads = 8;
  constexpr int kRequests = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client;
      for (int i = 0; i < kRequests; ++i) {
        const std::string tag = std::to_string(t) + "-" + std::to_string(i);
        const Reply r = client.Send(Url("/echo?tag=" + tag));
        if (r.status == 200 && r.body.find("[tag=" + tag + "]") != std::string::npos) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  constexpr std::size_t kLogged = std::size_t{kThreads} * kRequests;
  EXPECT_EQ(WaitForLog(kLogged).size(), kLogged);
}

// --- The asynchronous handler form. ---

// A request the handler keeps, to answer later from the test's thread.
struct Kept {
  std::string path;
  Responder respond;
};

class AsyncHttpServerTest : public HttpServerTest {
 protected:
  // An AsyncHandler on ONE server thread: /later/... is kept for the test to answer from its
  // own thread, everything else is answered at once by TestHandler.
  void StartAsync() {
    ASSERT_TRUE(kCurlReady);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    server_ = std::make_unique<HttpServer>(
        std::move(options), AsyncHandler([this](const HttpRequest& request, Responder respond) {
          if (request.path.rfind("/later/", 0) != 0) return respond(TestHandler(request));
          if (request.path == "/later/drop") return;  // every copy of the responder goes away
          if (request.path == "/later/throw") throw InvalidInput("rejected before queueing");
          const std::lock_guard lock(kept_mutex_);
          kept_.push_back({request.path, std::move(respond)});
          kept_changed_.notify_all();
        }));
    server_->Start();
  }

  // Waits until `count` requests are kept; returns the one at `index`.
  Kept TakeKept(std::size_t count, std::size_t index) {
    std::unique_lock lock(kept_mutex_);
    EXPECT_TRUE(kept_changed_.wait_for(lock, seconds(30), [&] { return kept_.size() >= count; }));
    return index < kept_.size() ? kept_[index] : Kept{};
  }

  std::mutex kept_mutex_;
  std::condition_variable kept_changed_;
  std::vector<Kept> kept_;
};

TEST_F(AsyncHttpServerTest, AnswersFromAnotherThreadWhileTheServerThreadServesOthers) {
  StartAsync();
  Reply slow;
  std::thread slow_client([&] { slow = Client().Send(Url("/later/a?x=1")); });
  const Kept kept = TakeKept(1, 0);
  EXPECT_EQ(kept.path, "/later/a");
  // The only server thread is free while /later/a waits: other connections are served.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Client().Send(Url("/json")).body, R"({"ok":true})");
  std::thread answer([respond = kept.respond] {
    respond(HttpResponse{201, "text/plain", "answered later", {}});
  });
  answer.join();
  slow_client.join();
  EXPECT_EQ(slow.code, CURLE_OK) << curl_easy_strerror(slow.code);
  EXPECT_EQ(slow.status, 201);
  EXPECT_EQ(slow.body, "answered later");
}

TEST_F(AsyncHttpServerTest, KeepAliveContinuesAfterALateAnswerAndLaterCallsAreIgnored) {
  StartAsync();
  Client client;
  std::thread responder([this] {
    const Kept kept = TakeKept(1, 0);
    kept.respond(HttpResponse{200, "text/plain", "first", {}});
    kept.respond(HttpResponse{500, "text/plain", "second", {}});  // ignored
  });
  const Reply first = client.Send(Url("/later/one"));
  responder.join();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "first");
  const Reply next = client.Send(Url("/json"));
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.new_connections, 0);  // the same connection
}

TEST_F(AsyncHttpServerTest, ADroppedResponderGives500) {
  StartAsync();
  ExpectJsonError(Client().Send(Url("/later/drop")), 500, "internal error");
}

TEST_F(AsyncHttpServerTest, AnExceptionBeforeAnsweringIsMapped) {
  StartAsync();
  ExpectJsonError(Client().Send(Url("/later/throw")), 400, "rejected before queueing");
}

TEST_F(AsyncHttpServerTest, AnAnswerAfterTheServerIsGoneIsDropped) {
  StartAsync();
  Reply reply;
  std::thread client([&] { reply = Client().Send(Url("/later/forever")); });
  const Kept kept = TakeKept(1, 0);
  server_->Stop();  // waits its grace period for the answer, then gives up
  server_.reset();
  client.join();
  EXPECT_NE(reply.status, 200);
  kept.respond(HttpResponse{200, "text/plain", "too late", {}});  // must not crash
}

TEST_F(HttpServerTest, SharedBodiesAreSentWhole) {
  const auto shared = std::make_shared<const std::string>(std::string(300'000, 'x') + "end");
  Start({}, [shared](const HttpRequest&) {
    HttpResponse response{200, "text/plain", "", {}};
    response.shared_body = shared;
    return response;
  });
  Client client;
  const Reply get = client.Send(Url("/big"));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, *shared);
  const Reply head = client.Send(Url("/big"), "HEAD");
  EXPECT_EQ(head.headers.at("content-length"), std::to_string(shared->size()));
  EXPECT_EQ(head.body, "");
}

TEST_F(HttpServerTest, ListenBindsBeforeStartServes) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.server_name = "test-server";
  HttpServer server(options, TestHandler);
  server.Listen();
  ASSERT_NE(server.port(), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/json";
  Reply reply;
  std::thread client([&] { reply = Client().Send(url); });  // waits in the backlog
  std::this_thread::sleep_for(milliseconds(100));
  server.Start();
  client.join();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("server"), "test-server");
  EXPECT_THROW(server.Listen(), std::logic_error);
}

// --- TLS, with a certificate made for this test by the openssl CLI. ---

class HttpsServerTest : public HttpServerTest {
 protected:
  void SetUp() override {
    cert_ = dir_.Path("cert.pem");
    key_ = dir_.Path("key.pem");
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1"
        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " >" + dir_.Path("openssl.log") + " 2>&1";
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe): the openssl CLI, before any server thread
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void TearDown() override { server_.reset(); }

  void StartTls() {
    ServerOptions options;
    options.tls_cert_file = cert_;
    options.tls_key_file = key_;
    options.max_body_bytes = 1024;
    Start(options);
  }

  std::string HttpsUrl(const std::string& target) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + target;
  }

  std::function<void(CURL*)> TrustCert() const {
    return [this](CURL* curl) { curl_easy_setopt(curl, CURLOPT_CAINFO, cert_.c_str()); };
  }

  testing::TempDir dir_{"http_server_test"};
  std::string cert_, key_;
};

TEST_F(HttpsServerTest, ServesHttpsWithKeepAlive) {
  StartTls();
  Client client;
  for (int i = 0; i < 3; ++i) {
    const Reply r =
        client.Send(HttpsUrl("/echo?i=" + std::to_string(i)), "GET", "", {}, TrustCert());
    ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.body, HasSubstr("[i=" + std::to_string(i) + "]"));
    EXPECT_EQ(r.new_connections, i == 0 ? 1 : 0);
  }
  ExpectJsonError(client.Send(HttpsUrl("/echo"), "POST", std::string(5000, 'x'),
                              {"Expect: 100-continue"}, TrustCert()),
                  413, "larger than 1024 bytes");
  ExpectJsonError(client.Send(HttpsUrl("/boom"), "GET", "", {}, TrustCert()), 500,
                  "internal error");
  EXPECT_GE(WaitForLog(5).size(), 5U);
}

TEST_F(HttpsServerTest, RefusesPlainHttpAndOldTls) {
  StartTls();
  const Reply plain = Client().Send(Url("/echo"));
  EXPECT_NE(plain.code, CURLE_OK);
  EXPECT_NE(plain.status, 200);
  const Reply old = Client().Send(HttpsUrl("/echo"), "GET", "", {}, [this](CURL* curl) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, cert_.c_str());
    // SECLEVEL=0 lets this client offer TLS 1.0/1.1, so the refusal must come from the server.
    curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, "DEFAULT@SECLEVEL=0");
    const long tls_1_0_to_1_1 = CURL_SSLVERSION_TLSv1_0 + long{CURL_SSLVERSION_MAX_TLSv1_1};
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, tls_1_0_to_1_1);
  });
  EXPECT_NE(old.code, CURLE_OK);
  // The server is still fine afterwards.
  EXPECT_EQ(Client().Send(HttpsUrl("/json"), "GET", "", {}, TrustCert()).status, 200);
}

TEST_F(HttpsServerTest, Tls12OffersOnlyForwardSecretAeadSuites) {
  StartTls();
  const auto tls12_with = [this](const char* ciphers) {
    return Client().Send(HttpsUrl("/json"), "GET", "", {}, [this, ciphers](CURL* curl) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, cert_.c_str());
      curl_easy_setopt(curl, CURLOPT_SSLVERSION,
                       CURL_SSLVERSION_TLSv1_2 + long{CURL_SSLVERSION_MAX_TLSv1_2});
      curl_easy_setopt(curl, CURLOPT_SSL_CIPHER_LIST, ciphers);
    });
  };
  // Static RSA key exchange and CBC with SHA-1: once common, no forward secrecy.
  EXPECT_NE(tls12_with("AES128-SHA:AES256-SHA:AES128-SHA256").code, CURLE_OK);
  EXPECT_NE(tls12_with("ECDHE-RSA-AES128-SHA").code, CURLE_OK);
  const Reply modern = tls12_with("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(modern.code, CURLE_OK) << curl_easy_strerror(modern.code);
  EXPECT_EQ(modern.status, 200);
}

TEST_F(HttpsServerTest, SlowTlsClientTimesOut) {
  ServerOptions options;
  options.tls_cert_file = cert_;
  options.tls_key_file = key_;
  options.request_timeout = seconds(1);
  Start(options);
  const int fd = Connect(server_->port());  // connects, never says hello
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ReadUntilClosed(fd, seconds(30)).closed);
  ::close(fd);
}

TEST_F(HttpsServerTest, StartNamesUnloadableFiles) {
  const auto start_error = [](const std::string& cert, const std::string& key) -> std::string {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    HttpServer server(options, TestHandler);
    return testing::ErrorOf<InvalidInput>([&] { server.Start(); });
  };
  EXPECT_THAT(start_error(dir_.Path("nope.pem"), key_), HasSubstr(dir_.Path("nope.pem")));
  EXPECT_THAT(start_error(cert_, dir_.Path("nokey.pem")), HasSubstr(dir_.Path("nokey.pem")));
  EXPECT_THAT(start_error(key_, key_), HasSubstr(key_));  // a key is not a certificate
  EXPECT_THAT(start_error(cert_, ""), HasSubstr("both"));
}

}  // namespace
}  // namespace costledger::http
