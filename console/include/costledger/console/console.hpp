#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "costledger/api/auth.hpp"
#include "costledger/api/efficiency_routes.hpp"
#include "costledger/http/http_types.hpp"
#include "costledger/model/money.hpp"
#include "costledger/ports/cost_reader.hpp"
#include "costledger/ports/report_archive.hpp"

namespace costledger::quotas {
class QuotaBoard;
}  // namespace costledger::quotas

namespace costledger::console {

/// Whether `path` belongs to the console: "/" (the overview) and /console/... .
bool IsConsolePath(std::string_view path);

/// What the pages read: the same ports as the API (api::CostReaders), so every figure is the
/// API's.
struct ConsoleReaders {
  ports::AllocationReader& allocations;
  ports::AssetReader& assets;
  ports::QueryReader& queries;
  ports::ReportArchive* reports = nullptr;          ///< the reports page; nullptr: none
  const quotas::QuotaBoard* quota_board = nullptr;  ///< the quotas page; nullptr: none
  api::EfficiencyReaders efficiency;                ///< nodes and efficiency pages
  /// On-demand list price of one node of an instance type (spot savings); empty: unknown.
  std::function<std::optional<model::Money>(std::string_view instance_type)> on_demand_per_hour;
};

struct ConsoleSettings {
  /// The API's tokens; nullptr: no tokens configured, the console is open as the API is.
  const api::TokenRegistry* tokens = nullptr;
  /// Mark the session cookie Secure (the server speaks HTTPS).
  bool secure_cookie = false;
  std::chrono::seconds session_ttl{12 * 3600};
  /// Config `auth.anonymous_role` (viewer): pages answer a browser without a session as this
  /// role with every team in scope (the header offers the login form for a token's scope).
  /// The API behind the figures still wants a token or a session.
  std::optional<api::Role> anonymous_role;
  api::EfficiencySettings efficiency;
};

/// The built-in console (DESIGN "API": GET / and below): server-rendered HTML pages with inline
/// SVG charts (markup/), behind the API's tokens through a login form and an HttpOnly,
/// SameSite=Strict session cookie; a token scoped to teams sees only their costs and pages.
/// Pages: / (overview), /console/teams, /console/team?team=, /console/namespaces,
/// /console/namespace?namespace=, /console/workload?namespace=&workload=,
/// /console/pod?namespace=&pod=, /console/nodes, /console/queries, /console/quotas,
/// /console/efficiency, /console/reports, /console/api; most take `window` (the API's forms).
/// POST /console/login and /console/logout (CSRF: same-origin Origin and, for logout, the
/// session's token). Every HTML answer carries a Content-Security-Policy that lets only this
/// server's script run. In two steps like api::CostApi: Decide answers what needs no database
/// (static files, login, logout, redirects), Answer reads and renders. Thread-safe.
class Console {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;
  Console(ConsoleReaders readers, ConsoleSettings settings, Clock clock);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;
  Console(Console&&) = delete;
  Console& operator=(Console&&) = delete;

  struct Decision {
    std::optional<http::HttpResponse> response;  ///< set when no read is needed
    api::Principal who;
    std::string csrf_token;  ///< of the session; "" when the console is open
  };
  /// Quick and non-blocking: fit for an I/O thread.
  Decision Decide(const http::HttpRequest& request);
  /// Reads through the ports and renders the page; errors become HTML pages (400 for a bad
  /// parameter, 503 when the store is unavailable).
  http::HttpResponse Answer(const http::HttpRequest& request, const Decision& decision);
  http::HttpResponse Handle(const http::HttpRequest& request);

  /// The principal of the request's session cookie (for api::CostApiSettings::session).
  std::optional<api::Principal> SessionPrincipal(const http::HttpRequest& request) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The Content-Security-Policy of every console page: scripts and styles from this server only
/// (plus inline style attributes, which the SVG charts use), no frames, forms post here only.
inline constexpr std::string_view kConsolePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

}  // namespace costledger::console
