// Kubernetes lists of every kind the collector reads (nodes, pods, persistent volumes, claims,
// storage classes), whole and as chunks of a paginated list; pod lists and Status errors in
// Kubernetes' protobuf encoding too.
#include "costledger/sources/kubernetes_parser.hpp"
#include "costledger/sources/volume_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace costledger;  // NOLINT(google-build-using-namespace): a fuzz driver
  const std::string_view text = fuzz::Text(data, size);
  fuzz::Refusable([&] { sources::ParseNodeList(text); });
  fuzz::Refusable([&] { sources::ParsePodList(text); });
  fuzz::Refusable([&] {
    std::vector<model::Pod> pods;
    sources::ParsePodListChunkProtobuf(text, pods);
  });
  fuzz::Refusable([&] { sources::KubernetesStatusMessageProtobuf(text); });
  fuzz::Refusable([&] {
    std::vector<model::PersistentVolume> volumes;
    sources::ParsePersistentVolumeListChunk(text, volumes);
  });
  fuzz::Refusable([&] {
    std::vector<model::PersistentVolumeClaim> claims;
    sources::ParsePersistentVolumeClaimListChunk(text, claims);
  });
  fuzz::Refusable([&] {
    std::vector<model::StorageClass> classes;
    sources::ParseStorageClassListChunk(text, classes);
  });
  return 0;
}
