#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/team_scope.hpp"

namespace costledger::api {

/// What a token may do: viewers read, admins also change quotas, admission tokens may only call
/// the admission webhook, metrics tokens may only read /metrics (Prometheus' scrape).
enum class Role { kViewer, kAdmin, kAdmission, kMetrics };

/// "viewer", "admin", "admission" or "metrics" (exact, lower case). Throws InvalidInput naming the
/// allowed values otherwise.
Role ParseRole(std::string_view text);
/// The inverse of ParseRole.
std::string_view RoleName(Role role);

/// The identity behind an authenticated token.
struct Principal {
  std::string name;
  Role role = Role::kViewer;
  /// The teams of the tokens file; all teams when it lists "*". None by default.
  model::TeamScope scope = model::TeamScope::Only({});

  /// Whether this principal may see data of `team`: the core's rule, scope.Sees(team).
  bool SeesTeam(std::string_view team) const { return scope.Sees(team); }
};

/// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

/// The tokens of the tokens file (see DESIGN, "Configuration contract"); only SHA-256 digests
/// are kept, never a token in clear. Immutable after construction, so safe to share between
/// threads.
class TokenRegistry {
 public:
  /// Parses `[{"name": "platform", "sha256": "<hex>", "role": "admin", "teams": ["*"]}, ...]`.
  /// Throws InvalidInput naming the entry index and field, e.g. `tokens[2].sha256: ...`, for
  /// invalid JSON, a missing or empty name, a digest that is not 64 hex digits, a duplicate
  /// digest, an unknown role, or a missing or empty team list. Unknown fields are ignored.
  static TokenRegistry Parse(std::string_view json_text);
  /// Reads and parses the file at `path`; throws InvalidInput naming the path when it cannot be
  /// read or does not parse.
  static TokenRegistry LoadFile(const std::string& path);

  /// The principal whose digest matches SHA-256(`bearer_token`), or nullopt. Compares with every
  /// stored digest in constant time, so the time taken does not reveal which entry matched.
  std::optional<Principal> Authenticate(std::string_view bearer_token) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::array<unsigned char, 32> digest{};
    Principal principal;
  };
  std::vector<Entry> entries_;
};

/// The token of an `Authorization: Bearer <token>` header value (scheme case-insensitive,
/// surrounding blanks trimmed), as a view into `authorization_header`; nullopt for another
/// scheme or an empty token.
std::optional<std::string_view> BearerToken(std::string_view authorization_header);

}  // namespace costledger::api
