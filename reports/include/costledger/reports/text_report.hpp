#pragma once

#include <string>
#include <string_view>

#include "costledger/model/weekly_report.hpp"

namespace costledger::reports {

/// The report as plain text (the text/plain part of the mail): title, summary, key figures, top
/// workloads, changes, queries, spot savings, quotas and recommendations, lines of at most 78
/// columns except for long names. Pure; thread-safe; throws only std::bad_alloc.
std::string RenderText(const model::WeeklyReport& report);

/// A few lines for chat (a Slack-compatible webhook's `text`): the title, the summary and, when
/// given, `link_url` to the full report. No markup besides line breaks.
std::string RenderTextSummary(const model::WeeklyReport& report, std::string_view link_url = {});

}  // namespace costledger::reports
