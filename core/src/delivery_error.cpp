#include "costledger/model/delivery_error.hpp"

namespace costledger::model {

DeliveryOutcome OutcomeOfHttpStatus(long status) {
  if (status >= 200 && status < 300) return DeliveryOutcome::kDelivered;
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return DeliveryOutcome::kTransient;
  }
  return DeliveryOutcome::kPermanent;
}

DeliveryOutcome OutcomeOfSmtpReply(long code) {
  if (code >= 200 && code < 400) return DeliveryOutcome::kDelivered;
  if (code >= 400 && code < 500) return DeliveryOutcome::kTransient;
  return DeliveryOutcome::kPermanent;
}

}  // namespace costledger::model
