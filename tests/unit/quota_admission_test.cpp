#include <gtest/gtest.h>

#include "costledger/model/admission_decision.hpp"
#include "costledger/model/errors.hpp"
#include "costledger/model/quota_period.hpp"
#include "quota_test_zones.hpp"

namespace costledger::model {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::Utc;

constexpr std::int64_t kDollar = Money::kNanosPerDollar;
constexpr std::int64_t kGpuHour = 3600;        // device-seconds
constexpr std::int64_t kCoreHour = 3'600'000;  // millicore-seconds
const FixedOffsetZone kUtc = FixedOffsetZone::Utc();
const TimeWindow kWeek{Utc(2026, 11, 30), Utc(2026, 12, 7)};
const TimeWindow kDay{Utc(2026, 12, 3), Utc(2026, 12, 4)};
const std::chrono::sys_seconds kNow = Utc(2026, 12, 3, 12);

Quota AlphaWeekly() {
  Quota q;
  q.name = "alpha-weekly";
  q.scope.team = "alpha";
  q.period = QuotaPeriod::kWeek;
  q.limit = {QuotaUnit::kDollars, 1000 * kDollar};
  q.action = QuotaAction::kDeny;
  q.thresholds_ppm = {500'000, 800'000, 1'000'000};
  return q;
}

Quota GpuDaily() {
  Quota q;
  q.name = "gpu-daily";
  q.scope.namespace_name = "ml";
  q.period = QuotaPeriod::kDay;
  q.limit = {QuotaUnit::kGpuHours, 24 * kGpuHour};
  q.action = QuotaAction::kDeny;
  return q;
}

QuotaWithStatus With(const Quota& q, std::int64_t spent, const TimeWindow& period = kWeek) {
  return {&q, StatusAt(q, period, spent, kNow)};
}

PodToAdmit Pod(std::string team = "alpha", std::string namespace_name = "ml") {
  PodToAdmit pod;
  pod.cluster = "prod";
  pod.namespace_name = std::move(namespace_name);
  pod.team = std::move(team);
  pod.labels = {{"app", "train"}};
  pod.requests = {4000, 16LL << 30, 0};
  pod.estimated_price = HourlyPrice{Money::ParseDollars("0.42")};
  return pod;
}

TEST(AdmissionDecisionTest, AllowedUnderTheLimit) {
  const Quota q = AlphaWeekly();
  const std::vector<QuotaWithStatus> quotas = {With(q, 999'999'999'999)};
  const AdmissionDecision d = DecideAdmission(Pod(), quotas, kUtc);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.exceeded.empty());
  EXPECT_EQ(d.message, "");
  EXPECT_TRUE(DecideAdmission(Pod(), {}, kUtc).allowed);
}

TEST(AdmissionDecisionTest, DeniedAtTheLimitInTheStyleOfResourceQuota) {
  Quota q = AlphaWeekly();
  q.contact = "#ml-platform";
  const std::vector<QuotaWithStatus> quotas = {With(q, 1'034'200'000'000)};
  const AdmissionDecision d = DecideAdmission(Pod(), quotas, kUtc);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.exceeded, (std::vector<std::string>{"alpha-weekly"}));
  EXPECT_EQ(d.message,
            "exceeded quota: alpha-weekly, spent: $1,034.20, limit: $1,000.00 per week since Mon "
            "2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC); this pod would add about "
            "$0.42/hour at current prices; ask #ml-platform to raise it");
  // Exactly at the limit is reached.
  const std::vector<QuotaWithStatus> at_limit = {With(q, 1000 * kDollar)};
  EXPECT_FALSE(DecideAdmission(Pod(), at_limit, kUtc).allowed);
}

TEST(AdmissionDecisionTest, ContactAndPriceAreOptional) {
  const Quota q = AlphaWeekly();
  const std::vector<QuotaWithStatus> quotas = {With(q, 1'034'200'000'000)};
  PodToAdmit pod = Pod();
  pod.estimated_price.reset();
  EXPECT_EQ(DecideAdmission(pod, quotas, kUtc).message,
            "exceeded quota: alpha-weekly, spent: $1,034.20, limit: $1,000.00 per week since Mon "
            "2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC)");
  EXPECT_EQ(DecideAdmission(pod, quotas, kUtc, "platform@example.com").message,
            "exceeded quota: alpha-weekly, spent: $1,034.20, limit: $1,000.00 per week since Mon "
            "2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC); ask platform@example.com to "
            "raise it");
  pod.estimated_price = HourlyPrice{Money::ParseDollars("0.0042")};
  EXPECT_NE(DecideAdmission(pod, quotas, kUtc).message.find("about $0.0042/hour"),
            std::string::npos);
}

TEST(AdmissionDecisionTest, OnlyDenyQuotasWhoseScopeCoversThePodCount) {
  Quota alert = AlphaWeekly();
  alert.name = "alpha-alert";
  alert.action = QuotaAction::kAlert;
  Quota beta = AlphaWeekly();
  beta.name = "beta-weekly";
  beta.scope.team = "beta";
  Quota web = AlphaWeekly();
  web.name = "web";
  web.scope = {};
  web.scope.namespace_name = "web";
  Quota serving = AlphaWeekly();
  serving.name = "serving";
  serving.scope = {};
  serving.scope.labels = {{"app", "serve"}};
  Quota staging = AlphaWeekly();
  staging.name = "staging";
  staging.scope.cluster = "staging";
  Quota queries = AlphaWeekly();
  queries.name = "queries";
  queries.scope = {};
  queries.scope.workgroup = "analytics";  // (validation keeps deny off these; still ignored here)
  const std::vector<QuotaWithStatus> quotas = {
      With(alert, 2000 * kDollar),   With(beta, 2000 * kDollar),    With(web, 2000 * kDollar),
      With(serving, 2000 * kDollar), With(staging, 2000 * kDollar), With(queries, 2000 * kDollar)};
  EXPECT_TRUE(DecideAdmission(Pod(), quotas, kUtc).allowed);
  // The same quotas stop pods they cover.
  PodToAdmit beta_pod = Pod("beta", "web");
  beta_pod.labels = {{"app", "serve"}};
  const AdmissionDecision d = DecideAdmission(beta_pod, quotas, kUtc);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.exceeded, (std::vector<std::string>{"beta-weekly", "web", "serving"}));
}

