// Tests of the web-form channel's pure parts (splitting a message, checking values, charsets, the
// HTML form reader, filling a form in, the job payload, the outbox trail) and of the submitter
// and the outbox handler against a real local site: tests/integration/webform_site.py, started
// on port 0 for each test that needs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/utf8.hpp"
#include "delivery/spool_transport.hpp"
#include "delivery/webform/charset.hpp"
#include "delivery/webform/form_fill.hpp"
#include "delivery/webform/html_form.hpp"
#include "delivery/webform/job.hpp"
#include "delivery/webform/sender.hpp"
#include "delivery/webform/submitter.hpp"
#include "delivery/worker.hpp"
#include "domain/webform.hpp"
#include "store/store.hpp"
#include "support/python_peer.hpp"
#include "support/temp_dir.hpp"

namespace twinning::delivery::webform {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using test::TempDir;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// ---------------------------------------------------------------------------------------------
// Splitting a message and checking values (domain/webform.hpp)

TEST(WebformSplit, FitsInOnePart) {
  EXPECT_THAT(domain::split_to_fit("  Short message.\n", 100), ElementsAre("Short message."));
  EXPECT_THAT(domain::split_to_fit("No limit at all.", 0), ElementsAre("No limit at all."));
}

TEST(WebformSplit, PrefersParagraphsThenSentencesThenSpaces) {
  const std::string text = "First paragraph, one sentence.\n\nSecond paragraph. It has two sentences.";
  EXPECT_THAT(domain::split_to_fit(text, 45), ElementsAre("First paragraph, one sentence.",
                                                          "Second paragraph. It has two sentences."));
  EXPECT_THAT(domain::split_to_fit("One sentence here. Another one follows it.", 30),
              ElementsAre("One sentence here.", "Another one follows it."));
  EXPECT_THAT(domain::split_to_fit("words without any full stop at all", 12),
              ElementsAre("words", "without any", "full stop at", "all"));
}

TEST(WebformSplit, CountsCharactersNotBytesAndCutsLongWords) {
  // Ten Hangul syllables are 30 bytes: counted as 10, the way the site counts them.
  const std::string korean = "가나다라마바사아자차";
  EXPECT_THAT(domain::split_to_fit(korean, 10), ElementsAre(korean));
  EXPECT_THAT(domain::split_to_fit(korean, 4), ElementsAre("가나다라", "마바사아", "자차"));
  EXPECT_THAT(domain::split_to_fit("저는 나주에 삽니다. 감사합니다.", 12), ElementsAre("저는 나주에 삽니다.", "감사합니다."));
  for (const auto& part : domain::split_to_fit(std::string(1000, 'x') + " tail", 64)) {
    EXPECT_LE(code_points(part), 64u);
  }
}

TEST(WebformSplit, EveryPartFitsAndNothingIsLost) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "문장 " + std::to_string(i) + "입니다. Sentence " + std::to_string(i) + "! ";
  for (std::size_t max : {7u, 20u, 33u, 100u}) {
    std::string joined;
    for (const auto& part : domain::split_to_fit(text, max)) {
      EXPECT_LE(code_points(part), max) << part;
      EXPECT_FALSE(part.empty());
      joined += part;
    }
    std::string squeezed;
    for (char c : text) {
      if (c != ' ') squeezed += c;
    }
    std::string joined_squeezed;
    for (char c : joined) {
      if (c != ' ') joined_squeezed += c;
    }
    EXPECT_EQ(joined_squeezed, squeezed) << "max " << max;
  }
}

TEST(WebformValues, ProblemsJustUnderAndOverTheLimit) {
  domain::WebformField f;
  f.max_chars = 3;
  EXPECT_EQ(domain::value_problem(f, "가나다"), std::nullopt);
  EXPECT_THAT(domain::value_problem(f, "가나다라").value_or(""), HasSubstr("4 characters, more than the 3"));
  EXPECT_THAT(domain::value_problem(f, "a\nb").value_or(""), HasSubstr("line break"));
  f.format = domain::FieldFormat::multiline;
  EXPECT_EQ(domain::value_problem(f, "a\nb"), std::nullopt);
  f.max_chars = 0;
  f.format = domain::FieldFormat::phone;
  EXPECT_EQ(domain::value_problem(f, "000-000-0000"), std::nullopt);
  EXPECT_EQ(domain::value_problem(f, "+45 40 78 14 75"), std::nullopt);
  EXPECT_TRUE(domain::value_problem(f, "call me"));
  EXPECT_TRUE(domain::value_problem(f, "---"));
  f.format = domain::FieldFormat::email;
  EXPECT_EQ(domain::value_problem(f, "ana@example.org"), std::nullopt);
  EXPECT_TRUE(domain::value_problem(f, "ana@@example.org"));
  EXPECT_TRUE(domain::value_problem(f, "ana example.org"));
  EXPECT_EQ(domain::value_problem(f, ""), std::nullopt);  // required is checked elsewhere
}

TEST(WebformValues, AutomationNeedsTheDefinitionAndTheHost) {
  domain::WebformDefinition form;
  form.automated = true;
  EXPECT_TRUE(domain::automation_allowed(form, "https://Council.Example.org:8443/a?x#y", {"council.example.org"}));
  EXPECT_FALSE(domain::automation_allowed(form, "https://council.example.org/a", {"example.org"}));
  EXPECT_FALSE(domain::automation_allowed(form, "https://evil.example/council.example.org", {"council.example.org"}));
  form.automated = false;
  EXPECT_FALSE(domain::automation_allowed(form, "https://council.example.org/a", {"council.example.org"}));
  EXPECT_EQ(domain::url_host("http://user:pw@[::1]:80/x"), "[::1]");
}

