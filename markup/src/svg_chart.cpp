#include "costledger/markup/svg_chart.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "costledger/markup/markup.hpp"

namespace costledger::markup {
namespace {

// Small enough that text stays readable when a phone scales the chart down (440 units to about
// 360 px), with a max-width so that it does not grow large on wide screens.
constexpr double kWidth = 440;
constexpr double kHeight = 250;
constexpr double kLeft = 52;
constexpr double kRight = 434;
constexpr double kTop = 34;
constexpr double kBottom = 208;
constexpr double kNanosPerDollar = 1e9;

/// The smallest "nice" step (1, 2, 2.5 or 5 x 10^k dollars) that covers `max` in at most four.
double NiceStep(double max) {
  if (max <= 0) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(max / 4)));
  for (const double m : std::array<double, 5>{1, 2, 2.5, 5, 10}) {
    if (max / (m * magnitude) <= 4 + 1e-9) return m * magnitude;
  }
  return 10 * magnitude;
}

}  // namespace

std::string RenderStackedBars(const StackedBarChart& chart) {
  const std::size_t bars = chart.x_labels.size();
  std::vector<std::int64_t> totals(bars, 0);
  for (const ChartSeries& s : chart.series) {
    for (std::size_t i = 0; i < bars && i < s.nanos.size(); ++i) totals[i] += s.nanos[i];
  }
  const double max_dollars =
      bars == 0
          ? 0
          : static_cast<double>(*std::max_element(totals.begin(), totals.end())) / kNanosPerDollar;
  const double step = NiceStep(max_dollars);
  const int ticks = std::max(1, static_cast<int>(std::ceil(max_dollars / step - 1e-9)));
  const double axis_max = step * ticks;
  const double plot_height = kBottom - kTop;
  auto y_of = [&](double dollars) { return kBottom - dollars / axis_max * plot_height; };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"100%\" "
      "role=\"img\" aria-label=\"{}\" font-family=\"Helvetica, Arial, sans-serif\" "
      "style=\"display:block;width:100%;max-width:520px;height:auto;\">"
      "<title>{}</title>",
      kWidth, kHeight, Escape(chart.title), Escape(chart.title));
  svg += fmt::format(R"(<text x="2" y="16" font-size="14" fill="#4b5563">{}</text>)",
                     Escape(chart.y_unit));
  for (int t = 0; t <= ticks; ++t) {
    const double value = step * t;
    const double y = y_of(value);
    svg += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"1\"/>",
        kLeft, y, kRight, y, t == 0 ? "#6b7280" : "#e5e7eb");
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"14\" fill=\"#4b5563\" "
        "text-anchor=\"end\">{}</text>",
        kLeft - 5, y + 5, Escape(CompactDollars(value)));
  }
  svg += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#6b7280\" "
      "stroke-width=\"1\"/>",
      kLeft, kTop, kLeft, kBottom);

  const double slot = bars == 0 ? 0 : (kRight - kLeft) / static_cast<double>(bars);
  const double bar_width = std::min(40.0, slot * 0.62);
  for (std::size_t i = 0; i < bars; ++i) {
    const double x = kLeft + slot * (static_cast<double>(i) + 0.5) - bar_width / 2;
    double base = 0;
    for (const ChartSeries& s : chart.series) {
      if (i >= s.nanos.size() || s.nanos[i] <= 0) continue;
      const double dollars = static_cast<double>(s.nanos[i]) / kNanosPerDollar;
      const double top = y_of(base + dollars);
      const double height = y_of(base) - top;
      base += dollars;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.2f}\" fill=\"{}\">"
          "<title>{}: {} {}</title></rect>",
          x, top, bar_width, height, Escape(s.color), Escape(chart.x_labels[i]), Escape(s.name),
          Escape(CompactDollars(dollars)));
    }
    if (totals[i] > 0) {
      svg += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"13\" fill=\"#1f2328\" "
          "text-anchor=\"middle\">{}</text>",
          x + bar_width / 2, y_of(base) - 5,
          Escape(CompactDollars(static_cast<double>(totals[i]) / kNanosPerDollar)));
    }
    // "Mon 23" on two lines, so that seven labels fit side by side on a phone.
    const std::string& label = chart.x_labels[i];
    const std::size_t space = label.find(' ');
    const double cx = x + bar_width / 2;
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"14\" fill=\"#374151\" "
        "text-anchor=\"middle\">{}",
        cx, kBottom + 18, Escape(label.substr(0, space)));
    if (space != std::string::npos) {
      svg += fmt::format(R"(<tspan x="{:.1f}" dy="17">{}</tspan>)", cx,
                         Escape(label.substr(space + 1)));
    }
    svg += "</text>";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace costledger::markup
