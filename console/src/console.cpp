#include "costledger/console/console.hpp"

#include <fmt/core.h>

#include "costledger/console/page.hpp"
#include "costledger/model/errors.hpp"
#include "figures.hpp"
#include "session_store.hpp"

namespace costledger::console {
namespace {

constexpr std::string_view kCookie = "costledger_session";

http::HttpResponse Html(int status, std::string body) {
  http::HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy", std::string(kConsolePolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

http::HttpResponse Redirect(const std::string& location) {
  http::HttpResponse r = Html(303, "");
  r.headers.emplace_back("Location", location);
  return r;
}

std::string CookieValue(const http::HttpRequest& request, std::string_view name) {
  const std::string header = request.Header("cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return "";
}

/// A same-origin POST: an Origin header (browsers send one with every POST) naming this host.
bool SameOrigin(const http::HttpRequest& request) {
  const std::string origin = request.Header("origin");
  const std::string host = request.Header("host");
  if (origin.empty() || host.empty()) return false;
  return origin == "http://" + host || origin == "https://" + host;
}

/// A local path to return to after login: "/..." but not "//host" (an open redirect).
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  return next;
}

std::string Describe(const api::Principal& who) {
  if (who.scope.all_teams)
    return fmt::format("{} ({}, all teams)", who.name, api::RoleName(who.role));
  std::string teams;
  for (const std::string& t : who.scope.teams) teams += (teams.empty() ? "" : ", ") + t;
  return fmt::format("{} ({}, team {})", who.name, api::RoleName(who.role), teams);
}

}  // namespace

bool IsConsolePath(std::string_view path) {
  return path == "/" || path == "/console" || path.starts_with("/console/");
}

struct Console::Impl {
  ConsoleReaders readers;
  ConsoleSettings settings;
  Clock clock;
  SessionStore sessions;

  Impl(ConsoleReaders r, ConsoleSettings s, Clock c)
      : readers(std::move(r)),
        settings(std::move(s)),
        clock(std::move(c)),
        sessions(settings.session_ttl) {}

  Page Frame(const Decision& d, std::string title, std::string active) const {
    Page p;
    p.title = std::move(title);
    p.active = std::move(active);
    if (settings.tokens != nullptr) p.user = Describe(d.who);
    p.csrf_token = d.csrf_token;
    p.show_nodes = d.who.scope.all_teams;
    p.show_quotas = readers.quota_board != nullptr;
    return p;
  }

  http::HttpResponse Login(const http::HttpRequest& request) {
    if (request.method == "GET" || request.method == "HEAD") {
      return Html(200, RenderLoginPage("", SafeNext(request.Query("next").value_or("/"))));
    }
    if (request.method != "POST") return Html(405, RenderLoginPage("Use the form.", "/"));
    if (!SameOrigin(request)) {
      return Html(403, RenderLoginPage("Refused: the form was not sent from this site.", "/"));
    }
    const auto form = http::ParseTarget("/?" + request.body).query;
    auto field = [&form](const std::string& name) {
      const auto it = form.find(name);
      return it == form.end() ? std::string() : it->second;
    };
    const std::string next = SafeNext(field("next"));
    if (settings.tokens == nullptr) return Redirect(next);
    const auto who = settings.tokens->Authenticate(field("token"));
    if (!who) return Html(401, RenderLoginPage("That token is not valid.", next));
    if (who->role == api::Role::kAdmission || who->role == api::Role::kMetrics) {
      return Html(403, RenderLoginPage(fmt::format("That token has role {}, which may not read "
                                                   "costs; the console needs a viewer or admin "
                                                   "token.",
                                                   api::RoleName(who->role)),
                                       next));
    }
    const std::string id = sessions.Create(*who);
    http::HttpResponse r = Redirect(next);
    r.headers.emplace_back(
        "Set-Cookie",
        fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kCookie, id,
                    settings.session_ttl.count(), settings.secure_cookie ? "; Secure" : ""));
    return r;
  }

