#pragma once

#include <curl/curl.h>

#include <memory>

#include "costledger/model/delivery_error.hpp"

namespace costledger::delivery {

using EasyHandle = std::unique_ptr<CURL, void (*)(CURL*)>;
using HeaderList = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;

/// A new libcurl easy handle; libcurl's global state is initialised on the first call.
/// Throws TransientDeliveryError when libcurl cannot make one. Thread-safe.
EasyHandle NewEasyHandle();

/// What a failed transfer's code says when no reply code decides it: no connection, a timeout,
/// a cut connection or TLS handshake are transient; a malformed URL, an unsupported protocol,
/// a certificate that does not verify, refused credentials or TLS required and not offered are
/// permanent; anything else is transient (bounded by the retry policy). Pure.
model::DeliveryOutcome OutcomeOfCurlCode(CURLcode code);

}  // namespace costledger::delivery
