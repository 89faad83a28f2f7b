#include "config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "costledger/common/secrets.hpp"
#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::cli {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDesignExample = R"({
  "cluster": "prod-eu",
  "database_url": "postgresql://costledger@db:5432/costledger",
  "listen": "0.0.0.0:9003",
  "interval_seconds": 60,
  "team_label": "team",
  "sources": {
    "kubernetes": {"api_url": "https://kubernetes.default.svc", "token_file": "/var/run/secrets/kubernetes.io/serviceaccount/token", "ca_file": "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"},
    "dcgm": {"urls": ["http://dcgm-exporter.gpu:9400/metrics"]},
    "pricing": {"region": "us-east-1", "on_demand": "offer.json", "spot_history": "spot.json"},
    "athena": {"executions": "athena.json", "price_per_tb": 5.0, "workgroup_teams": {"analytics": "alpha"}}
  },
  "auth": {"tokens_file": "tokens.json"}
})";

// The message of the InvalidInput that parsing `text` throws; fails the test when none is thrown.
std::string ConfigError(const std::string& text,
                        const std::map<std::string, std::string>& env = {}) {
  return testing::ErrorOf<InvalidInput>([&] { ParseConfig(text, env); });
}

TEST(ConfigTest, ParsesTheDesignExample) {
  const LoadedConfig loaded = ParseConfig(kDesignExample, {});
  const Config& c = loaded.config;
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(c.cluster, "prod-eu");
  EXPECT_EQ(c.listen, "0.0.0.0:9003");
  EXPECT_EQ(c.interval_seconds, 60);
  EXPECT_EQ(c.kubernetes.api_url, "https://kubernetes.default.svc");
  EXPECT_EQ(c.dcgm.urls, std::vector<std::string>{"http://dcgm-exporter.gpu:9400/metrics"});
  EXPECT_EQ(c.pricing.on_demand, "offer.json");
  EXPECT_EQ(c.athena.price_per_tb.nanos(), 5'000'000'000);
  EXPECT_EQ(c.athena.workgroup_teams.at("analytics"), "alpha");
  EXPECT_EQ(c.tokens_file, "tokens.json");
}

TEST(ConfigTest, EnvironmentOverridesKeys) {
  const LoadedConfig loaded =
      ParseConfig(kDesignExample, {{"COSTLEDGER_DATABASE_URL", "postgresql://x@y/z"},
                                   {"COSTLEDGER_LISTEN", "127.0.0.1:1"},
                                   {"COSTLEDGER_INTERVAL_SECONDS", "5"},
                                   {"COSTLEDGER_SOURCES_PRICING_REGION", "eu-west-1"},
                                   {"COSTLEDGER_SOURCES_DCGM_URLS", "http://a,http://b"}});
  EXPECT_EQ(loaded.config.database_url, "postgresql://x@y/z");
  EXPECT_EQ(loaded.config.listen, "127.0.0.1:1");
  EXPECT_EQ(loaded.config.interval_seconds, 5);
  EXPECT_EQ(loaded.config.pricing.region, "eu-west-1");
  EXPECT_EQ(loaded.config.dcgm.urls, (std::vector<std::string>{"http://a", "http://b"}));
}

TEST(ConfigTest, UnknownKeysAreWarnedByName) {
  const LoadedConfig loaded = ParseConfig(
      R"({"database_url":"postgresql://a@b/c","sources":{"kubernetes":{"api_url":"http://k",
          "tokn_file":"x"}},"colour":"blue"})",
      {});
  EXPECT_THAT(loaded.warnings,
              ::testing::UnorderedElementsAre(HasSubstr("'sources.kubernetes.tokn_file'"),
                                              HasSubstr("'colour'")));
}

TEST(ConfigTest, WrongTypesAndRangesNameTheKey) {
  const std::string base =
      R"("database_url":"postgresql://a@b/c","sources":{"kubernetes":{"api_url":"http://k"}})";
  EXPECT_THAT(ConfigError("{" + base + R"(,"interval_seconds":"60"})"),
              HasSubstr("'interval_seconds' must be an integer, not string"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"interval_seconds":0})"),
              HasSubstr("'interval_seconds' is 0; allowed 1..3600"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"listen":9003})"),
              HasSubstr("'listen' must be a string"));
  EXPECT_THAT(
      ConfigError("{" + base + R"(,"sources2":1,"split_weights":{"cpu_per_core_hour":-1}})"),
      HasSubstr("'split_weights.cpu_per_core_hour'"));
  EXPECT_THAT(
      ConfigError(
          "{" + base +
          R"(,"sources":{"kubernetes":{"api_url":"http://k"},"dcgm":{"urls":"http://x"}}})"),
      HasSubstr("'sources.dcgm.urls' must be an array"));
  EXPECT_THAT(ConfigError("{" + base + "}", {{"COSTLEDGER_INTERVAL_SECONDS", "ten"}}),
              HasSubstr("COSTLEDGER_INTERVAL_SECONDS: 'ten' is not an integer"));
  EXPECT_THAT(ConfigError("{not json"), HasSubstr("not valid JSON"));
  EXPECT_THAT(ConfigError("[]"), HasSubstr("must be a JSON object"));
}

