#pragma once

// Internal to the PostgreSQL adapter: how pod_labels and node_labels hold a label set, written
// by the store and read back by the cost reader.

#include <pqxx/pqxx>
#include <string>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::postgres {

/// The JSON object of strings stored as jsonb; bytes that are not UTF-8 are replaced, so that
/// PostgreSQL accepts any label Kubernetes sent.
std::string StoredLabelsText(const model::Labels& labels);

/// A stored label set read back (as text); members that are not strings are skipped.
model::Labels ParseStoredLabels(const pqxx::field& text);

}  // namespace costledger::postgres
