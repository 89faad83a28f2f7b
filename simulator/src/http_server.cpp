#include "costledger/simulator/http_server.hpp"

#include <fmt/core.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "costledger/model/errors.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::chrono::seconds kIdleTimeout{60};
constexpr std::chrono::seconds kWriteTimeout{60};
constexpr std::uint64_t kRequestBodyLimit = 1 << 20;

// A response body shared with the cache: many clients get one rendered string, no copies.
struct SharedStringBody {
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

  class writer {  // NOLINT(readability-identifier-naming): Beast's BodyWriter concept
   public:
    using const_buffers_type = net::const_buffer;

    template <bool IsRequest, class Fields>
    writer(const http::header<IsRequest, Fields>& /*header*/, const value_type& body)
        : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (done_ || !body_ || body_->empty()) return boost::none;
      done_ = true;
      return std::make_pair(const_buffers_type(body_->data(), body_->size()), false);
    }

   private:
    const value_type& body_;
    bool done_ = false;
  };
};

using ResponseMessage = http::response<SharedStringBody>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const HttpHandler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(kRequestBodyLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream) {
      Close();
      return;
    }
    if (ec) return;  // timeout, reset or a malformed request: drop the connection
    const http::request<http::string_body> request = parser_->release();
    Response r;
    try {
      r = handler_(
          HttpRequest{std::string{request.method_string()}, std::string{request.target()}});
    } catch (const std::exception& e) {
      std::string body;
      JsonWriter json(body);
      json.BeginObject().Member("code", 500).Member("message", e.what()).EndObject();
      r = Response{500, "application/json", std::make_shared<const std::string>(body)};
    }
    auto response =
        std::make_shared<ResponseMessage>(static_cast<http::status>(r.status), request.version());
    response->set(http::field::server, "costledger-simulate");
    response->set(http::field::content_type, r.content_type);
    response->keep_alive(request.keep_alive());
    if (request.method() == http::verb::head) {
      response->content_length(SharedStringBody::size(r.body));
    } else {
      response->body() = std::move(r.body);
      response->prepare_payload();
    }
    response_ = response;
    stream_.expires_after(kWriteTimeout);
    http::async_write(
        stream_, *response,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), response->need_eof()));
  }

  void OnWrite(bool close, beast::error_code ec, std::size_t /*bytes*/) {
    response_.reset();
    if (ec) return;
    if (close) {
      Close();
      return;
    }
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<ResponseMessage> response_;
  const HttpHandler& handler_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, const tcp::endpoint& endpoint, const HttpHandler& handler)
      : io_(io), acceptor_(net::make_strand(io)), handler_(handler) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Run() { Accept(); }

  // Only once no thread runs the io_context.
  void Close() {
    beast::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler_)->Run();
    Accept();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  const HttpHandler& handler_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpHandler h, int thread_count)
      : handler(std::move(h)), threads(thread_count), io(thread_count) {}

  HttpHandler handler;  // outlives the io_context and the sessions it holds
  int threads;
  net::io_context io;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> workers;
  bool stopped = false;
};

HttpServer::HttpServer(const std::string& host, std::uint16_t port, HttpHandler handler,
                       int threads)
    : impl_(std::make_unique<Impl>(std::move(handler), std::max(1, threads))) {
  try {
    const tcp::endpoint endpoint(net::ip::make_address(host), port);
    impl_->listener = std::make_shared<Listener>(impl_->io, endpoint, impl_->handler);
  } catch (const std::exception& e) {
    throw Unavailable(fmt::format("cannot listen on {}:{}: {}", host, port, e.what()));
  }
}

HttpServer::~HttpServer() { Stop(); }

std::uint16_t HttpServer::port() const { return impl_->listener->port(); }

void HttpServer::Start() {
  if (!impl_->workers.empty() || impl_->stopped) return;
  impl_->listener->Run();
  for (int i = 0; i < impl_->threads; ++i) {
    impl_->workers.emplace_back([this] { impl_->io.run(); });
  }
}

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  for (std::thread& t : impl_->workers) t.join();
  impl_->workers.clear();
  impl_->listener->Close();
}

}  // namespace costledger::simulator