TEST(ConfigTest, ApiWorkersAndQueueHaveDefaultsOverridesAndRanges) {
  const Config defaults = ParseConfig(kDesignExample, {}).config;
  EXPECT_EQ(defaults.api.workers, common::DefaultWorkerThreads());  // one per core, 2..8
  EXPECT_EQ(defaults.api.queue, 64);

  const std::string base =
      R"("database_url":"postgresql://a@b/c","sources":{"kubernetes":{"api_url":"http://k"}})";
  const LoadedConfig set = ParseConfig("{" + base + R"(,"api":{"workers":8,"queue":0}})", {});
  EXPECT_TRUE(set.warnings.empty());
  EXPECT_EQ(set.config.api.workers, 8);
  EXPECT_EQ(set.config.api.queue, 0);
  EXPECT_THAT(DescribeConfig(set.config), HasSubstr(R"("workers": 8)"));

  const Config from_env = ParseConfig("{" + base + "}", {{"COSTLEDGER_API_WORKERS", "2"},
                                                         {"COSTLEDGER_API_QUEUE", "5"}})
                              .config;
  EXPECT_EQ(from_env.api.workers, 2);
  EXPECT_EQ(from_env.api.queue, 5);

  EXPECT_THAT(ConfigError("{" + base + R"(,"api":{"workers":0}})"),
              HasSubstr("'api.workers' is 0; allowed 1..64"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"api":{"queue":-1}})"),
              HasSubstr("'api.queue' is -1; allowed 0..10000"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"api":{"queue":"64"}})"),
              HasSubstr("'api.queue' must be an integer, not string"));
}

