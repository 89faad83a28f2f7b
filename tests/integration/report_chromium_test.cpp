// The weekly report's HTML in a real browser (Debian's headless Chromium): it renders without
// console errors at 390, 600 and 1200 px, nothing overflows the page sideways, every key figure
// is visible, and the figures read from the rendered page equal the JSON rendering's numbers.
// Set COSTLEDGER_REPORT_SCREENSHOTS=DIR to keep the page and its screenshots in DIR.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "costledger/model/quota.hpp"
#include "costledger/model/report_text.hpp"
#include "costledger/model/weekly_report.hpp"
#include "costledger/reports/html_report.hpp"
#include "costledger/reports/json_report.hpp"
#include "report_fixtures.hpp"
#include "temp_dir.hpp"

namespace costledger::reports {
namespace {

using nlohmann::json;

constexpr const char* kChromium = "/usr/bin/chromium";

struct BrowserRun {
  int status = -1;
  std::string out;
  std::string err;
};

/// Runs headless Chromium on `url` with `flags`: its stdout (the DOM with --dump-dom) and its
/// stderr (logs, console messages) are kept apart, through a shell that only redirects stderr.
BrowserRun Chromium(const costledger::testing::TempDir& dir, const std::string& name,
                    const std::vector<std::string>& flags, const std::string& url) {
  std::vector<std::string> argv = {"/bin/sh",
                                   "-c",
                                   R"(exec "$0" "$@" 2>"$CHROMIUM_STDERR")",
                                   kChromium,
                                   "--headless=new",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--hide-scrollbars",
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--user-data-dir=" + dir.Path("profile-" + name)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(url);
  const std::string err_path = dir.Path(name + ".stderr");
  costledger::testing::ChildProcess chromium(argv, dir.Path(name + ".stdout"),
                                             {"CHROMIUM_STDERR=" + err_path});
  BrowserRun run;
  run.status = chromium.Wait(std::chrono::seconds{120});
  run.out = chromium.Log();
  run.err = costledger::testing::ChildProcess::ReadFile(err_path);
  return run;
}

/// Console messages Chromium logged for the page (none expected: the page has no scripts and
/// loads nothing; the layout probe's own script logs nothing either).
std::vector<std::string> ConsoleLines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

std::string Unescape(std::string text) {
  static const std::vector<std::pair<std::string, std::string>> kEntities = {
      {"&lt;", "<"},  {"&gt;", ">"},        {"&quot;", "\""},
      {"&#39;", "'"}, {"&nbsp;", "\u00a0"}, {"&amp;", "&"}};
  for (const auto& [entity, c] : kEntities) {
    for (std::size_t at = 0; (at = text.find(entity, at)) != std::string::npos; at += c.size()) {
      text.replace(at, entity.size(), c);
    }
  }
  return text;
}

/// data-figure name -> the text shown, from a DOM dump.
std::map<std::string, std::string> Figures(const std::string& dom) {
  std::map<std::string, std::string> figures;
  const std::regex figure(R"re(data-figure="([^"]*)"[^>]*>([^<]*)<)re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), figure); it != std::sregex_iterator();
       ++it) {
    figures[Unescape((*it)[1])] = Unescape((*it)[2]);
  }
  return figures;
}

/// Whether `shown` ("$1,234.57", "+$3.10", "-$0.0042") is `nanos` rounded half-even to the
/// decimals shown.
::testing::AssertionResult ShowsNanos(const std::string& shown, std::int64_t nanos) {
  const std::regex money(R"(([+-]?)\$([0-9,]+)(?:\.([0-9]+))?)");
  std::smatch m;
  if (!std::regex_match(shown, m, money)) {
    return ::testing::AssertionFailure() << "'" << shown << "' is not a dollar amount";
  }
  std::string digits = m[2];
  digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
  const std::string decimals = m[3];
  std::int64_t value = std::stoll(digits + decimals);
  if (m[1] == "-") value = -value;
  std::int64_t unit = 1;
  for (std::size_t i = decimals.size(); i < 9; ++i) unit *= 10;
  // Half-even division of nanos by unit.
  std::int64_t q = nanos / unit;
  std::int64_t r = nanos % unit;
  if (r < 0) {
    r += unit;
    --q;
  }
  if (2 * r > unit || (2 * r == unit && q % 2 != 0)) ++q;
  if (q != value) {
    return ::testing::AssertionFailure() << "'" << shown << "' shows " << value << " units of "
                                         << unit << " nano-dollars, the JSON has " << nanos;
  }
  if (decimals.size() != 2 && std::llabs(nanos) >= 10'000'000) {
    return ::testing::AssertionFailure() << "'" << shown << "' should show cents";
  }
  return ::testing::AssertionSuccess();
}

/// Every figure the page must show and the JSON number it must equal (money in nanos).
struct Expected {
  std::map<std::string, std::int64_t> money;
  std::map<std::string, double> numbers;  ///< hours or percent
};

Expected FromJson(const json& j) {
  Expected e;
  e.money["total_cost"] = j["total_cost_nanos"];
  e.money["previous_total_cost"] = j["previous_total_cost_nanos"];
  e.money["change"] = j["change_nanos"];
  e.money["query_cost"] = j["queries"]["total_cost_nanos"];
  e.money["storage_cost"] = j["storage"]["total_cost_nanos"];
  e.money["combined_cost"] = j["combined_cost_nanos"];
  e.money["spot_saving"] = j["spot"]["saving_nanos"];
  e.money["rightsizing_saving"] = j["rightsizing"]["total_saving_nanos"];
  e.numbers["gpu_hours"] = j["gpu_hours"];
  e.numbers["cluster_idle_share"] = j["idle"]["cluster_idle_share"].get<double>() * 100;
  for (const json& d : j["days"]) {
    e.money["day_cost:" + d["date"].get<std::string>()] = d["cost_nanos"];
  }
  for (const json& g : j["namespaces"]) {
    e.money["namespace_cost:" + g["name"].get<std::string>()] = g["cost_nanos"];
  }
  for (const json& g : j["platforms"]) {
    e.money["platform_cost:" + g["name"].get<std::string>()] = g["cost_nanos"];
  }
  const std::size_t top = j["top_workloads"];
  for (std::size_t i = 0; i < top; ++i) {
    const json& w = j["workloads"][i];
    e.money["workload_cost:" + w["namespace"].get<std::string>() + "/" +
            w["platform"].get<std::string>() + "/" + w["workload"].get<std::string>()] =
        w["cost_nanos"];
  }
  if (!j["other_workloads"].is_null()) e.money["others_cost"] = j["other_workloads"]["cost_nanos"];
  for (const json& g : j["queries"]["workgroups"]) {
    e.money["workgroup_cost:" + g["work_group"].get<std::string>()] = g["cost_nanos"];
  }
  for (const json& q : j["quotas"]) {
    const std::string name = "quota_spent:" + q["name"].get<std::string>();
    if (q["unit"] == "dollars") {
      e.money[name] = q["spent_base_units"];
    } else {
      e.numbers[name] = q["spent"];
    }
  }
  return e;
}

/// The first number in `shown` ("908.8", "19%", "655 GPU-hours").
double LeadingNumber(std::string shown) {
  shown.erase(std::remove(shown.begin(), shown.end(), ','), shown.end());
  return std::stod(shown);
}

void CheckFigures(const std::map<std::string, std::string>& shown, const Expected& expected,
                  const std::string& where) {
  for (const auto& [name, nanos] : expected.money) {
    const auto it = shown.find(name);
    ASSERT_NE(it, shown.end()) << where << ": no figure " << name;
    EXPECT_TRUE(ShowsNanos(it->second, nanos)) << where << ": " << name;
  }
  for (const auto& [name, value] : expected.numbers) {
    const auto it = shown.find(name);
    ASSERT_NE(it, shown.end()) << where << ": no figure " << name;
    EXPECT_NEAR(LeadingNumber(it->second), value, 0.05 + 0.005 * std::abs(value))
        << where << ": " << name << " shows '" << it->second << "'";
  }
  for (const auto& [name, text] : shown) {
    EXPECT_TRUE(expected.money.count(name) + expected.numbers.count(name) == 1)
        << where << ": figure " << name << " (" << text << ") is not checked against the JSON";
  }
}

/// A page that loads the report in an iframe `width` px wide and writes what the browser laid
/// out into its own DOM: page and client widths, tables or charts wider than the page, and
/// each figure's visible text.
std::string LayoutProbe(int width, const std::string& page = "report.html") {
  return R"(<!DOCTYPE html><html><body style="margin:0"><iframe id="r" src=")" + page +
         R"(" )"
         R"(style="border:0;width:)" +
         std::to_string(width) + R"(px;height:2000px"></iframe><script>
