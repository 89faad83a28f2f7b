#pragma once

// Inline SVG charts for the weekly reports and the console pages (pure: no I/O).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace costledger::markup {

/// Series colours, told apart also with colour-blindness (Okabe-Ito), and the colour of "other".
inline constexpr std::array<std::string_view, 6> kPalette = {"#0072B2", "#E69F00", "#009E73",
                                                             "#CC79A7", "#56B4E9", "#D55E00"};
inline constexpr std::string_view kOtherColor = "#9CA3AF";

/// One series of a stacked bar chart: a value per bar, in nano-dollars.
struct ChartSeries {
  std::string name;
  std::string color;  ///< "#0072B2"
  std::vector<std::int64_t> nanos;
};

struct StackedBarChart {
  std::string title;                  ///< for assistive technology (the SVG's <title>)
  std::string y_unit;                 ///< "USD per day", written above the y axis
  std::vector<std::string> x_labels;  ///< one per bar, e.g. "Mon 23"
  std::vector<ChartSeries> series;    ///< bottom to top
};

/// An SVG that scales to its container's width (viewBox 440 x 250): y axis with dollar ticks
/// and grid lines, x labels under each bar (split at the first space onto two lines), each bar's
/// total above it, a <title> per segment. The legend is left to the page (HTML reflows on narrow
/// screens, SVG text only shrinks).
std::string RenderStackedBars(const StackedBarChart& chart);

}  // namespace costledger::markup
