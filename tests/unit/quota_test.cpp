#include "costledger/model/quota.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::model {
namespace {

/// The contract's example: {"name": "alpha-weekly", "scope": {"team": "alpha"}, "period": "week",
/// "limit": {"dollars": 1000}, "action": "deny", "thresholds": [0.5, 0.8, 1.0]}
QuotaSpec AlphaWeekly() {
  QuotaSpec spec;
  spec.name = "alpha-weekly";
  spec.scope = QuotaScopeSpec{};
  spec.scope->team = "alpha";
  spec.period = "week";
  spec.limit = QuotaLimitSpec{};
  spec.limit->dollars = "1000";
  spec.action = "deny";
  spec.thresholds = std::vector<double>{0.5, 0.8, 1.0};
  return spec;
}

/// The message ValidateQuota throws for `spec` ("" when it accepts it).
std::string Rejection(const QuotaSpec& spec) {
  try {
    ValidateQuota(spec);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

QuotaSpec WithLimit(QuotaUnit unit, std::string text) {
  QuotaSpec spec = AlphaWeekly();
  spec.action = "alert";
  spec.limit = QuotaLimitSpec{};
  switch (unit) {
    case QuotaUnit::kDollars:
      spec.limit->dollars = std::move(text);
      break;
    case QuotaUnit::kGpuHours:
      spec.limit->gpu_hours = std::move(text);
      break;
    case QuotaUnit::kCpuHours:
      spec.limit->cpu_hours = std::move(text);
      break;
    case QuotaUnit::kBytesScanned:
      spec.limit->bytes_scanned = std::move(text);
      break;
  }
  return spec;
}

std::int64_t LimitOf(QuotaUnit unit, std::string text) {
  return ValidateQuota(WithLimit(unit, std::move(text))).limit.amount;
}

TEST(QuotaTest, ContractExampleValidates) {
  const Quota q = ValidateQuota(AlphaWeekly());
  EXPECT_EQ(q.name, "alpha-weekly");
  EXPECT_EQ(q.scope.team, "alpha");
  EXPECT_FALSE(q.scope.cluster);
  EXPECT_FALSE(q.scope.namespace_name);
  EXPECT_FALSE(q.scope.workgroup);
  EXPECT_TRUE(q.scope.labels.empty());
  EXPECT_EQ(q.period, QuotaPeriod::kWeek);
  EXPECT_EQ(q.limit, (QuotaLimit{QuotaUnit::kDollars, 1000 * Money::kNanosPerDollar}));
  EXPECT_EQ(q.action, QuotaAction::kDeny);
  EXPECT_EQ(q.thresholds_ppm, (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
  EXPECT_FALSE(q.forecast_alert);
  EXPECT_EQ(q.contact, "");
}

TEST(QuotaTest, DefaultsAreAlertAndHalfEightTenthsAndWhole) {
  QuotaSpec spec = AlphaWeekly();
  spec.action.reset();
  spec.thresholds.reset();
  const Quota q = ValidateQuota(spec);
  EXPECT_EQ(q.action, QuotaAction::kAlert);
  EXPECT_EQ(q.thresholds_ppm, (std::vector<std::int64_t>{500'000, 800'000, 1'000'000}));
}

TEST(QuotaTest, KeepsEveryScopeFieldForecastAndContact) {
  QuotaSpec spec = AlphaWeekly();
  spec.scope->cluster = "prod-eu";
  spec.scope->namespace_name = "ml";
  spec.scope->labels = Labels{{"app", "train"}, {"gpu", "a100"}};
  spec.forecast = true;
  spec.contact = "#ml-platform on Slack";
  const Quota q = ValidateQuota(spec);
  EXPECT_EQ(q.scope.cluster, "prod-eu");
  EXPECT_EQ(q.scope.namespace_name, "ml");
  EXPECT_EQ(q.scope.team, "alpha");
  EXPECT_EQ(q.scope.labels, (Labels{{"app", "train"}, {"gpu", "a100"}}));
  EXPECT_TRUE(q.forecast_alert);
  EXPECT_EQ(q.contact, "#ml-platform on Slack");
}

TEST(QuotaTest, EmptyScopeCoversAllSpend) {
  QuotaSpec spec = AlphaWeekly();
  spec.scope = QuotaScopeSpec{};
  const Quota q = ValidateQuota(spec);
  EXPECT_EQ(q.scope, QuotaScope{});
  EXPECT_TRUE(q.scope.CoversContainers());
  EXPECT_TRUE(q.scope.CoversQueries());
}

TEST(QuotaTest, ScopeSaysWhichSpendItCovers) {
  QuotaScope scope;
  scope.team = "alpha";
  scope.cluster = "prod";
  EXPECT_TRUE(scope.CoversContainers());
  EXPECT_TRUE(scope.CoversQueries());
  scope.workgroup = "analytics";
  EXPECT_FALSE(scope.CoversContainers());
  EXPECT_TRUE(scope.CoversQueries());
  scope.workgroup.reset();
  scope.namespace_name = "ml";
  EXPECT_TRUE(scope.CoversContainers());
  EXPECT_FALSE(scope.CoversQueries());
  scope.namespace_name.reset();
  scope.labels["app"] = "x";
  EXPECT_TRUE(scope.CoversContainers());
  EXPECT_FALSE(scope.CoversQueries());
}

TEST(QuotaTest, NameIsRequiredAndADnsLabel) {
  QuotaSpec spec = AlphaWeekly();
  spec.name.reset();
  EXPECT_EQ(Rejection(spec), "name: required");
  const std::string rule =
      " must match [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])? (lowercase letters, digits and '-', at most "
      "63 characters, starting and ending with a letter or digit)";
  for (const std::string bad : {"", "Alpha-Weekly", "alpha_weekly", "-alpha", "alpha-", "a b",
                                "alpha/weekly", "alpha.weekly", "\xc3\xa9t\xc3\xa9"}) {
    spec.name = bad;
    EXPECT_EQ(Rejection(spec), fmt::format("name: '{}'{}", bad, rule)) << bad;
  }
  spec.name = std::string(64, 'a');
  EXPECT_EQ(Rejection(spec), fmt::format("name: '{}'{}", std::string(64, 'a'), rule));
  for (const std::string& good :
       std::vector<std::string>{"a", "7", "a-b", "a--b", "2026-q4", std::string(63, 'z')}) {
    spec.name = good;
    EXPECT_EQ(Rejection(spec), "") << good;
    EXPECT_TRUE(IsValidQuotaName(good));
  }
}

TEST(QuotaTest, LongOrControlValuesAreShortenedAndPrintableInMessages) {
  QuotaSpec spec = AlphaWeekly();
  spec.name = std::string(1000, 'X');
  EXPECT_EQ(Rejection(spec).rfind("name: '" + std::string(64, 'X') + "...' must match", 0), 0);
  spec.name = "a\nb";
  EXPECT_EQ(Rejection(spec).substr(0, 12), "name: 'a?b' ");
}

TEST(QuotaTest, ScopeIsRequiredAndItsStringsNonEmpty) {
  QuotaSpec spec = AlphaWeekly();
  spec.scope.reset();
  EXPECT_EQ(Rejection(spec), "scope: required; {} covers all spend");
  spec = AlphaWeekly();
  spec.scope->team = "";
  EXPECT_EQ(Rejection(spec), "scope.team: must not be empty");
  spec = AlphaWeekly();
  spec.scope->cluster = "";
  EXPECT_EQ(Rejection(spec), "scope.cluster: must not be empty");
  spec = AlphaWeekly();
  spec.scope->namespace_name = "";
  EXPECT_EQ(Rejection(spec), "scope.namespace: must not be empty");
  spec = AlphaWeekly();
  spec.action = "alert";
  spec.scope->workgroup = "";
  EXPECT_EQ(Rejection(spec), "scope.workgroup: must not be empty");
  spec = AlphaWeekly();
  spec.scope->labels = Labels{{"", "x"}};
  EXPECT_EQ(Rejection(spec), "scope.labels: keys must not be empty");
  spec = AlphaWeekly();
  spec.scope->team = "al\tpha";
  EXPECT_EQ(Rejection(spec), "scope.team: 'al?pha' must not contain control characters");
  spec = AlphaWeekly();
  spec.scope->labels = Labels{{"app", "x\ny"}};
  EXPECT_EQ(Rejection(spec), "scope.labels: 'app' must not contain control characters");
}

TEST(QuotaTest, EmptyLabelValueIsAValue) {
  QuotaSpec spec = AlphaWeekly();
  spec.scope->labels = Labels{{"canary", ""}};
  EXPECT_EQ(ValidateQuota(spec).scope.labels, (Labels{{"canary", ""}}));
}

TEST(QuotaTest, WorkgroupCannotBeCombinedWithNamespaceOrLabels) {
  const std::string message =
      "scope: workgroup selects query spend and namespace or labels select container spend; no "
      "spend has both, so one quota cannot use both";
  QuotaSpec spec = AlphaWeekly();
  spec.action = "alert";
  spec.scope->workgroup = "analytics";
  EXPECT_EQ(Rejection(spec), "");
  spec.scope->namespace_name = "ml";
  EXPECT_EQ(Rejection(spec), message);
  spec.scope->namespace_name.reset();
  spec.scope->labels = Labels{{"app", "x"}};
  EXPECT_EQ(Rejection(spec), message);
  spec.scope->labels = Labels{};  // {} is no label at all
  EXPECT_EQ(Rejection(spec), "");
}

TEST(QuotaTest, PeriodIsDayWeekOrMonth) {
  QuotaSpec spec = AlphaWeekly();
  for (const auto& [text, period] :
       {std::pair{"day", QuotaPeriod::kDay}, std::pair{"week", QuotaPeriod::kWeek},
        std::pair{"month", QuotaPeriod::kMonth}}) {
    spec.period = text;
    EXPECT_EQ(ValidateQuota(spec).period, period);
    EXPECT_EQ(ToString(period), text);
  }
  spec.period = "fortnight";
  EXPECT_EQ(Rejection(spec), "period: 'fortnight' is not one of day, week, month");
  spec.period = "Week";
  EXPECT_EQ(Rejection(spec), "period: 'Week' is not one of day, week, month");
  spec.period = "";
  EXPECT_EQ(Rejection(spec), "period: '' is not one of day, week, month");
  spec.period.reset();
  EXPECT_EQ(Rejection(spec), "period: required, one of day, week, month");
}

TEST(QuotaTest, LimitNeedsExactlyOneUnit) {
  QuotaSpec spec = AlphaWeekly();
  spec.limit.reset();
  EXPECT_EQ(Rejection(spec),
            "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned is required "
            "(none given)");
  spec.limit = QuotaLimitSpec{};
  EXPECT_EQ(Rejection(spec),
            "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned is required "
            "(none given)");
  spec.limit->dollars = "10";
  spec.limit->gpu_hours = "5";
  EXPECT_EQ(Rejection(spec),
            "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned is required "
            "(got dollars, gpu_hours)");
  spec.limit->cpu_hours = "5";
  spec.limit->bytes_scanned = "5";
  EXPECT_EQ(Rejection(spec),
            "limit: exactly one of dollars, gpu_hours, cpu_hours, bytes_scanned is required "
            "(got dollars, gpu_hours, cpu_hours, bytes_scanned)");
}

TEST(QuotaTest, LimitsAreExactInBaseUnits) {
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "1000"), 1'000'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "0.1"), 100'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "1034.2"), 1'034'200'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "1e3"), 1'000'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "1.5E+2"), 150'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "2500e-3"), 2'500'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "+7"), 7'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "0.000000001"), 1);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "1000000000"), 1'000'000'000'000'000'000);
  // Beyond the nano-dollar: half-even.
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "0.0000000015"), 2);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "0.0000000025"), 2);
  EXPECT_EQ(LimitOf(QuotaUnit::kDollars, "0.00000000251"), 3);
  // GPU-hours in device-seconds, CPU core-hours in millicore-seconds.
  EXPECT_EQ(LimitOf(QuotaUnit::kGpuHours, "100"), 360'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kGpuHours, "0.5"), 1'800);
  EXPECT_EQ(LimitOf(QuotaUnit::kGpuHours, "0.001"), 4);  // 3.6 device-seconds
  EXPECT_EQ(LimitOf(QuotaUnit::kGpuHours, "1000000000"), 3'600'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kCpuHours, "12.5"), 45'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kCpuHours, "1"), 3'600'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kCpuHours, "0.000001"), 4);  // 3.6 millicore-seconds
  EXPECT_EQ(LimitOf(QuotaUnit::kBytesScanned, "1099511627776"), 1'099'511'627'776);
  EXPECT_EQ(LimitOf(QuotaUnit::kBytesScanned, "1e12"), 1'000'000'000'000);
  EXPECT_EQ(LimitOf(QuotaUnit::kBytesScanned, "1.5e3"), 1'500);
  EXPECT_EQ(LimitOf(QuotaUnit::kBytesScanned, "1000000000000000000"), kMaxLimitBytes);
}

