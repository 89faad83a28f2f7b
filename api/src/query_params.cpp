#include "query_params.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <string>

#include "costledger/model/errors.hpp"

namespace costledger::api {

void RejectUnknown(const http::HttpRequest& request,
                   std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : request.query) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string allowed;
      for (const std::string_view k : known)
        allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      throw InvalidInput(fmt::format("unknown parameter '{}'; allowed: {}", key, allowed));
    }
  }
}

}  // namespace costledger::api
