#include "quota_file.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <fstream>
#include <sstream>

#include "costledger/model/errors.hpp"
#include "costledger/sources/quota_json.hpp"

namespace costledger::cli {

std::vector<model::Quota> LoadQuotaFile(const std::string& path) {
  if (path.ends_with(".yaml") || path.ends_with(".yml")) {
    throw InvalidInput(fmt::format(
        "quotas file {}: YAML is not supported by this build (no YAML library); write it as "
        "JSON, {{\"quotas\": [...]}} or a list",
        path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput(fmt::format("quotas file {}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return sources::ParseQuotaFile(text.str());
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("quotas file {}: {}", path, e.what()));
  }
}

bool ReconcileQuotaFile(const std::string& path, ports::QuotaStore& store, common::Logger& log) {
  std::vector<model::Quota> quotas;
  try {
    quotas = LoadQuotaFile(path);
  } catch (const InvalidInput& e) {
    log.Error("quotas file rejected; no quota changed", {{"file", path}, {"error", e.what()}});
    return false;
  }
  const ports::QuotaReconcileResult r = store.Reconcile(quotas, fmt::format("file:{}", path));
  const auto names = [](const std::vector<std::string>& list) {
    return list.empty() ? std::string("-") : fmt::format("{}", fmt::join(list, ","));
  };
  log.Info("quotas file applied", {{"file", path},
                                   {"created", names(r.created)},
                                   {"replaced", names(r.replaced)},
                                   {"deleted", names(r.deleted)},
                                   {"unchanged", static_cast<std::int64_t>(r.unchanged.size())}});
  return true;
}

}  // namespace costledger::cli
