#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "temp_dir.hpp"

namespace costledger::testing {

/// A plain HTTP/1.1 request to 127.0.0.1:`port` (Boost.Beast): the status and the body.
struct LocalReply {
  int status = 0;
  std::string body;
  std::string location;    ///< the Location header
  std::string set_cookie;  ///< the Set-Cookie header
};
LocalReply LocalHttp(int port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     const std::string& body = "");

/// Debian's headless Chromium (/usr/bin/chromium) driven over the DevTools protocol (a
/// WebSocket, Boost.Beast): navigate, evaluate script in the page, set the viewport width, take
/// screenshots, and collect what the page logged as errors (console errors, uncaught
/// exceptions, failed loads and CSP violations). Its profile lives in `dir`; stopped by the
/// destructor. Throws std::runtime_error (with Chromium's log) when it cannot start. Not
/// thread-safe.
class DevToolsBrowser {
 public:
  explicit DevToolsBrowser(const TempDir& dir);
  ~DevToolsBrowser();
  DevToolsBrowser(const DevToolsBrowser&) = delete;
  DevToolsBrowser& operator=(const DevToolsBrowser&) = delete;
  DevToolsBrowser(DevToolsBrowser&&) = delete;
  DevToolsBrowser& operator=(DevToolsBrowser&&) = delete;

  /// Sends one protocol command and returns its `result`; throws on an error answer.
  nlohmann::json Call(const std::string& method,
                      const nlohmann::json& params = nlohmann::json::object());
  /// Loads `url` and waits for its load event (up to `timeout`).
  void Navigate(const std::string& url,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Runs `script` (an expression; promises are awaited) and returns its value as JSON.
  nlohmann::json Evaluate(const std::string& script);
  /// Runs `script` that makes the page navigate (a form submit) and waits for the new load.
  void EvaluateAndWaitForLoad(const std::string& script,
                              std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Emulates a screen `width` CSS pixels wide (mobile when under 600).
  void SetWidth(int width);
  /// A PNG of the whole page, written to `path`.
  void Screenshot(const std::string& path);
  /// What the page logged as errors since the last call, and forgets them.
  std::vector<std::string> TakeErrors();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace costledger::testing
