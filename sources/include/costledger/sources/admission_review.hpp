#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"
#include "costledger/model/pod_placement.hpp"

namespace costledger::sources {

// Kubernetes' admission.k8s.io/v1 AdmissionReview, as a validating webhook receives and answers
// it: https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/

/// The pod of a Pod CREATE review (request.object), as quota rules need it.
struct AdmittedPod {
  /// Name (metadata.name, else metadata.generateName as given, e.g. "train-"), labels,
  /// controller (from the controlling owner reference), containers and effective requests,
  /// read by the PodList parser's rules.
  model::Pod pod;
  model::PodPlacement placement;  ///< from spec.nodeSelector and required node affinity
};

/// The fields of request a validating webhook answers from.
struct AdmissionReviewRequest {
  std::string api_version;     ///< "admission.k8s.io/v1" (or v1beta1): echoed in the answer
  std::string uid;             ///< request.uid, echoed as response.uid
  std::string kind;            ///< request.kind.kind, e.g. "Pod"
  std::string resource;        ///< request.resource.resource, e.g. "pods"
  std::string sub_resource;    ///< request.subResource, e.g. "ephemeralcontainers"; often empty
  std::string operation;       ///< "CREATE", "UPDATE", "DELETE", "CONNECT"
  std::string namespace_name;  ///< request.namespace
  std::string user;            ///< request.userInfo.username, for logs
  bool dry_run = false;        ///< request.dryRun: judge, but record nothing
  /// Set for a Pod CREATE (kind Pod, resource pods, no sub-resource): the object is required.
  std::optional<AdmittedPod> pod;

  bool IsPodCreate() const { return pod.has_value(); }
};

/// Parses an AdmissionReview request body. Throws InvalidInput whose message starts with the
/// field ("request.uid: missing", "apiVersion: 'v2' is not admission.k8s.io/v1",
/// "request.object.spec.containers[0].resources.requests.cpu: ...", "malformed JSON at byte 7:
/// ..."). The uid, when it could be read, is left in `uid_out` so an error answer can echo it.
AdmissionReviewRequest ParseAdmissionReview(std::string_view text, std::string* uid_out = nullptr);

/// What the webhook answers.
struct AdmissionReviewAnswer {
  std::string api_version = "admission.k8s.io/v1";
  std::string uid;
  bool allowed = true;
  int status_code = 0;         ///< 0: no status; else status.code (403 denied, 400 malformed)
  std::string status_reason;   ///< e.g. "Forbidden", "BadRequest"
  std::string status_message;  ///< shown to whoever created the pod
  std::vector<std::string> warnings;  ///< response.warnings (kubectl prints them)
};

/// The AdmissionReview answer as JSON: {"apiVersion","kind":"AdmissionReview","response":
/// {"uid","allowed",["status":{"code","reason","message"}],["warnings":[...]]}}. Invalid UTF-8 is
/// replaced.
std::string AdmissionReviewToJson(const AdmissionReviewAnswer& answer);

}  // namespace costledger::sources
