#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace costledger::simulator {

/// Where a chunked list goes on, as the API server's continue token says it: the list's
/// resourceVersion (the snapshot every chunk is read from) and the key of the next item
/// ("namespace/name" for pods, "name" for nodes), with a NUL appended as the API server does.
struct ContinueToken {
  std::int64_t resource_version = 0;
  std::string start;
  friend bool operator==(const ContinueToken&, const ContinueToken&) = default;
};

/// The token as the API server writes it: unpadded base64url of
/// {"v":"meta.k8s.io/v1","rv":<resourceVersion>,"start":"<key>\u0000"}.
std::string EncodeContinueToken(const ContinueToken& token);

/// Reads a token; throws InvalidInput saying why it is not valid (not base64url, not JSON,
/// another version, a resourceVersion that is not positive, no start key).
ContinueToken DecodeContinueToken(std::string_view token);

/// The `limit` and `continue` parameters of a list request (others are ignored).
struct ListRequest {
  std::int64_t limit = 0;  ///< 0: everything (a limit of 0 or less means no limit)
  std::optional<ContinueToken> continue_from;
};

/// Parses a query string such as "limit=500&continue=eyJ2Ijo..." (values percent-decoded).
/// Throws InvalidInput for a limit that is not an integer and for an invalid token.
ListRequest ParseListRequest(std::string_view query);

/// The resourceVersion the simulator gives a list served at `unix_seconds`, and back.
std::int64_t ListResourceVersion(std::int64_t unix_seconds);
std::int64_t ListTimeOf(std::int64_t resource_version);

}  // namespace costledger::simulator