// ---------------------------------------------------------------------------------------------
// Charsets

TEST(WebformCharset, KoreanLabelsAreReadAsWindows949LikeBrowsersDo) {
  EXPECT_EQ(converter_for("EUC-KR"), "windows-949-2000");
  EXPECT_EQ(converter_for(" ks_c_5601-1987 "), "windows-949-2000");
  EXPECT_EQ(converter_for("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(converter_for("utf8"), "UTF-8");
  EXPECT_EQ(converter_for("Shift_JIS"), "shift_jis");
  EXPECT_EQ(converter_for(""), "");
}

TEST(WebformCharset, EncodesHangulInEucKrAndUtf8) {
  EXPECT_EQ(encode("김민수", "euc-kr").value(), "\xB1\xE8\xB9\xCE\xBC\xF6");
  // A syllable outside EUC-KR's 2,350: windows-949 has it, as browsers post it.
  EXPECT_EQ(encode("똠", "EUC-KR").value(), "\x8C\x63");
  EXPECT_EQ(encode("김민수", "UTF-8").value(), "김민수");
  EXPECT_EQ(decode("\xB1\xE8\xB9\xCE\xBC\xF6", "euc-kr").value().text, "김민수");
}

TEST(WebformCharset, RefusesWhatTheCharsetCannotHoldAndNamesIt) {
  auto r = encode("나주 🐾", "euc-kr");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("cannot write \"🐾\""));
  EXPECT_FALSE(encode("x", "no-such-charset").ok());
  EXPECT_FALSE(decode("x", "no-such-charset").ok());
}

TEST(WebformCharset, InvalidBytesAreReplacedAndCounted) {
  auto d = decode("ok \xFF\xFE end", "UTF-8");
  ASSERT_TRUE(d.ok());
  EXPECT_GE(d->replaced, 1u);
  EXPECT_TRUE(is_valid_utf8(d->text));
  EXPECT_THAT(d->text, HasSubstr("end"));
}

TEST(WebformCharset, FindsTheDeclaredCharset) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=EUC-KR"), "euc-kr");
  EXPECT_EQ(charset_from_content_type("text/html;charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(charset_from_content_type("text/html"), "");
  EXPECT_EQ(charset_from_meta("<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=euc-kr'>"),
            "euc-kr");
  EXPECT_EQ(charset_from_meta("<meta charset=\"UTF-8\"/>"), "utf-8");
  EXPECT_EQ(charset_from_meta(std::string(2000, ' ') + "<meta charset=\"euc-kr\">"), "");  // past 1024 bytes
}

TEST(WebformCharset, UrlEncodesBytesAsFormsDo) {
  EXPECT_EQ(form_urlencode({{"a b", "x&y=z"}, {"name", "\xB1\xE8"}, {"safe", "A-z_0.9*"}}),
            "a+b=x%26y%3Dz&name=%B1%E8&safe=A-z_0.9*");
  EXPECT_EQ(form_urlencode({}), "");
}

// ---------------------------------------------------------------------------------------------
// Reading forms

const char* kFormPage = R"(<html><body>
<form id="search" action="/search"><input name="q"></form>
<form id="mailform" name="mail" method="POST" action="send" accept-charset="euc-kr">
<input type="hidden" name="token" value="t&amp;1">
<input name="receiver" value="의원 가" readonly>
<input name="sender" maxlength="5">
<textarea name="content">
line one
line two</textarea>
<select name="kind"><option value="1">a</option><option value="2" selected>b</option></select>
<select name="empty"><option>only text</option></select>
<input type="checkbox" name="agree" value="Y" checked><input type="checkbox" name="news" value="Y">
<input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
<input name="off" value="x" disabled>
<button name="go" value="send">보내기</button><input type="reset">
</form></body></html>)";

TEST(WebformHtml, ReadsFormsAndTheValuesABrowserWouldSend) {
  auto page = parse_page(kFormPage, {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->forms.size(), 2u);
  const Form& f = page->forms[1];
  EXPECT_EQ(f.id, "mailform");
  EXPECT_EQ(f.method, "post");
  EXPECT_EQ(f.action, "send");
  EXPECT_EQ(f.accept_charset, "euc-kr");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& c : f.controls) seen.emplace_back(c.name, c.value);
  EXPECT_THAT(seen, ElementsAre(Pair("token", "t&1"), Pair("receiver", "의원 가"), Pair("sender", ""),
                                Pair("content", "line one\nline two"), Pair("kind", "2"),
                                Pair("empty", "only text"), Pair("agree", "Y"), Pair("news", "Y"), Pair("r", "1"),
                                Pair("r", "2"), Pair("off", "x"), Pair("go", "send"), Pair("", "")));
  EXPECT_TRUE(f.controls[7].name == "news" && !f.controls[7].checked);
  EXPECT_TRUE(f.controls[10].disabled);
  EXPECT_EQ(f.controls[2].maxlength, 5u);
  EXPECT_TRUE(f.captcha.empty());
}

TEST(WebformHtml, AControlLeftOutOfAFormOpenedInATableStillBelongsToIt) {
  auto page = parse_page(R"(<table><form id="f" method="post"></form><tr><td><input name="a"></td></tr></table>
<input name="b"><form id="g"><input name="c"></form><input name="outside">)",
                         {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->forms.size(), 2u);
  std::vector<std::string> f, g;
  for (const auto& c : page->forms[0].controls) f.push_back(c.name);
  for (const auto& c : page->forms[1].controls) g.push_back(c.name);
  EXPECT_THAT(f, ElementsAre("a", "b"));
  EXPECT_THAT(g, ElementsAre("c"));  // a form with its own controls adopts nothing after it
}

TEST(WebformHtml, SeesCaptchas) {
  auto page = parse_page(R"(<form id="f"><img src="/captcha/image.php"><input name="x"></form>
<form id="g"><div class="g-recaptcha" data-sitekey="k"></div></form>
<form id="h"><p>자동입력방지 문자를 입력하세요</p><input name="code"></form>
<form id="i"><p>This form has no captcha word in an attribute.</p></form>)",
                         {"자동입력방지"});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->forms.size(), 4u);
  EXPECT_THAT(page->forms[0].captcha, ElementsAre(HasSubstr("src=/captcha/image.php")));
  EXPECT_FALSE(page->forms[1].captcha.empty());
  EXPECT_THAT(page->forms[2].captcha, ElementsAre(HasSubstr("자동입력방지")));
  EXPECT_TRUE(page->forms[3].captcha.empty());
  auto scripted = parse_page(R"(<script src="https://www.google.com/recaptcha/api.js"></script><form></form>)", {});
  ASSERT_TRUE(scripted.ok());
  EXPECT_EQ(scripted->captcha_scripts.size(), 1u);
}

