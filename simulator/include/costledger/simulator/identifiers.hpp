#pragma once

#include <cstdint>
#include <string>

namespace costledger::simulator {

/// Appends `length` characters of the alphabet Kubernetes uses for generated name suffixes
/// ("bcdfghjklmnpqrstvwxz2456789"), taken from `value` in base 27.
void AppendK8sSuffix(std::string& out, std::uint64_t value, int length);

/// A 5-character pod-name suffix: random-looking (from `h`), yet two pods of one workload with
/// different ordinals below 16384 never get the same one, whatever their `h`, because the low
/// part depends only on the ordinal and `shared` (the same for every pod of the workload).
void AppendUniqueSuffix(std::string& out, std::uint64_t h, std::uint64_t shared,
                        std::int64_t ordinal);

/// Appends a UUID in the 8-4-4-4-12 form (version 4, RFC 4122 variant) built from two hashes.
void AppendUuid(std::string& out, std::uint64_t hi, std::uint64_t lo);

/// Appends the `digits` low hexadecimal digits of `value`, lower case (digits <= 16).
void AppendHex(std::string& out, std::uint64_t value, int digits);

}  // namespace costledger::simulator
