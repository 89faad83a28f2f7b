#include "stored_labels.hpp"

#include <nlohmann/json.hpp>

namespace costledger::postgres {

std::string StoredLabelsText(const model::Labels& labels) {
  return nlohmann::json(labels).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

model::Labels ParseStoredLabels(const pqxx::field& text) {
  model::Labels out;
  const nlohmann::json labels = nlohmann::json::parse(text.as<std::string>());
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) out.emplace(key, value.get<std::string>());
  }
  return out;
}

}  // namespace costledger::postgres
