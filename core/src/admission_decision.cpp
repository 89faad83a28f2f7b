#include "costledger/model/admission_decision.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "costledger/model/attribution.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_text.hpp"
#include "costledger/model/quota_usage.hpp"
#include "costledger/model/resource_seconds.hpp"

namespace costledger::model {
namespace {

const Quota& QuotaOf(const QuotaWithStatus& q) {
  if (q.quota == nullptr) throw std::invalid_argument("QuotaWithStatus without a quota");
  return *q.quota;
}

bool Covers(const Quota& quota, std::string_view cluster, std::string_view namespace_name,
            std::string_view team, const Labels& labels) {
  return ScopeMatchesContainer(quota.scope, cluster, namespace_name, team, labels);
}

/// "A", "A or B", "A, B or C" (with `last` = "or").
std::string Listed(const std::vector<std::string>& items, std::string_view last) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += i + 1 == items.size() ? fmt::format(" {} ", last) : ", ";
    text += items[i];
  }
  return text;
}

/// "; ask X to raise it" from the quotas' contacts, else the default one; "" without any.
std::string AskClause(const std::vector<const Quota*>& quotas, std::string_view default_contact) {
  std::vector<std::string> contacts;
  for (const Quota* q : quotas) {
    if (!q->contact.empty() &&
        std::find(contacts.begin(), contacts.end(), q->contact) == contacts.end()) {
      contacts.push_back(q->contact);
    }
  }
  if (contacts.empty() && !default_contact.empty()) contacts.emplace_back(default_contact);
  if (contacts.empty()) return "";
  return fmt::format("; ask {} to raise {}", Listed(contacts, "or"),
                     quotas.size() == 1 ? "it" : "them");
}

/// "since Mon 2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC)"
std::string SinceClause(const QuotaStatus& s, const ZoneRules& zone) {
  return fmt::format("since {} (resets {})", FormatLocalMinute(s.period.start, zone),
                     FormatLocalMinute(s.period.end, zone));
}

/// What a pod adds per hour in `unit` (base units), or nothing when it adds none.
std::optional<std::int64_t> PerHour(QuotaUnit unit, const ResourceQuantities& requests) {
  switch (unit) {
    case QuotaUnit::kCpuHours:
      if (requests.cpu_millicores <= 0) return std::nullopt;
      return requests.cpu_millicores * kSecondsPerHour;
    case QuotaUnit::kGpuHours:
      if (requests.gpu_devices <= 0) return std::nullopt;
      return requests.gpu_devices * kSecondsPerHour;
    case QuotaUnit::kDollars:
    case QuotaUnit::kBytesScanned:
      return std::nullopt;
  }
  return std::nullopt;
}

void CheckNotNegative(std::int64_t value, std::string_view field) {
  if (value < 0) throw InvalidInput(fmt::format("{}: must not be negative", field));
}

std::int64_t Product(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw InvalidInput("resources: too large for the duration given");
  }
  return product;
}

}  // namespace

AdmissionDecision DecideAdmission(const PodToAdmit& pod, std::span<const QuotaWithStatus> quotas,
                                  const ZoneRules& zone, std::string_view default_contact) {
  AdmissionDecision d;
  std::vector<const Quota*> stopping;
  std::vector<std::string> clauses;
  std::vector<QuotaUnit> units;
  for (const QuotaWithStatus& q : quotas) {
    const Quota& quota = QuotaOf(q);
    const QuotaStatus& s = q.status;
    if (quota.action != QuotaAction::kDeny || !s.LimitReached()) continue;
    if (!Covers(quota, pod.cluster, pod.namespace_name, pod.team, pod.labels)) continue;
    if (quota.limit.unit == QuotaUnit::kGpuHours && pod.requests.gpu_devices <= 0) continue;
    if (quota.limit.unit == QuotaUnit::kBytesScanned) continue;  // pods scan no bytes
    stopping.push_back(&quota);
    d.exceeded.push_back(quota.name);
    clauses.push_back(fmt::format(
        "{}, spent: {}, limit: {} per {} {}", quota.name, FormatQuotaAmount(s.unit, s.spent),
        FormatQuotaAmount(s.unit, s.limit), PeriodNoun(quota.period), SinceClause(s, zone)));
    if (std::find(units.begin(), units.end(), s.unit) == units.end()) units.push_back(s.unit);
  }
  if (stopping.empty()) return d;

  d.allowed = false;
  std::string message = stopping.size() == 1 ? "exceeded quota: " : "exceeded quotas: ";
  for (std::size_t i = 0; i < clauses.size(); ++i) message += (i > 0 ? "; " : "") + clauses[i];
  std::vector<std::string> adds;
  for (const QuotaUnit unit : units) {
    if (unit == QuotaUnit::kDollars) {
      if (pod.estimated_price) {
        adds.push_back(fmt::format("about {}/hour at current prices",
                                   FormatDollars(pod.estimated_price->per_hour)));
      }
    } else if (const std::optional<std::int64_t> per_hour = PerHour(unit, pod.requests)) {
      adds.push_back(fmt::format("{} per hour", FormatQuotaAmount(unit, *per_hour)));
    }
  }
  if (!adds.empty()) message += "; this pod would add " + Listed(adds, "and");
  d.message = message + AskClause(stopping, default_contact);
  return d;
}

