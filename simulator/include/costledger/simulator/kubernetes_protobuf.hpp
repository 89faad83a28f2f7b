#pragma once

#include <string>
#include <string_view>

namespace costledger::simulator {

/// The media type of Kubernetes' protobuf encoding; client-go asks for it for the core types
/// with `Accept: application/vnd.kubernetes.protobuf, application/json`.
inline constexpr std::string_view kKubernetesProtobuf = "application/vnd.kubernetes.protobuf";

/// Transcodes a v1 PodList or Status from JSON to the protobuf encoding a kube-apiserver answers
/// with: the magic bytes "k8s\0", then a runtime.Unknown message {typeMeta = {apiVersion, kind},
/// raw = the object's message} (contentEncoding and contentType are empty, so not written).
///
/// A schema table drives it. The table covers what the simulator renders (kubernetes_render.hpp:
/// a PodList with its pods' metadata, spec and status, and the Status of a failed request) and a
/// few neighbouring fields; its field numbers are those of kubernetes/api's core/v1
/// generated.proto and apimachinery's meta/v1 and runtime generated.proto. Fields are written in
/// field-number order and map entries in key order, as Go's generated marshallers write them.
/// A JSON key that is missing or null is not written, except a null Time, which is an empty
/// message (as Go writes the zero time); a Time carries its seconds only (JSON has no more).
/// Unlike Go, which writes every non-pointer field even when empty, only the fields the JSON has
/// are written: a decoder reads the same object from fewer bytes.
///
/// `buffer` is storage to reuse (its contents are discarded). Throws InvalidInput when `json` is
/// not JSON, is of another kind, or has a key the schema lacks or a value of the wrong type; the
/// message names the protobuf message and the key, so a rendered field the table misses fails
/// loudly instead of vanishing from the encoding.
std::string EncodeKubernetesProtobuf(std::string_view json, std::string buffer = {});

}  // namespace costledger::simulator
