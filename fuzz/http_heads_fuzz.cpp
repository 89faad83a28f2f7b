// What arrives on the API's socket: the input is sent as raw bytes to the real HTTP server
// (Beast's parser, the limits, the Host check, target and query parsing, the error answers) on
// loopback, then the connection is half-closed. The server must answer with well-formed HTTP
// responses or close; a crash, a sanitizer report or a malformed answer is a finding.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "costledger/http/http_server.hpp"

namespace {

using costledger::http::HttpRequest;
using costledger::http::HttpResponse;

costledger::http::HttpServer& Server() {
  static const std::unique_ptr<costledger::http::HttpServer> server = [] {
    costledger::http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    options.request_timeout = std::chrono::seconds(2);
    options.allowed_hosts = {"costledger.example", "localhost"};
    auto s = std::make_unique<costledger::http::HttpServer>(options, [](const HttpRequest& r) {
      HttpResponse response;
      response.body = "{\"path\":\"" + std::to_string(r.path.size()) + "\"}";
      return response;
    });
    s->Start();
    return s;
  }();
  return *server;
}

// Everything the server sends until it closes (or 3 s pass).
std::string Exchange(const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) __builtin_trap();
  timeval timeout{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(Server().port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    __builtin_trap();
  }
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server answered early and closed: read what it said
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string reply = Exchange(data, size);
  // Nothing (closed) or responses that start as HTTP/1.x responses with a three-digit status.
  if (!reply.empty()) {
    const bool well_formed = reply.size() >= 12 && reply.compare(0, 7, "HTTP/1.") == 0 &&
                             reply[8] == ' ' &&
                             std::isdigit(static_cast<unsigned char>(reply[9])) &&
                             std::isdigit(static_cast<unsigned char>(reply[10])) &&
                             std::isdigit(static_cast<unsigned char>(reply[11]));
    if (!well_formed) __builtin_trap();
    if (reply.find("HTTP/1.1 500") != std::string::npos) __builtin_trap();  // bad input is 4xx
  }
  return 0;
}
