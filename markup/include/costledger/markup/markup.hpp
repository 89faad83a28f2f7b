#pragma once

// HTML and SVG text helpers shared by the weekly reports and the console (pure: no I/O).

#include <cstddef>
#include <string>
#include <string_view>

#include "costledger/model/money.hpp"

namespace costledger::markup {

/// `text` with &, <, >, " and ' replaced by character references: safe in element content and
/// in double-quoted attribute values, in HTML and in SVG.
std::string Escape(std::string_view text);

/// Escape(text) with <wbr> break opportunities after ':', '/', '_', '.' and '=' and within any
/// run of more than `max_run` bytes without one (never inside a UTF-8 sequence), so that long
/// workload names and SQL wrap at natural points in narrow table cells instead of widening them.
std::string EscapeBreakable(std::string_view text, std::size_t max_run = 18);

/// A short dollar amount for chart labels: "$0", "$4.50", "$143", "$1.2k", "$12k", "$1.5M".
std::string CompactDollars(double dollars);

}  // namespace costledger::markup