TEST(AdmissionDecisionTest, SeveralQuotasAndUnits) {
  Quota dollars = AlphaWeekly();
  dollars.contact = "#ml-platform";
  Quota gpu = GpuDaily();
  gpu.contact = "gpu-admins@example.com";
  Quota cpu = GpuDaily();
  cpu.name = "cpu-daily";
  cpu.limit = {QuotaUnit::kCpuHours, 100 * kCoreHour};
  cpu.contact = "#ml-platform";
  const std::vector<QuotaWithStatus> quotas = {With(dollars, 1'034'200'000'000),
                                               With(gpu, 30 * kGpuHour, kDay),
                                               With(cpu, 150 * kCoreHour, kDay)};
  PodToAdmit pod = Pod();
  pod.requests.gpu_devices = 1;
  const AdmissionDecision d = DecideAdmission(pod, quotas, kUtc);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.exceeded, (std::vector<std::string>{"alpha-weekly", "gpu-daily", "cpu-daily"}));
  EXPECT_EQ(d.message,
            "exceeded quotas: alpha-weekly, spent: $1,034.20, limit: $1,000.00 per week since Mon "
            "2026-11-30 00:00 UTC (resets Mon 2026-12-07 00:00 UTC); gpu-daily, spent: 30 "
            "GPU-hours, limit: 24 GPU-hours per day since Thu 2026-12-03 00:00 UTC (resets Fri "
            "2026-12-04 00:00 UTC); cpu-daily, spent: 150 CPU core-hours, limit: 100 CPU "
            "core-hours per day since Thu 2026-12-03 00:00 UTC (resets Fri 2026-12-04 00:00 UTC); "
            "this pod would add about $0.42/hour at current prices, 1 GPU-hour per hour and 4 CPU "
            "core-hours per hour; ask #ml-platform or gpu-admins@example.com to raise them");
}

