#include "costledger/http/http_types.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "costledger/model/errors.hpp"

namespace costledger::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text, bool plus_is_space, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int high = complete ? HexValue(text[i + 1]) : -1;
      const int low = complete ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        throw InvalidInput("invalid percent-encoding in " + std::string(what) + " \"" +
                           std::string(text) + "\"");
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  const auto it = query.lower_bound(std::string(name));
  if (it == query.end() || it->first != name) return std::nullopt;
  return it->second;
}

std::string HttpRequest::Header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

Responder NamingPrincipal(Responder respond, std::string principal) {
  return [respond = std::move(respond), principal = std::move(principal)](HttpResponse r) {
    if (r.principal.empty()) r.principal = principal;
    respond(std::move(r));
  };
}

HttpResponse JsonError(int status, std::string_view message) {
  const nlohmann::json body = {{"code", status}, {"message", std::string(message)}};
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

ParsedTarget ParseTarget(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.substr(0, scheme.size()) == scheme) {
      const std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || target.front() != '/') {
    throw InvalidInput("request target must start with '/': \"" + std::string(target) + "\"");
  }
  target = target.substr(0, target.find('#'));
  const std::size_t question = target.find('?');
  ParsedTarget parsed;
  parsed.path = Decode(target.substr(0, question), false, "path");
  if (parsed.path.find('\0') != std::string::npos) {
    throw InvalidInput("request path contains a NUL byte");
  }
  if (question == std::string_view::npos) return parsed;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t equals = piece.find('=');
    std::string name = Decode(piece.substr(0, equals), true, "query parameter");
    std::string value = equals == std::string_view::npos
                            ? std::string()
                            : Decode(piece.substr(equals + 1), true, "query parameter");
    parsed.query.emplace(std::move(name), std::move(value));
  }
  return parsed;
}

}  // namespace costledger::http
