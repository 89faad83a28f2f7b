#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/archived_report.hpp"
#include "costledger/model/iso_week.hpp"

namespace costledger::ports {

/// Where built weekly reports are kept and served from. Every method is thread-safe, throws
/// Unavailable when the store cannot be reached, InvalidInput as stated, and
/// std::runtime_error for other failures.
class ReportArchive {
 public:
  ReportArchive() = default;
  virtual ~ReportArchive() = default;
  // An interface: implementations are used by reference, never copied.
  ReportArchive(const ReportArchive&) = delete;
  ReportArchive& operator=(const ReportArchive&) = delete;
  ReportArchive(ReportArchive&&) = delete;
  ReportArchive& operator=(ReportArchive&&) = delete;

  /// Stores every format of `report`'s team-week at once (one transaction), replacing whatever
  /// was archived for that team-week: formats it no longer has are removed, so a reader sees
  /// the old set or the new one, never a mix. Throws InvalidInput for an empty team, no
  /// document, an unknown format (model::ReportContentType) or a format given twice.
  virtual void Save(const model::ArchivedReport& report) = 0;

  /// The archived team-weeks, newest week first, then by team; only `team`'s and only `week`'s
  /// when given.
  virtual std::vector<model::ArchivedReportSummary> List(
      const std::optional<std::string>& team, const std::optional<model::IsoWeek>& week) = 0;

  /// One archived rendering; nullopt when that team-week has none in `format`. Throws
  /// InvalidInput for a format that is never archived.
  virtual std::optional<model::ArchivedDocument> Get(const std::string& team, model::IsoWeek week,
                                                     std::string_view format) = 0;
};

}  // namespace costledger::ports