TEST(AdmissionDecisionTest, AGpuQuotaStopsOnlyPodsThatRequestGpus) {
  const Quota gpu = GpuDaily();
  const std::vector<QuotaWithStatus> quotas = {With(gpu, 30 * kGpuHour, kDay)};
  PodToAdmit cpu_only = Pod();
  EXPECT_TRUE(DecideAdmission(cpu_only, quotas, kUtc).allowed);
  PodToAdmit two_gpus = Pod();
  two_gpus.requests.gpu_devices = 2;
  EXPECT_EQ(DecideAdmission(two_gpus, quotas, kUtc).message,
            "exceeded quota: gpu-daily, spent: 30 GPU-hours, limit: 24 GPU-hours per day since "
            "Thu 2026-12-03 00:00 UTC (resets Fri 2026-12-04 00:00 UTC); this pod would add 2 "
            "GPU-hours per hour");
  // A CPU quota stops pods without a CPU request too (their usage counts), without an estimate.
  Quota cpu = GpuDaily();
  cpu.name = "cpu-daily";
  cpu.limit = {QuotaUnit::kCpuHours, 3'600'000};
  const std::vector<QuotaWithStatus> cpu_quotas = {With(cpu, 3'600'000, kDay)};
  PodToAdmit no_request = Pod();
  no_request.requests = {};
  EXPECT_EQ(DecideAdmission(no_request, cpu_quotas, kUtc).message,
            "exceeded quota: cpu-daily, spent: 1 CPU core-hour, limit: 1 CPU core-hour per day "
            "since Thu 2026-12-03 00:00 UTC (resets Fri 2026-12-04 00:00 UTC)");
}

TEST(AdmissionDecisionTest, LocalTimesInTheConfiguredZone) {
  const testing::EuRulesZone berlin = testing::EuRulesZone::Berlin();
  const Quota q = AlphaWeekly();
  const TimeWindow week = QuotaPeriodWindow(QuotaPeriod::kWeek, kNow, berlin);
  const std::vector<QuotaWithStatus> quotas = {{&q, StatusAt(q, week, 1001 * kDollar, kNow)}};
  EXPECT_EQ(DecideAdmission(Pod(), quotas, berlin).message,
            "exceeded quota: alpha-weekly, spent: $1,001.00, limit: $1,000.00 per week since Mon "
            "2026-11-30 00:00 CET (resets Mon 2026-12-07 00:00 CET); this pod would add about "
            "$0.42/hour at current prices");
}

TEST(AdmissionDecisionTest, AQuotaWithoutItsRecordIsAProgrammingError) {
  const std::vector<QuotaWithStatus> quotas = {QuotaWithStatus{}};
  EXPECT_THROW(DecideAdmission(Pod(), quotas, kUtc), std::invalid_argument);
}

LaunchPlan Plan(std::int64_t gpus = 1, seconds duration = hours{3}) {
  LaunchPlan plan;
  plan.cluster = "prod";
  plan.namespace_name = "ml";
  plan.team = "alpha";
  plan.resources = {4000, 16LL << 30, gpus};
  plan.price = HourlyPrice{Money::ParseDollars("4.2")};
  plan.duration = duration;
  return plan;
}

TEST(LaunchCheckTest, AllowedWithWhatIsLeft) {
  const Quota dollars = AlphaWeekly();
  const Quota gpu = GpuDaily();
  const std::vector<QuotaWithStatus> quotas = {With(dollars, 588 * kDollar),
                                               With(gpu, 10 * kGpuHour, kDay)};
  const LaunchCheck c = CheckLaunch(Plan(), quotas, kUtc);
  EXPECT_TRUE(c.allowed);
  EXPECT_EQ(c.estimated_cost, Money::ParseDollars("12.6"));
  EXPECT_EQ(c.remaining, Money::ParseDollars("412"));
  ASSERT_EQ(c.quotas.size(), 2U);
  EXPECT_EQ(c.quotas[0].name, "alpha-weekly");
  EXPECT_EQ(c.quotas[0].action, QuotaAction::kDeny);
  EXPECT_EQ(c.quotas[0].unit, QuotaUnit::kDollars);
  EXPECT_EQ(c.quotas[0].period, kWeek);
  EXPECT_EQ(c.quotas[0].spent, 588 * kDollar);
  EXPECT_EQ(c.quotas[0].limit, 1000 * kDollar);
  EXPECT_EQ(c.quotas[0].remaining, 412 * kDollar);
  EXPECT_EQ(c.quotas[0].would_add, 12'600'000'000);
  EXPECT_TRUE(c.quotas[0].fits);
  EXPECT_EQ(c.quotas[1].name, "gpu-daily");
  EXPECT_EQ(c.quotas[1].would_add, 3 * kGpuHour);
  EXPECT_EQ(c.quotas[1].remaining, 14 * kGpuHour);
  EXPECT_TRUE(c.quotas[1].fits);
  EXPECT_EQ(c.message,
            "allowed: this job would cost about $12.60 over 3 hours; alpha-weekly has $412.00 of "
            "its $1,000.00 weekly limit left; gpu-daily has 14 GPU-hours of its 24 GPU-hours daily "
            "limit left");
}

TEST(LaunchCheckTest, DeniedWhenTheEstimateDoesNotFitADenyQuota) {
  Quota dollars = AlphaWeekly();
  dollars.contact = "#ml-platform";
  const std::vector<QuotaWithStatus> quotas = {With(dollars, 995 * kDollar)};
  const LaunchCheck c = CheckLaunch(Plan(), quotas, kUtc);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.remaining, Money::ParseDollars("5"));
  EXPECT_FALSE(c.quotas[0].fits);
  EXPECT_EQ(c.message,
            "denied: this job would cost about $12.60 over 3 hours; it needs $12.60 but quota "
            "alpha-weekly has $5.00 of its $1,000.00 weekly limit left until Mon 2026-12-07 00:00 "
            "UTC; ask #ml-platform to raise it");
}