TEST(WebformHtml, HostileInputEndsWithinTheLimits) {
  ParseLimits limits;
  limits.max_bytes = 1000;
  EXPECT_FALSE(parse_page(std::string(1001, 'x'), {}, limits).ok());
  EXPECT_TRUE(parse_page(std::string(1000, 'x'), {}, limits).ok());
  // Deep nesting, unclosed tags, NUL bytes and junk: read, without a crash or a hang.
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div><form>";
  deep += "<input name=x>";
  EXPECT_TRUE(parse_page(deep, {}).ok());
  static constexpr char kNulInName[] = "<form id=a><input name=\"x\0y\" value=\"";  // the NUL is part of it
  EXPECT_TRUE(parse_page(std::string(kNulInName, sizeof kNulInName - 1) + "<<<>>>", {}).ok());
  std::string many;
  for (int i = 0; i < 500; ++i) many += "<form><input name=a>";
  auto capped = parse_page(many, {});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->forms.size(), ParseLimits{}.max_forms);
  EXPECT_TRUE(parse_page("", {}).ok());
}

// ---------------------------------------------------------------------------------------------
// Filling a form in

WebformJob council_job(const std::string& url = "http://127.0.0.1/euc-kr/members/a/contact") {
  WebformJob job;
  job.campaign = "naju-haderslev";
  job.target = "naju-council-member-a";
  job.definition = "naju-council";
  job.url = url;
  job.charset = "EUC-KR";
  job.form_id = "mailform";
  auto field = [](std::string name, std::string label, std::optional<std::string> value, bool required = true,
                  domain::FieldFormat format = domain::FieldFormat::line) {
    JobField f;
    f.name = std::move(name);
    f.label = std::move(label);
    f.value = std::move(value);
    f.required = required;
    f.format = format;
    return f;
  };
  job.fields = {field("receiver", "받는사람", std::nullopt, false),
                field("sender", "보내는 사람", "김민수"),
                field("email", "E-mail", "minsu@example.net", true, domain::FieldFormat::email),
                field("phone", "휴대폰", "000-000-0000", true, domain::FieldFormat::phone),
                field("subject", "제목", "나주시의 개·고양이 식용 거래"),
                field("content", "내용", "존경하는 의원님께\n\n법을 집행해 주십시오.", true, domain::FieldFormat::multiline)};
  job.fields[5].max_chars = 2000;
  job.success = {"이메일을 전송 하였습니다."};
  job.errors = {"잘못된 접근입니다."};
  job.notice.lang = "en";
  job.notice.from_name = "Naju and Haderslev";
  job.notice.from_email = "campaigns@twinning.example.org";
  job.notice.to_name = "Kim Minsu";
  job.notice.to_email = "minsu@example.net";
  job.notice.subject = "Your message to Council member A was not sent for you";
  for (auto r : all_stop_reasons()) {
    job.notice.texts[std::string(stop_reason_id(r))] = "Hello Kim Minsu, reason: " + std::string(stop_reason_id(r));
  }
  return job;
}

const char* kCouncilForm = R"(<table><form id="mailform" method="post" action="send">
<input type="hidden" name="token" value="tok">
<input type="hidden" name="member_id" value="a">
<tr><th>받는사람</th><td><input name="receiver" value="의원 가" readonly></td></tr>
<tr><th>보내는 사람</th><td><input name="sender" maxlength="30"></td></tr>
<tr><th>E-mail</th><td><input name="email"></td></tr>
<tr><th>휴대폰</th><td><input name="phone" required></td></tr>
<tr><th>제목</th><td><input name="subject"></td></tr>
<tr><th>내용</th><td><textarea name="content"></textarea></td></tr>
<input type="checkbox" name="agree" value="Y" checked><input type="checkbox" name="news" value="Y">
<input type="submit" value="보내기">
</form></table>)";

Page parsed(const std::string& html) {
  auto page = parse_page(html, {});
  if (!page.ok()) throw std::runtime_error(page.error().message);
  return std::move(page).value();
}

