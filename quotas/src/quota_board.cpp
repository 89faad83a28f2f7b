#include "costledger/quotas/quota_board.hpp"

#include <utility>

namespace costledger::quotas {

std::vector<model::QuotaWithStatus> QuotaSnapshot::WithStatus() const {
  std::vector<model::QuotaWithStatus> out;
  out.reserve(quotas.size());
  for (std::size_t i = 0; i < quotas.size() && i < statuses.size(); ++i) {
    out.push_back(model::QuotaWithStatus{&quotas[i], statuses[i]});
  }
  return out;
}

void QuotaBoard::Publish(std::shared_ptr<const QuotaSnapshot> snapshot) {
  const std::lock_guard lock(mutex_);
  current_ = std::move(snapshot);
}

std::shared_ptr<const QuotaSnapshot> QuotaBoard::Current() const {
  const std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace costledger::quotas
