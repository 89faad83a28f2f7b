#include "costledger/model/quota_period.hpp"

#include "costledger/model/iso_week.hpp"

namespace costledger::model {
namespace {

using std::chrono::sys_days;

sys_days NextStartDay(QuotaPeriod period, sys_days start_day) {
  switch (period) {
    case QuotaPeriod::kDay:
      return start_day + std::chrono::days{1};
    case QuotaPeriod::kWeek:
      return start_day + std::chrono::weeks{1};
    case QuotaPeriod::kMonth: {
      const std::chrono::year_month_day ymd{start_day};
      return sys_days{(ymd.year() / ymd.month() + std::chrono::months{1}) / 1};
    }
  }
  return start_day;
}

std::chrono::sys_seconds StartOfLocalDay(sys_days local_day, const ZoneRules& zone) {
  return FirstInstantAtOrAfter(std::chrono::local_seconds{local_day.time_since_epoch()}, zone);
}

}  // namespace

sys_days PeriodStartDay(QuotaPeriod period, sys_days local_day) {
  switch (period) {
    case QuotaPeriod::kDay:
      return local_day;
    case QuotaPeriod::kWeek:
      return MondayOf(IsoWeekOf(local_day));
    case QuotaPeriod::kMonth: {
      const std::chrono::year_month_day ymd{local_day};
      return sys_days{ymd.year() / ymd.month() / 1};
    }
  }
  return local_day;
}

TimeWindow QuotaPeriodWindow(QuotaPeriod period, std::chrono::sys_seconds at,
                             const ZoneRules& zone) {
  const sys_days local_day{
      std::chrono::floor<std::chrono::days>(ToLocal(at, zone)).time_since_epoch()};
  sys_days start_day = PeriodStartDay(period, local_day);
  TimeWindow window{StartOfLocalDay(start_day, zone),
                    StartOfLocalDay(NextStartDay(period, start_day), zone)};
  // When the clocks go back over midnight, the hour after the first midnight reads as the day
  // before again; it belongs to the period that has already started. A few steps at most.
  while (at >= window.end) {
    start_day = NextStartDay(period, start_day);
    window = {window.end, StartOfLocalDay(NextStartDay(period, start_day), zone)};
  }
  return window;
}

}  // namespace costledger::model
