#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costledger/ports/quota_store.hpp"

namespace costledger::testing {

// A read-only QuotaStore of a fixed list, for readers of quotas (reports, evaluators): writes
// change nothing and there is no history.
class ListedQuotas final : public ports::QuotaStore {
 public:
  std::vector<model::Quota> quotas;

  std::vector<ports::StoredQuota> List() override {
    std::vector<ports::StoredQuota> out;
    for (const model::Quota& q : quotas) out.push_back({q, {}, {}, "test", {}});
    return out;
  }
  std::optional<ports::StoredQuota> Get(const std::string& name) override {
    for (const model::Quota& q : quotas) {
      if (q.name == name) return ports::StoredQuota{q, {}, {}, "test", {}};
    }
    return std::nullopt;
  }
  ports::QuotaPutOutcome Put(const model::Quota& /*quota*/, const std::string& /*who*/,
                             ports::QuotaSource /*source*/) override {
    return ports::QuotaPutOutcome::kUnchanged;
  }
  bool Delete(const std::string& /*name*/, const std::string& /*who*/,
              ports::QuotaSource /*source*/) override {
    return false;
  }
  ports::QuotaReconcileResult Reconcile(const std::vector<model::Quota>& /*quotas*/,
                                        const std::string& /*who*/) override {
    return {};
  }
  std::vector<ports::QuotaChange> History(const std::string& /*name*/,
                                          std::size_t /*limit*/) override {
    return {};
  }
};

}  // namespace costledger::testing
