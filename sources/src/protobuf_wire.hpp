#pragma once

// Protocol Buffers' wire format, read field by field (no schema, no library): what the
// Kubernetes decoder needs to walk a message and jump over what it does not read. A
// length-delimited field it skips costs one varint, however large it is. Internal to the sources
// library.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace costledger::sources::protobuf {

/// A malformed message: where (bytes from the start of the body) and what.
struct WireError {
  std::size_t offset = 0;
  std::string what;
};

enum class WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

/// A message's bytes and where they start in the body (for error offsets).
struct Span {
  std::string_view bytes;
  std::size_t offset = 0;
};

/// One field as read from the wire.
struct Field {
  std::uint32_t number = 0;
  WireType type = WireType::kVarint;
  std::uint64_t varint = 0;  ///< kVarint; fixed-width values are skipped
  Span value;                ///< kLengthDelimited: the payload
  std::size_t offset = 0;    ///< of the tag
};

/// Reads the fields of one message in wire order. Throws WireError on a truncated field, a
/// varint longer than ten bytes, field number 0, or a group (which Kubernetes never writes).
class WireReader {
 public:
  explicit WireReader(Span message) : message_(message) {}

  /// The next field into `out`; false at the end of the message.
  bool Next(Field& out) {
    if (at_ >= message_.bytes.size()) return false;
    out.offset = message_.offset + at_;
    const std::uint64_t tag = ReadVarint();
    out.number = static_cast<std::uint32_t>(tag >> 3U);
    if ((tag >> 3U) == 0 || (tag >> 3U) > kMaxFieldNumber) Fail(out.offset, "invalid field number");
    out.type = static_cast<WireType>(tag & 7U);
    switch (out.type) {
      case WireType::kVarint:
        out.varint = ReadVarint();
        return true;
      case WireType::kFixed64:
        Skip(8, out.offset);
        return true;
      case WireType::kFixed32:
        Skip(4, out.offset);
        return true;
      case WireType::kLengthDelimited: {
        const std::uint64_t length = ReadVarint();
        const std::size_t start = at_;
        Skip(length, out.offset);
        out.value = {message_.bytes.substr(start, static_cast<std::size_t>(length)),
                     message_.offset + start};
        return true;
      }
      case WireType::kStartGroup:
      case WireType::kEndGroup:
        Fail(out.offset, "groups are not part of Kubernetes' encoding");
    }
    Fail(out.offset, "unknown wire type " + std::to_string(tag & 7U));
  }

  [[noreturn]] static void Fail(std::size_t offset, std::string what) {
    throw WireError{offset, std::move(what)};
  }

 private:
  static constexpr std::uint64_t kMaxFieldNumber = (std::uint64_t{1} << 29U) - 1;
  static constexpr int kMaxVarintBytes = 10;

  std::uint64_t ReadVarint() {
    const std::size_t start = at_;
    std::uint64_t value = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      if (at_ >= message_.bytes.size()) Fail(message_.offset + start, "truncated varint");
      const auto byte = static_cast<std::uint8_t>(message_.bytes[at_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7FU) << (7U * static_cast<unsigned>(i));
      if ((byte & 0x80U) == 0) return value;
    }
    Fail(message_.offset + start, "varint longer than ten bytes");
  }

  void Skip(std::uint64_t length, std::size_t field_offset) {
    if (length > message_.bytes.size() - at_) {
      Fail(field_offset, "field runs past the end of its message");
    }
    at_ += static_cast<std::size_t>(length);
  }

  Span message_;
  std::size_t at_ = 0;
};

/// Calls `each(field)` for every field of `message`, in wire order.
template <typename Each>
void ForEachField(Span message, Each&& each) {
  WireReader reader(message);
  Field field;
  while (reader.Next(field)) each(field);
}

}  // namespace costledger::sources::protobuf
