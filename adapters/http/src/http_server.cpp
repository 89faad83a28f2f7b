#include "costledger/http/http_server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "costledger/http/http_status.hpp"
#include "costledger/model/errors.hpp"

namespace costledger::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

using Strand = net::strand<net::io_context::executor_type>;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// How long Stop waits for requests already in the handler.
constexpr std::chrono::seconds kStopGrace{5};
/// How long a closing connection keeps reading (and discarding) what the client still sends,
/// so that an early error response is not destroyed by a TCP reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string ToString(beast::string_view text) { return {text.data(), text.size()}; }

std::string Lower(beast::string_view text) {
  std::string out = ToString(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

// Whether the Host header `host` (with or without a port) may be served under `allowed`:
// IP literals always, names only when listed (case-insensitive).
bool HostAllowed(std::string_view host, const std::vector<std::string>& allowed) {
  if (allowed.empty() || host.empty() || host.front() == '[') return true;  // [IPv6]:port
  host = host.substr(0, host.find(':'));
  if (!host.empty() && std::all_of(host.begin(), host.end(),
                                   [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    return true;  // IPv4
  }
  const beast::string_view name(host.data(), host.size());
  const auto same = [name](const std::string& a) { return beast::iequals(a, name); };
  return std::any_of(allowed.begin(), allowed.end(), same);
}

// Prepares a request for the handler: its Host must be served here and its target must parse,
// with no query parameter given twice. Returns the response to send instead when not.
std::optional<HttpResponse> Admit(HttpRequest& request, const ServerOptions& options) {
  if (const auto host = request.headers.find("host");
      host != request.headers.end() && !HostAllowed(host->second, options.allowed_hosts)) {
    return JsonError(421, "this server does not serve the host named in the Host header");
  }
  try {
    ParsedTarget target = ParseTarget(request.target);
    request.path = std::move(target.path);
    request.query = std::move(target.query);
  } catch (...) {
    return ErrorResponse(std::current_exception());
  }
  for (auto it = request.query.begin(); it != request.query.end();) {
    const auto next = request.query.upper_bound(it->first);
    if (std::next(it) != next) {
      return JsonError(400, "parameter '" + it->first +
                                "' is given more than once; give it once (lists are "
                                "comma-separated)");
    }
    it = next;
  }
  return std::nullopt;
}

// Whatever the handler answered, a well-formed response: a status in range, and a JSON body on
// every error.
HttpResponse Normalize(HttpResponse response) {
  if (response.status < 200 || response.status > 599) return JsonError(500, "internal error");
  if (response.status >= 400 && response.body.empty() &&
      (!response.shared_body || response.shared_body->empty())) {
    return JsonError(response.status, ToString(bhttp::obsolete_reason(bhttp::int_to_status(
                                          static_cast<unsigned>(response.status)))));
  }
  return response;
}

// A response body that is owned text or text shared with others (HttpResponse::shared_body),
// written without a copy either way.
struct ResponseBody {
  struct value_type {  // NOLINT(readability-identifier-naming): Beast's Body concept
    std::string owned;
    std::shared_ptr<const std::string> shared;

    std::string_view View() const {
      return shared ? std::string_view{*shared} : std::string_view{owned};
    }
  };

  static std::uint64_t size(const value_type& body) { return body.View().size(); }

  class writer {  // NOLINT(readability-identifier-naming): Beast's BodyWriter concept
   public:
    using const_buffers_type = net::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(const bhttp::header<kIsRequest, Fields>& /*header*/, const value_type& body)
        : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      const std::string_view text = body_.View();
      if (done_ || text.empty()) return boost::none;
      done_ = true;
      return std::make_pair(const_buffers_type(text.data(), text.size()), false);
    }

   private:
    const value_type& body_;
    bool done_ = false;
  };
};

class SessionBase {
 public:
  SessionBase() = default;
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;
  SessionBase(SessionBase&&) = delete;
  SessionBase& operator=(SessionBase&&) = delete;
  virtual ~SessionBase() = default;
  /// Called from Stop on any thread: close the connection unless a request is being handled.
  virtual void OnServerStop() = 0;
  /// Whether the calling thread runs this session's strand (e.g. inside the handler's call).
  virtual bool InStrand() = 0;
  /// Writes the handler's response to the request being handled; on the session's strand.
  virtual void Answer(HttpResponse response) = 0;
  /// Queues Answer on the session's strand; any thread, while the io_context exists.
  virtual void PostAnswer(HttpResponse response) = 0;
  /// Called by Stop once the threads are joined: drop the reference that keeps a session
  /// waiting for its response alive.
  virtual void Abandon() = 0;
};

// What the server and its sessions share; sessions keep it alive.
struct SharedState {
  ServerOptions options;
  AsyncHandler handler;
  std::atomic<bool> stopping{false};
  // Responses from other threads reach sessions under this lock, and not at all once Stop has
  // joined the threads: the io_context may be gone by then.
  std::mutex delivery_mutex;
  bool delivery_closed = false;
  std::mutex mutex;
  std::condition_variable sessions_gone;
  std::unordered_map<const SessionBase*, std::weak_ptr<SessionBase>> sessions;

  void Log(const AccessLogEntry& entry) const {
    if (!options.access_log) return;
    try {
      options.access_log(entry);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a failing log must not break serving
    }
  }
};

// The way back from a handler to its session; shared by the copies of one Responder. Holds
// the session weakly: the session keeps itself alive while it waits.
class PendingResponse {
 public:
  PendingResponse(std::shared_ptr<SharedState> shared, std::weak_ptr<SessionBase> session)
      : shared_(std::move(shared)), session_(std::move(session)) {}
  ~PendingResponse() {
    if (!delivered_) Deliver(JsonError(500, "internal error: the request got no response"));
  }
  PendingResponse(const PendingResponse&) = delete;
  PendingResponse& operator=(const PendingResponse&) = delete;
  PendingResponse(PendingResponse&&) = delete;
  PendingResponse& operator=(PendingResponse&&) = delete;

  void Deliver(HttpResponse response) {
    if (delivered_.exchange(true)) return;
    std::unique_lock lock(shared_->delivery_mutex);
    if (shared_->delivery_closed) return;
    const std::shared_ptr<SessionBase> session = session_.lock();  // released before the lock
    if (!session) return;
    if (session->InStrand()) {
      // A server thread, so the io_context cannot go away meanwhile: no need for the lock.
      lock.unlock();
      session->Answer(std::move(response));
    } else {
      session->PostAnswer(std::move(response));
    }
  }

 private:
  std::shared_ptr<SharedState> shared_;
  std::weak_ptr<SessionBase> session_;
  std::atomic<bool> delivered_{false};
};

// One connection: reads a request, hands it to the handler, writes the response, repeats while
// keep-alive. Every operation runs on the connection's strand. `Stream` is PlainStream or
// TlsStream; the only differences are the handshake and the way the connection ends.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  enum class State { kHandshake, kReading, kHandling, kClosing };

 public:
  /// `tls_context` keeps the TLS context of a TlsStream alive (null for plain connections): a
  /// reload replaces the server's context while older connections still use theirs.
  template <class... StreamArgs>
  Session(std::shared_ptr<SharedState> shared, std::string remote,
          std::shared_ptr<ssl::context> tls_context, StreamArgs&&... stream_args)
      : shared_(std::move(shared)),
        remote_(std::move(remote)),
        tls_context_(std::move(tls_context)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        deadline_(stream_.get_executor()) {}

  ~Session() override {
    const std::lock_guard lock(shared_->mutex);
    shared_->sessions.erase(this);
    if (shared_->sessions.empty()) shared_->sessions_gone.notify_all();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  void Start() {
    {
      const std::lock_guard lock(shared_->mutex);
      shared_->sessions.emplace(this, this->weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Begin, this->shared_from_this()));
  }

  void OnServerStop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::kHandling) return;  // OnWrite closes after the response
      self->deadline_.cancel();
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
  }

  bool InStrand() override {
    const auto* strand = stream_.get_executor().template target<Strand>();
    return strand != nullptr && strand->running_in_this_thread();
  }

  void Answer(HttpResponse response) override {
    waiting_self_.reset();  // the write keeps the session alive
    const bool keep_alive = request_keep_alive_ && !shared_->stopping;
    Write(Normalize(std::move(response)), request_version_, keep_alive, request_head_);
  }

  void PostAnswer(HttpResponse response) override {
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), response = std::move(response)]() mutable {
                self->Answer(std::move(response));
              });
  }

  void Abandon() override { waiting_self_.reset(); }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Tcp().expires_after(shared_->options.request_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      ReadRequest();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) return;  // not TLS, or gave up: nothing to answer
    if constexpr (kTls) client_certificate_ = VerifiedPeerSubject(stream_.native_handle());
    ReadRequest();
  }

  // The subject of the client's certificate when it verified against the client CAs, else "".
  static std::string VerifiedPeerSubject(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return "";
    std::string subject;
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
      std::array<char, 512> buffer{};
      if (X509_NAME_oneline(X509_get_subject_name(cert), buffer.data(),
                            static_cast<int>(buffer.size())) != nullptr) {
        subject = buffer.data();
      }
    }
    X509_free(cert);
    return subject;
  }

  void ReadRequest() {
    if (shared_->stopping) return Close();
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        shared_->options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(shared_->options.max_body_bytes);
    Tcp().expires_never();
    StartDeadline();
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  // One deadline for the whole request; on expiry the pending read is cancelled (not the
  // connection closed, as tcp_stream's own timeout would), so that a 408 can still go out.
  void StartDeadline() {
    timed_out_ = false;
    const std::uint64_t id = ++read_id_;
    deadline_.expires_after(shared_->options.request_timeout);
    deadline_.async_wait([self = this->shared_from_this(), id](beast::error_code ec) {
      if (ec || id != self->read_id_ || self->state_ != State::kReading) return;
      self->timed_out_ = true;
      self->Tcp().cancel();
    });
  }

  void StopDeadline() {
    ++read_id_;
    deadline_.cancel();
  }

  void OnHeader(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    if (header.version() >= 11 && !parser_->is_done() &&
        Lower(header[bhttp::field::expect]) == "100-continue") {
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       beast::bind_front_handler(&Session::OnContinue, this->shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinue(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnReadError(beast::error_code ec) {
    StopDeadline();
    const bool started = parser_->got_some() || buffer_.size() > 0;
    if (timed_out_) {
      if (started) return SendError(408, "request not received within the request timeout");
      return Close();
    }
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "request header fields larger than " +
                                std::to_string(shared_->options.max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "request body larger than " +
                                std::to_string(shared_->options.max_body_bytes) + " bytes");
    }
    if (ec.category() == beast::error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::partial_message) {
      return SendError(400, "malformed HTTP request: " + ec.message());
    }
    Close();  // the connection broke; nobody to answer
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    StopDeadline();
    state_ = State::kHandling;
    request_done_ = Clock::now();

    auto& message = parser_->get();
    HttpRequest request;
    request.method = ToString(message.method_string());
    request.target = ToString(message.target());
    for (const auto& field : message) {
      auto [it, inserted] = request.headers.emplace(Lower(field.name_string()), std::string());
      if (!inserted) it->second += ", ";
      it->second.append(field.value().data(), field.value().size());
    }
    request.body = std::move(message.body());
    request.remote_address = remote_;
    request.client_certificate = client_certificate_;
    log_method_ = request.method;
    log_target_ = request.target;
    request_version_ = message.version();
    request_keep_alive_ = message.keep_alive();
    request_head_ = message.method() == bhttp::verb::head;

    if (auto refused = Admit(request, shared_->options)) return Answer(std::move(*refused));
    // Nothing but the pending response refers to this session until it is answered.
    waiting_self_ = this->shared_from_this();
    const auto pending = std::make_shared<PendingResponse>(shared_, this->weak_from_this());
    // The response may be written before the handler returns (a synchronous answer runs
    // Answer inline): nothing below may touch the session.
    try {
      shared_->handler(std::move(request),
                       [pending](HttpResponse response) { pending->Deliver(std::move(response)); });
    } catch (...) {
      pending->Deliver(ErrorResponse(std::current_exception()));
    }
  }

  void SendError(int status, const std::string& message) {
    state_ = State::kHandling;
    request_done_ = Clock::now();
    // Whatever of the request line was parsed (the parser fills it before it checks limits).
    log_method_ = parser_ ? ToString(parser_->get().method_string()) : std::string();
    log_target_ = parser_ ? ToString(parser_->get().target()) : std::string();
    Write(JsonError(status, message), 11, false, false);
  }

  void Write(HttpResponse response, unsigned version, bool keep_alive, bool head) {
    auto& out = response_.emplace();
    out.version(version);
    out.result(static_cast<unsigned>(response.status));
    out.set(bhttp::field::server, shared_->options.server_name);
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    bool cache_control = false;
    for (const auto& [name, value] : response.headers) {
      const bhttp::field field = bhttp::string_to_field(name);
      if (field == bhttp::field::content_length || field == bhttp::field::transfer_encoding ||
          field == bhttp::field::connection || beast::iequals(name, "X-Content-Type-Options")) {
        continue;  // framing is the server's business; nosniff is set below
      }
      cache_control = cache_control || field == bhttp::field::cache_control;
      out.insert(name, value);
    }
    // Costs are private and change every interval: no cache keeps them unless a route says so.
    if (!cache_control) out.set(bhttp::field::cache_control, "no-store");
    out.set("X-Content-Type-Options", "nosniff");
    log_principal_ = std::move(response.principal);
    log_error_ = std::move(response.error_detail);
    const int status = response.status;
    const bool bodiless = status == 204 || status == 304;
    ResponseBody::value_type body{std::move(response.body), std::move(response.shared_body)};
    if (!bodiless) out.content_length(ResponseBody::size(body));
    if (!bodiless && !head) out.body() = std::move(body);
    out.keep_alive(keep_alive);

    log_status_ = status;
    log_bytes_ = ResponseBody::size(out.body());
    Tcp().expires_after(shared_->options.request_timeout);
    bhttp::async_write(stream_, out,
                       beast::bind_front_handler(&Session::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
    shared_->Log(AccessLogEntry{
        remote_, log_method_, log_target_, log_status_, log_bytes_,
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_done_),
        std::move(log_principal_), std::move(log_error_)});
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec) return;
    if (!keep_alive || shared_->stopping) return Close();
    ReadRequest();
  }

  // Ends the connection politely: TLS close_notify, or a TCP half-close followed by reading and
  // discarding whatever the client still sends (bounded by kLingerTime).
  void Close() {
    state_ = State::kClosing;
    StopDeadline();
    beast::error_code ignored;
    if (shared_->stopping) {
      Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
      Tcp().close();
      return;
    }
    Tcp().expires_after(kLingerTime);
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Tcp().close(); });
    } else {
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Linger();
    }
  }

  void Linger() {
    stream_.async_read_some(
        net::buffer(linger_buffer_),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t /*bytes*/) {
          if (ec) return self->Tcp().close();
          self->Linger();
        });
  }

  std::shared_ptr<SharedState> shared_;
  std::string remote_;
  std::shared_ptr<ssl::context> tls_context_;  // before stream_, which refers to it
  std::string client_certificate_;
  Stream stream_;
  net::steady_timer deadline_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<ResponseBody>> response_;
  std::shared_ptr<Session> waiting_self_;  // set while the handler has the request
  State state_ = State::kHandshake;
  std::uint64_t read_id_ = 0;
  bool timed_out_ = false;
  Clock::time_point request_done_{};
  std::string log_method_;
  std::string log_target_;
  std::string log_principal_;
  std::string log_error_;
  int log_status_ = 0;
  std::size_t log_bytes_ = 0;
  unsigned request_version_ = 11;
  bool request_keep_alive_ = false;
  bool request_head_ = false;
  std::array<char, 4096> linger_buffer_{};
};

