#include "costledger/model/webhook_payload.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "costledger/model/errors.hpp"
#include "costledger/model/utf8.hpp"
#include "error_of.hpp"

namespace costledger::model {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using testing::ErrorOf;
using ::testing::HasSubstr;

Notification Alert() {
  Notification n;
  n.kind = "quota_alert";
  n.title = "Quota alpha-weekly: 80% of its weekly limit spent";
  n.text =
      "Team alpha spent $800.00 of $1,000.00 since Mon 30 Nov 00:00 (Europe/Berlin).\n"
      "Ask #platform <ops> & finance.";
  n.link = "https://costledger.example/v1/quotas/alpha-weekly/status";
  n.link_text = "Quota status";
  n.fields = {{"Spent", "$800.00"}, {"Limit", "$1,000.00"}};
  return n;
}

std::vector<std::string> BlockTypes(const json& payload) {
  std::vector<std::string> types;
  for (const json& b : payload.at("blocks")) types.push_back(b.at("type").get<std::string>());
  return types;
}

TEST(WebhookPayloadTest, GenericJsonIsExactlyThis) {
  EXPECT_EQ(
      GenericJsonPayload(Alert()),
      R"({"source":"costledger","kind":"quota_alert",)"
      R"("title":"Quota alpha-weekly: 80% of its weekly limit spent",)"
      R"("text":"Team alpha spent $800.00 of $1,000.00 since Mon 30 Nov 00:00 )"
      R"((Europe/Berlin).\nAsk #platform <ops> & finance.",)"
      R"("link":"https://costledger.example/v1/quotas/alpha-weekly/status",)"
      R"("fields":[{"name":"Spent","value":"$800.00"},{"name":"Limit","value":"$1,000.00"}]})");
}

TEST(WebhookPayloadTest, GenericJsonHasANullLinkWhenThereIsNone) {
  Notification n = Alert();
  n.link.clear();
  n.fields.clear();
  const json j = json::parse(GenericJsonPayload(n));
  EXPECT_TRUE(j.at("link").is_null());
  EXPECT_TRUE(j.at("fields").empty());
}

TEST(WebhookPayloadTest, SlackHasFallbackTextAndBlocks) {
  const json j = json::parse(SlackPayload(Alert()));
  EXPECT_THAT(BlockTypes(j), ElementsAre("header", "section", "section", "actions"));
  // mrkdwn escapes &, < and > (Slack would read <ops> as a link otherwise); plain_text does not.
  EXPECT_EQ(j.at("blocks").at(1).at("text").at("type"), "mrkdwn");
  EXPECT_THAT(j.at("blocks").at(1).at("text").at("text").get<std::string>(),
              HasSubstr("Ask #platform &lt;ops&gt; &amp; finance."));
  EXPECT_EQ(
      j.at("blocks").at(0).at("text"),
      json::parse(
          R"({"type":"plain_text","text":"Quota alpha-weekly: 80% of its weekly limit spent"})"));
  EXPECT_EQ(j.at("blocks").at(2).at("fields").at(1).at("text"), "*Limit*\n$1,000.00");
  const json& button = j.at("blocks").at(3).at("elements").at(0);
  EXPECT_EQ(button.at("url"), Alert().link);
  EXPECT_EQ(button.at("text").at("text"), "Quota status");
  EXPECT_THAT(j.at("text").get<std::string>(),
              HasSubstr("Quota alpha-weekly: 80% of its weekly limit spent\nTeam alpha"));
  EXPECT_THAT(
      j.at("text").get<std::string>(),
      EndsWith("\n<https://costledger.example/v1/quotas/alpha-weekly/status|Quota status>"));
}

TEST(WebhookPayloadTest, SlackLeavesOutBlocksWithNothingToShow) {
  Notification n;
  n.title = "Only a title";
  EXPECT_THAT(BlockTypes(json::parse(SlackPayload(n))), ElementsAre("header"));
  n.title.clear();
  n.text = "Only text";
  EXPECT_THAT(BlockTypes(json::parse(SlackPayload(n))), ElementsAre("section"));
}

TEST(WebhookPayloadTest, SlackPutsAtMostTenFieldsInASection) {
  Notification n = Alert();
  n.fields.clear();
  for (int i = 0; i < 23; ++i) n.fields.push_back({"f" + std::to_string(i), std::to_string(i)});
  const json j = json::parse(SlackPayload(n));
  EXPECT_EQ(j.at("blocks").at(2).at("fields").size(), 10U);
  EXPECT_EQ(j.at("blocks").at(3).at("fields").size(), 10U);
  EXPECT_EQ(j.at("blocks").at(4).at("fields").size(), 3U);
  EXPECT_EQ(j.at("blocks").at(4).at("fields").at(2).at("text"), "*f22*\n22");
}

TEST(WebhookPayloadTest, SlackCutsTextToItsLimitsAtCharacterBoundaries) {
  Notification n = Alert();
  n.title = std::string(140, 't') + "€€€€€€€€";  // 164 bytes; the header takes 150
  n.text = std::string(2000, '&');               // 10000 bytes once escaped; a section takes 3000
  n.link_text = std::string(100, 'b');
  const json j = json::parse(SlackPayload(n));
  const std::string header = j.at("blocks").at(0).at("text").at("text");
  EXPECT_LE(header.size(), 150U);
  EXPECT_THAT(header, EndsWith("€…"));
  EXPECT_TRUE(IsValidUtf8(header));
  const std::string section = j.at("blocks").at(1).at("text").at("text");
  EXPECT_LE(section.size(), 3000U);
  EXPECT_THAT(section, EndsWith("&amp;…"));  // never half an entity
  EXPECT_LE(
      j.at("blocks").at(3).at("elements").at(0).at("text").at("text").get<std::string>().size(),
      75U);
}

TEST(WebhookPayloadTest, RefusesLinksThatAreNotPlainHttpUrls) {
  for (const char* bad : {"ftp://x/y", "javascript:alert(1)", "/relative", "https://a b",
                          "https://x/<y>", "https://x/a|b", "https://x/\"q\""}) {
    Notification n = Alert();
    n.link = bad;
    EXPECT_THAT(ErrorOf<InvalidInput>([&] { SlackPayload(n); }), HasSubstr("notification.link"))
        << bad;
    EXPECT_THROW(GenericJsonPayload(n), InvalidInput) << bad;
  }
}

TEST(WebhookPayloadTest, RefusesTextThatIsNotUtf8) {
  Notification n = Alert();
  n.fields[0].value = "\xFF";
  EXPECT_THAT(ErrorOf<InvalidInput>([&] { GenericJsonPayload(n); }), HasSubstr("fields.value"));
}

TEST(WebhookPayloadTest, FormatsAreChosenByName) {
  EXPECT_EQ(ParseWebhookFormat("slack"), WebhookFormat::kSlack);
  EXPECT_EQ(ParseWebhookFormat("generic"), WebhookFormat::kGeneric);
  EXPECT_THAT(ErrorOf<InvalidInput>([] { ParseWebhookFormat("teams"); }),
              HasSubstr("slack, generic"));
  EXPECT_EQ(WebhookPayload(Alert(), WebhookFormat::kSlack), SlackPayload(Alert()));
  EXPECT_EQ(WebhookPayload(Alert(), WebhookFormat::kGeneric), GenericJsonPayload(Alert()));
}

}  // namespace
}  // namespace costledger::model