TEST(LaunchCheckTest, ExactlyTheRemainderFits) {
  const Quota dollars = AlphaWeekly();
  const std::vector<QuotaWithStatus> exact = {With(dollars, 1000 * kDollar - 12'600'000'000)};
  EXPECT_TRUE(CheckLaunch(Plan(), exact, kUtc).allowed);
  const std::vector<QuotaWithStatus> short_by_one = {
      With(dollars, 1000 * kDollar - 12'600'000'000 + 1)};
  EXPECT_FALSE(CheckLaunch(Plan(), short_by_one, kUtc).allowed);
}

TEST(LaunchCheckTest, GpuQuotasAndJobsWithoutGpus) {
  Quota gpu = GpuDaily();
  const std::vector<QuotaWithStatus> quotas = {With(gpu, 22 * kGpuHour, kDay)};
  const LaunchCheck needs_three = CheckLaunch(Plan(1), quotas, kUtc, "platform@example.com");
  EXPECT_FALSE(needs_three.allowed);
  EXPECT_EQ(needs_three.message,
            "denied: this job would cost about $12.60 over 3 hours; it needs 3 GPU-hours but "
            "quota gpu-daily has 2 GPU-hours of its 24 GPU-hours daily limit left until Fri "
            "2026-12-04 00:00 UTC; ask platform@example.com to raise it");
  EXPECT_FALSE(needs_three.remaining);  // no dollar quota covers it
  // A job without GPUs adds nothing to a GPU quota, even an exhausted one.
  const std::vector<QuotaWithStatus> exhausted = {With(gpu, 30 * kGpuHour, kDay)};
  const LaunchCheck no_gpu = CheckLaunch(Plan(0), exhausted, kUtc);
  EXPECT_TRUE(no_gpu.allowed);
  EXPECT_EQ(no_gpu.quotas[0].would_add, 0);
  EXPECT_TRUE(no_gpu.quotas[0].fits);
  // An over-spent quota leaves nothing for a job that uses it.
  EXPECT_FALSE(CheckLaunch(Plan(1, seconds{1}), exhausted, kUtc).allowed);
}

TEST(LaunchCheckTest, AlertQuotasInformButDoNotStop) {
  Quota alert = AlphaWeekly();
  alert.name = "alpha-watch";
  alert.action = QuotaAction::kAlert;
  const std::vector<QuotaWithStatus> quotas = {With(alert, 995 * kDollar)};
  const LaunchCheck c = CheckLaunch(Plan(), quotas, kUtc);
  EXPECT_TRUE(c.allowed);
  EXPECT_FALSE(c.quotas[0].fits);
  EXPECT_EQ(c.message,
            "allowed: this job would cost about $12.60 over 3 hours; alpha-watch has $5.00 of its "
            "$1,000.00 weekly limit left; this job would take it over (it only alerts)");
}

TEST(LaunchCheckTest, ScopesSelectTheQuotas) {
  Quota beta = AlphaWeekly();
  beta.scope.team = "beta";
  Quota queries = AlphaWeekly();
  queries.action = QuotaAction::kAlert;
  queries.scope = {};
  queries.scope.workgroup = "analytics";
  Quota labelled = AlphaWeekly();
  labelled.scope = {};
  labelled.scope.labels = {{"app", "train"}};
  const std::vector<QuotaWithStatus> quotas = {With(beta, 0), With(queries, 0), With(labelled, 0)};
  const LaunchCheck none = CheckLaunch(Plan(), quotas, kUtc);
  EXPECT_TRUE(none.quotas.empty());
  EXPECT_FALSE(none.remaining);
  EXPECT_EQ(none.message,
            "allowed: this job would cost about $12.60 over 3 hours; no quota covers its scope");
  LaunchPlan with_labels = Plan();
  with_labels.labels = {{"app", "train"}, {"owner", "ana"}};
  EXPECT_EQ(CheckLaunch(with_labels, quotas, kUtc).quotas.size(), 1U);
}

TEST(LaunchCheckTest, TheLeastDollarRemainderIsReported) {
  const Quota weekly = AlphaWeekly();
  Quota monthly = AlphaWeekly();
  monthly.name = "alpha-monthly";
  monthly.limit.amount = 3000 * kDollar;
  monthly.action = QuotaAction::kAlert;
  const std::vector<QuotaWithStatus> quotas = {With(weekly, 100 * kDollar),
                                               With(monthly, 2950 * kDollar)};
  EXPECT_EQ(CheckLaunch(Plan(), quotas, kUtc).remaining, Money::ParseDollars("50"));
}

TEST(LaunchCheckTest, EstimatesRoundOnceHalfEven) {
  LaunchPlan plan = Plan(0, seconds{1});
  plan.price = HourlyPrice{Money::FromNanos(1800)};  // 0.5 n$ per second
  EXPECT_EQ(CheckLaunch(plan, {}, kUtc).estimated_cost, Money::FromNanos(0));
  plan.duration = seconds{3};  // 1.5 n$
  EXPECT_EQ(CheckLaunch(plan, {}, kUtc).estimated_cost, Money::FromNanos(2));
  plan.duration = seconds{5400};
  plan.price = HourlyPrice{Money::ParseDollars("4.2")};
  EXPECT_EQ(CheckLaunch(plan, {}, kUtc).estimated_cost, Money::ParseDollars("6.3"));
  EXPECT_EQ(CheckLaunch(plan, {}, kUtc).message,
            "allowed: this job would cost about $6.30 over 1.5 hours; no quota covers its scope");
}

TEST(LaunchCheckTest, CpuHoursOfTheJob) {
  Quota cpu = GpuDaily();
  cpu.name = "cpu-daily";
  cpu.limit = {QuotaUnit::kCpuHours, 20 * kCoreHour};
  const std::vector<QuotaWithStatus> quotas = {With(cpu, 9 * kCoreHour, kDay)};
  const LaunchCheck c = CheckLaunch(Plan(0), quotas, kUtc);  // 4 cores x 3 hours = 12
  EXPECT_EQ(c.quotas[0].would_add, 12 * kCoreHour);
  EXPECT_FALSE(c.allowed);
  EXPECT_NE(c.message.find("it needs 12 CPU core-hours but quota cpu-daily has 11 CPU core-hours"),
            std::string::npos);
}

TEST(LaunchCheckTest, RequestsAreValidated) {
  const auto rejection = [](const LaunchPlan& plan) -> std::string {
    try {
      CheckLaunch(plan, {}, kUtc);
    } catch (const InvalidInput& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(rejection(Plan(1, seconds{0})), "hours: must be greater than 0");
  EXPECT_EQ(rejection(Plan(1, seconds{-3600})), "hours: must be greater than 0");
  EXPECT_EQ(rejection(Plan(1, hours{8785})), "hours: at most 8784 (a year)");
  EXPECT_EQ(rejection(Plan(1, hours{8784})), "");
  LaunchPlan plan = Plan();
  plan.resources.cpu_millicores = -1;
  EXPECT_EQ(rejection(plan), "resources.cpu: must not be negative");
  plan = Plan();
  plan.resources.memory_bytes = -1;
  EXPECT_EQ(rejection(plan), "resources.memory: must not be negative");
  plan = Plan(-1);
  EXPECT_EQ(rejection(plan), "resources.gpu: must not be negative");
  plan = Plan();
  plan.price = HourlyPrice{Money::FromNanos(-1)};
  EXPECT_EQ(rejection(plan), "price: must not be negative");
}

}  // namespace
}  // namespace costledger::model