TEST(ConfigTest, RequiredKeys) {
  EXPECT_THAT(ConfigError(R"({"sources":{"kubernetes":{"api_url":"http://k"}}})"),
              HasSubstr("'database_url' is required"));
  EXPECT_THAT(ConfigError(R"({"database_url":"postgresql://a@b/c"})"),
              HasSubstr("'sources.kubernetes.api_url' is required"));
}

TEST(ConfigTest, PasswordsNeverComeFromTheFileAndAreMasked) {
  EXPECT_THAT(
      ConfigError(
          R"({"database_url":"postgresql://u:hunter2@db/x","sources":{"kubernetes":{"api_url":"http://k"}}})"),
      HasSubstr("contains a password"));
  const LoadedConfig loaded =
      ParseConfig(kDesignExample, {{"COSTLEDGER_DATABASE_URL", "postgresql://u:hunter2@db/x"},
                                   {"COSTLEDGER_DATABASE_PASSWORD", "s3cret"}});
  EXPECT_EQ(loaded.config.database_password, "s3cret");
  const std::string described = DescribeConfig(loaded.config);
  EXPECT_THAT(described, Not(HasSubstr("hunter2")));
  EXPECT_THAT(described, Not(HasSubstr("s3cret")));
  EXPECT_THAT(described, HasSubstr("postgresql://u:***@db/x"));
  EXPECT_EQ(common::MaskConnectionSecrets("host=db password=abc user=x"),
            "host=db password=*** user=x");
}

TEST(ConfigTest, ReportsSmtpAndTimeZoneHaveDefaultsAndNameBadValues) {
  const Config defaults = ParseConfig(kDesignExample, {}).config;
  EXPECT_EQ(defaults.time_zone, "UTC");
  EXPECT_TRUE(defaults.reports.enabled);
  EXPECT_EQ(defaults.reports.weekday, 1);
  EXPECT_EQ(defaults.reports.hour, 6);
  EXPECT_TRUE(defaults.reports.teams.empty());
  EXPECT_EQ(defaults.smtp.starttls, "try");

  const std::string base =
      R"("database_url":"postgresql://a@b/c","sources":{"kubernetes":{"api_url":"http://k"}})";
  const LoadedConfig set = ParseConfig("{" + base + R"(,"time_zone":"Europe/Berlin",
        "reports":{"weekday":"tuesday","hour":7,"base_url":"https://cost.example.com",
                   "teams":{"alpha":{"mail":["lead@example.com","ds@example.com"],
                                     "webhook":"https://hooks.example.com/T1"}}},
        "smtp":{"url":"smtp://mail.example.com:587","username":"costledger",
                "starttls":"required"}})",
                                       {{"COSTLEDGER_SMTP_PASSWORD", "mail-s3cret"}});
  EXPECT_TRUE(set.warnings.empty());
  const Config& c = set.config;
  EXPECT_EQ(c.time_zone, "Europe/Berlin");
  EXPECT_EQ(c.reports.weekday, 2);
  EXPECT_EQ(c.reports.hour, 7);
  ASSERT_TRUE(c.reports.teams.contains("alpha"));
  EXPECT_EQ(c.reports.teams.at("alpha").mail,
            (std::vector<std::string>{"lead@example.com", "ds@example.com"}));
  EXPECT_EQ(c.reports.teams.at("alpha").webhook, "https://hooks.example.com/T1");
  EXPECT_EQ(c.smtp.password, "mail-s3cret");
  const std::string described = DescribeConfig(c);
  EXPECT_THAT(described, Not(HasSubstr("mail-s3cret")));
  EXPECT_THAT(described, HasSubstr(R"("weekday": "tuesday")"));

  EXPECT_THAT(ConfigError("{" + base + R"(,"time_zone":"Mars/Olympus"})"),
              HasSubstr("'time_zone': time zone 'Mars/Olympus' is not in the tz database"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"reports":{"weekday":"mon"}})"),
              HasSubstr("'reports.weekday' is 'mon'; allowed: monday, tuesday"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"reports":{"hour":24}})"),
              HasSubstr("'reports.hour' is 24; allowed 0..23"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"reports":{"teams":{"a":{"mail":["nobody"]}}}})"),
              HasSubstr("'reports.teams.a.mail' has 'nobody', which is not a mail address"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"reports":{"teams":{"a":{"slack":"x"}}}})"),
              HasSubstr("'reports.teams.a.slack' is unknown; allowed: mail, webhook"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"reports":{"teams":{"a":{"webhook":"ftp://x"}}}})"),
              HasSubstr("'reports.teams.a.webhook' must be an http:// or https:// URL"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"smtp":{"url":"mail.example.com"}})"),
              HasSubstr("'smtp.url' must start with smtp:// or smtps://"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"smtp":{"url":"smtp://u:pw@mail"}})"),
              HasSubstr("smtp.url contains a password"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"smtp":{"starttls":"always"}})"),
              HasSubstr("'smtp.starttls' is 'always'; allowed: required, try, none"));
}

TEST(ConfigTest, QuotasFileIsAKeyWithAnEnvironmentOverride) {
  EXPECT_EQ(ParseConfig(kDesignExample, {}).config.quotas_file, "");
  const std::string with = std::string(kDesignExample).insert(1, R"("quotas_file":"q.json",)");
  const LoadedConfig loaded = ParseConfig(with, {});
  EXPECT_EQ(loaded.config.quotas_file, "q.json");
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(ParseConfig(with, {{"COSTLEDGER_QUOTAS_FILE", "/etc/q.json"}}).config.quotas_file,
            "/etc/q.json");
  EXPECT_THAT(DescribeConfig(loaded.config), HasSubstr(R"("quotas_file": "q.json")"));
}

