// PersistentVolume, PersistentVolumeClaim and StorageClass lists (recorded in the API server's
// format), and the claims a pod mounts.
#include "costledger/sources/volume_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costledger/model/errors.hpp"
#include "costledger/model/volume_pricing.hpp"
#include "costledger/sources/kubernetes_parser.hpp"
#include "test_data.hpp"

namespace costledger::sources {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr std::int64_t kGi = std::int64_t{1} << 30;

std::vector<model::PersistentVolume> Volumes() {
  std::vector<model::PersistentVolume> out;
  ParsePersistentVolumeListChunk(costledger::testing::ReadTestData("k8s/persistentvolumes.json"),
                                 out);
  return out;
}

TEST(VolumeParserTest, ReadsCsiInTreeReleasedAndUnclaimedVolumes) {
  const std::vector<model::PersistentVolume> pvs = Volumes();
  ASSERT_EQ(pvs.size(), 5U);
  const model::PersistentVolume& home = pvs[0];
  EXPECT_EQ(home.name, "pvc-0b9e6c1f-4c55-4c2f-9a51-2f0b4f0e7d11");
  EXPECT_EQ(home.capacity_bytes, 10 * kGi);
  EXPECT_EQ(home.csi_driver, "ebs.csi.aws.com");
  EXPECT_EQ(home.volume_handle, "vol-0a1b2c3d4e5f60718");
  EXPECT_EQ(home.storage_class, "gp3");
  EXPECT_EQ(home.claim_namespace, "jupyterhub");
  EXPECT_EQ(home.claim_name, "claim-alice");
  EXPECT_EQ(home.phase, "Bound");
  EXPECT_EQ(home.zone, "us-east-1a");
  EXPECT_EQ(pvs[1].zone, "us-east-1b");  // the CSI driver's own topology key
  EXPECT_EQ(pvs[2].phase, "Released");
  const model::PersistentVolume& legacy = pvs[3];
  EXPECT_TRUE(legacy.aws_ebs_in_tree);
  EXPECT_EQ(legacy.volume_handle, "aws://us-east-1c/vol-0c0ffee0c0ffee001");
  EXPECT_EQ(legacy.capacity_bytes, 1024 * kGi);
  EXPECT_EQ(legacy.zone, "us-east-1c");
  EXPECT_EQ(pvs[4].capacity_bytes, 100'000'000'000);  // "100G": decimal
  EXPECT_EQ(pvs[4].claim_name, "");
}

TEST(VolumeParserTest, ReadsClaimsAndStorageClasses) {
  std::vector<model::PersistentVolumeClaim> claims;
  ParsePersistentVolumeClaimListChunk(
      costledger::testing::ReadTestData("k8s/persistentvolumeclaims.json"), claims);
  ASSERT_EQ(claims.size(), 4U);
  EXPECT_EQ(claims[0].namespace_name, "jupyterhub");
  EXPECT_EQ(claims[0].volume_name, "pvc-0b9e6c1f-4c55-4c2f-9a51-2f0b4f0e7d11");
  EXPECT_EQ(claims[0].requested_bytes, 10 * kGi);
  EXPECT_EQ(claims[0].capacity_bytes, 10 * kGi);
  EXPECT_EQ(claims[0].labels.at("hub.jupyter.org/username"), "alice");
  EXPECT_EQ(claims[3].phase, "Pending");
  EXPECT_EQ(claims[3].volume_name, "");

  std::vector<model::StorageClass> classes;
  ParseStorageClassListChunk(costledger::testing::ReadTestData("k8s/storageclasses.json"), classes);
  ASSERT_EQ(classes.size(), 4U);
  EXPECT_EQ(classes[1].name, "io2-checkpoints");
  EXPECT_EQ(classes[1].provisioner, "ebs.csi.aws.com");
  EXPECT_EQ(classes[1].parameters.at("iops"), "16000");

  // Together: the billing view of each recorded volume.
  const std::vector<model::PersistentVolume> pvs = Volumes();
  const auto spec = [&](std::size_t i) {
    for (const model::StorageClass& c : classes) {
      if (c.name == pvs[i].storage_class) return model::VolumeSpecOf(pvs[i], &c);
    }
    return model::VolumeSpecOf(pvs[i], nullptr);
  };
  EXPECT_EQ(spec(0).price_key, "gp3");
  EXPECT_EQ(spec(1).price_key, "io2");
  EXPECT_EQ(spec(1).billed_iops, 16000);
  EXPECT_EQ(spec(3).price_key, "st1");
  EXPECT_TRUE(spec(3).ebs);
}

TEST(VolumeParserTest, FollowsTheContinueTokenAndAppends) {
  std::vector<model::StorageClass> classes{{"existing", "x", {}}};
  const ListMetadata meta = ParseStorageClassListChunk(
      R"({"kind":"StorageClassList","metadata":{"continue":"abc","remainingItemCount":3},)"
      R"("items":[{"metadata":{"name":"gp3"},"provisioner":"ebs.csi.aws.com"}]})",
      classes);
  EXPECT_EQ(meta.continue_token, "abc");
  EXPECT_EQ(meta.remaining_item_count, 3);
  ASSERT_EQ(classes.size(), 2U);
  EXPECT_EQ(classes[1].name, "gp3");
}

TEST(VolumeParserTest, MalformedItemsNameTheVolumeAndFieldAndLeaveTheListAsItWas) {
  std::vector<model::PersistentVolume> pvs;
  EXPECT_THAT(
      [&] {
        ParsePersistentVolumeListChunk(
            R"({"kind":"PersistentVolumeList","items":[{"metadata":{"name":"ok"}},)"
            R"({"metadata":{"name":"pv-x"},"spec":{"capacity":{"storage":"ten"}}}]})",
            pvs);
      },
      ThrowsMessage<InvalidInput>(HasSubstr("PersistentVolumeList pv-x: spec.capacity.storage")));
  EXPECT_TRUE(pvs.empty());
  EXPECT_THROW(ParsePersistentVolumeListChunk(R"({"kind":"PodList","items":[]})", pvs),
               InvalidInput);
  EXPECT_THROW(ParsePersistentVolumeListChunk("{", pvs), InvalidInput);
}

// Items are read one at a time, keeping only the fields a record is made of: fields of the same
// name elsewhere (managedFields, other volume sources) must not be taken for them.
TEST(VolumeParserTest, ReadsOnlyTheRecordsFieldsWhereverTheyAre) {
  std::vector<model::PersistentVolume> pvs;
  const ListMetadata meta = ParsePersistentVolumeListChunk(
      R"({"apiVersion":"v1","metadata":{"resourceVersion":"42","remainingItemCount":7},"items":[)"
      R"({"metadata":{"managedFields":[{"manager":"x","fieldsV1":{"f:spec":{"f:capacity":{}}},)"
      R"("name":"not-this"}],"name":"pv-a","labels":null,"finalizers":["kubernetes.io/pv-protection"]},)"
      R"("spec":{"accessModes":["ReadWriteOnce"],"capacity":{"storage":5368709120},)"
      R"("claimRef":{"kind":"PersistentVolumeClaim","name":"c","namespace":"n","uid":"u"},)"
      R"("storageClassName":null,"nodeAffinity":{"required":{"nodeSelectorTerms":[)"
      R"({"matchExpressions":[{"key":"kubernetes.io/hostname","values":["ip-1"]},)"
      R"({"values":["eu-west-1c","eu-west-1a"],"operator":"In","key":"topology.kubernetes.io/zone"}]}]}}},)"
      R"("kind":"PersistentVolume","status":{"phase":"Bound","message":"x"}},)"
      R"({"metadata":{"name":"pv-b","labels":{"topology.kubernetes.io/zone":"eu-west-1b"}},)"
      R"("spec":{"awsElasticBlockStore":{"volumeID":"vol-1"},"capacity":{"storage":"1Gi"}}}],)"
      R"("kind":"PersistentVolumeList"})",
      pvs);
  EXPECT_EQ(meta.resource_version, "42");
  EXPECT_EQ(meta.remaining_item_count, 7);
  ASSERT_EQ(pvs.size(), 2U);
  EXPECT_EQ(pvs[0].name, "pv-a");
  EXPECT_EQ(pvs[0].capacity_bytes, 5 * kGi);  // a bare number of bytes
  EXPECT_EQ(pvs[0].claim_namespace, "n");
  EXPECT_EQ(pvs[0].claim_name, "c");
  EXPECT_EQ(pvs[0].storage_class, "");   // null: absent
  EXPECT_EQ(pvs[0].zone, "eu-west-1c");  // the zone term's first value, whatever the key order
  EXPECT_EQ(pvs[0].phase, "Bound");
  EXPECT_FALSE(pvs[0].aws_ebs_in_tree);
  EXPECT_EQ(pvs[1].zone, "eu-west-1b");
  EXPECT_TRUE(pvs[1].aws_ebs_in_tree);
  EXPECT_EQ(pvs[1].volume_handle, "vol-1");
  EXPECT_EQ(pvs[1].capacity_bytes, kGi);
}

TEST(VolumeParserTest, ErrorsNameTheItemAndFieldAndAWrongKindWins) {
  const auto error = [](auto parse, std::string_view json) {
    try {
      parse(json);
    } catch (const InvalidInput& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto claims = [](std::string_view json) {
    std::vector<model::PersistentVolumeClaim> out;
    ParsePersistentVolumeClaimListChunk(json, out);
  };
  const auto volumes = [](std::string_view json) {
    std::vector<model::PersistentVolume> out;
    ParsePersistentVolumeListChunk(json, out);
  };
  EXPECT_EQ(
      error(claims, R"({"items":[{"metadata":{"name":"c","namespace":"n","labels":{"a":1}}}]})"),
      R"(PersistentVolumeClaimList n/c: metadata.labels["a"]: expected a string)");
  EXPECT_EQ(error(claims, R"({"items":[{"metadata":{"name":"c","labels":[]}}]})"),
            "PersistentVolumeClaimList c: metadata.labels: expected an object");
  EXPECT_EQ(error(claims, R"({"items":[{"metadata":{"name":"c"},"status":{"phase":3}}]})"),
            "PersistentVolumeClaimList c: status.phase: expected a string");
  EXPECT_EQ(error(claims, R"({"items":[{"spec":{"volumeName":"v"}}]})"),
            "PersistentVolumeClaimList items[0]: metadata.name: missing");
  EXPECT_EQ(error(volumes, R"({"items":[{"metadata":{"name":"a"}},5]})"),
            "PersistentVolumeList items[1]: expected an object");
  EXPECT_EQ(error(volumes, R"({"items":[[{"metadata":{"name":"a"}}]]})"),
            "PersistentVolumeList items[0]: expected an object");
  EXPECT_EQ(error(volumes,
                  R"({"items":[{"metadata":{"name":"a"},"spec":{"capacity":{"storage":true}}}]})"),
            "PersistentVolumeList a: spec.capacity.storage: expected a quantity string");
  EXPECT_EQ(error(volumes, R"({"items":[{"metadata":{}}],"kind":"PodList"})"),
            R"(expected kind "PersistentVolumeList", got "PodList")");
  EXPECT_EQ(error(volumes, R"({"items":{}})"), "PersistentVolumeList: items: expected an array");
  EXPECT_EQ(error(volumes, R"([])"), "PersistentVolumeList: expected a JSON object");
  EXPECT_THAT(error(volumes, R"({"items":[{"metadata":{"name":"a"}})"),
              HasSubstr("PersistentVolumeList: malformed JSON at byte"));
}

TEST(VolumeParserTest, PodsListTheClaimsTheyMount) {
  const std::vector<model::Pod> pods = ParsePodList(
      R"({"kind":"PodList","items":[{"metadata":{"name":"jupyter-alice","namespace":"jupyterhub"},)"
      R"("spec":{"nodeName":"n1","containers":[{"name":"notebook"}],"volumes":[)"
      R"({"name":"home","persistentVolumeClaim":{"claimName":"claim-alice"}},)"
      R"({"name":"kube-api-access-x","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}},)"
      R"({"name":"scratch","emptyDir":{}},)"
      R"({"persistentVolumeClaim":{"claimName":"shared-data","readOnly":true},"name":"data"}]},)"
      R"("status":{"phase":"Running"}}]})");
  ASSERT_EQ(pods.size(), 1U);
  // The volume's name before or after its claim (JSON objects have no order).
  EXPECT_THAT(pods[0].claims, ElementsAre(model::PodClaim{"home", "claim-alice"},
                                          model::PodClaim{"data", "shared-data"}));
}

}  // namespace
}  // namespace costledger::sources
