#pragma once

// The console's pages: each reads through the ports what its API calls would read and builds
// the page content (console/page.hpp). Private to the console.

#include <chrono>
#include <string>
#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/api/efficiency_routes.hpp"
#include "costledger/console/console.hpp"
#include "costledger/console/page.hpp"
#include "costledger/http/http_types.hpp"

namespace costledger::console {

/// `text` percent-encoded for a URL query value (everything but unreserved characters).
std::string UrlEncode(std::string_view text);

struct PageContext {
  const ConsoleReaders& readers;
  const api::EfficiencySettings& efficiency;
  const api::Principal& who;
  std::chrono::sys_seconds now;
  const http::HttpRequest& request;
};

struct PageResult {
  Page page;
  int status = 200;
  std::string message = {};  ///< when set, the page is only this message (403, 404)
};

/// The page of `path`; a result with status 404 for an unknown one. Throws InvalidInput for a
/// bad parameter and what the readers throw.
PageResult BuildPage(const PageContext& ctx, const std::string& path);

}  // namespace costledger::console