TEST(WebformFill, SendsWhatABrowserWouldInTheSitesCharset) {
  auto filled = fill_form(council_job(), parsed(kCouncilForm), "http://127.0.0.1:8080/euc-kr/members/a/contact",
                          "EUC-KR", "b");
  ASSERT_TRUE(std::holds_alternative<FilledForm>(filled)) << std::get<Stop>(filled).detail;
  const auto& f = std::get<FilledForm>(filled);
  EXPECT_EQ(f.action, "http://127.0.0.1:8080/euc-kr/members/a/send");
  EXPECT_EQ(f.content_type, "application/x-www-form-urlencoded");
  EXPECT_THAT(f.fields, ElementsAre(Pair("token", "tok"), Pair("member_id", "a"), Pair("receiver", "의원 가"),
                                    Pair("sender", "김민수"), Pair("email", "minsu@example.net"),
                                    Pair("phone", "000-000-0000"), Pair("subject", "나주시의 개·고양이 식용 거래"),
                                    Pair("content", "존경하는 의원님께\r\n\r\n법을 집행해 주십시오."), Pair("agree", "Y")));
  EXPECT_THAT(f.body, HasSubstr("&sender=%B1%E8%B9%CE%BC%F6&"));
  EXPECT_THAT(f.body, HasSubstr("receiver=%C0%C7%BF%F8+%B0%A1&"));
  EXPECT_THAT(f.body, HasSubstr("%0D%0A%0D%0A"));
  EXPECT_EQ(f.body.find("%26%23"), std::string::npos);  // never an HTML character reference
}

TEST(WebformFill, StopsWithTheReason) {
  const std::string url = "http://127.0.0.1/x/contact";
  auto reason_of = [&](const WebformJob& job, const std::string& html) {
    auto r = fill_form(job, parsed(html), url, "UTF-8", "b");
    return std::holds_alternative<Stop>(r) ? std::string(stop_reason_id(std::get<Stop>(r).reason)) : "filled";
  };
  const std::string form(kCouncilForm);
  EXPECT_EQ(reason_of(council_job(), form), "filled");
  std::string renamed = form;
  renamed.replace(renamed.find("name=\"phone\""), 12, "name=\"mobile\"");
  EXPECT_EQ(reason_of(council_job(), renamed), "missing_field");
  std::string other_id = form;
  other_id.replace(other_id.find("mailform"), 8, "writeform");
  EXPECT_EQ(reason_of(council_job(), other_id), "layout_changed");
  std::string by_get = form;
  by_get.replace(by_get.find("method=\"post\""), 13, "method=\"get\"");
  EXPECT_EQ(reason_of(council_job(), by_get), "layout_changed");
  std::string captcha = form;
  captcha.insert(captcha.find("<tr><th>제목"), "<tr><td><img id=\"captcha_img\" src=\"c.php\"></td></tr>");
  EXPECT_EQ(reason_of(council_job(), captcha), "captcha");
  WebformJob long_name = council_job();
  long_name.fields[1].value = std::string(31, 'a');  // the page's maxlength is 30
  EXPECT_EQ(reason_of(long_name, form), "value_rejected");
  long_name.fields[1].value = std::string(30, 'a');
  EXPECT_EQ(reason_of(long_name, form), "filled");
  WebformJob emoji = council_job();
  emoji.fields[5].value = "🐾";
  EXPECT_EQ(std::get<Stop>(fill_form(emoji, parsed(form), url, "EUC-KR", "b")).reason, StopReason::value_rejected);
  WebformJob button = council_job();
  button.submit_name = "send_button";
  EXPECT_EQ(reason_of(button, form), "layout_changed");
}

TEST(WebformFill, FindsTheFormByItsFieldsWhenTheDefinitionNamesNone) {
  WebformJob job = council_job();
  job.form_id.clear();
  auto r = fill_form(job, parsed(std::string("<form method=post><input name=q></form>") + kCouncilForm),
                     "http://127.0.0.1/a", "UTF-8", "b");
  ASSERT_TRUE(std::holds_alternative<FilledForm>(r));
  EXPECT_EQ(std::get<FilledForm>(r).fields.front().first, "token");
}

TEST(WebformFill, WritesMultipartBodies) {
  std::string form(kCouncilForm);
  form.replace(form.find("action=\"send\""), 13, "action=\"send\" enctype=\"multipart/form-data\"");
  auto r = fill_form(council_job(), parsed(form), "http://127.0.0.1/a", "UTF-8", "XyZ");
  ASSERT_TRUE(std::holds_alternative<FilledForm>(r));
  const auto& f = std::get<FilledForm>(r);
  EXPECT_EQ(f.content_type, "multipart/form-data; boundary=XyZ");
  EXPECT_THAT(f.body, HasSubstr("--XyZ\r\nContent-Disposition: form-data; name=\"sender\"\r\n\r\n김민수\r\n"));
  EXPECT_TRUE(f.body.size() > 9 && f.body.substr(f.body.size() - 9) == "--XyZ--\r\n");
}

TEST(WebformFill, ChecksValuesBeforeAnythingIsFetched) {
  EXPECT_EQ(check_values(council_job()), std::nullopt);
  WebformJob job = council_job();
  job.fields[3].value = "";
  EXPECT_THAT(check_values(job)->detail, HasSubstr("\"휴대폰\" (phone) is required"));
  job = council_job();
  job.fields[5].value = std::string(2001, 'x');
  EXPECT_EQ(check_values(job)->reason, StopReason::value_rejected);
}

TEST(WebformFill, ResolvesActions) {
  EXPECT_EQ(resolve_url("http://h/a/b/contact?x=1", "send"), "http://h/a/b/send");
  EXPECT_EQ(resolve_url("http://h/a/b/contact", ""), "http://h/a/b/contact");
  EXPECT_EQ(resolve_url("http://h/a/b/contact", "/other#frag"), "http://h/other");
  EXPECT_EQ(resolve_url("http://h/a", "https://elsewhere.example/x"), "https://elsewhere.example/x");
  EXPECT_EQ(resolve_url("not a url", "x"), "");
}