TEST(QuotaTest, LimitMustBeAPositiveDecimalNumber) {
  for (const std::string bad : {"", "abc", "1,000", "$5", "1.2.3", "1e", "1e+", ".", "-", "0x10",
                                " 5", "5 ", "nan", "inf", "1_000"}) {
    EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, bad)),
              "limit.dollars: '" + bad + "' is not a decimal number")
        << bad;
  }
  for (const std::string bad : {"0", "-5", "0.0", "-0", "0e10"}) {
    EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kCpuHours, bad)),
              "limit.cpu_hours: '" + bad + "' must be greater than 0")
        << bad;
  }
  // Forms a JSON number can take are all accepted.
  for (const std::string good : {"5", "5.0", ".5", "5.", "5e0", "5E-0", "0.5e1"}) {
    EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kGpuHours, good)), "") << good;
  }
}

TEST(QuotaTest, LimitHasAResolutionAndAMaximum) {
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, "0.0000000004")),
            "limit.dollars: '0.0000000004' rounds to 0 at the resolution of 1 nano-dollar");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, "1e-400")),
            "limit.dollars: '1e-400' rounds to 0 at the resolution of 1 nano-dollar");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kGpuHours, "0.0001")),
            "limit.gpu_hours: '0.0001' rounds to 0 at the resolution of 1 device-second");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kCpuHours, "1e-7")),
            "limit.cpu_hours: '1e-7' rounds to 0 at the resolution of 1 millicore-second");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, "1000000000.000000001")),
            "limit.dollars: '1000000000.000000001' is more than 1000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, "5e12")),
            "limit.dollars: '5e12' is more than 1000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, "1e99999")),
            "limit.dollars: '1e99999' is more than 1000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kGpuHours, "1000000001")),
            "limit.gpu_hours: '1000000001' is more than 1000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kBytesScanned, "1000000000000000001")),
            "limit.bytes_scanned: '1000000000000000001' is more than 1000000000000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kDollars, std::string(60, '9'))),
            "limit.dollars: '" + std::string(60, '9') + "' is more than 1000000000");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kBytesScanned, "1.5")),
            "limit.bytes_scanned: '1.5' must be a whole number of bytes");
  EXPECT_EQ(Rejection(WithLimit(QuotaUnit::kBytesScanned, "1e-3")),
            "limit.bytes_scanned: '1e-3' must be a whole number of bytes");
}

