#include <gtest/gtest.h>

#include "app/action.hpp"
#include "campaign/load.hpp"

namespace twinning::app {
namespace {

class ActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = campaign::load_campaign(std::filesystem::path(TWINNING_SOURCE_DIR) / "campaigns" / "naju-haderslev");
    ASSERT_TRUE(loaded.ok());
    campaign_ = std::move(*loaded.campaign);
  }
  Fields good() const {
    return {{"name", " Ana Lima "}, {"email", "ana@example.com"}, {"country", "pt"}, {"channel", "call"},
            {"target", "haderslev-mayor"}, {"phone", "912 345 678"}, {"consent_public", "on"},
            {"idempotency_key", "0123456789abcdef-key"}};
  }
  Result<ActionInput> parse(const Fields& f) {
    problems_.clear();
    return parse_action(f, campaign_, problems_);
  }
  std::vector<std::string> fields_at_fault() const {
    std::vector<std::string> out;
    for (const auto& p : problems_) out.push_back(p.field);
    return out;
  }
  domain::Campaign campaign_;
  std::vector<FieldError> problems_;
};

TEST_F(ActionTest, CleanInputIsNormalized) {
  auto in = parse(good());
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->name, "Ana Lima");
  EXPECT_EQ(in->country, "PT");
  EXPECT_EQ(in->phone, "+351912345678");  // national number read with the supporter's country
  EXPECT_TRUE(in->consent_public);
  EXPECT_FALSE(in->consent_this_campaign);
  EXPECT_FALSE(in->consent_other_campaigns);
}

TEST_F(ActionTest, EveryProblemIsReportedAtOnce) {
  auto in = parse({{"name", ""}, {"email", "ana@"}, {"country", "XX"}, {"channel", "fax"}, {"phone", "12"},
                   {"consent_this_campaign", "maybe"}, {"idempotency_key", "short"}});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(fields_at_fault(), (std::vector<std::string>{"name", "email", "country", "phone", "channel",
                                                         "consent_this_campaign", "idempotency_key"}));
}

TEST_F(ActionTest, TargetMustBeListedForTheChannel) {
  auto f = good();
  f[4].second = "naju-council-member-a";  // a web-form target, not a call target
  EXPECT_FALSE(parse(f).ok());
  EXPECT_EQ(fields_at_fault(), std::vector<std::string>{"target"});
  f[4].second = "x-greenjeonnam";  // public targets are not acted on through the form
  EXPECT_FALSE(parse(f).ok());
  f[4].second = "";
  EXPECT_TRUE(parse(f).ok());
}

TEST_F(ActionTest, SingleLineFieldsRefuseControlCharactersAndLength) {
  auto f = good();
  f[0].second = "Ana\r\nBcc: x@example.com";
  EXPECT_FALSE(parse(f).ok());
  EXPECT_EQ(problems_.front().field, "name");
  f[0].second = std::string(200, 'a');
  EXPECT_TRUE(parse(f).ok());
  f[0].second = std::string(201, 'a');
  EXPECT_FALSE(parse(f).ok());
  EXPECT_EQ(problems_.front().code, "too_long");
  f[0].second.clear();
  for (int i = 0; i < 200; ++i) f[0].second += "한";  // 600 bytes, 200 characters: counted as characters
  EXPECT_TRUE(parse(f).ok());
}

TEST_F(ActionTest, UnknownDuplicatedAndNonUtf8FieldsAreBadRequests) {
  auto f = good();
  f.emplace_back("colour", "red");
  auto in = parse(f);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().field, "colour");
  EXPECT_TRUE(problems_.empty());

  f = good();
  f.emplace_back("email", "other@example.com");
  in = parse(f);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().field, "email");

  f = good();
  f[0].second = "\xC0\xAF";  // an overlong encoding
  in = parse(f);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().kind, ErrorKind::invalid_utf8);
  EXPECT_EQ(in.error().field, "name");
}

