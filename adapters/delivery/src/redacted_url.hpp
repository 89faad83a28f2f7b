#pragma once

#include <string>
#include <string_view>

namespace costledger::delivery {

/// `url` as far as logs and error messages may show it: scheme, host and port, with user
/// information dropped and any path or query replaced by "/…" (a webhook URL's path is often
/// its secret, e.g. https://hooks.slack.com/services/T/B/secret). Text that is not a URL comes
/// back as "(not a URL)". Pure and thread-safe.
std::string RedactedUrl(std::string_view url);

}  // namespace costledger::delivery