// ---------------------------------------------------------------------------------------------
// The outbox payload and trail

TEST(WebformJob, PayloadRoundTrips) {
  const WebformJob job = council_job();
  auto back = parse_payload(to_payload(job));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(to_payload(back.value()), to_payload(job));
  EXPECT_EQ(back->fields[0].value, std::nullopt);
  EXPECT_EQ(back->fields[5].format, domain::FieldFormat::multiline);
}

TEST(WebformJob, MalformedPayloadsAreRefused) {
  for (const std::string bad : {"", "[]", "{}", "{\"v\":2}", "not json", "{\"v\":1,\"campaign\":3}", "\xFF"}) {
    EXPECT_FALSE(parse_payload(bad).ok()) << bad;
  }
  auto doc = nlohmann::json::parse(to_payload(council_job()));
  doc["fields"][0]["format"] = "poem";
  EXPECT_FALSE(parse_payload(doc.dump()).ok());
  doc = nlohmann::json::parse(to_payload(council_job()));
  doc.erase("notice");
  EXPECT_FALSE(parse_payload(doc.dump()).ok());
}

TEST(WebformTrail, ReadsWhatTheSenderWrote) {
  EXPECT_EQ(read_trail("").kind, Trail::Kind::none);
  EXPECT_EQ(read_trail("250 OK").kind, Trail::Kind::none);
  auto t = read_trail("attempt 3: not sent: timeout");
  EXPECT_EQ(t.kind, Trail::Kind::not_sent);
  EXPECT_EQ(t.attempt, 3);
  t = read_trail("attempt 2: stopped (captcha): the form shows a captcha; notice not sent yet: 451 later");
  EXPECT_EQ(t.kind, Trail::Kind::stopped);
  EXPECT_EQ(t.reason, StopReason::captcha);
  EXPECT_EQ(t.stop_text, "attempt 2: stopped (captcha): the form shows a captcha");
  EXPECT_EQ(read_trail("attempt 2: stopped (captcha): x; the supporter was told by email").kind, Trail::Kind::closed);
  EXPECT_EQ(read_trail("attempt 2: stopped (bogus): x").kind, Trail::Kind::none);
  EXPECT_EQ(read_trail("attempt x: sent: y").kind, Trail::Kind::none);
  EXPECT_EQ(read_trail("attempt 1: sent: the site answered").kind, Trail::Kind::sent);
}

// ---------------------------------------------------------------------------------------------
// The settings

Result<Settings> settings_from(const std::string& yaml) {
  TempDir dir;
  const auto file = dir.path() / "twinning.yaml";
  std::ofstream(file) << yaml;
  return load_settings(file);
}

TEST(WebformSettings, DefaultsAndLimits) {
  const Settings defaults;
  EXPECT_TRUE(defaults.webform.automated_hosts.empty());  // nothing is filled in unless listed
  EXPECT_EQ(defaults.webform.per_host_interval, 30s);
  auto s = settings_from("webform:\n  automated_hosts: [Council.Example.ORG, 127.0.0.1]\n  per_host_interval_s: 0\n"
                         "  max_redirects: 50\n  max_response_bytes: 1024\n  timeout_ms: 1\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_THAT(s->webform.automated_hosts, ElementsAre("council.example.org", "127.0.0.1"));
  EXPECT_EQ(s->webform.per_host_interval, 0s);
  EXPECT_EQ(s->webform.max_redirects, 50u);
  EXPECT_EQ(s->webform.max_response_bytes, 1024u);
  for (const char* bad : {"webform:\n  max_redirects: 51\n", "webform:\n  max_response_bytes: 1023\n",
                          "webform:\n  timeout_ms: 0\n", "webform:\n  automated_hosts: [\"*.example.org\"]\n",
                          "webform:\n  automated_hosts: [\"https://council.example.org/\"]\n",
                          "webform:\n  automated_host: [a.example.org]\n"}) {
    auto r = settings_from(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_THAT(r.error().message, HasSubstr("twinning.yaml:")) << bad;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The real local site

// tests/integration/webform_site.py in a child process; stopped (SIGTERM) when destroyed.
class Site {
 public:
  explicit Site(const fs::path& dir)
      : dir_(dir), peer_("tests/integration/webform_site.py", {"--dir", dir.string()}) {}
  void stop() { peer_.stop(); }

  std::string url(const std::string& variant, const std::string& member = "a") const {
    return "http://127.0.0.1:" + std::to_string(peer_.port()) + "/" + variant + "/members/" + member + "/contact";
  }

  struct Post {
    nlohmann::json meta;
    std::string body;
  };
  // Every post the site received, in order.
  std::vector<Post> posts() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<Post> out;
    for (const auto& f : files) {
      auto body = f;
      body.replace_extension(".body");
      out.push_back({nlohmann::json::parse(read_all(f)), read_all(body)});
    }
    return out;
  }

 private:
  fs::path dir_;
  testing::PythonPeer peer_;
};

class WebformSiteTest : public ::testing::Test {
 protected:
  WebformSiteTest() : site_(tmp_.path() / "posts") {
    settings_.automated_hosts = {"127.0.0.1"};
    settings_.timeout = 3000ms;
    settings_.connect_timeout = 2000ms;
    settings_.max_response_bytes = 256 * 1024;
    settings_.max_redirects = 3;
  }

  SubmitResult run(const std::string& variant) {
    WebformJob job = council_job(site_.url(variant));
    if (variant != "euc-kr") job.charset = "UTF-8";
    return submit(job, settings_);
  }

  std::vector<std::pair<std::string, std::string>> fields_of(const nlohmann::json& meta) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : meta["fields"]) out.emplace_back(f[0].get<std::string>(), f[1].get<std::string>());
    return out;
  }

  TempDir tmp_;
  Site site_;
  WebformSettings settings_;
};

const std::vector<std::pair<std::string, std::string>> kExpectedFields = {
    {"token", ""}, {"member_id", "a"}, {"receiver", "의원 가"}, {"sender", "김민수"}, {"email", "minsu@example.net"},
    {"phone", "000-000-0000"}, {"subject", "나주시의 개·고양이 식용 거래"},
    {"content", "존경하는 의원님께\r\n\r\n법을 집행해 주십시오."}, {"agree", "Y"}};

void expect_council_fields(const std::vector<std::pair<std::string, std::string>>& got) {
  ASSERT_EQ(got.size(), kExpectedFields.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, kExpectedFields[i].first);
    if (i == 0) {
      EXPECT_GE(got[i].second.size(), 16u);  // the session's token, carried over
    } else {
      EXPECT_EQ(got[i].second, kExpectedFields[i].second) << got[i].first;
    }
  }
}

