#include "costledger/simulator/http_server.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "costledger/http/http_server.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::simulator {
namespace {

constexpr std::chrono::seconds kRequestTimeout{60};
constexpr std::size_t kRequestBodyLimit = std::size_t{1} << 20U;

http::HttpResponse ToHttp(Response response) {
  http::HttpResponse out;
  out.status = response.status;
  out.content_type = std::move(response.content_type);
  out.shared_body = std::move(response.body);
  return out;
}

}  // namespace

HttpServer::HttpServer(const std::string& host, std::uint16_t port, HttpHandler handler,
                       int threads) {
  http::ServerOptions options;
  const bool ipv6 = host.find(':') != std::string::npos;
  options.listen = ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
  options.threads = std::max(1, threads);
  options.request_timeout = kRequestTimeout;
  options.max_body_bytes = kRequestBodyLimit;
  options.server_name = "costledger-simulate";
  server_ = std::make_unique<http::HttpServer>(
      std::move(options), [handler = std::move(handler)](const http::HttpRequest& request) {
        try {
          const auto accept = request.headers.find("accept");
          return ToHttp(handler(
              HttpRequest{request.method, request.target,
                          accept == request.headers.end() ? std::string{} : accept->second}));
        } catch (const std::exception& e) {  // the simulator's own errors keep their message
          return http::JsonError(500, e.what());
        }
      });
  try {
    server_->Listen();
  } catch (const std::exception& e) {
    throw Unavailable(fmt::format("cannot listen on {}:{}: {}", host, port, e.what()));
  }
}

HttpServer::~HttpServer() { Stop(); }

std::uint16_t HttpServer::port() const { return server_->port(); }

void HttpServer::Start() {
  if (started_ || stopped_) return;
  started_ = true;
  server_->Start();
}

void HttpServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->Stop();
}

}  // namespace costledger::simulator
