#include "curl_support.hpp"

#include <mutex>

namespace costledger::delivery {

EasyHandle NewEasyHandle() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  EasyHandle easy(curl_easy_init(), curl_easy_cleanup);
  if (!easy) throw TransientDeliveryError("libcurl: cannot create a handle");
  return easy;
}

model::DeliveryOutcome OutcomeOfCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return model::DeliveryOutcome::kDelivered;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
      return model::DeliveryOutcome::kPermanent;
    default:
      return model::DeliveryOutcome::kTransient;
  }
}

}  // namespace costledger::delivery
