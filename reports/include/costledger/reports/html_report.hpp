#pragma once

#include <string>

#include "costledger/model/weekly_report.hpp"

namespace costledger::reports {

struct HtmlOptions {
  /// Where the report can be opened online (e.g. .../v1/reports/2026-W48/alpha.html); shown as a
  /// link under the title when not empty.
  std::string link_url;
};

/// The report as one self-contained HTML page for mail clients and browsers: inline styles only
/// (no <style>, no scripts, no external images, fonts or stylesheets), inline SVG charts with
/// axes, units and legends, dark text on a light background, semantic tables with numbers
/// right-aligned, readable from 390 px (phones) to 1280 px wide. All text from the report is
/// HTML-escaped. Key figures carry a stable `data-figure` attribute whose element text is the
/// figure as shown:
///   total_cost, previous_total_cost, change, query_cost, storage_cost, combined_cost,
///   spot_saving, rightsizing_saving, gpu_hours, cluster_idle_share,
///   day_cost:<YYYY-MM-DD>, namespace_cost:<ns>, platform_cost:<platform>,
///   workload_cost:<ns>/<platform>/<workload>, others_cost, workgroup_cost:<workgroup>,
///   quota_spent:<name>.
/// Pure; thread-safe; throws only std::bad_alloc.
std::string RenderHtml(const model::WeeklyReport& report, const HtmlOptions& options = {});

}  // namespace costledger::reports
