#include "costledger/api/auth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "costledger/model/errors.hpp"
#include "temp_dir.hpp"

namespace costledger::api {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string Entry(const std::string& name, const std::string& token, const std::string& role,
                  const std::string& teams) {
  return R"({"name": ")" + name + R"(", "sha256": ")" + Sha256Hex(token) + R"(", "role": ")" +
         role + R"(", "teams": )" + teams + "}";
}

const std::string kTokens = "[" + Entry("platform", "admin-secret", "admin", R"(["*"])") + ", " +
                            Entry("alpha-dash", "alpha-secret", "viewer", R"(["alpha", "beta"])") +
                            ", " + Entry("webhook", "hook-secret", "admission", R"(["*"])") + "]";

TEST(Sha256HexTest, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(RoleTest, ParsesTheThreeRoles) {
  EXPECT_EQ(ParseRole("viewer"), Role::kViewer);
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("admission"), Role::kAdmission);
  EXPECT_EQ(RoleName(Role::kAdmission), "admission");
}

TEST(RoleTest, UnknownRoleNamesTheAllowedValues) {
  EXPECT_THAT([] { ParseRole("Admin"); },
              ThrowsMessage<InvalidInput>(
                  AllOf(HasSubstr("\"Admin\""), HasSubstr("viewer, admin, admission"))));
}

TEST(TokenRegistryTest, AuthenticatesEachTokenAsItsPrincipal) {
  const TokenRegistry registry = TokenRegistry::Parse(kTokens);
  EXPECT_EQ(registry.size(), 3U);

  const auto admin = registry.Authenticate("admin-secret");
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->name, "platform");
  EXPECT_EQ(admin->role, Role::kAdmin);
  EXPECT_TRUE(admin->scope.all_teams);

  const auto viewer = registry.Authenticate("alpha-secret");
  ASSERT_TRUE(viewer.has_value());
  EXPECT_EQ(viewer->name, "alpha-dash");
  EXPECT_EQ(viewer->role, Role::kViewer);
  EXPECT_FALSE(viewer->scope.all_teams);

  const auto hook = registry.Authenticate("hook-secret");
  ASSERT_TRUE(hook.has_value());
  EXPECT_EQ(hook->role, Role::kAdmission);
}

TEST(TokenRegistryTest, RejectsWrongTokens) {
  const TokenRegistry registry = TokenRegistry::Parse(kTokens);
  EXPECT_FALSE(registry.Authenticate("").has_value());
  EXPECT_FALSE(registry.Authenticate("admin-secreT").has_value());
  EXPECT_FALSE(registry.Authenticate("admin-secret ").has_value());
  EXPECT_FALSE(registry.Authenticate(Sha256Hex("admin-secret")).has_value());
}

TEST(TokenRegistryTest, EmptyFileAuthenticatesNobody) {
  const TokenRegistry registry = TokenRegistry::Parse("[]");
  EXPECT_EQ(registry.size(), 0U);
  EXPECT_FALSE(registry.Authenticate("anything").has_value());
}

TEST(TokenRegistryTest, ScopedTokenSeesOnlyItsTeams) {
  const TokenRegistry registry = TokenRegistry::Parse(kTokens);
  const Principal viewer = *registry.Authenticate("alpha-secret");
  EXPECT_TRUE(viewer.SeesTeam("alpha"));
  EXPECT_TRUE(viewer.SeesTeam("beta"));
  EXPECT_FALSE(viewer.SeesTeam("gamma"));
  EXPECT_FALSE(viewer.SeesTeam("Alpha"));
  EXPECT_FALSE(viewer.SeesTeam(""));
  const Principal admin = *registry.Authenticate("admin-secret");
  EXPECT_TRUE(admin.SeesTeam("gamma"));
  EXPECT_TRUE(admin.SeesTeam("anything"));
}

TEST(TokenRegistryTest, AcceptsUpperCaseHex) {
  std::string hex = Sha256Hex("t");
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const TokenRegistry registry = TokenRegistry::Parse(R"([{"name": "n", "sha256": ")" + hex +
                                                      R"(", "role": "viewer", "teams": ["a"]}])");
  EXPECT_TRUE(registry.Authenticate("t").has_value());
}

void ExpectInvalid(const std::string& json, const std::string& where, const std::string& what) {
  EXPECT_THAT([&] { TokenRegistry::Parse(json); },
              ThrowsMessage<InvalidInput>(AllOf(HasSubstr(where), HasSubstr(what))))
      << json;
}