document.getElementById('r').addEventListener('load', function () {
  var d = this.contentDocument, root = d.documentElement, wide = [], figures = [];
  d.querySelectorAll('body *').forEach(function (e) {
    var b = e.getBoundingClientRect();
    if ((b.right > root.clientWidth + 0.5 || b.left < -0.5) && b.width > 0) wide.push(e.tagName + ' ' + Math.round(b.left) + '..' + Math.round(b.right) + ' ' + (e.textContent || '').slice(0, 40));
  });
  d.querySelectorAll('[data-figure]').forEach(function (e) {
    var b = e.getBoundingClientRect();
    figures.push([e.getAttribute('data-figure'), e.innerText, b.width > 0 && b.height > 0]);
  });
  var out = d.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({scroll: root.scrollWidth, client: root.clientWidth,
                                    wide: wide, figures: figures});
  document.body.appendChild(out);
});
</script></body></html>)";
}

std::uint32_t PngWidth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(24, '\0');
  in.read(head.data(), 24);
  if (head.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return 0;
  const auto byte = [&](int i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(head[i]));
  };
  return byte(16) << 24 | byte(17) << 16 | byte(18) << 8 | byte(19);
}

class ReportChromiumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kChromium)) << kChromium << " is missing (Debian chromium)";
    report_ = model::BuildWeeklyReport(costledger::testing::RealisticReportInput());
    std::ofstream(dir_.Path("report.html")) << RenderHtml(
        report_, {"https://costledger.example/v1/reports/2026-W48/data-science.html"});
    json_ = json::parse(RenderJson(report_));
  }

  void TearDown() override {
    // Read once, on the test's only thread.
    const char* keep =
        std::getenv("COSTLEDGER_REPORT_SCREENSHOTS");  // NOLINT(concurrency-mt-unsafe)
    if (keep == nullptr || *keep == '\0') return;
    std::filesystem::create_directories(keep);
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const auto ext = entry.path().extension();
      if (ext == ".png" || entry.path().filename() == "report.html") {
        std::filesystem::copy_file(entry.path(),
                                   std::filesystem::path(keep) / entry.path().filename(),
                                   std::filesystem::copy_options::overwrite_existing);
      }
    }
  }

  std::string Url(const std::string& name) const { return "file://" + dir_.Path(name); }

  costledger::testing::TempDir dir_{"report-chromium"};
  model::WeeklyReport report_;
  json json_;
};