tcp::endpoint ParseListen(const std::string& listen, net::io_context& ioc) {
  const auto bad = [&listen](const std::string& why) {
    return InvalidInput("listen address \"" + listen + "\" " + why +
                        " (expected host:port, e.g. 0.0.0.0:9003)");
  };
  std::string host;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    const std::size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      throw bad("is malformed");
    }
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    const std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) throw bad("has no port");
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (host.find(':') != std::string::npos) throw bad("needs brackets around an IPv6 host");
  }
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    throw bad("has an invalid port");
  }
  const unsigned long port = std::stoul(port_text);
  if (port > std::numeric_limits<std::uint16_t>::max()) throw bad("has a port above 65535");
  if (host.empty()) host = "0.0.0.0";

  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) return {address, static_cast<std::uint16_t>(port)};
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, port_text, tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    throw bad("has a host that does not resolve" + (ec ? ": " + ec.message() : std::string()));
  }
  return results.begin()->endpoint();
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, AsyncHandler handler) : shared(std::make_shared<SharedState>()) {
    shared->options = std::move(options);
    shared->handler = std::move(handler);
  }

  // A TLS context from the configured files. Throws InvalidInput naming the file.
  static std::shared_ptr<ssl::context> MakeTlsContext(const ServerOptions& options) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    // TLS 1.2: forward-secret AEAD suites only (TLS 1.3's are all of that kind already).
    SSL_CTX_set_cipher_list(context->native_handle(),
                            "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!SHA1:!MD5");
    beast::error_code ec;
    context->use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) {
      throw InvalidInput("cannot load TLS certificate " + options.tls_cert_file + ": " +
                         ec.message());
    }
    context->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
    if (ec) {
      throw InvalidInput("cannot load TLS private key " + options.tls_key_file + ": " +
                         ec.message());
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
      throw InvalidInput("TLS private key " + options.tls_key_file +
                         " does not match certificate " + options.tls_cert_file);
    }
    if (!options.tls_client_ca_file.empty()) {
      context->load_verify_file(options.tls_client_ca_file, ec);
      if (ec) {
        throw InvalidInput("cannot load TLS client CA " + options.tls_client_ca_file + ": " +
                           ec.message());
      }
      // Ask for a certificate (naming the CAs) but do not require one: tokens still work.
      SSL_CTX_set_client_CA_list(context->native_handle(),
                                 SSL_load_client_CA_file(options.tls_client_ca_file.c_str()));
      context->set_verify_mode(ssl::verify_peer);
      static constexpr std::array<unsigned char, 10> kSessionContext{'c', 'o', 's', 't', 'l',
                                                                     'e', 'd', 'g', 'e', 'r'};
      SSL_CTX_set_session_id_context(context->native_handle(), kSessionContext.data(),
                                     static_cast<unsigned>(kSessionContext.size()));
    }
    return context;
  }

  // What identifies the current contents of the TLS files (modification times and sizes).
  std::string TlsFilesStamp() const {
    const ServerOptions& options = shared->options;
    std::string stamp;
    for (const std::string* path :
         {&options.tls_cert_file, &options.tls_key_file, &options.tls_client_ca_file}) {
      if (path->empty()) continue;
      std::error_code ec;
      const auto time = std::filesystem::last_write_time(*path, ec);
      const auto size = std::filesystem::file_size(*path, ec);
      stamp +=
          ec ? "?" : std::to_string(time.time_since_epoch().count()) + ":" + std::to_string(size);
      stamp += ';';
    }
    return stamp;
  }

  void LoadTls() {
    const ServerOptions& options = shared->options;
    if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
      if (!options.tls_client_ca_file.empty()) {
        throw InvalidInput("tls_client_ca_file needs tls_cert_file and tls_key_file");
      }
      return;
    }
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      throw InvalidInput("TLS needs both tls_cert_file and tls_key_file");
    }
    tls_stamp = TlsFilesStamp();
    tls = MakeTlsContext(options);
    tls_checked = Clock::now();
  }

  // On the acceptor's strand: loads the TLS files again when they changed since the last load.
  void MaybeReloadTls() {
    if (!tls || Clock::now() - tls_checked < shared->options.tls_reload_check) return;
    tls_checked = Clock::now();
    const std::string stamp = TlsFilesStamp();
    if (stamp == tls_stamp) return;
    tls_stamp = stamp;  // a broken pair is reported once, not on every connection
    const ServerOptions& options = shared->options;
    try {
      tls = MakeTlsContext(options);
      if (options.tls_reload_log) {
        options.tls_reload_log(true, "TLS certificate reloaded from " + options.tls_cert_file);
      }
    } catch (const std::exception& e) {
      if (options.tls_reload_log) {
        options.tls_reload_log(false, std::string(e.what()) + "; keeping the previous one");
      }
    }
  }

  void Bind() {
    const tcp::endpoint endpoint = ParseListen(shared->options.listen, ioc);
    acceptor.emplace(net::make_strand(ioc));
    retry.emplace(acceptor->get_executor());
    const auto fail = [this](const beast::error_code& ec) {
      return Unavailable("cannot listen on " + shared->options.listen + ": " + ec.message());
    };
    beast::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (ec) throw fail(ec);
    acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (ec) throw fail(ec);
    acceptor->bind(endpoint, ec);
    if (ec) throw fail(ec);
    acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw fail(ec);
    port = acceptor->local_endpoint().port();
  }

  void Accept() {
    acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {  // e.g. out of file descriptors: try again shortly instead of spinning
      retry->expires_after(std::chrono::milliseconds(100));
      retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor->is_open()) Accept();
      });
      return;
    }
    if (shared->stopping) return;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const tcp::endpoint peer = socket.remote_endpoint(ignored);
    std::string remote = ignored ? std::string() : peer.address().to_string();
    MaybeReloadTls();
    if (tls) {
      std::make_shared<Session<TlsStream>>(shared, std::move(remote), tls, std::move(socket), *tls)
          ->Start();
    } else {
      std::make_shared<Session<PlainStream>>(shared, std::move(remote), nullptr, std::move(socket))
          ->Start();
    }
    Accept();
  }

  void Run() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (...) {  // NOLINT(bugprone-empty-catch): keep serving; sessions catch their own
      }
    }
  }

  std::shared_ptr<SharedState> shared;
  // Declaration order matters: sessions left in the io_context when it is destroyed still use
  // the TLS context, and the acceptor must go before the io_context.
  std::shared_ptr<ssl::context> tls;  // sessions share it, so a reload never pulls it away
  std::string tls_stamp;
  Clock::time_point tls_checked{};
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool listening = false;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : HttpServer(std::move(options),
                 AsyncHandler([handler = std::move(handler)](const HttpRequest& request,
                                                             const Responder& respond) {
                   respond(handler(request));
                 })) {}

