#include "costledger/console/page.hpp"

#include <fmt/core.h>

#include <array>
#include <string_view>

#include "costledger/markup/markup.hpp"

namespace costledger::console {
namespace {

using markup::Escape;
using markup::EscapeBreakable;

struct NavEntry {
  std::string_view id;
  std::string_view text;
  std::string_view href;
};

constexpr std::array<NavEntry, 10> kNav = {{
    {"overview", "Overview", "/"},
    {"teams", "Teams", "/console/teams"},
    {"namespaces", "Namespaces", "/console/namespaces"},
    {"nodes", "Nodes", "/console/nodes"},
    {"storage", "Storage", "/console/storage"},
    {"queries", "Athena", "/console/queries"},
    {"quotas", "Quotas", "/console/quotas"},
    {"efficiency", "Efficiency", "/console/efficiency"},
    {"reports", "Reports", "/console/reports"},
    {"api", "API", "/console/api"},
}};

std::string Head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{} - costledger</title><link rel=\"icon\" href=\"data:,\">"
      "<link rel=\"stylesheet\" href=\"/console/static/console.css\">"
      "<script src=\"/console/static/console.js\" defer></script></head>",
      Escape(title));
}

std::string CellHtml(const Cell& c, bool numeric = false) {
  // Numbers never break inside ("$0.<wbr>13"); names break at natural points.
  std::string inner = numeric ? Escape(c.text) : EscapeBreakable(c.text);
  const std::string title = c.title.empty() ? "" : fmt::format(" title=\"{}\"", Escape(c.title));
  if (c.source) {
    return fmt::format(
        R"(<a class="fig" href="{0}" data-api="{0}" data-key="{1}" data-field="{2}"{3}>)"
        "{4}</a>",
        Escape(c.source->api), Escape(c.source->key), Escape(c.source->field),
        c.title.empty() ? fmt::format(" title=\"API: {}\"", Escape(c.source->api)) : title, inner);
  }
  if (!c.href.empty()) {
    return fmt::format("<a{} href=\"{}\"{}>{}</a>", c.derived ? " class=\"fig\"" : "",
                       Escape(c.href), title, inner);
  }
  if (!title.empty()) return fmt::format("<span{}>{}</span>", title, inner);
  return inner;
}

