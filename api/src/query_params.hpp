#pragma once

#include <initializer_list>
#include <string_view>

#include "costledger/http/http_types.hpp"

namespace costledger::api {

/// Throws InvalidInput naming the first query parameter of `request` that is not in `known`,
/// and listing the allowed ones.
void RejectUnknown(const http::HttpRequest& request, std::initializer_list<std::string_view> known);

}  // namespace costledger::api
