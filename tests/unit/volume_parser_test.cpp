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