TEST(TokenRegistryTest, ErrorsNameTheEntryAndField) {
  const std::string good = Entry("ok", "ok-token", "viewer", R"(["a"])");
  const std::string hex = Sha256Hex("x");
  ExpectInvalid("[" + good + R"(, {"sha256": ")" + hex + R"(", "role": "admin", "teams": ["*"]}])",
                "tokens[1].name", "missing");
  ExpectInvalid(R"([{"name": "", "sha256": ")" + hex + R"(", "role": "admin", "teams": ["*"]}])",
                "tokens[0].name", "empty");
  ExpectInvalid(R"([{"name": 5, "sha256": ")" + hex + R"(", "role": "admin", "teams": ["*"]}])",
                "tokens[0].name", "string");
  ExpectInvalid(R"([{"name": "n", "role": "admin", "teams": ["*"]}])", "tokens[0].sha256",
                "missing");
  ExpectInvalid(R"([{"name": "n", "sha256": "abc123", "role": "admin", "teams": ["*"]}])",
                "tokens[0].sha256", "64 hex digits (got 6");
  ExpectInvalid(R"([{"name": "n", "sha256": ")" + std::string(64, 'g') +
                    R"(", "role": "admin", "teams": ["*"]}])",
                "tokens[0].sha256", "64 hex digits");
  ExpectInvalid("[" + good + ", " + Entry("again", "ok-token", "admin", R"(["*"])") + "]",
                "tokens[1].sha256", "duplicate of tokens[0]");
  ExpectInvalid("[" + Entry("n", "t", "root", R"(["*"])") + "]", "tokens[0].role",
                "viewer, admin, admission");
  ExpectInvalid(R"([{"name": "n", "sha256": ")" + hex + R"(", "teams": ["*"]}])", "tokens[0].role",
                "missing");
  ExpectInvalid("[" + Entry("n", "t", "viewer", "[]") + "]", "tokens[0].teams", "empty");
  ExpectInvalid(R"([{"name": "n", "sha256": ")" + hex + R"(", "role": "viewer"}])",
                "tokens[0].teams", "missing");
  ExpectInvalid("[" + Entry("n", "t", "viewer", R"("alpha")") + "]", "tokens[0].teams", "array");
  ExpectInvalid("[" + Entry("n", "t", "viewer", R"(["alpha", ""])") + "]", "tokens[0].teams",
                "non-empty strings");
  ExpectInvalid("[" + good + ", 7]", "tokens[1]", "object");
}

TEST(TokenRegistryTest, RejectsNonArraysAndBadJson) {
  ExpectInvalid(R"({"name": "n"})", "tokens file", "array");
  ExpectInvalid("[{", "tokens file", "not valid JSON");
}

TEST(TokenRegistryTest, LoadsFilesAndNamesUnreadableOnes) {
  const testing::TempDir dir("auth_test");
  const std::string path = dir.Path("tokens.json");
  {
    std::ofstream out(path);
    out << kTokens;
  }
  EXPECT_EQ(TokenRegistry::LoadFile(path).size(), 3U);
  {
    std::ofstream out(path);
    out << "[" << Entry("n", "t", "root", R"(["*"])") << "]";
  }
  EXPECT_THAT([&] { TokenRegistry::LoadFile(path); },
              ThrowsMessage<InvalidInput>(AllOf(HasSubstr(path), HasSubstr("tokens[0].role"))));
  std::filesystem::remove(path);
  EXPECT_THAT([&] { TokenRegistry::LoadFile(path); },
              ThrowsMessage<InvalidInput>(HasSubstr("cannot read tokens file " + path)));
}

TEST(BearerTokenTest, ExtractsTheToken) {
  EXPECT_EQ(BearerToken("Bearer abc123"), "abc123");
  EXPECT_EQ(BearerToken("bearer abc123"), "abc123");
  EXPECT_EQ(BearerToken("BEARER   abc123  "), "abc123");
  EXPECT_EQ(BearerToken(" \tBearer\tabc123"), "abc123");
}

TEST(BearerTokenTest, RejectsOtherSchemesAndEmptyTokens) {
  EXPECT_FALSE(BearerToken("").has_value());
  EXPECT_FALSE(BearerToken("Bearer").has_value());
  EXPECT_FALSE(BearerToken("Bearer    ").has_value());
  EXPECT_FALSE(BearerToken("Bearerabc").has_value());
  EXPECT_FALSE(BearerToken("Basic dXNlcjpwYXNz").has_value());
  EXPECT_FALSE(BearerToken("Token abc").has_value());
}

}  // namespace
}  // namespace costledger::api