  http::HttpResponse Logout(const http::HttpRequest& request) {
    if (request.method != "POST") return Redirect("/console/login");
    const std::string id = CookieValue(request, kCookie);
    const auto session = sessions.Find(id);
    const auto form = http::ParseTarget("/?" + request.body).query;
    const auto csrf = form.find("csrf");
    if (!SameOrigin(request) || !session || csrf == form.end() ||
        csrf->second != session->csrf_token) {
      return Html(403,
                  RenderLoginPage("Refused: the logout form was not sent from this site.", "/"));
    }
    sessions.Remove(id);
    http::HttpResponse r = Redirect("/console/login");
    r.headers.emplace_back(
        "Set-Cookie", fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kCookie,
                                  settings.secure_cookie ? "; Secure" : ""));
    return r;
  }
};

Console::Console(ConsoleReaders readers, ConsoleSettings settings, Clock clock)
    : impl_(std::make_unique<Impl>(std::move(readers), std::move(settings), std::move(clock))) {}

Console::~Console() = default;

std::optional<api::Principal> Console::SessionPrincipal(const http::HttpRequest& request) const {
  const std::string id = CookieValue(request, kCookie);
  if (id.empty()) return std::nullopt;
  auto s = impl_->sessions.Find(id);
  if (!s) return std::nullopt;
  return s->who;
}

Console::Decision Console::Decide(const http::HttpRequest& request) {
  Decision d;
  const std::string& path = request.path;
  if (path == "/console/static/console.css" || path == "/console/static/console.js") {
    http::HttpResponse r;
    const bool css = path.ends_with(".css");
    r.content_type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    r.body = css ? ConsoleStylesheet() : ConsoleScript();
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    d.response = std::move(r);
    return d;
  }
  if (path == "/console/login") {
    d.response = impl_->Login(request);
    return d;
  }
  if (path == "/console/logout") {
    d.response = impl_->Logout(request);
    return d;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    http::HttpResponse r = Html(405, "<!DOCTYPE html><title>405</title><p>GET only</p>");
    r.headers.emplace_back("Allow", "GET, HEAD");
    d.response = std::move(r);
    return d;
  }
  if (impl_->settings.tokens == nullptr) {
    d.who = api::Principal{"anonymous", api::Role::kAdmin, model::TeamScope::All()};
    return d;
  }
  const auto session = impl_->sessions.Find(CookieValue(request, kCookie));
  if (!session && impl_->settings.anonymous_role) {
    d.who = api::Principal{"anonymous", *impl_->settings.anonymous_role, model::TeamScope::All()};
    return d;
  }
  if (!session) {
    d.response = Redirect("/console/login?next=" + UrlEncode(request.target));
    return d;
  }
  d.who = session->who;
  d.csrf_token = session->csrf_token;
  return d;
}

http::HttpResponse Console::Handle(const http::HttpRequest& request) {
  return Answer(request, Decide(request));
}

http::HttpResponse Console::Answer(const http::HttpRequest& request, const Decision& d) {
  if (d.response) return *d.response;
  Impl& i = *impl_;
  PageContext ctx{i.readers, i.settings.efficiency, d.who, i.clock(), request};
  Page frame = i.Frame(d, "Error", "");
  try {
    PageResult result = BuildPage(ctx, request.path);
    Page page = std::move(result.page);
    const Page f = i.Frame(d, page.title, page.active);
    page.user = f.user;
    page.csrf_token = f.csrf_token;
    page.show_nodes = f.show_nodes;
    page.show_quotas = f.show_quotas;
    if (!result.message.empty()) {
      frame.title = page.title;
      frame.active = page.active;
      return Html(result.status, RenderMessagePage(frame, result.message));
    }
    return Html(result.status, RenderPage(page));
  } catch (const InvalidInput& e) {
    return Html(400, RenderMessagePage(frame, e.what()));
  } catch (const Unavailable& e) {
    return Html(
        503, RenderMessagePage(frame, fmt::format("The cost store is unavailable: {}", e.what())));
  }
}

}  // namespace costledger::console