TEST(Honeypot, AnEmptyHoneypotIsTakenOutAndTheRestKeptInOrder) {
  auto out = without_honeypot({{"name", "Ana"}, {kHoneypotField, ""}, {"email", "ana@example.org"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value(), (Fields{{"name", "Ana"}, {"email", "ana@example.org"}}));
  // A form without it (an API client) is fine too.
  EXPECT_TRUE(without_honeypot({{"name", "Ana"}}).ok());
}

TEST(Honeypot, TextInItOrTwoOfItAreRefusedSayingWhatAPersonCanDo) {
  auto filled = without_honeypot({{"name", "Ana"}, {kHoneypotField, "+1 555 0100"}});
  ASSERT_FALSE(filled.ok());
  EXPECT_EQ(filled.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(filled.error().field, kHoneypotField);
  EXPECT_NE(filled.error().message.find("reload the page"), std::string::npos);
  auto twice = without_honeypot({{kHoneypotField, ""}, {kHoneypotField, ""}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, kHoneypotField);
}

TEST(FieldsFromJson, ReadsStringsAndBooleans) {
  auto f = fields_from_json(R"({"name":"Ana","consent_public":true,"consent_other_campaigns":false,"phone":null})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value(), (Fields{{"consent_other_campaigns", ""}, {"consent_public", "yes"}, {"name", "Ana"},
                               {"phone", ""}}));
}

TEST(FieldsFromJson, MalformedInput) {
  struct Case {
    const char* body;
    ErrorKind kind;
    const char* field;
  };
  for (const auto& c : std::vector<Case>{{"", ErrorKind::bad_request, ""},
                                         {"{", ErrorKind::bad_request, ""},
                                         {"[1,2]", ErrorKind::bad_request, ""},
                                         {"\"text\"", ErrorKind::bad_request, ""},
                                         {R"({"name":1})", ErrorKind::bad_request, "name"},
                                         {R"({"name":{"a":1}})", ErrorKind::bad_request, "name"},
                                         {R"({"name":"a","name":"b"})", ErrorKind::bad_request, "name"},
                                         {"{\"name\":\"\xff\"}", ErrorKind::invalid_utf8, ""}}) {
    auto f = fields_from_json(c.body);
    ASSERT_FALSE(f.ok()) << c.body;
    EXPECT_EQ(f.error().kind, c.kind) << c.body;
    EXPECT_EQ(f.error().field, c.field) << c.body;
  }
}

TEST_F(ActionTest, RecordKeysAndHashes) {
  const auto now = std::chrono::sys_seconds{std::chrono::seconds{1'790'000'000}};
  auto in = parse(good()).value();
  auto a = to_record(in, campaign_, "da", now);
  EXPECT_EQ(a.idempotency_key, "k:0123456789abcdef-key");
  EXPECT_EQ(a.consent.wording_version, campaign_.consent_version);
  EXPECT_TRUE(a.consent.public_listing);

  // Without a key from the page: the same content on the same day is the same action.
  in.idempotency_key.clear();
  auto b = to_record(in, campaign_, "da", now);
  auto c = to_record(in, campaign_, "da", now + std::chrono::hours{1});
  EXPECT_EQ(b.idempotency_key.substr(0, 2), "d:");
  EXPECT_EQ(b.idempotency_key, c.idempotency_key);
  EXPECT_NE(b.idempotency_key, to_record(in, campaign_, "da", now + std::chrono::days{1}).idempotency_key);
  auto changed = in;
  changed.consent_other_campaigns = true;
  EXPECT_NE(to_record(changed, campaign_, "da", now).request_hash, b.request_hash);
  EXPECT_NE(to_record(changed, campaign_, "da", now).idempotency_key, b.idempotency_key);
}

}  // namespace
}  // namespace twinning::app

#include "app/email_action.hpp"

namespace twinning::app {
namespace {

class EmailActionTest : public ActionTest {
 protected:
  Fields fields(std::initializer_list<std::pair<std::string, std::string>> extra) const {
    Fields f{{"name", "Ana Lima"}, {"email", "ana@example.com"}, {"country", "PT"},
             {"idempotency_key", "0123456789abcdef-mail"}};
    for (const auto& e : extra) f.emplace_back(e);
    return f;
  }
  Result<EmailActionInput> parse_email(const Fields& f) {
    problems_.clear();
    return parse_email_action(f, campaign_, "Shown subject", "Shown body\nline two", problems_);
  }
};

TEST_F(EmailActionTest, TheShownTextIsNoEdit) {
  // Browsers send CRLF and may add trailing space: still the same text.
  auto in = parse_email(fields({{"subject", "Shown subject"}, {"body", "Shown body\r\nline two\r\n"}, {"copy_to_me", "yes"}}));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_FALSE(in->subject.has_value());
  EXPECT_FALSE(in->body.has_value());
  EXPECT_TRUE(in->copy_to_me);
  EXPECT_EQ(in->supporter.channel, "email");
}

TEST_F(EmailActionTest, EditsAndNoteAreKeptAsWritten) {
  auto in = parse_email(fields({{"subject", "My subject"}, {"body", "My own words\r\n\r\nsecond"}, {"note", "Hej!\r\nTak."}}));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->subject.value(), "My subject");
  EXPECT_EQ(in->body.value(), "My own words\n\nsecond");
  EXPECT_EQ(in->note, "Hej!\nTak.");
  EXPECT_FALSE(in->copy_to_me);
}

TEST_F(EmailActionTest, InjectionAndLimits) {
  EXPECT_FALSE(parse_email(fields({{"subject", "Hi\r\nBcc: x@example.com"}})).ok());
  EXPECT_EQ(problems_.front().field, "subject");
  EXPECT_FALSE(parse_email(fields({{"note", std::string("a\x01", 2)}})).ok());
  EXPECT_EQ(problems_.front().field, "note");
  EXPECT_FALSE(parse_email(fields({{"note", std::string(2001, 'a')}})).ok());
  EXPECT_EQ(problems_.front().code, "too_long");
  EXPECT_TRUE(parse_email(fields({{"note", std::string(2000, 'a')}})).ok());
  auto wrong = parse_email(fields({{"channel", "call"}}));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "channel");
  auto twice = parse_email(fields({{"note", "a"}, {"note", "b"}}));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "note");
}

TEST_F(EmailActionTest, TokensAreHashedForStorage) {
  EXPECT_EQ(token_hash("abc"), token_hash("abc"));
  EXPECT_NE(token_hash("abc"), token_hash("abd"));
  EXPECT_EQ(token_hash("abc").size(), 64u);
  EXPECT_EQ(confirmation_link("http://x", "tok"), "http://x/confirm/tok");
}

}  // namespace
}  // namespace twinning::app
