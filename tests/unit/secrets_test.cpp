#include "costledger/common/secrets.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace costledger::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Masks `connection`, expects exactly `masked`, and that no piece of the secret survives.
void ExpectMasked(const std::string& connection, const std::string& masked,
                  const std::vector<std::string>& secret_pieces) {
  SCOPED_TRACE(connection);
  const std::string out = MaskConnectionSecrets(connection);
  EXPECT_EQ(out, masked);
  for (const std::string& piece : secret_pieces) EXPECT_THAT(out, Not(HasSubstr(piece)));
  EXPECT_TRUE(HasConnectionSecret(connection));
}

void ExpectUnchanged(const std::string& connection) {
  SCOPED_TRACE(connection);
  EXPECT_EQ(MaskConnectionSecrets(connection), connection);
  EXPECT_FALSE(HasConnectionSecret(connection));
}

TEST(SecretsTest, UriUserInfoPasswordIsMasked) {
  ExpectMasked("postgresql://user:pw@host/db", "postgresql://user:***@host/db", {"pw"});
  ExpectMasked("postgres://costledger:hunter2@db:5432/costledger?sslmode=require",
               "postgres://costledger:***@db:5432/costledger?sslmode=require", {"hunter2"});
  ExpectMasked("postgresql://u:s3cret@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db",
               {"s3cret"});
}

TEST(SecretsTest, UriPasswordWithoutUserIsMasked) {
  ExpectMasked("postgresql://:pw@host/db", "postgresql://:***@host/db", {"pw"});
  ExpectMasked("postgresql://:@host/db", "postgresql://:***@host/db", {});
}

TEST(SecretsTest, PercentEncodedUriPasswordIsMaskedWhole) {
  ExpectMasked("postgresql://user:p%40ss%3Aw%2Frd%20x@host:5432/db",
               "postgresql://user:***@host:5432/db", {"p%40", "ss", "%3A", "w%2Frd", "%20x"});
}

TEST(SecretsTest, RawAtSignInAUriPasswordIsMaskedWhole) {
  ExpectMasked("postgresql://u:p@ss@host/db", "postgresql://u:***@host/db", {"p@ss", "ss@"});
}

TEST(SecretsTest, UriWithoutPasswordIsUnchanged) {
  ExpectUnchanged("postgresql://costledger@db:5432/costledger");
  ExpectUnchanged("postgresql://db:5432/costledger?sslmode=require&user=a@b");
  ExpectUnchanged("postgresql://u@[::1]:5432/db");
  ExpectUnchanged("postgresql:///costledger?host=/run/postgresql");
}

TEST(SecretsTest, QueryParameterPasswordIsMasked) {
  ExpectMasked("postgresql://host/db?password=x&sslmode=require",
               "postgresql://host/db?password=***&sslmode=require", {"=x"});
  ExpectMasked("postgresql://u@host/db?sslmode=require&password=se%20cret",
               "postgresql://u@host/db?sslmode=require&password=***", {"se", "cret"});
  ExpectMasked("postgresql://host/db?sslpassword=keypw&pass%77ord=pw2",
               "postgresql://host/db?sslpassword=***&pass%77ord=***", {"keypw", "pw2"});
  // As the PostgreSQL adapter builds it: the password percent-encoded after the URL's own.
  ExpectMasked("postgresql://u:a@h/db?password=it%27s%20x&connect_timeout=10",
               "postgresql://u:***@h/db?password=***&connect_timeout=10", {"it%27s", "%20x"});
}

TEST(SecretsTest, KeywordPasswordIsMasked) {
  ExpectMasked("host=db password=abc user=x", "host=db password=*** user=x", {"abc"});
  ExpectMasked("password=abc", "password=***", {"abc"});
  ExpectMasked("host=db sslpassword=k3y", "host=db sslpassword=***", {"k3y"});
}

TEST(SecretsTest, QuotedKeywordPasswordIsMaskedWhole) {
  ExpectMasked("password='se cret'", "password=***", {"se", "cret", "'"});
  ExpectMasked("host=db password='se cret' dbname=x", "host=db password=*** dbname=x",
               {"se", "cret"});
  ExpectMasked(R"(host=db password='it\'s' user=x)", "host=db password=*** user=x", {"it", "'s"});
  ExpectMasked(R"(password='a\\' user=x)", "password=*** user=x", {"a\\"});
  ExpectMasked(R"(password=se\ cret user=x)", "password=*** user=x", {"se\\", "cret"});
  // An unterminated quote hides everything after it rather than guess where the secret ends.
  ExpectMasked("host=db password='se cret user=x", "host=db password=***", {"se", "cret"});
}

TEST(SecretsTest, SpacesAroundTheEqualsSignAreAllowed) {
  ExpectMasked("host=db password = abc user=x", "host=db password = *** user=x", {"abc"});
  ExpectMasked("host=db password\t=  'se cret'", "host=db password\t=  ***", {"se", "cret"});
  ExpectMasked("password= abc", "password= ***", {"abc"});
}

TEST(SecretsTest, KeywordStringWithoutPasswordIsUnchanged) {
  ExpectUnchanged("host=db user=costledger dbname=costledger");
  ExpectUnchanged("host=db application_name='password=x' user=y");
  ExpectUnchanged("");
}

}  // namespace
}  // namespace costledger::common
