// Webhooks' pure half (app/webhooks.hpp): which actions make one, what the body holds, and the
// signature a receiver checks (the value computed independently with Python's hmac module).
#include "app/webhooks.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace twinning::app {
namespace {

store::NewAction action(const std::string& channel) {
  store::NewAction a;
  a.idempotency_key = "k:abc";
  a.campaign = "naju-haderslev";
  a.channel = channel;
  a.target = "haderslev-mayor";
  a.language = "da";
  a.country = "DK";
  a.supporter_name = "Søren";
  a.supporter_email = "soren@example.net";
  a.created_at = store::TimePoint{std::chrono::seconds{1'800'000'000}};
  return a;
}

TEST(Webhooks, TheSignatureIsHmacSha256OfTimeDotBody) {
  EXPECT_EQ(webhook_signature("key", 1700000000, R"({"event":"outreach"})"),
            "t=1700000000,v1=e588c30a27cc74f63e8d8b0a8a83d1a1f2276a2653df254aef93e9e93ca634f1");
  EXPECT_NE(webhook_signature("key2", 1700000000, "{}"), webhook_signature("key", 1700000000, "{}"));
}

TEST(Webhooks, OutreachesAndSignaturesMakeOnePerReceiverOthersNone) {
  const std::vector<WebhookSettings> two = {{"https://a.example/hook", "0123456789abcdef"},
                                            {"https://b.example/hook", "fedcba9876543210"}};
  for (const char* ch : {"email", "webform", "call", "letter"}) EXPECT_EQ(webhook_messages(two, action(ch)).size(), 2u);
  EXPECT_EQ(webhook_event("petition"), "signature");
  EXPECT_TRUE(webhook_messages(two, action("post")).empty());
  EXPECT_TRUE(webhook_messages(two, action("share")).empty());
  EXPECT_TRUE(webhook_messages({}, action("email")).empty());

  const auto m = webhook_messages(two, action("petition"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].kind, "webhook");
  EXPECT_EQ(m[1].recipient, "https://b.example/hook");
  EXPECT_TRUE(m[0].pacing_key.empty());
  const auto body = nlohmann::json::parse(m[0].payload);
  EXPECT_EQ(body["event"], "signature");
  EXPECT_EQ(body["supporter"]["email"], "soren@example.net");
  EXPECT_EQ(body["created_at"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(m[0].message_id, body["id"].get<std::string>() + ".signature");
  // The id is stable for the action, and says nothing of the key.
  EXPECT_EQ(webhook_messages(two, action("petition"))[0].payload, m[0].payload);
  EXPECT_EQ(m[0].payload.find("k:abc"), std::string::npos);
}

}  // namespace
}  // namespace twinning::app
