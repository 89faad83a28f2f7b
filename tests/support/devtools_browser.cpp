#include "devtools_browser.hpp"

#include <fmt/core.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"

namespace costledger::testing {
namespace {

namespace beast = boost::beast;
namespace asio = boost::asio;
using nlohmann::json;
using tcp = asio::ip::tcp;

std::string HttpGet(const std::string& port, const std::string& target) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve("127.0.0.1", port));
  beast::http::request<beast::http::string_body> req{beast::http::verb::get, target, 11};
  req.set(beast::http::field::host, "127.0.0.1:" + port);
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res);
  return res.body();
}

std::string Base64Decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (const char c : in) {
    const std::size_t pos = kChars.find(c);
    if (pos == std::string::npos) continue;
    value = (value << 6U) + static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> static_cast<unsigned>(bits)) & 0xFFU);
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

LocalReply LocalHttp(int port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(method), target,
                                                     11};
  req.set(beast::http::field::host, fmt::format("127.0.0.1:{}", port));
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    req.prepare_payload();
  }
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[beast::http::field::location]),
          std::string(res[beast::http::field::set_cookie])};
}

struct DevToolsBrowser::Impl {
  std::unique_ptr<ChildProcess> chromium;
  asio::io_context io;
  beast::websocket::stream<tcp::socket> ws{io};
  int next_id = 1;
  std::vector<json> events;
  std::vector<std::string> errors;

  json Read() {
    beast::flat_buffer buffer;
    ws.read(buffer);
    json m = json::parse(beast::buffers_to_string(buffer.data()));
    if (!m.contains("id")) Note(m);
    return m;
  }

  void Note(const json& m) {
    const std::string method = m.value("method", "");
    const json& p = m.contains("params") ? m["params"] : json::object();
    if (method == "Runtime.consoleAPICalled" &&
        (p.value("type", "") == "error" || p.value("type", "") == "warning")) {
      errors.push_back("console." + p.value("type", "") + ": " + p["args"].dump());
    } else if (method == "Runtime.exceptionThrown") {
      errors.push_back("exception: " + p["exceptionDetails"].dump());
    } else if (method == "Log.entryAdded" && p["entry"].value("level", "") == "error") {
      errors.push_back("log: " + p["entry"].value("text", "") + " " + p["entry"].value("url", ""));
    }
    events.push_back(m);
  }

  json Call(const std::string& method, const json& params) {
    const int id = next_id++;
    ws.write(asio::buffer(json{{"id", id}, {"method", method}, {"params", params}}.dump()));
    for (;;) {
      json m = Read();
      if (m.value("id", 0) != id) continue;
      if (m.contains("error")) {
        throw std::runtime_error(fmt::format("DevTools {} failed: {}", method, m["error"].dump()));
      }
      return m["result"];
    }
  }

  void WaitForEvent(const std::string& method, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (const json& e : events) {
      if (e.value("method", "") == method) {
        events.clear();
        return;
      }
    }
    while (std::chrono::steady_clock::now() < deadline) {
      const json m = Read();
      if (m.value("method", "") == method) {
        events.clear();
        return;
      }
    }
    throw std::runtime_error("DevTools: no " + method + " in time");
  }
};

DevToolsBrowser::DevToolsBrowser(const TempDir& dir) : impl_(std::make_unique<Impl>()) {
  const std::string profile = dir.Path("chromium-profile");
  impl_->chromium = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/chromium", "--headless=new", "--no-sandbox",
                               "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                               "--remote-debugging-port=0", "--remote-allow-origins=*",
                               "--user-data-dir=" + profile, "about:blank"},
      dir.Path("chromium.log"));
  std::string port;
  for (int i = 0; i < 300 && port.empty(); ++i) {
    std::ifstream in(profile + "/DevToolsActivePort");
    std::getline(in, port);
    if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (port.empty()) throw std::runtime_error("Chromium did not start: " + impl_->chromium->Log());
  std::string ws_url;
  for (int i = 0; i < 100 && ws_url.empty(); ++i) {
    for (const json& t : json::parse(HttpGet(port, "/json/list"))) {
      if (t.value("type", "") == "page") ws_url = t.value("webSocketDebuggerUrl", "");
    }
    if (ws_url.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (ws_url.empty()) throw std::runtime_error("Chromium has no page: " + impl_->chromium->Log());
  const std::string path = ws_url.substr(ws_url.find('/', std::string("ws://").size()));
  tcp::resolver resolver(impl_->io);
  asio::connect(impl_->ws.next_layer(), resolver.resolve("127.0.0.1", port));
  impl_->ws.read_message_max(256U << 20U);
  impl_->ws.handshake("127.0.0.1:" + port, path);
  Call("Page.enable");
  Call("Runtime.enable");
  Call("Log.enable");
}

DevToolsBrowser::~DevToolsBrowser() {
  try {
    impl_->ws.close(beast::websocket::close_code::normal);
  } catch (...) {  // NOLINT(bugprone-empty-catch): Chromium is stopped below anyway
  }
}

json DevToolsBrowser::Call(const std::string& method, const json& params) {
  return impl_->Call(method, params);
}

void DevToolsBrowser::Navigate(const std::string& url, std::chrono::milliseconds timeout) {
  impl_->events.clear();
  Call("Page.navigate", {{"url", url}});
  impl_->WaitForEvent("Page.loadEventFired", timeout);
}

json DevToolsBrowser::Evaluate(const std::string& script) {
  const json r = Call("Runtime.evaluate",
                      {{"expression", script}, {"returnByValue", true}, {"awaitPromise", true}});
  if (r.contains("exceptionDetails")) {
    throw std::runtime_error("script failed: " + r["exceptionDetails"].dump());
  }
  return r["result"].value("value", json());
}

void DevToolsBrowser::EvaluateAndWaitForLoad(const std::string& script,
                                             std::chrono::milliseconds timeout) {
  impl_->events.clear();
  Call("Runtime.evaluate", {{"expression", script}});
  impl_->WaitForEvent("Page.loadEventFired", timeout);
}

void DevToolsBrowser::SetWidth(int width) {
  Call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", width < 600}});
}

void DevToolsBrowser::Screenshot(const std::string& path) {
  const json r =
      Call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}});
  std::ofstream(path, std::ios::binary) << Base64Decode(r["data"].get<std::string>());
}

std::vector<std::string> DevToolsBrowser::TakeErrors() {
  std::vector<std::string> out;
  out.swap(impl_->errors);
  return out;
}

}  // namespace costledger::testing