LaunchCheck CheckLaunch(const LaunchPlan& plan, std::span<const QuotaWithStatus> quotas,
                        const ZoneRules& zone, std::string_view default_contact) {
  if (plan.duration <= std::chrono::seconds{0}) {
    throw InvalidInput("hours: must be greater than 0");
  }
  if (plan.duration > kMaxLaunchDuration) {
    throw InvalidInput(fmt::format("hours: at most {} (a year)", kMaxLaunchDuration.count()));
  }
  CheckNotNegative(plan.resources.cpu_millicores, "resources.cpu");
  CheckNotNegative(plan.resources.memory_bytes, "resources.memory");
  CheckNotNegative(plan.resources.gpu_devices, "resources.gpu");
  if (plan.price.per_hour < Money{}) throw InvalidInput("price: must not be negative");

  LaunchCheck c;
  c.estimated_cost = IntervalCost(plan.price, plan.duration);
  const std::int64_t seconds = plan.duration.count();
  std::vector<const Quota*> short_quotas;
  std::vector<std::string> lefts;
  std::vector<std::string> shortfalls;
  for (const QuotaWithStatus& q : quotas) {
    const Quota& quota = QuotaOf(q);
    const QuotaStatus& s = q.status;
    if (!Covers(quota, plan.cluster, plan.namespace_name, plan.team, plan.labels)) continue;
    QuotaCheck check;
    check.name = quota.name;
    check.action = quota.action;
    check.unit = s.unit;
    check.period = s.period;
    check.spent = s.spent;
    check.limit = s.limit;
    check.remaining = s.remaining;
    switch (s.unit) {
      case QuotaUnit::kDollars:
        check.would_add = c.estimated_cost.nanos();
        break;
      case QuotaUnit::kCpuHours:
        check.would_add = Product(plan.resources.cpu_millicores, seconds);
        break;
      case QuotaUnit::kGpuHours:
        check.would_add = Product(plan.resources.gpu_devices, seconds);
        break;
      case QuotaUnit::kBytesScanned:
        check.would_add = 0;
        break;
    }
    check.fits = check.would_add == 0 || (s.spent <= s.limit && check.would_add <= s.remaining);
    if (s.unit == QuotaUnit::kDollars) {
      const Money left = Money::FromNanos(s.remaining);
      c.remaining = c.remaining ? std::min(*c.remaining, left) : left;
    }
    const std::string left_text = fmt::format(
        "{} has {} of its {} {} limit left", quota.name, FormatQuotaAmount(s.unit, s.remaining),
        FormatQuotaAmount(s.unit, s.limit), PeriodAdjective(quota.period));
    if (!check.fits && quota.action == QuotaAction::kDeny) {
      c.allowed = false;
      short_quotas.push_back(&quota);
      shortfalls.push_back(fmt::format("it needs {} but quota {} until {}",
                                       FormatQuotaAmount(s.unit, check.would_add), left_text,
                                       FormatLocalMinute(s.period.end, zone)));
    } else if (!check.fits) {
      lefts.push_back(left_text + "; this job would take it over (it only alerts)");
    } else {
      lefts.push_back(left_text);
    }
    c.quotas.push_back(std::move(check));
  }

  const std::string estimate =
      fmt::format("this job would cost about {} over {}", FormatDollars(c.estimated_cost),
                  FormatDuration(plan.duration));
  if (!c.allowed) {
    std::string message = "denied: " + estimate;
    for (const std::string& s : shortfalls) message += "; " + s;
    c.message = message + AskClause(short_quotas, default_contact);
  } else if (c.quotas.empty()) {
    c.message = "allowed: " + estimate + "; no quota covers its scope";
  } else {
    std::string message = "allowed: " + estimate;
    for (const std::string& s : lefts) message += "; " + s;
    c.message = message;
  }
  return c;
}

}  // namespace costledger::model