TEST_F(WebformSiteTest, SubmitsInEucKrWithTheSessionsCookieAndToken) {
  const SubmitResult r = run("euc-kr");
  EXPECT_EQ(r.kind, SubmitResult::Kind::sent) << r.detail;
  EXPECT_THAT(r.detail, HasSubstr("이메일을 전송 하였습니다."));
  const auto posts = site_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_TRUE(posts[0].meta["accepted"].get<bool>()) << posts[0].meta.dump();
  EXPECT_EQ(posts[0].meta["content_type"], "application/x-www-form-urlencoded");
  EXPECT_THAT(posts[0].meta["referer"].get<std::string>(), HasSubstr("/euc-kr/members/a/contact"));
  expect_council_fields(fields_of(posts[0].meta));
  // The exact bytes: Hangul in EUC-KR, percent-encoded; what was posted is what arrived.
  EXPECT_THAT(posts[0].body, HasSubstr("&receiver=%C0%C7%BF%F8+%B0%A1&sender=%B1%E8%B9%CE%BC%F6&"
                                       "email=minsu%40example.net&phone=000-000-0000&"));
  EXPECT_THAT(posts[0].body, HasSubstr("&agree=Y"));
  EXPECT_EQ(posts[0].body.find("newsletter"), std::string::npos);
  EXPECT_EQ(posts[0].body, r.posted_body);
}

TEST_F(WebformSiteTest, SubmitsInUtf8) {
  const SubmitResult r = run("utf-8");
  EXPECT_EQ(r.kind, SubmitResult::Kind::sent) << r.detail;
  const auto posts = site_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_TRUE(posts[0].meta["accepted"].get<bool>()) << posts[0].meta.dump();
  expect_council_fields(fields_of(posts[0].meta));
  EXPECT_THAT(posts[0].body, HasSubstr("&sender=%EA%B9%80%EB%AF%BC%EC%88%98&"));
}

TEST_F(WebformSiteTest, SubmitsMultipart) {
  const SubmitResult r = run("multipart");
  EXPECT_EQ(r.kind, SubmitResult::Kind::sent) << r.detail;
  const auto posts = site_.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_THAT(posts[0].meta["content_type"].get<std::string>(), HasSubstr("multipart/form-data; boundary="));
  expect_council_fields(fields_of(posts[0].meta));
}

TEST_F(WebformSiteTest, FallsBackWithTheReasonAndPostsNothing) {
  const std::pair<const char*, StopReason> cases[] = {
      {"captcha", StopReason::captcha},
      {"changed", StopReason::layout_changed},
      {"renamed", StopReason::missing_field},
      {"broken", StopReason::missing_field},
      {"huge", StopReason::unreadable_page},
      {"loop", StopReason::unreadable_page},
  };
  for (const auto& [variant, reason] : cases) {
    const SubmitResult r = run(variant);
    EXPECT_EQ(r.kind, SubmitResult::Kind::stopped) << variant << ": " << r.detail;
    EXPECT_EQ(r.reason, reason) << variant << ": " << r.detail;
    EXPECT_FALSE(r.posted) << variant;
  }
  EXPECT_TRUE(site_.posts().empty());
}

TEST_F(WebformSiteTest, AnswersAfterThePostAreFinal) {
  const SubmitResult refused = run("refused");
  EXPECT_EQ(refused.kind, SubmitResult::Kind::stopped);
  EXPECT_EQ(refused.reason, StopReason::refused) << refused.detail;
  const SubmitResult silent = run("silent");
  EXPECT_EQ(silent.reason, StopReason::no_success_signal) << silent.detail;
  EXPECT_TRUE(silent.posted);
  EXPECT_EQ(site_.posts().size(), 2u);
}

TEST_F(WebformSiteTest, NoAnswerAfterThePostIsAnUnknownOutcomeNeverARetry) {
  settings_.timeout = 800ms;
  const auto started = std::chrono::steady_clock::now();
  const SubmitResult r = run("slowpost");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(r.kind, SubmitResult::Kind::stopped) << r.detail;
  EXPECT_EQ(r.reason, StopReason::unknown_outcome);
  EXPECT_TRUE(r.posted);
  EXPECT_EQ(site_.posts().size(), 1u);
}

