#include "costledger/sources/admission_review.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "costledger/model/errors.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "json_fields.hpp"

namespace costledger::sources {
namespace {

using nlohmann::json;

constexpr std::string_view kV1 = "admission.k8s.io/v1";
constexpr std::string_view kV1Beta1 = "admission.k8s.io/v1beta1";

[[noreturn]] void Fail(std::string_view field, std::string_view what) {
  throw InvalidInput(fmt::format("{}: {}", field, what));
}

const json* Find(const json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& RequiredObject(const json& object, std::string_view key, std::string_view field) {
  const json* v = Find(object, key);
  if (v == nullptr) Fail(field, "missing");
  if (!v->is_object()) Fail(field, "expected an object");
  return *v;
}

std::string OptionalString(const json& object, std::string_view key, std::string_view field) {
  const json* v = Find(object, key);
  if (v == nullptr) return "";
  if (!v->is_string()) Fail(field, "expected a string");
  return v->get<std::string>();
}

std::string RequiredString(const json& object, std::string_view key, std::string_view field) {
  std::string s = OptionalString(object, key, field);
  if (s.empty()) Fail(field, "missing");
  return s;
}

model::Labels StringMap(const json& object, std::string_view key, std::string_view field) {
  model::Labels out;
  const json* v = Find(object, key);
  if (v == nullptr) return out;
  if (!v->is_object()) Fail(field, "expected an object of strings");
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) Fail(fmt::format("{}.{}", field, k), "expected a string");
    out.emplace(k, value.get<std::string>());
  }
  return out;
}

std::vector<model::NodeSelectorTerm> RequiredTerms(const json& spec) {
  std::vector<model::NodeSelectorTerm> terms;
  const json* affinity = Find(spec, "affinity");
  if (affinity == nullptr || !affinity->is_object()) return terms;
  const json* node = Find(*affinity, "nodeAffinity");
  if (node == nullptr || !node->is_object()) return terms;
  const json* required = Find(*node, "requiredDuringSchedulingIgnoredDuringExecution");
  if (required == nullptr || !required->is_object()) return terms;
  const json* list = Find(*required, "nodeSelectorTerms");
  if (list == nullptr) return terms;
  const std::string base =
      "request.object.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
      "nodeSelectorTerms";
  if (!list->is_array()) Fail(base, "expected an array");
  for (std::size_t t = 0; t < list->size(); ++t) {
    const json& term = (*list)[t];
    const std::string term_field = fmt::format("{}[{}]", base, t);
    if (!term.is_object()) Fail(term_field, "expected an object");
    model::NodeSelectorTerm out;
    const json* expressions = Find(term, "matchExpressions");
    if (expressions != nullptr) {
      if (!expressions->is_array()) Fail(term_field + ".matchExpressions", "expected an array");
      for (std::size_t e = 0; e < expressions->size(); ++e) {
        const json& ex = (*expressions)[e];
        const std::string ex_field = fmt::format("{}.matchExpressions[{}]", term_field, e);
        if (!ex.is_object()) Fail(ex_field, "expected an object");
        model::NodeSelectorRequirement r;
        r.key = OptionalString(ex, "key", ex_field + ".key");
        r.op = OptionalString(ex, "operator", ex_field + ".operator");
        if (const json* values = Find(ex, "values")) {
          if (!values->is_array()) Fail(ex_field + ".values", "expected an array of strings");
          for (const json& v : *values) {
            if (!v.is_string()) Fail(ex_field + ".values", "expected an array of strings");
            r.values.push_back(v.get<std::string>());
          }
        }
        out.push_back(std::move(r));
      }
    }
    terms.push_back(std::move(out));
  }
  return terms;
}

AdmittedPod ReadPod(const json& object, const std::string& namespace_name) {
  const json& metadata = RequiredObject(object, "metadata", "request.object.metadata");
  const json& spec = RequiredObject(object, "spec", "request.object.spec");
  // The PodList parser holds Kubernetes' rules for containers, requests and owners: give it the
  // pod as a one-item list. A pod of a controller has no name yet, only generateName.
  json copy = object;
  std::string name = OptionalString(metadata, "name", "request.object.metadata.name");
  if (name.empty()) {
    name = OptionalString(metadata, "generateName", "request.object.metadata.generateName");
  }
  if (name.empty()) name = "(unnamed)";
  copy["metadata"]["name"] = name;
  if (!namespace_name.empty()) copy["metadata"]["namespace"] = namespace_name;
  copy.erase("status");
  const json list = {{"apiVersion", "v1"}, {"kind", "PodList"}, {"items", json::array({copy})}};
  std::vector<model::Pod> pods;
  try {
    pods = ParsePodList(list.dump());
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("request.object: {}", e.what()));
  }
  if (pods.size() != 1) Fail("request.object", "expected one pod");
  AdmittedPod out;
  out.pod = std::move(pods.front());
  const model::Labels selector =
      StringMap(spec, "nodeSelector", "request.object.spec.nodeSelector");
  const std::vector<model::NodeSelectorTerm> terms = RequiredTerms(spec);
  out.placement = model::PlacementOf(selector, terms);
  return out;
}

}  // namespace