HttpServer::HttpServer(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Listen() {
  if (impl_->listening) throw std::logic_error("HttpServer::Listen called twice");
  const ServerOptions& options = impl_->shared->options;
  if (options.request_timeout <= std::chrono::seconds(0)) {
    throw InvalidInput("request_timeout must be positive");
  }
  if (options.max_header_bytes == 0) throw InvalidInput("max_header_bytes must be positive");
  impl_->LoadTls();
  impl_->Bind();
  impl_->listening = true;
}

void HttpServer::Start() {
  if (impl_->started) throw std::logic_error("HttpServer::Start called twice");
  if (!impl_->listening) Listen();
  impl_->started = true;
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->Accept();
  const int threads = std::max(1, impl_->shared->options.threads);
  for (int i = 0; i < threads; ++i) impl_->threads.emplace_back([this] { impl_->Run(); });
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  SharedState& shared = *impl.shared;
  shared.stopping = true;
  net::post(impl.acceptor->get_executor(), [&impl] {
    beast::error_code ignored;
    impl.acceptor->close(ignored);
    impl.retry->cancel();
  });

  std::vector<std::weak_ptr<SessionBase>> sessions;
  {
    const std::lock_guard lock(shared.mutex);
    for (const auto& [key, session] : shared.sessions) sessions.push_back(session);
  }
  for (const auto& weak : sessions) {
    if (const auto session = weak.lock()) session->OnServerStop();
  }
  {
    std::unique_lock lock(shared.mutex);
    shared.sessions_gone.wait_for(lock, kStopGrace, [&shared] { return shared.sessions.empty(); });
  }
  impl.work.reset();
  impl.ioc.stop();
  for (auto& thread : impl.threads) thread.join();
  impl.threads.clear();
  {
    const std::lock_guard lock(shared.delivery_mutex);
    shared.delivery_closed = true;
  }
  // Sessions still waiting for a response: released here, while the io_context they use is
  // still alive (destroyed outside the lock, as their destructors take it).
  std::vector<std::shared_ptr<SessionBase>> waiting;
  {
    const std::lock_guard lock(shared.mutex);
    for (const auto& [key, session] : shared.sessions) {
      if (auto alive = session.lock()) waiting.push_back(std::move(alive));
    }
  }
  for (const auto& session : waiting) session->Abandon();
  waiting.clear();
  beast::error_code ignored;
  impl.acceptor->close(ignored);  // in case the posted close never ran
}

}  // namespace costledger::http