TEST_F(WebformSiteTest, NetworkFailuresBeforeThePostAreRetried) {
  settings_.timeout = 800ms;
  const auto started = std::chrono::steady_clock::now();
  const SubmitResult slow = run("slow");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(slow.kind, SubmitResult::Kind::retry) << slow.detail;
  EXPECT_THAT(slow.detail, HasSubstr("fetching the form page"));
  const SubmitResult error = run("error500");
  EXPECT_EQ(error.kind, SubmitResult::Kind::retry) << error.detail;
  EXPECT_THAT(error.detail, HasSubstr("500"));
  // Nothing listens on the site's port any more: refused, nothing sent.
  WebformJob job = council_job(site_.url("utf-8"));
  site_.stop();
  const SubmitResult refused = submit(job, settings_);
  EXPECT_EQ(refused.kind, SubmitResult::Kind::retry) << refused.detail;
  EXPECT_FALSE(refused.posted);
}

TEST_F(WebformSiteTest, OnlyAllowedHostsAreFilledIn) {
  settings_.automated_hosts = {"council.example.org"};
  const SubmitResult r = run("utf-8");
  EXPECT_EQ(r.reason, StopReason::not_allowed);
  EXPECT_TRUE(site_.posts().empty());
}

TEST_F(WebformSiteTest, ValuesTheSiteCannotTakeStopBeforeAnyRequest) {
  WebformJob job = council_job(site_.url("euc-kr"));
  job.fields[3].value = "";  // a required phone
  EXPECT_EQ(submit(job, settings_).reason, StopReason::value_rejected);
  job = council_job(site_.url("euc-kr"));
  job.fields[5].value = "Hello 🐾";  // EUC-KR has no paw prints
  const SubmitResult r = submit(job, settings_);
  EXPECT_EQ(r.reason, StopReason::value_rejected);
  EXPECT_THAT(r.detail, HasSubstr("🐾"));
  EXPECT_TRUE(site_.posts().empty());
}

// ---------------------------------------------------------------------------------------------
// The outbox handler: a real SQLite store, the spool transport for the supporter's notices

const store::TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + 9h;

class WebformSenderTest : public WebformSiteTest {
 protected:
  void SetUp() override {
    auto opened = store::open_sqlite(tmp_.path() / "data");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    auto spool = SpoolTransport::open(tmp_.path() / "spool");
    ASSERT_TRUE(spool.ok());
    spool_ = std::make_unique<SpoolTransport>(std::move(spool).value());
    retry_.base = 60s;
    retry_.max_interval = 1h;
    retry_.deadline = 48h;
    settings_.per_host_interval = 30s;
  }

  void queue(const std::string& variant) {
    WebformJob job = council_job(site_.url(variant));
    if (variant != "euc-kr") job.charset = "UTF-8";
    store::OutboxMessage m;
    m.kind = "webform";
    m.target = job.target;
    m.recipient = job.url;
    m.pacing_key = job.url;
    m.message_id = variant + "-" + std::to_string(++queued_) + "@127.0.0.1";
    m.payload = to_payload(job);
    store::NewAction a;
    a.idempotency_key = "key-" + std::to_string(queued_);
    a.request_hash = "hash-" + a.idempotency_key;
    a.campaign = "naju-haderslev";
    a.channel = "webform";
    a.language = "en";
    a.country = "DK";
    a.supporter_name = "Kim Minsu";
    a.supporter_email = "minsu@example.net";
    a.created_at = kStart;
    a.messages = {m};
    auto r = store_->record_action_sync(std::move(a));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  Worker worker(WebformSender& sender) {
    WorkerOptions o;
    o.retry = retry_;
    o.claim.limit = 50;
    o.claim.per_pacing_key_per_hour = 20;
    return Worker(*store_, *spool_, [this] { return now_; }, [] { return 0.5; }, o, {{"webform", &sender}});
  }
  WebformSender sender() {
    return WebformSender(*store_, *spool_, [this] { return now_; }, [] { return 0.5; }, retry_, settings_);
  }

  std::vector<store::OutboxRow> rows() {
    auto r = store_->list_outbox({std::nullopt, 100});
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return r.value();
  }
  std::vector<std::string> notices() {
    std::vector<std::string> out;
    if (!fs::exists(tmp_.path() / "spool")) return out;
    for (const auto& e : fs::directory_iterator(tmp_.path() / "spool")) {
      if (e.path().extension() == ".eml") out.push_back(read_all(e.path()));
    }
    return out;
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SpoolTransport> spool_;
  RetryPolicy retry_;
  store::TimePoint now_ = kStart;
  int queued_ = 0;
};

TEST_F(WebformSenderTest, SubmitsAndRecordsTheSitesAnswer) {
  queue("euc-kr");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  const auto r = rows();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].state, "sent") << r[0].last_error;
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: sent: the site answered 200 with \"이메일을 전송 하였습니다.\""));
  EXPECT_EQ(w.stats().sent, 1u);
  EXPECT_TRUE(notices().empty());
  EXPECT_EQ(site_.posts().size(), 1u);
}

TEST_F(WebformSenderTest, ACaptchaStopsItAndTellsTheSupporterByEmail) {
  queue("captcha");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  const auto r = rows();
  EXPECT_EQ(r[0].state, "failed");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: stopped (captcha): the form shows a captcha"));
  EXPECT_THAT(r[0].last_error, HasSubstr("; the supporter was told by email"));
  const auto mails = notices();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_THAT(mails[0], HasSubstr("To: =?utf-8?Q?Kim_Minsu?= <minsu@example.net>"));
  EXPECT_THAT(mails[0], HasSubstr("reason: captcha"));
  EXPECT_TRUE(site_.posts().empty());
  EXPECT_EQ(w.stats().failed, 1u);
}