TEST_F(ReportChromiumTest, FiguresOnTheRenderedPageEqualTheJson) {
  const Expected expected = FromJson(json_);
  for (const int width : {600, 1200}) {
    const std::string where = std::to_string(width) + " px";
    const BrowserRun run = Chromium(
        dir_, "dom-" + std::to_string(width),
        {"--window-size=" + std::to_string(width) + ",3000", "--dump-dom"}, Url("report.html"));
    ASSERT_EQ(run.status, 0) << where << ": " << run.err;
    EXPECT_EQ(ConsoleLines(run.err), std::vector<std::string>{}) << where;
    ASSERT_NE(run.out.find("<main"), std::string::npos) << where << ": " << run.out.substr(0, 500);
    EXPECT_EQ(run.out.find("<script"), std::string::npos) << where;
    EXPECT_NE(run.out.find("<svg"), std::string::npos) << where;
    CheckFigures(Figures(run.out), expected, where);
  }
}

TEST_F(ReportChromiumTest, NothingOverflowsAndEveryFigureIsVisibleFromPhoneToDesktop) {
  const Expected expected = FromJson(json_);
  for (const int width : {390, 600, 1200}) {
    const std::string where = std::to_string(width) + " px";
    const std::string probe = "probe-" + std::to_string(width) + ".html";
    std::ofstream(dir_.Path(probe)) << LayoutProbe(width);
    const BrowserRun run =
        Chromium(dir_, "probe-" + std::to_string(width),
                 {"--window-size=" + std::to_string(width + 40) + ",2200",
                  "--allow-file-access-from-files", "--virtual-time-budget=15000", "--dump-dom"},
                 Url(probe));
    ASSERT_EQ(run.status, 0) << where << ": " << run.err;
    EXPECT_EQ(ConsoleLines(run.err), std::vector<std::string>{}) << where;
    const std::size_t start = run.out.find("<pre id=\"probe\">");
    ASSERT_NE(start, std::string::npos) << where << ": the probe did not run: " << run.err;
    const std::size_t body = start + std::string("<pre id=\"probe\">").size();
    const json layout =
        json::parse(Unescape(run.out.substr(body, run.out.find("</pre>", body) - body)));
    EXPECT_EQ(layout["client"], width) << where;
    EXPECT_LE(layout["scroll"].get<int>(), layout["client"].get<int>())
        << where << ": sideways scroll";
    EXPECT_TRUE(layout["wide"].empty()) << where << ": wider than the page: " << layout["wide"];
    std::map<std::string, std::string> shown;
    for (const json& f : layout["figures"]) {
      EXPECT_TRUE(f[2].get<bool>()) << where << ": figure " << f[0] << " is not visible";
      shown[f[0].get<std::string>()] = f[1].get<std::string>();
    }
    CheckFigures(shown, expected, where);
  }
}