std::string TableHtml(const Table& t) {
  // Tables of many columns keep their width on a phone and scroll sideways in their box,
  // rather than squeezing names into a word per line.
  std::string out = t.columns.size() > 4 ? R"(<div class="scroll"><table class="wide">)"
                                         : "<div class=\"scroll\"><table>";
  out += fmt::format("<caption>{}</caption><thead><tr>", Escape(t.caption));
  for (const Column& c : t.columns) {
    out += fmt::format("<th scope=\"col\"{}>{}</th>", c.numeric ? " class=\"num\"" : "",
                       Escape(c.header));
  }
  out += "</tr></thead><tbody>";
  if (t.rows.empty()) {
    out += fmt::format(R"(<tr><td colspan="{}" class="empty">{}</td></tr>)", t.columns.size(),
                       Escape(t.empty_text));
  }
  for (const std::vector<Cell>& row : t.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i < t.columns.size() && t.columns[i].numeric;
      out +=
          fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", CellHtml(row[i], numeric));
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string SectionHtml(const Section& s) {
  std::string out = fmt::format("<section id=\"{}\"><h2>{}</h2>", Escape(s.id), Escape(s.title));
  if (!s.intro.empty()) out += fmt::format("<p class=\"intro\">{}</p>", Escape(s.intro));
  if (!s.cards.empty()) {
    out += "<div class=\"cards\">";
    for (const Card& c : s.cards) {
      out +=
          fmt::format(R"(<div class="card"><div class="label">{}</div><div class="value">{}</div>)",
                      Escape(c.label), CellHtml(c.value, true));
      if (!c.note.empty()) out += fmt::format("<div class=\"note\">{}</div>", Escape(c.note));
      out += "</div>";
    }
    out += "</div>";
  }
  if (!s.chart_svg.empty()) {
    out += "<figure class=\"chart\">" + s.chart_svg;  // rendered by markup, escaped there
    if (!s.legend.empty()) {
      out += "<figcaption><ul class=\"legend\">";
      for (const LegendEntry& l : s.legend) {
        out += fmt::format(
            "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" "
            "height=\"12\" fill=\"{}\"/></svg>{}</li>",
            Escape(l.color), EscapeBreakable(l.name));
      }
      out += "</ul></figcaption>";
    }
    out += "</figure>";
  }
  for (const Table& t : s.tables) out += TableHtml(t);
  out += "</section>";
  return out;
}

std::string Header(const Page& page) {
  std::string out = R"(<header><div class="bar"><a class="brand" href="/">costledger</a>)";
  if (!page.user.empty() && page.csrf_token.empty()) {
    // Served to the anonymous role: no session to end, a login to see with a token's scope.
    out += fmt::format(
        "<span class=\"logout\"><span class=\"user\">{}</span><a href=\"/console/login\">Log "
        "in</a></span>",
        Escape(page.user));
  } else if (!page.user.empty()) {
    out += fmt::format(
        "<form class=\"logout\" method=\"post\" action=\"/console/logout\"><span class=\"user\">{}"
        "</span><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button "
        "type=\"submit\">Log out</button></form>",
        Escape(page.user), Escape(page.csrf_token));
  }
  out += "</div><nav aria-label=\"Pages\"><ul>";
  for (const NavEntry& n : kNav) {
    if ((n.id == "nodes" || n.id == "storage") && !page.show_nodes) continue;
    if (n.id == "quotas" && !page.show_quotas) continue;
    out += fmt::format("<li><a href=\"{}\"{}>{}</a></li>", n.href,
                       n.id == page.active ? " aria-current=\"page\"" : "", n.text);
  }
  out += "</ul></nav></header>";
  return out;
}

std::string Frame(const Page& page, const std::string& body) {
  std::string out = Head(page.title) + "<body>" + Header(page) + "<main>";
  if (!page.breadcrumbs.empty()) {
    out += "<p class=\"crumbs\">";
    for (const Link& l : page.breadcrumbs) {
      out += fmt::format("<a href=\"{}\">{}</a> / ", Escape(l.href), EscapeBreakable(l.text));
    }
    out += "</p>";
  }
  out += fmt::format("<h1>{}</h1>", EscapeBreakable(page.title));
  if (!page.windows.empty() || !page.window_text.empty()) {
    out += "<div class=\"window\">";
    if (!page.window_text.empty()) {
      out += fmt::format("<span class=\"range\">{}</span>", Escape(page.window_text));
    }
    if (!page.windows.empty()) {
      out += R"(<ul class="windows" aria-label="Time range">)";
      for (const Link& l : page.windows) {
        out +=
            l.href.empty()
                ? fmt::format("<li><strong aria-current=\"true\">{}</strong></li>", Escape(l.text))
                : fmt::format("<li><a href=\"{}\">{}</a></li>", Escape(l.href), Escape(l.text));
      }
      out += "</ul>";
    }
    out += "</div>";
  }
  out += body;
  out +=
      "</main><footer>Figures link to the API call that gives them (open them while logged in). "
      "Amounts in US dollars; times in UTC.</footer></body></html>\n";
  return out;
}

}  // namespace

std::string RenderPage(const Page& page) {
  std::string body;
  for (const Section& s : page.sections) body += SectionHtml(s);
  return Frame(page, body);
}

std::string RenderMessagePage(const Page& frame, const std::string& message) {
  return Frame(frame, fmt::format("<p class=\"message\">{}</p>", Escape(message)));
}

std::string RenderLoginPage(const std::string& message, const std::string& next) {
  std::string out = Head("Log in") +
                    "<body><header><div class=\"bar\"><a class=\"brand\" "
                    "href=\"/\">costledger</a></div></header><main class=\"login\">";
  out += "<h1>Log in</h1>";
  if (!message.empty())
    out += fmt::format(R"(<p class="message" role="alert">{}</p>)", Escape(message));
  out += fmt::format(
      "<form id=\"login\" method=\"post\" action=\"/console/login\">"
      "<label for=\"token\">API token</label>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" "
      "required>"
      "<input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<button type=\"submit\">Log in</button></form>"
      "<p class=\"intro\">The same bearer tokens as the API: a token scoped to teams sees only "
      "their costs. The session is kept in an HttpOnly cookie for 12 hours.</p>",
      Escape(next));
  out += "</main></body></html>\n";
  return out;
}

const std::string& ConsoleStylesheet() {
  static const std::string kCss = R"css(
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); }
.bar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 16px 4px; max-width: 1200px; margin: 0 auto; }
.brand { font-weight: 700; font-size: 18px; color: var(--ink); text-decoration: none; }
.logout { display: flex; align-items: center; gap: 8px; margin: 0; }
.user { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: #f3f4f6; cursor: pointer; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 2px 4px; margin: 0 auto; padding: 0 10px 6px; max-width: 1200px; }
nav a { display: block; padding: 4px 8px; border-radius: 6px; color: var(--accent); text-decoration: none; }
nav a[aria-current] { background: #ddf4ff; color: var(--ink); font-weight: 600; }
main { max-width: 1200px; margin: 0 auto; padding: 8px 16px 24px; }
h1 { font-size: 24px; margin: 8px 0; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 0 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 14px 0; }
.crumbs { margin: 6px 0 0; color: var(--muted); overflow-wrap: anywhere; }
.window { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; color: var(--muted); }
.windows { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; }
.windows a, .windows strong { display: inline-block; padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px; font-size: 13px; text-decoration: none; }
.windows strong { background: var(--ink); color: #fff; border-color: var(--ink); }
.intro { color: var(--muted); margin: 0 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-bottom: 10px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; }
a.fig { color: inherit; text-decoration: underline dotted #8c959f; text-underline-offset: 3px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.empty { color: var(--muted); }
.chart { margin: 4px 0 12px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 6px 0 0; font-size: 13px; }
.legend svg { margin-right: 5px; vertical-align: -1px; }
.message { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 10px 12px; }
.login form { display: grid; gap: 8px; max-width: 360px; }
.login input { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 16px 24px; color: var(--muted); font-size: 12px; }
code { font-size: 13px; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 6px 10px 20px; }
  section { padding: 10px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .card .value { font-size: 18px; }
  th, td { padding: 4px 5px; }
  table.wide { min-width: 720px; }
  table.wide td:not(:first-child) { white-space: nowrap; }
}
)css";
  return kCss;
}

const std::string& ConsoleScript() {
  static const std::string kScript =
      R"js(// costledger console: the only script. A one-click login link carries the token in its
// fragment (#token=...), which browsers never send to a server nor write to its access log:
// fill the login form with it, forget it from the address bar and history, and submit.
(function () {
  'use strict';
  var form = document.getElementById('login');
  if (!form || location.hash.indexOf('#token=') !== 0) return;
  var token = decodeURIComponent(location.hash.slice('#token='.length));
  history.replaceState(null, '', location.pathname + location.search);
  form.elements.token.value = token;
  form.submit();
})();
)js";
  return kScript;
}

}  // namespace costledger::console