TEST(QuotaTest, LimitUnitMustSuitTheScope) {
  QuotaSpec spec = WithLimit(QuotaUnit::kGpuHours, "10");
  spec.scope = QuotaScopeSpec{};
  spec.scope->workgroup = "analytics";
  EXPECT_EQ(Rejection(spec),
            "limit: gpu_hours counts container spend, but scope.workgroup selects query spend "
            "only");
  spec = WithLimit(QuotaUnit::kCpuHours, "10");
  spec.scope->workgroup = "analytics";
  EXPECT_EQ(Rejection(spec),
            "limit: cpu_hours counts container spend, but scope.workgroup selects query spend "
            "only");
  spec = WithLimit(QuotaUnit::kBytesScanned, "10");
  spec.scope->namespace_name = "ml";
  EXPECT_EQ(Rejection(spec),
            "limit: bytes_scanned counts query spend, but scope.namespace selects container spend "
            "only");
  spec = WithLimit(QuotaUnit::kBytesScanned, "10");
  spec.scope->labels = Labels{{"app", "x"}};
  EXPECT_EQ(Rejection(spec),
            "limit: bytes_scanned counts query spend, but scope.labels selects container spend "
            "only");
  // Dollars suit every scope; team and cluster suit every unit.
  spec = WithLimit(QuotaUnit::kDollars, "10");
  spec.scope->workgroup = "analytics";
  EXPECT_EQ(Rejection(spec), "");
  for (const QuotaUnit unit : {QuotaUnit::kDollars, QuotaUnit::kGpuHours, QuotaUnit::kCpuHours,
                               QuotaUnit::kBytesScanned}) {
    spec = WithLimit(unit, "10");
    spec.scope->cluster = "prod";
    EXPECT_EQ(Rejection(spec), "") << ToString(unit);
  }
}

