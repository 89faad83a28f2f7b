#pragma once

#include <optional>
#include <string>
#include <vector>

namespace costledger::console {

// The content of one console page, as plain data, and its rendering to HTML (pure: no I/O, no
// clock). Every text is escaped when rendered; links are paths of this server.

/// Where a figure comes from: the API call that gives it and how to find it in the answer, so
/// that a reader (and the browser test) can check it. Rendered as data-api, data-key and
/// data-field attributes of the figure's link.
struct FigureSource {
  std::string api;    ///< e.g. "/v1/allocation?window=month&aggregate=team&accumulate=true"
  std::string key;    ///< the entry in `data` ("alpha", "cluster/node"); "*": all entries summed
  std::string field;  ///< the field of that entry, e.g. "totalCost"
};

/// One table cell or card value: text, optionally a link to another page (`href`) or to the
/// API call behind the figure (`source`; the text links there).
struct Cell {
  std::string text;
  std::string href;                    ///< a console page
  std::optional<FigureSource> source;  ///< a figure from the API
  std::string title;                   ///< a tooltip, e.g. the exact amount
  /// `href` is the API call a derived figure (a forecast, a saving) is computed from: shown
  /// like a figure, without data-key (it is not a field of the answer).
  bool derived = false;
};

struct Column {
  std::string header;
  bool numeric = false;  ///< right-aligned, tabular digits
};

struct Table {
  std::string caption;  ///< for assistive technology and the test
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::string empty_text = "Nothing in this window.";
};

/// A headline figure.
struct Card {
  std::string label;  ///< "Month to date"
  Cell value;
  std::string note;  ///< a line under it, e.g. "Dec 1 - Dec 3"
};

struct LegendEntry {
  std::string name;
  std::string color;
};

struct Section {
  std::string id;  ///< the element id, e.g. "by-team"
  std::string title;
  std::string intro;  ///< a sentence under the title; may be empty
  std::vector<Card> cards;
  std::string chart_svg;  ///< inline SVG from markup::RenderStackedBars; may be empty
  std::vector<LegendEntry> legend;
  std::vector<Table> tables;
};

/// A link in the navigation bar or the breadcrumbs.
struct Link {
  std::string text;
  std::string href;
};

struct Page {
  std::string title;   ///< "Overview"
  std::string active;  ///< the navigation entry that is current ("overview", "teams", ...)
  std::vector<Link> breadcrumbs;  ///< before the title
  std::vector<Link> windows;      ///< window choices (the current one without href)
  std::string window_text;        ///< "Dec 1, 00:00 - Dec 3, 14:20 UTC"
  std::vector<Section> sections;
  /// Who is logged in ("alpha-viewer, team alpha") and the logout form's CSRF token; an empty
  /// user name means the console is open (no tokens configured): no logout form.
  std::string user;
  std::string csrf_token;
  bool show_nodes = true;   ///< the principal may see nodes (unscoped)
  bool show_quotas = true;  ///< quotas are enabled in this process
};

/// The whole HTML document of `page`: a header with the navigation (wrapping on narrow
/// screens), the sections, the stylesheet and script from this server (/console/static/...),
/// nothing inline that runs.
std::string RenderPage(const Page& page);

/// The login form; `message` (may be empty) says why the last attempt failed; `next` is the
/// page to return to.
std::string RenderLoginPage(const std::string& message, const std::string& next);

/// A page that only says `message` (403, 404, 400), with the navigation.
std::string RenderMessagePage(const Page& frame, const std::string& message);

/// The stylesheet served at /console/static/console.css.
const std::string& ConsoleStylesheet();
/// The script served at /console/static/console.js (one-click login from a link's fragment).
const std::string& ConsoleScript();

}  // namespace costledger::console