TEST(ConfigTest, QuotaEvaluationKeysHaveDefaultsAndNameBadValues) {
  const Config defaults = ParseConfig(kDesignExample, {}).config;
  EXPECT_TRUE(defaults.quota_evaluation.enabled);
  EXPECT_EQ(defaults.quota_evaluation.evaluate_seconds, 30);
  EXPECT_TRUE(defaults.quota_evaluation.alerts.webhooks.empty());

  const std::string base =
      R"("database_url":"postgresql://a@b/c","sources":{"kubernetes":{"api_url":"http://k"}})";
  const LoadedConfig set = ParseConfig("{" + base + R"(,"quotas":{"evaluate_seconds":10,
      "alerts":{"webhooks":[{"url":"https://hooks.slack.com/x","format":"slack"},
                            {"url":"http://alerts.internal/q"}],
                "mail":["finops@example.com"], "retry_seconds": 30,
                "quotas":{"alpha-weekly":{"webhooks":["https://alpha.example.com/hook"]}}}},
      "smtp":{"url":"smtp://mail:25"}})",
                                       {});
  EXPECT_TRUE(set.warnings.empty()) << set.warnings.front();
  const Config::QuotaEvaluation& q = set.config.quota_evaluation;
  EXPECT_EQ(q.evaluate_seconds, 10);
  EXPECT_EQ(q.alert_retry_seconds, 30);
  ASSERT_EQ(q.alerts.webhooks.size(), 2U);
  EXPECT_EQ(q.alerts.webhooks[0].format, "slack");
  EXPECT_EQ(q.alerts.webhooks[1].format, "json");
  EXPECT_EQ(q.alerts.mail, std::vector<std::string>{"finops@example.com"});
  ASSERT_EQ(q.alerts_by_quota.at("alpha-weekly").webhooks.size(), 1U);
  EXPECT_THAT(DescribeConfig(set.config), HasSubstr(R"("evaluate_seconds": 10)"));
  const LoadedConfig no_smtp =
      ParseConfig("{" + base + R"(,"quotas":{"alerts":{"mail":["a@example.com"]}}})", {});
  ASSERT_EQ(no_smtp.warnings.size(), 1U);
  EXPECT_THAT(no_smtp.warnings[0], HasSubstr("smtp.url is not set"));
  EXPECT_EQ(ParseConfig("{" + base + "}", {{"COSTLEDGER_QUOTAS_EVALUATE_SECONDS", "5"}})
                .config.quota_evaluation.evaluate_seconds,
            5);

  EXPECT_THAT(ConfigError("{" + base + R"(,"quotas":{"evaluate_seconds":0}})"),
              HasSubstr("'quotas.evaluate_seconds' is 0; allowed 1..3600"));
  EXPECT_THAT(
      ConfigError("{" + base +
                  R"(,"quotas":{"alerts":{"webhooks":[{"url":"http://x","format":"teams"}]}}})"),
      HasSubstr("'quotas.alerts.webhooks[0].format' is 'teams'; allowed: json, slack"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"quotas":{"alerts":{"webhooks":[{"url":"ftp://x"}]}}})"),
              HasSubstr("'quotas.alerts.webhooks[0].url' must be an http:// or https:// URL"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"quotas":{"alerts":{"mail":["nobody"]}}})"),
              HasSubstr("'quotas.alerts.mail' has 'nobody', which is not a mail address"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"quotas":{"alerts":{"quotas":{"a":{"slack":1}}}}})"),
              HasSubstr("'quotas.alerts.quotas.a.slack' is unknown; allowed: webhooks, mail"));
}

TEST(ConfigTest, EfficiencyHasDefaultsWorkCountersAndNamesBadValues) {
  const Config defaults = ParseConfig(kDesignExample, {}).config;
  EXPECT_EQ(defaults.efficiency.window, "7d");
  EXPECT_EQ(defaults.efficiency.refresh_seconds, 300);
  EXPECT_EQ(defaults.efficiency.lost_work_seconds, 1800);
  EXPECT_TRUE(defaults.efficiency.work_counters.empty());
  const std::string base = std::string(kDesignExample).substr(1, std::strlen(kDesignExample) - 2);
  const LoadedConfig set = ParseConfig("{" + base + R"(,"efficiency":{"window":"3d",
      "headroom_percent":20,"work_counters":{"queue/worker":{"url":"http://w:9100/metrics",
      "counter":"items_processed_total"}}}})",
                                       {{"COSTLEDGER_EFFICIENCY_REFRESH_SECONDS", "60"}});
  EXPECT_TRUE(set.warnings.empty()) << set.warnings.front();
  EXPECT_EQ(set.config.efficiency.window, "3d");
  EXPECT_EQ(set.config.efficiency.headroom_percent, 20);
  EXPECT_EQ(set.config.efficiency.refresh_seconds, 60);
  ASSERT_EQ(set.config.efficiency.work_counters.size(), 1U);
  EXPECT_EQ(set.config.efficiency.work_counters.at("queue/worker").counter,
            "items_processed_total");
  EXPECT_THAT(ConfigError("{" + base + R"(,"efficiency":{"work_counters":{"w":{"url":"w:9"}}}})"),
              HasSubstr("efficiency.work_counters.w.url"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"efficiency":{"percentile":0}})"),
              HasSubstr("efficiency.percentile"));
}