TEST_F(ReportChromiumTest, LongNamesWrapInsteadOfWideningAPhonesPage) {
  model::WeeklyReportInput in = costledger::testing::RealisticReportInput();
  const std::string id(90, 'f');  // e.g. a Spark application id without separators
  in.rows.push_back(costledger::testing::CostRow(1, "namespace-" + std::string(60, 'n'), "spark",
                                                 "spark:spark-" + id + "-driver", "900"));
  in.queries.at(0).query = "SELECT " + std::string(200, 'c') + " FROM t";
  in.queries.at(0).work_group = "workgroup_" + std::string(80, 'w');
  std::ofstream(dir_.Path("long-names.html")) << RenderHtml(model::BuildWeeklyReport(in));
  std::ofstream(dir_.Path("probe-long.html")) << LayoutProbe(390, "long-names.html");
  const BrowserRun run = Chromium(dir_, "probe-long",
                                  {"--window-size=430,2200", "--allow-file-access-from-files",
                                   "--virtual-time-budget=15000", "--dump-dom"},
                                  Url("probe-long.html"));
  ASSERT_EQ(run.status, 0) << run.err;
  const std::size_t start = run.out.find("<pre id=\"probe\">");
  ASSERT_NE(start, std::string::npos) << run.err;
  const std::size_t body = start + std::string("<pre id=\"probe\">").size();
  const json layout =
      json::parse(Unescape(run.out.substr(body, run.out.find("</pre>", body) - body)));
  EXPECT_LE(layout["scroll"].get<int>(), layout["client"].get<int>());
  EXPECT_TRUE(layout["wide"].empty()) << layout["wide"];
}

TEST_F(ReportChromiumTest, ScreenshotsAtPhoneTabletAndDesktopWidths) {
  for (const int width : {390, 600, 1200}) {
    const std::string png = dir_.Path("report-" + std::to_string(width) + ".png");
    const BrowserRun run =
        Chromium(dir_, "shot-" + std::to_string(width),
                 {"--window-size=" + std::to_string(width) + ",7000", "--screenshot=" + png},
                 Url("report.html"));
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(ConsoleLines(run.err), std::vector<std::string>{});
    EXPECT_EQ(PngWidth(png), static_cast<std::uint32_t>(width)) << png;
  }
}

}  // namespace
}  // namespace costledger::reports
