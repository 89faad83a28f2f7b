#include "costledger/model/prometheus_label_name.hpp"

#include <algorithm>

namespace costledger::model {
namespace {

bool Allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string PrometheusLabelName(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (!Allowed(c)) c = '_';
  }
  return out;
}

bool IsPrometheusLabelName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), Allowed);
}

}  // namespace costledger::model