TEST_F(WebformSenderTest, PostsToOneHostArePaced) {
  queue("utf-8");
  queue("euc-kr");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 2u);
  auto r = rows();  // newest first
  EXPECT_EQ(r[1].state, "sent");
  EXPECT_EQ(r[0].state, "queued");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: not sent: waiting for the host's turn (one post every 30 s)"));
  EXPECT_EQ(r[0].next_attempt_at, kStart + 30s);
  now_ = kStart + 29s;
  EXPECT_EQ(w.run_once(), 0u);
  now_ = kStart + 30s;
  EXPECT_EQ(w.run_once(), 1u);
  r = rows();
  EXPECT_EQ(r[0].state, "sent") << r[0].last_error;
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 2: sent"));
  EXPECT_EQ(site_.posts().size(), 2u);
}

TEST_F(WebformSenderTest, AfterARestartThePacingComesFromTheStore) {
  queue("utf-8");
  {
    WebformSender s = sender();
    Worker w = worker(s);
    EXPECT_EQ(w.run_once(), 1u);
  }
  queue("euc-kr");
  now_ = kStart + 10s;
  WebformSender fresh = sender();  // a new process: nothing in memory
  Worker w = worker(fresh);
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(rows()[0].state, "queued");
  EXPECT_EQ(rows()[0].next_attempt_at, kStart + 30s);
}

TEST_F(WebformSenderTest, NetworkTroubleBeforeThePostIsRetriedLater) {
  settings_.timeout = 500ms;
  queue("error500");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  auto r = rows();
  EXPECT_EQ(r[0].state, "queued");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: not sent: the form page answered 500"));
  EXPECT_EQ(r[0].next_attempt_at, kStart + 60s);
  // At the deadline the handler gives up and tells the supporter.
  now_ = kStart + 48h;
  EXPECT_EQ(w.run_once(), 1u);
  r = rows();
  EXPECT_EQ(r[0].state, "failed");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 2: stopped (unreachable): gave up after the retry deadline"));
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_THAT(notices()[0], HasSubstr("reason: unreachable"));
}

TEST_F(WebformSenderTest, AMessageCutOffByACrashIsNeverPostedAgain) {
  queue("utf-8");
  // A worker claimed it and died before recording anything: the next start queues it again.
  auto claimed = store_->claim_outbox(now_, {});
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_EQ(store_->requeue_sending(now_).value(), 1);
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  const auto r = rows();
  EXPECT_EQ(r[0].state, "failed");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 2: stopped (unknown_outcome)"));
  EXPECT_TRUE(site_.posts().empty());
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_THAT(notices()[0], HasSubstr("reason: unknown_outcome"));
}

TEST_F(WebformSenderTest, APostWithoutAnAnswerIsNotRetried) {
  settings_.timeout = 800ms;
  queue("slowpost");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  const auto r = rows();
  EXPECT_EQ(r[0].state, "failed");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: stopped (unknown_outcome): posting the form"));
  EXPECT_EQ(site_.posts().size(), 1u);
  now_ += 1h;
  EXPECT_EQ(w.run_once(), 0u);  // nothing left to claim
  EXPECT_EQ(site_.posts().size(), 1u);
}

TEST_F(WebformSenderTest, OnlyAnOperatorsRequeuePostsAFinishedMessageAgain) {
  queue("silent");
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  auto r = rows();
  EXPECT_EQ(r[0].state, "failed");
  EXPECT_THAT(r[0].last_error, HasSubstr("attempt 1: stopped (no_success_signal)"));
  EXPECT_THAT(notices().at(0), HasSubstr("reason: no_success_signal"));
  now_ += 1h;
  EXPECT_EQ(w.run_once(), 0u);  // failed stays failed
  ASSERT_TRUE(store_->outbox_requeue(r[0].id, now_).ok());  // `twinning outbox requeue ID`
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_THAT(rows()[0].last_error, HasSubstr("attempt 2: stopped (no_success_signal)"));
  EXPECT_EQ(site_.posts().size(), 2u);
}

TEST_F(WebformSenderTest, AnUnreadablePayloadFailsWithoutAPost) {
  store::OutboxMessage m;
  m.kind = "webform";
  m.recipient = site_.url("utf-8");
  m.payload = "{\"v\": 1}";
  store::NewAction a;
  a.idempotency_key = "key-bad";
  a.request_hash = "hash-bad";
  a.campaign = "naju-haderslev";
  a.channel = "webform";
  a.language = "en";
  a.country = "DK";
  a.supporter_name = "Kim";
  a.supporter_email = "kim@example.net";
  a.created_at = kStart;
  a.messages = {m};
  ASSERT_TRUE(store_->record_action_sync(std::move(a)).ok());
  WebformSender s = sender();
  Worker w = worker(s);
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(rows()[0].state, "failed");
  EXPECT_THAT(rows()[0].last_error, HasSubstr("the job cannot be read"));
  EXPECT_TRUE(site_.posts().empty());
}

TEST_F(WebformSenderTest, AWorkerWithoutAWebformSenderNeverMailsAForm) {
  queue("utf-8");
  WorkerOptions o;
  o.retry = retry_;
  Worker w(*store_, *spool_, [this] { return now_; }, [] { return 0.5; }, o);
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(rows()[0].state, "failed");
  EXPECT_THAT(rows()[0].last_error, HasSubstr("no sender for \"webform\" messages"));
  EXPECT_TRUE(notices().empty());
}

}  // namespace
}  // namespace twinning::delivery::webform