TEST(QuotaTest, ActionIsAlertOrDenyAndDenyNeedsContainerSpend) {
  QuotaSpec spec = AlphaWeekly();
  spec.action = "block";
  EXPECT_EQ(Rejection(spec), "action: 'block' is not one of alert, deny");
  spec.action = "DENY";
  EXPECT_EQ(Rejection(spec), "action: 'DENY' is not one of alert, deny");
  spec.action = "alert";
  EXPECT_EQ(ValidateQuota(spec).action, QuotaAction::kAlert);
  EXPECT_EQ(ToString(QuotaAction::kAlert), "alert");
  EXPECT_EQ(ToString(QuotaAction::kDeny), "deny");

  spec = WithLimit(QuotaUnit::kBytesScanned, "1e12");
  spec.action = "deny";
  EXPECT_EQ(Rejection(spec),
            "action: deny stops new pods, but bytes_scanned counts query spend only; use alert");
  spec = AlphaWeekly();
  spec.scope->workgroup = "analytics";
  EXPECT_EQ(Rejection(spec),
            "action: deny stops new pods, but scope.workgroup selects query spend only; use "
            "alert");
  for (const QuotaUnit unit : {QuotaUnit::kDollars, QuotaUnit::kGpuHours, QuotaUnit::kCpuHours}) {
    spec = WithLimit(unit, "10");
    spec.action = "deny";
    EXPECT_EQ(Rejection(spec), "") << ToString(unit);
  }
}

