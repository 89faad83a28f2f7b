#include "costledger/api/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "costledger/model/errors.hpp"

namespace costledger::api {
namespace {

constexpr std::size_t kDigestBytes = 32;

std::array<unsigned char, kDigestBytes> Sha256(std::string_view data) {
  std::array<unsigned char, kDigestBytes> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != kDigestBytes) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void Fail(std::size_t index, std::string_view field, const std::string& message) {
  throw InvalidInput("tokens[" + std::to_string(index) + "]" +
                     (field.empty() ? std::string() : "." + std::string(field)) + ": " + message);
}

const nlohmann::json& RequiredString(const nlohmann::json& entry, std::size_t index,
                                     const char* field) {
  const auto it = entry.find(field);
  if (it == entry.end()) Fail(index, field, "missing");
  if (!it->is_string()) Fail(index, field, "must be a string");
  return *it;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

Role ParseRole(std::string_view text) {
  if (text == "viewer") return Role::kViewer;
  if (text == "admin") return Role::kAdmin;
  if (text == "admission") return Role::kAdmission;
  if (text == "metrics") return Role::kMetrics;
  throw InvalidInput("unknown role \"" + std::string(text) +
                     "\" (allowed: viewer, admin, admission, metrics)");
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
    case Role::kAdmission:
      return "admission";
    case Role::kMetrics:
      return "metrics";
  }
  return "unknown";
}

std::string Sha256Hex(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * kDigestBytes);
  for (const unsigned char byte : Sha256(data)) {
    hex.push_back(kDigits[byte >> 4U]);
    hex.push_back(kDigits[byte & 0x0FU]);
  }
  return hex;
}

TokenRegistry TokenRegistry::Parse(std::string_view json_text) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {
    throw InvalidInput(std::string("tokens file is not valid JSON: ") + error.what());
  }
  if (!document.is_array()) throw InvalidInput("tokens file must hold a JSON array of tokens");

  TokenRegistry registry;
  for (std::size_t index = 0; index < document.size(); ++index) {
    const nlohmann::json& item = document[index];
    if (!item.is_object()) Fail(index, "", "must be an object");
    Entry entry;

    entry.principal.name = RequiredString(item, index, "name").get<std::string>();
    if (entry.principal.name.empty()) Fail(index, "name", "must not be empty");

    const auto& hex = RequiredString(item, index, "sha256").get_ref<const std::string&>();
    if (hex.size() != 2 * kDigestBytes) {
      Fail(index, "sha256",
           "must be 64 hex digits (got " + std::to_string(hex.size()) + " characters)");
    }
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
      const int high = HexValue(hex[2 * i]);
      const int low = HexValue(hex[2 * i + 1]);
      if (high < 0 || low < 0) Fail(index, "sha256", "must be 64 hex digits");
      entry.digest[i] = static_cast<unsigned char>(high * 16 + low);
    }
    for (std::size_t other = 0; other < registry.entries_.size(); ++other) {
      if (registry.entries_[other].digest == entry.digest) {
        Fail(index, "sha256", "duplicate of tokens[" + std::to_string(other) + "]");
      }
    }

    const auto& role = RequiredString(item, index, "role").get_ref<const std::string&>();
    try {
      entry.principal.role = ParseRole(role);
    } catch (const InvalidInput& error) {
      Fail(index, "role", error.what());
    }

    const auto teams = item.find("teams");
    if (teams == item.end()) Fail(index, "teams", "missing");
    if (!teams->is_array()) Fail(index, "teams", "must be an array of team names");
    if (teams->empty()) Fail(index, "teams", "must not be empty (use [\"*\"] for all teams)");
    for (const nlohmann::json& team : *teams) {
      if (!team.is_string() || team.get_ref<const std::string&>().empty()) {
        Fail(index, "teams", "must hold non-empty strings");
      }
      const auto& name = team.get_ref<const std::string&>();
      if (name == "*") {
        entry.principal.scope.all_teams = true;
      } else {
        entry.principal.scope.teams.insert(name);
      }
    }
    registry.entries_.push_back(std::move(entry));
  }
  return registry;
}

TokenRegistry TokenRegistry::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InvalidInput("cannot read tokens file " + path + ": " +
                       std::generic_category().message(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InvalidInput("cannot read tokens file " + path);
  try {
    return Parse(text.str());
  } catch (const InvalidInput& error) {
    throw InvalidInput("tokens file " + path + ": " + error.what());
  }
}

std::optional<Principal> TokenRegistry::Authenticate(std::string_view bearer_token) const {
  if (bearer_token.empty()) return std::nullopt;
  const std::array<unsigned char, kDigestBytes> digest = Sha256(bearer_token);
  // Branch-free selection over all entries: no early exit, no data-dependent branch.
  std::size_t match = entries_.size();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto equal = static_cast<std::size_t>(
        CRYPTO_memcmp(digest.data(), entries_[i].digest.data(), kDigestBytes) == 0);
    const std::size_t mask = 0 - equal;
    match = (i & mask) | (match & ~mask);
  }
  if (match == entries_.size()) return std::nullopt;
  return entries_[match].principal;
}

std::optional<std::string_view> BearerToken(std::string_view authorization_header) {
  std::string_view text = Trim(authorization_header);
  constexpr std::string_view kScheme = "bearer";
  if (text.size() <= kScheme.size() || !IsBlank(text[kScheme.size()])) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = text[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return std::nullopt;
  }
  text = Trim(text.substr(kScheme.size()));
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace costledger::api
