#include "costledger/simulator/list_chunks.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "costledger/model/errors.hpp"
#include "text_format.hpp"

namespace costledger::simulator {
namespace {

// resourceVersions count from here so they grow with time; a list's is 100 per second.
constexpr std::int64_t kResourceVersionEpoch = 1'600'000'000;
constexpr std::string_view kTokenVersion = "meta.k8s.io/v1";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16U |
                                              static_cast<unsigned char>(bytes[i + 1]) << 8U |
                                              static_cast<unsigned char>(bytes[i + 2]));
    for (const unsigned shift : {18U, 12U, 6U, 0U}) out.push_back(kBase64Url[(v >> shift) & 63U]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    auto v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16U);
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1]) << 8U);
    out.push_back(kBase64Url[(v >> 18U) & 63U]);
    out.push_back(kBase64Url[(v >> 12U) & 63U]);
    if (rest == 2) out.push_back(kBase64Url[(v >> 6U) & 63U]);
  }
  return out;
}

// Unpadded base64url, as Go's base64.RawURLEncoding reads it.
std::string Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) {
    throw InvalidInput(fmt::format("illegal base64 data at input byte {}", text.size() - 1));
  }
  std::string out;
  std::uint32_t bits = 0;
  unsigned count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t value = kBase64Url.find(text[i]);
    if (value == std::string_view::npos) {
      throw InvalidInput(fmt::format("illegal base64 data at input byte {}", i));
    }
    bits = bits << 6U | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xffU));
    }
  }
  return out;
}

// A query string component: %XX escapes and '+' for a space.
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
      continue;
    }
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    const char* first = text.data() + i + 1;
    const char* last = text.data() + std::min(i + 3, text.size());
    const auto [end, ec] = std::from_chars(first, last, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) {
      throw InvalidInput(fmt::format("invalid URL escape {:?}", text.substr(i, 3)));
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

}  // namespace

std::string EncodeContinueToken(const ContinueToken& token) {
  std::string json;
  JsonWriter writer(json);
  writer.BeginObject()
      .Member("v", kTokenVersion)
      .Key("rv")
      .Int(token.resource_version)
      .Member("start", token.start)
      .EndObject();
  return Base64UrlEncode(json);
}

ContinueToken DecodeContinueToken(std::string_view token) {
  const auto invalid = [](std::string_view why) {
    return InvalidInput(fmt::format("continue key is not valid: {}", why));
  };
  std::string json;
  try {
    json = Base64UrlDecode(token);
  } catch (const InvalidInput& e) {
    throw invalid(e.what());
  }
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) throw invalid("not a JSON object");
  const auto version = parsed.find("v");
  if (version == parsed.end() || !version->is_string() || *version != kTokenVersion) {
    throw invalid("server does not recognize this encoded version");
  }
  const auto rv = parsed.find("rv");
  if (rv == parsed.end() || !rv->is_number_integer() || rv->get<std::int64_t>() <= 0) {
    throw invalid(
        fmt::format("incorrect encoded start resourceVersion (version {})", kTokenVersion));
  }
  const auto start = parsed.find("start");
  if (start == parsed.end() || !start->is_string() ||
      start->get_ref<const std::string&>().empty()) {
    throw invalid("encoded start key empty");
  }
  return {rv->get<std::int64_t>(), start->get<std::string>()};
}

ListRequest ParseListRequest(std::string_view query) {
  ListRequest request;
  bool seen_limit = false;
  bool seen_continue = false;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string key = PercentDecode(pair.substr(0, eq));
    const std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    if (key == "limit" && !seen_limit) {  // the first of repeated parameters, as Go reads them
      seen_limit = true;
      if (value.empty()) continue;
      std::int64_t limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size()) {
        throw InvalidInput(fmt::format("limit: invalid value {:?}: not an integer", value));
      }
      request.limit = std::max<std::int64_t>(limit, 0);
    } else if (key == "continue" && !seen_continue) {
      seen_continue = true;
      if (value.empty()) continue;
      try {
        request.continue_from = DecodeContinueToken(value);
      } catch (const InvalidInput& e) {
        throw InvalidInput(fmt::format("invalid continue token: {}", e.what()));
      }
    }
  }
  return request;
}

std::int64_t ListResourceVersion(std::int64_t unix_seconds) {
  return (unix_seconds - kResourceVersionEpoch) * 100;
}

std::int64_t ListTimeOf(std::int64_t resource_version) {
  return resource_version / 100 + kResourceVersionEpoch;
}

}  // namespace costledger::simulator