AdmissionReviewRequest ParseAdmissionReview(std::string_view text, std::string* uid_out) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidInput(MalformedJson("AdmissionReview", e.byte, e.what()));
  } catch (const json::exception& e) {  // out_of_range: a number beyond a double
    throw InvalidInput(fmt::format("{}: not valid JSON: {}", "AdmissionReview", e.what()));
  }
  if (!doc.is_object()) Fail("AdmissionReview", "expected a JSON object");
  AdmissionReviewRequest r;
  // The uid first, so that an answer to a malformed review can still echo it.
  if (const json* request = Find(doc, "request"); request != nullptr && request->is_object()) {
    if (const json* uid = Find(*request, "uid"); uid != nullptr && uid->is_string()) {
      r.uid = uid->get<std::string>();
      if (uid_out != nullptr) *uid_out = r.uid;
    }
  }
  r.api_version = RequiredString(doc, "apiVersion", "apiVersion");
  if (r.api_version != kV1 && r.api_version != kV1Beta1) {
    Fail("apiVersion", fmt::format("'{}' is not {}", r.api_version.substr(0, 64), kV1));
  }
  const std::string kind = RequiredString(doc, "kind", "kind");
  if (kind != "AdmissionReview") {
    Fail("kind", fmt::format("'{}' is not AdmissionReview", kind.substr(0, 64)));
  }
  const json& request = RequiredObject(doc, "request", "request");
  r.uid = RequiredString(request, "uid", "request.uid");
  const json& kind_object = RequiredObject(request, "kind", "request.kind");
  r.kind = RequiredString(kind_object, "kind", "request.kind.kind");
  const std::string group = OptionalString(kind_object, "group", "request.kind.group");
  if (const json* resource = Find(request, "resource")) {
    if (!resource->is_object()) Fail("request.resource", "expected an object");
    r.resource = OptionalString(*resource, "resource", "request.resource.resource");
  }
  r.sub_resource = OptionalString(request, "subResource", "request.subResource");
  r.operation = RequiredString(request, "operation", "request.operation");
  r.namespace_name = OptionalString(request, "namespace", "request.namespace");
  if (const json* user = Find(request, "userInfo"); user != nullptr && user->is_object()) {
    r.user = OptionalString(*user, "username", "request.userInfo.username");
  }
  if (const json* dry_run = Find(request, "dryRun")) {
    if (!dry_run->is_boolean()) Fail("request.dryRun", "expected a boolean");
    r.dry_run = dry_run->get<bool>();
  }
  const bool pod_create = r.kind == "Pod" && group.empty() && r.operation == "CREATE" &&
                          (r.resource.empty() || r.resource == "pods") && r.sub_resource.empty();
  if (pod_create) {
    const json& object = RequiredObject(request, "object", "request.object");
    r.pod = ReadPod(object, r.namespace_name);
    if (r.namespace_name.empty()) r.namespace_name = r.pod->pod.namespace_name;
  }
  return r;
}

std::string AdmissionReviewToJson(const AdmissionReviewAnswer& answer) {
  nlohmann::ordered_json response = {{"uid", answer.uid}, {"allowed", answer.allowed}};
  if (answer.status_code != 0) {
    nlohmann::ordered_json status = {{"code", answer.status_code}};
    if (!answer.status_reason.empty()) status["reason"] = answer.status_reason;
    status["message"] = answer.status_message;
    response["status"] = std::move(status);
  }
  if (!answer.warnings.empty()) response["warnings"] = answer.warnings;
  const nlohmann::ordered_json doc = {{"apiVersion", answer.api_version},
                                      {"kind", "AdmissionReview"},
                                      {"response", std::move(response)}};
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace costledger::sources
