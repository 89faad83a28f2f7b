// The configuration keys of issue 11's enforcement: tls.* and admission.*.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "costledger/model/errors.hpp"
#include "error_of.hpp"

namespace costledger::cli {
namespace {

using ::testing::HasSubstr;

// The smallest valid configuration, plus `extra` keys.
std::string With(const nlohmann::json& extra) {
  nlohmann::json c = {{"cluster", "prod-eu"},
                      {"database_url", "postgresql://costledger@db:5432/costledger"},
                      {"sources", {{"kubernetes", {{"api_url", "https://k8s"}}}}}};
  c.merge_patch(extra);
  return c.dump();
}

std::string ConfigError(const nlohmann::json& extra) {
  return testing::ErrorOf<InvalidInput>([&] { ParseConfig(With(extra), {}); });
}

TEST(AdmissionConfigTest, DefaultsFailOpenAfterTenMinutes) {
  const LoadedConfig loaded = ParseConfig(With(nlohmann::json::object()), {});
  EXPECT_EQ(loaded.config.admission.failure_policy, "fail-open");
  EXPECT_EQ(loaded.config.admission.stale_after_seconds, 600);
  EXPECT_EQ(loaded.config.admission.contact, "");
  EXPECT_EQ(loaded.config.api.tls_cert_file, "");
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(AdmissionConfigTest, KeysAreReadAndOverridable) {
  const LoadedConfig loaded = ParseConfig(With({{"tls",
                                                 {{"cert_file", "/tls/tls.crt"},
                                                  {"key_file", "/tls/tls.key"},
                                                  {"client_ca_file", "/tls/ca.crt"}}},
                                                {"admission",
                                                 {{"failure_policy", "fail-closed"},
                                                  {"stale_after_seconds", 900},
                                                  {"contact", "#ml-platform"}}}}),
                                          {{"COSTLEDGER_ADMISSION_STALE_AFTER_SECONDS", "1200"}});
  const Config& c = loaded.config;
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(c.api.tls_cert_file, "/tls/tls.crt");
  EXPECT_EQ(c.api.tls_key_file, "/tls/tls.key");
  EXPECT_EQ(c.api.tls_client_ca_file, "/tls/ca.crt");
  EXPECT_EQ(c.admission.failure_policy, "fail-closed");
  EXPECT_EQ(c.admission.stale_after_seconds, 1200);
  EXPECT_EQ(c.admission.contact, "#ml-platform");
  const nlohmann::json described = nlohmann::json::parse(DescribeConfig(c));
  EXPECT_EQ(described["admission"]["failure_policy"], "fail-closed");
  EXPECT_EQ(described["tls"]["client_ca_file"], "/tls/ca.crt");
}

TEST(AdmissionConfigTest, OlderApiTlsKeysStillWork) {
  const LoadedConfig loaded =
      ParseConfig(With({{"api", {{"tls_cert_file", "/a.crt"}, {"tls_key_file", "/a.key"}}}}), {});
  EXPECT_EQ(loaded.config.api.tls_cert_file, "/a.crt");
  EXPECT_EQ(loaded.config.api.tls_key_file, "/a.key");
}

TEST(AdmissionConfigTest, BadValuesNameTheKey) {
  EXPECT_THAT(ConfigError({{"admission", {{"failure_policy", "Ignore"}}}}),
              HasSubstr("'admission.failure_policy' is 'Ignore'; allowed: fail-open, fail-closed"));
  EXPECT_THAT(ConfigError({{"admission", {{"stale_after_seconds", 5}}}}),
              HasSubstr("admission.stale_after_seconds"));
  EXPECT_THAT(ConfigError({{"tls", {{"cert_file", "/a.crt"}}}}),
              HasSubstr("tls.cert_file and tls.key_file must be set together"));
  EXPECT_THAT(ConfigError({{"tls", {{"client_ca_file", "/ca.crt"}}}}),
              HasSubstr("tls.client_ca_file needs tls.cert_file"));
  EXPECT_THAT(ConfigError({{"tls", {{"cert_file", "/a.crt"}, {"key_file", "/a.key"}}},
                           {"api", {{"tls_cert_file", "/b.crt"}}}}),
              HasSubstr("name different files"));
}

}  // namespace
}  // namespace costledger::cli