// auth.anonymous_role (off by default, viewer only) and OpenCost's alias labels.
TEST(ConfigTest, AnonymousRoleAndOpenCostLabelMapping) {
  const std::string base = R"({"database_url":"postgresql://a@b/c",
    "sources":{"kubernetes":{"api_url":"http://k"}})";
  const Config defaults = ParseConfig(base + "}", {}).config;
  EXPECT_EQ(defaults.anonymous_role, "");
  EXPECT_EQ(defaults.label_aliases.department, "department");
  EXPECT_EQ(defaults.label_aliases.environment, "env");
  EXPECT_EQ(defaults.label_aliases.product, "app");
  const Config set = ParseConfig(base + R"(, "auth": {"anonymous_role": "viewer"},
    "opencost": {"label_mapping": {"department": "cost-center", "product": "app.kubernetes.io/name"}}})",
                                 {})
                         .config;
  EXPECT_EQ(set.anonymous_role, "viewer");
  EXPECT_EQ(set.label_aliases.department, "cost-center");
  EXPECT_EQ(set.label_aliases.product, "app.kubernetes.io/name");
  EXPECT_EQ(set.label_aliases.owner, "owner");
  EXPECT_THAT(ConfigError(base + R"(, "auth": {"anonymous_role": "admin"}})"),
              HasSubstr("auth.anonymous_role"));
  EXPECT_THAT(ConfigError(base + R"(, "opencost": {"label_mapping": {"owner": ""}}})"),
              HasSubstr("opencost.label_mapping.owner"));
}

TEST(ConfigTest, ReadReplicaUrlDefaultsToThePrimaryAndKeepsItsPasswordOutOfTheFile) {
  const std::string base = R"("database_url":"postgresql://u@primary/x",)"
                           R"("sources":{"kubernetes":{"api_url":"http://k"}})";
  const Config primary_only = ParseConfig("{" + base + "}", {}).config;
  EXPECT_EQ(primary_only.ReadUrl(), "postgresql://u@primary/x");
  EXPECT_EQ(primary_only.database_read_max_lag_seconds, 30);

  const Config replica = ParseConfig("{" + base +
                                         R"(,"database_read_url":"postgresql://u@replica/x",)"
                                         R"("database_read_max_lag_seconds":5})",
                                     {})
                             .config;
  EXPECT_EQ(replica.database_url, "postgresql://u@primary/x");
  EXPECT_EQ(replica.ReadUrl(), "postgresql://u@replica/x");
  EXPECT_EQ(replica.database_read_max_lag_seconds, 5);
  EXPECT_EQ(ParseConfig("{" + base + "}", {{"COSTLEDGER_DATABASE_READ_URL", "postgresql://u@r2/x"},
                                           {"COSTLEDGER_DATABASE_READ_MAX_LAG_SECONDS", "7"}})
                .config.ReadUrl(),
            "postgresql://u@r2/x");

  EXPECT_THAT(ConfigError("{" + base + R"(,"database_read_url":"postgresql://u:pw@replica/x"})"),
              HasSubstr("database_read_url in the configuration file contains a password"));
  EXPECT_THAT(ConfigError("{" + base + R"(,"database_read_max_lag_seconds":0})"),
              HasSubstr("database_read_max_lag_seconds"));
  EXPECT_THAT(DescribeConfig(replica),
              HasSubstr(R"("database_read_url": "postgresql://u@replica/x")"));
}

TEST(ConfigTest, KubeletRoundIsBoundedByDefault) {
  const std::string base = R"("database_url":"postgresql://u@db/x","interval_seconds":60,)"
                           R"("sources":{"kubernetes":{"api_url":"http://k")";
  const Config defaults = ParseConfig("{" + base + "}}}", {}).config;
  EXPECT_EQ(defaults.kubernetes.kubelet_concurrency, 64);
  EXPECT_EQ(defaults.kubernetes.kubelet_deadline_seconds, 30);  // half the interval
  const Config set =
      ParseConfig("{" + base + R"(,"kubelet_concurrency":16,"kubelet_deadline_seconds":20}}})", {})
          .config;
  EXPECT_EQ(set.kubernetes.kubelet_concurrency, 16);
  EXPECT_EQ(set.kubernetes.kubelet_deadline_seconds, 20);
  EXPECT_THAT(ConfigError("{" + base + R"(,"kubelet_deadline_seconds":61}}})"),
              HasSubstr("kubelet_deadline_seconds"));
}

}  // namespace
}  // namespace costledger::cli