TEST(QuotaTest, ThresholdsAreIncreasingRatiosUpToTen) {
  QuotaSpec spec = AlphaWeekly();
  spec.thresholds = std::vector<double>{0.25, 0.9, 1.0, 1.5, 10};
  EXPECT_EQ(ValidateQuota(spec).thresholds_ppm,
            (std::vector<std::int64_t>{250'000, 900'000, 1'000'000, 1'500'000, 10'000'000}));
  spec.thresholds = std::vector<double>{};
  EXPECT_TRUE(ValidateQuota(spec).thresholds_ppm.empty());
  spec.thresholds = std::vector<double>{0.000001, 0.1234567};
  EXPECT_EQ(ValidateQuota(spec).thresholds_ppm, (std::vector<std::int64_t>{1, 123'457}));

  spec.thresholds = std::vector<double>{0.5, 0};
  EXPECT_EQ(Rejection(spec), "thresholds[1]: 0 is not in (0, 10]");
  spec.thresholds = std::vector<double>{-0.5};
  EXPECT_EQ(Rejection(spec), "thresholds[0]: -0.5 is not in (0, 10]");
  spec.thresholds = std::vector<double>{10.5};
  EXPECT_EQ(Rejection(spec), "thresholds[0]: 10.5 is not in (0, 10]");
  spec.thresholds = std::vector<double>{std::numeric_limits<double>::quiet_NaN()};
  EXPECT_EQ(Rejection(spec), "thresholds[0]: nan is not in (0, 10]");
  spec.thresholds = std::vector<double>{std::numeric_limits<double>::infinity()};
  EXPECT_EQ(Rejection(spec), "thresholds[0]: inf is not in (0, 10]");
  spec.thresholds = std::vector<double>{0.8, 0.5};
  EXPECT_EQ(Rejection(spec), "thresholds[1]: 0.5 is not greater than thresholds[0], 0.8");
  spec.thresholds = std::vector<double>{0.5, 0.8, 0.8};
  EXPECT_EQ(Rejection(spec), "thresholds[2]: 0.8 is not greater than thresholds[1], 0.8");
  // Equal once kept to the millionth.
  spec.thresholds = std::vector<double>{0.5, 0.5000001};
  EXPECT_EQ(Rejection(spec), "thresholds[1]: 0.5000001 is not greater than thresholds[0], 0.5");
  spec.thresholds = std::vector<double>{1e-7};
  EXPECT_EQ(Rejection(spec), "thresholds[0]: 1e-07 is below the resolution of 0.000001");
  spec.thresholds = std::vector<double>(11, 0);
  for (std::size_t i = 0; i < 11; ++i) (*spec.thresholds)[i] = 0.1 * static_cast<double>(i + 1);
  EXPECT_EQ(Rejection(spec), "thresholds: at most 10 ratios, got 11");
}

TEST(QuotaTest, ContactIsShortAndPrintable) {
  QuotaSpec spec = AlphaWeekly();
  spec.contact = std::string(256, 'c');
  EXPECT_EQ(ValidateQuota(spec).contact, std::string(256, 'c'));
  spec.contact = std::string(257, 'c');
  EXPECT_EQ(Rejection(spec), "contact: at most 256 characters, got 257");
  spec.contact = "ops\r\nBcc: x";
  EXPECT_EQ(Rejection(spec), "contact: must not contain control characters");
}

TEST(QuotaTest, TheFirstInvalidFieldIsReported) {
  QuotaSpec spec;  // everything missing
  EXPECT_EQ(Rejection(spec), "name: required");
  spec.name = "x";
  EXPECT_EQ(Rejection(spec), "scope: required; {} covers all spend");
  spec.scope = QuotaScopeSpec{};
  EXPECT_EQ(Rejection(spec), "period: required, one of day, week, month");
  spec.period = "day";
  EXPECT_EQ(Rejection(spec).substr(0, 6), "limit:");
  spec.limit = QuotaLimitSpec{};
  spec.limit->dollars = "1";
  EXPECT_EQ(Rejection(spec), "");
}

TEST(QuotaTest, UnitsAndTheirBaseUnits) {
  EXPECT_EQ(ToString(QuotaUnit::kDollars), "dollars");
  EXPECT_EQ(ToString(QuotaUnit::kGpuHours), "gpu_hours");
  EXPECT_EQ(ToString(QuotaUnit::kCpuHours), "cpu_hours");
  EXPECT_EQ(ToString(QuotaUnit::kBytesScanned), "bytes_scanned");
  EXPECT_EQ(BaseUnitsPerUnit(QuotaUnit::kDollars), Money::kNanosPerDollar);
  EXPECT_EQ(BaseUnitsPerUnit(QuotaUnit::kGpuHours), 3600);
  EXPECT_EQ(BaseUnitsPerUnit(QuotaUnit::kCpuHours), 3'600'000);
  EXPECT_EQ(BaseUnitsPerUnit(QuotaUnit::kBytesScanned), 1);
  EXPECT_DOUBLE_EQ(ToContractUnits(QuotaUnit::kDollars, 1'034'200'000'000), 1034.2);
  EXPECT_DOUBLE_EQ(ToContractUnits(QuotaUnit::kGpuHours, 5400), 1.5);
  EXPECT_DOUBLE_EQ(ToContractUnits(QuotaUnit::kCpuHours, 45'000'000), 12.5);
  EXPECT_DOUBLE_EQ(ToContractUnits(QuotaUnit::kBytesScanned, 12345), 12345.0);
}

TEST(QuotaTest, ContractUnitsRoundTripThroughJsonNumbers) {
  // What GET /v1/quotas shows is what PUT took, for amounts at the unit's resolution.
  for (const std::string text : {"1000", "0.1", "1234.56", "0.000000001", "999999999"}) {
    const std::int64_t base = LimitOf(QuotaUnit::kDollars, text);
    EXPECT_EQ(
        LimitOf(QuotaUnit::kDollars, fmt::format("{}", ToContractUnits(QuotaUnit::kDollars, base))),
        base)
        << text;
  }
}

}  // namespace
}  // namespace costledger::model
