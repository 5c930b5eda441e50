// The call channel from the outcome tally to the HTTP answers: domain/call_outcome, the caller
// choice and outcome form of app/call, the call view and block of render, and the handlers run
// through the real router with a real SQLite store in a temporary directory and a fixed clock.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "app/call.hpp"
#include "app/site.hpp"
#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "common/config.hpp"
#include "domain/call_outcome.hpp"
#include "http/handlers/handlers.hpp"
#include "http/router.hpp"
#include "i18n/catalog.hpp"
#include "render/call_view.hpp"
#include "render/channel_view.hpp"
#include "render/page.hpp"
#include "support/temp_dir.hpp"

namespace twinning {
namespace {

using namespace std::chrono;
using domain::CallOutcome;

const std::filesystem::path kSource = TWINNING_SOURCE_DIR;

sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi) {
  return sys_seconds{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi};
}

// 02:14 in Haderslev on Wednesday 25 November 2026: the office opens at 09:00 (08:00 UTC).
const sys_seconds kNight = utc(2026, 11, 25, 1, 14);

// ---------------------------------------------------------------- domain

TEST(CallOutcomes, IdsAndEventKindsRoundTrip) {
  for (CallOutcome o : domain::kAllCallOutcomes) {
    EXPECT_EQ(domain::parse_call_outcome(domain::call_outcome_id(o)), o);
    EXPECT_EQ(domain::outcome_of_event_kind(domain::call_event_kind(o)), o);
  }
  EXPECT_EQ(domain::call_event_kind(CallOutcome::wrong_number), "call.wrong_number");
  for (const char* bad : {"", "Reached", "reached ", "call.reached", "wrong-number", "no answer"}) {
    EXPECT_FALSE(domain::parse_call_outcome(bad)) << bad;
  }
  for (const char* bad : {"", "call.", "reached", "own_mail.gmail", "call.bogus", "calls.reached"}) {
    EXPECT_FALSE(domain::outcome_of_event_kind(bad)) << bad;
  }
}

TEST(CallOutcomes, TallyPerTargetFlagsAtTheThreshold) {
  const std::vector<domain::EventTotal> events = {
      {"mayor", "call.reached", 4},      {"mayor", "call.wrong_number", 2}, {"council", "call.wrong_number", 3},
      {"mayor", "call.voicemail", 1},    {"mayor", "own_mail.gmail", 9},    {"gone", "call.no_answer", 2},
      {"mayor", "call.reached", 1},
  };
  auto t = domain::tally_calls({"mayor", "council", "quiet"}, events, 3);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].target, "mayor");
  EXPECT_EQ(t[0].count(CallOutcome::reached), 5);
  EXPECT_EQ(t[0].count(CallOutcome::voicemail), 1);
  EXPECT_EQ(t[0].count(CallOutcome::wrong_number), 2);
  EXPECT_EQ(t[0].total(), 8);  // own_mail is not a call outcome
  EXPECT_FALSE(t[0].flagged);  // just under
  EXPECT_EQ(t[1].target, "council");
  EXPECT_TRUE(t[1].flagged);  // exactly at
  EXPECT_EQ(t[2].target, "quiet");
  EXPECT_EQ(t[2].total(), 0);
  EXPECT_EQ(t[3].target, "gone");  // no longer in the campaign, still shown
  EXPECT_EQ(t[3].count(CallOutcome::no_answer), 2);
  EXPECT_FALSE(domain::tally_calls({"council"}, events, 0)[0].flagged);  // 0: never
  EXPECT_TRUE(domain::tally_calls({"council"}, events, 1)[0].flagged);
}

// ---------------------------------------------------------------- app

TEST(ChooseCaller, ChosenGuessedOrUnknown) {
  auto chosen = app::choose_caller("US", "", "", "da-DK,da;q=0.9");
  EXPECT_EQ(chosen.caller.country, "US");
  EXPECT_FALSE(chosen.country_guessed);
  EXPECT_EQ(chosen.caller.time_zone, "");

  EXPECT_EQ(app::choose_caller("kr", "", "", "").caller.country, "KR");

  auto guessed = app::choose_caller("", "", "", "da-DK,da;q=0.9,en;q=0.8");
  EXPECT_EQ(guessed.caller.country, "DK");
  EXPECT_TRUE(guessed.country_guessed);

  for (const char* from : {"XX", "USA", "U", "1", "D\xC3\x86", "US\r\n", "<b>"}) {
    auto c = app::choose_caller(from, "", "", "ko-KR");
    EXPECT_EQ(c.caller.country, "KR") << from;  // a bad choice falls back to the guess
    EXPECT_TRUE(c.country_guessed) << from;
  }
  for (const char* header : {"", "*", "en", "en-ZZ", ";;;,,", "da-\xFF\xFE", "x-klingon-KL"}) {
    auto c = app::choose_caller("", "", "", header);
    EXPECT_EQ(c.caller.country, "") << header;
    EXPECT_FALSE(c.country_guessed) << header;
  }
}

TEST(ChooseCaller, ZonesFromTheListOrTheBrowser) {
  // A zone from the page's list counts only for its own country: the plain form still sends the
  // zone of the country chosen before.
  EXPECT_EQ(app::choose_caller("US", "America/Chicago", "", "").caller.time_zone, "America/Chicago");
  EXPECT_EQ(app::choose_caller("DE", "America/Chicago", "", "").caller.time_zone, "");
  // The browser's zone is the caller's clock wherever they are.
  EXPECT_EQ(app::choose_caller("DE", "", "America/Chicago", "").caller.time_zone, "America/Chicago");
  EXPECT_EQ(app::choose_caller("US", "America/Denver", "Europe/Berlin", "").caller.time_zone, "America/Denver");
  for (const char* zone : {"Mars/Olympus", "america/chicago", "Etc/Unknown", "../../etc/passwd", "",
                           "Europe/Berlin\n", "\xC3\x28"}) {
    EXPECT_EQ(app::choose_caller("DE", zone, zone, "").caller.time_zone, "") << zone;
  }
  const std::string long_zone(app::kMaxTimeZoneBytes + 1, 'A');
  EXPECT_EQ(app::choose_caller("DE", long_zone, long_zone, "").caller.time_zone, "");
}

TEST(OutcomeForm, ParsesTheTwoFieldsAndRefusesTheRest) {
  auto ok = app::parse_outcome({{"outcome", "wrong_number"}, {"from", "dk"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->outcome, CallOutcome::wrong_number);
  EXPECT_EQ(ok->country, "DK");
  EXPECT_EQ(app::parse_outcome({{"outcome", "reached"}})->country, "");
  EXPECT_EQ(app::parse_outcome({{"from", ""}, {"outcome", "no_answer"}})->outcome, CallOutcome::no_answer);

  const std::vector<std::pair<app::Fields, std::string>> bad = {
      {{}, "outcome"},
      {{{"from", "DK"}}, "outcome"},
      {{{"outcome", ""}}, "outcome"},
      {{{"outcome", "hung_up"}}, "outcome"},
      {{{"outcome", "reached\r\nX: y"}}, "outcome"},
      {{{"outcome", "reached"}, {"from", "Denmark"}}, "from"},
      {{{"outcome", "reached"}, {"from", "ZZ"}}, "from"},
      {{{"outcome", "reached"}, {"name", "Ana"}}, "name"},
  };
  for (const auto& [fields, field] : bad) {
    auto r = app::parse_outcome(fields);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(r.error().field, field);
  }
}

TEST(CallSettings, WrongNumberFlagSettingJustUnderAndOver) {
  test::TempDir dir{"twinning-call-settings"};
  auto load = [&](const std::string& yaml) {
    const auto file = dir.path() / "twinning.yaml";
    std::ofstream(file) << yaml;
    return load_settings(file);
  };
  EXPECT_EQ(Settings{}.calls.wrong_number_flag_after, 3);
  EXPECT_EQ(load("calls:\n  wrong_number_flag_after: 0\n")->calls.wrong_number_flag_after, 0);
  EXPECT_EQ(load("calls:\n  wrong_number_flag_after: 1000000\n")->calls.wrong_number_flag_after, 1000000);
  EXPECT_EQ(load("calls:\n")->calls.wrong_number_flag_after, 3);
  for (const char* bad : {"calls:\n  wrong_number_flag_after: 1000001\n", "calls:\n  wrong_number_flag_after: -1\n",
                          "calls:\n  wrong_number_flag_after: three\n", "calls:\n  wrong_number_flag_after: [3]\n",
                          "calls:\n  wrong_numbers: 3\n", "calls: 3\n"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("twinning.yaml:"), std::string::npos) << r.error().message;
  }
}

// ---------------------------------------------------------------- render

class CallView : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = campaign::load_campaign(kSource / "campaigns" / "naju-haderslev");
    ASSERT_TRUE(loaded.ok());
    campaign_ = new domain::Campaign(*loaded.campaign);
    auto catalogs = i18n::Catalogs::load(kSource / "locales");
    ASSERT_TRUE(catalogs.ok()) << catalogs.error().message;
    catalogs_ = new i18n::Catalogs(std::move(catalogs).value());
  }
  static void TearDownTestSuite() {
    delete campaign_;
    delete catalogs_;
  }

  nlohmann::json view(const std::string& lang, render::SupporterView who, std::optional<sys_seconds> at) {
    render::ViewContext ctx{*campaign_, lang, "http://x/naju-haderslev/" + lang + "/", std::move(who), false, {}, at};
    auto v = render::channel_view(ctx, domain::Channel::call);
    EXPECT_TRUE(v.ok());
    render::add_call_sentences(v.value(), catalogs_->get(lang));
    return v.value();
  }

  static domain::Campaign* campaign_;
  static i18n::Catalogs* catalogs_;
};
domain::Campaign* CallView::campaign_ = nullptr;
i18n::Catalogs* CallView::catalogs_ = nullptr;

TEST_F(CallView, FromTheUnitedStatesAtNight) {
  const auto v = view("en", {"Ana Lima", "US"}, kNight);
  const auto& t = v["targets"][0];
  EXPECT_EQ(t["id"], "haderslev-mayor");
  EXPECT_EQ(t["dialing"]["dial"], "011 45 40 78 14 75");
  EXPECT_EQ(t["tel"], "tel:+4540781475");
  EXPECT_EQ(t["international"], "+45 40 78 14 75");
  EXPECT_EQ(t["open_now"], false);
  EXPECT_EQ(t["status"]["their_now"], "02:14");
  EXPECT_EQ(t["status"]["opens"]["at"], "2026-11-25T08:00:00Z");
  EXPECT_EQ(t["status"]["opens"]["their_time"], "09:00");
  // In New York it is still Tuesday evening: the opening is on another day there.
  EXPECT_EQ(t["status"]["opens"]["your_time"], "Wednesday 03:00");
  EXPECT_EQ(t["status_text"],
            "Their office is closed now: it is 02:14 in Haderslev. It opens at 09:00 their time, which is Wednesday "
            "03:00 your time.");
  EXPECT_EQ(t["dial_label"], "From United States, dial");
  EXPECT_EQ(v["caller"]["time_zone"], "America/New_York");
  EXPECT_EQ(v["zone_text"], "“Your time” is the time in New York. Somewhere else? Choose your time zone above.");
  // The script is in the supporter's language and names the target; the key ask is in Danish.
  EXPECT_NE(v["script"].get<std::string>().find("Mayor Mads Skau"), std::string::npos);
  EXPECT_NE(v["script"].get<std::string>().find("calling from United States"), std::string::npos);
  EXPECT_EQ(t["ask_short"]["lang"], "da");
  EXPECT_NE(t["ask_short"]["text"].get<std::string>().find("borgmesteren"), std::string::npos);
}

TEST_F(CallView, TheIssuesSentenceForACallerInSeoul) {
  const auto v = view("en", {"", "KR"}, kNight);
  const auto& t = v["targets"][0];
  EXPECT_EQ(t["status_text"],
            "Their office is closed now: it is 02:14 in Haderslev. It opens at 09:00 their time, which is 17:00 your "
            "time.");
  EXPECT_TRUE(t["dialing"]["choose_prefix"].get<bool>());
  EXPECT_EQ(t["dialing"]["dial"], "+45 40 78 14 75");
  EXPECT_NE(t["dial_note"].get<std::string>().find("for example 001, 002"), std::string::npos);
  EXPECT_NE(t["dial_note"].get<std::string>().find("then 45 40 78 14 75"), std::string::npos);
}

TEST_F(CallView, InsideDenmarkInDanishWhileOpen) {
  const auto v = view("da", {"", "DK"}, utc(2026, 11, 25, 10, 0));  // 11:00 in Haderslev
  const auto& t = v["targets"][0];
  EXPECT_EQ(t["dialing"]["dial"], "40 78 14 75");
  EXPECT_TRUE(t["dialing"]["domestic"].get<bool>());
  EXPECT_EQ(t["dial_label"], "Inden for Danmark taster du");
  // The same clock on both sides: no "which is ... your time".
  EXPECT_EQ(t["status_text"], "Deres kontor har åbent nu: klokken er 11.00 i Haderslev. Det lukker 15.00 deres tid.");
  EXPECT_FALSE(v.contains("zone_text"));
}

TEST_F(CallView, UnknownCallerOnThePageRenderedOnce) {
  const auto v = view("ko", {}, std::nullopt);
  const auto& t = v["targets"][0];
  EXPECT_FALSE(t.contains("dialing"));
  EXPECT_FALSE(t.contains("status"));
  EXPECT_EQ(t["dial_note"], catalogs_->get("ko").get("channel.call.dial_any"));
  EXPECT_EQ(v["caller"]["country"], "");
}

TEST(CallBlockCut, FindsTheMarkersOrNothing) {
  auto cut = render::cut_at_call_block("<p>a</p><!--call-block-->old<!--/call-block--><p>b</p>");
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->before, "<p>a</p><!--call-block-->");
  EXPECT_EQ(cut->after, "<!--/call-block--><p>b</p>");
  EXPECT_FALSE(render::cut_at_call_block("<p>no call</p>"));
  EXPECT_FALSE(render::cut_at_call_block("<!--call-block-->unclosed"));
  EXPECT_FALSE(render::cut_at_call_block("<!--/call-block--><!--call-block-->"));
}

// ---------------------------------------------------------------- handlers

// The app as `serve` wires it, minus the sockets: requests go through the router to the handlers.
class CallRoutes : public ::testing::Test {
 protected:
  CallRoutes() {
    Settings s;
    s.data_dir = dir_.path();
    s.campaigns_dir = kSource / "campaigns";
    s.resources_dir = kSource;
    auto site = app::Site::build(s, "http://127.0.0.1:8080");
    if (!site.ok()) throw std::runtime_error(site.error().message);
    auto store = store::open_sqlite(dir_.path());
    if (!store.ok()) throw std::runtime_error(store.error().message);
    app_ = std::make_unique<app::App>(s, std::shared_ptr<store::Store>(std::move(store).value()), site.value(),
                                      [this] { return now_; });
    http::handlers::add_routes(router_, *app_);
  }

  http::Response send(const std::string& method, const std::string& target, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.headers = std::move(headers);
    req.body = body;
    req.client_ip = "127.0.0.1";
    auto match = router_.match(method, req.path);
    if (match.outcome != http::RouteMatch::Outcome::found) {
      return http::Response::text(match.outcome == http::RouteMatch::Outcome::not_found ? 404 : 405, "");
    }
    req.params = match.params;
    // Handlers may answer from the store's writer thread.
    std::promise<http::Response> answered;
    auto future = answered.get_future();
    (*match.handler)(req, [&answered](http::Response r) { answered.set_value(std::move(r)); });
    if (future.wait_for(seconds(10)) != std::future_status::ready) throw std::runtime_error("no answer");
    return future.get();
  }

  static std::string body_of(const http::Response& r) { return r.body ? *r.body : std::string(); }

  static std::string header_of(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }

  // The call block of a page, between its markers.
  static std::string call_block_of(const std::string& page) {
    auto cut = render::cut_at_call_block(page);
    if (!cut) return {};
    return page.substr(cut->before.size(), page.size() - cut->before.size() - cut->after.size());
  }

  std::vector<store::EventCount> counts() {
    EXPECT_TRUE(app_->store().flush().ok());
    auto c = app_->store().count_events({"naju-haderslev", std::string("call")});
    EXPECT_TRUE(c.ok());
    return c.ok() ? c.value() : std::vector<store::EventCount>{};
  }

  test::TempDir dir_{"twinning-call"};
  sys_seconds now_ = kNight;
  http::Router router_;
  std::unique_ptr<app::App> app_;
};

TEST_F(CallRoutes, PageShowsTheDialStringForTheChosenCountry) {
  const auto plain = send("GET", "/naju-haderslev/en/");
  ASSERT_EQ(plain.status, 200u);
  const std::string generic = call_block_of(body_of(plain));
  ASSERT_FALSE(generic.empty());
  EXPECT_EQ(generic.find("011 45"), std::string::npos);  // rendered once, for no one in particular
  EXPECT_NE(generic.find("href=\"tel:+4540781475\""), std::string::npos);

  const auto us = send("GET", "/naju-haderslev/en/?from=US");
  ASSERT_EQ(us.status, 200u);
  EXPECT_EQ(header_of(us, "Cache-Control"), "no-store");
  const std::string us_block = call_block_of(body_of(us));
  EXPECT_NE(us_block.find("From United States, dial: <strong class=\"dial-string\">011 45 40 78 14 75</strong>"),
            std::string::npos);
  EXPECT_NE(us_block.find("<option value=\"US\" selected>"), std::string::npos);
  EXPECT_NE(us_block.find("It opens at 09:00 their time, which is Wednesday 03:00 your time."), std::string::npos);
  EXPECT_NE(us_block.find("<input type=\"hidden\" name=\"from\" value=\"US\">"), std::string::npos);
  // Everything around the block is the page rendered once.
  const std::string plain_page = body_of(plain), us_page = body_of(us);
  auto cut_plain = render::cut_at_call_block(plain_page);
  auto cut_us = render::cut_at_call_block(us_page);
  ASSERT_TRUE(cut_plain && cut_us);
  EXPECT_TRUE(cut_plain->before == cut_us->before);
  EXPECT_TRUE(cut_plain->after == cut_us->after);

  const auto dk = send("GET", "/naju-haderslev/da/?from=DK");
  const std::string dk_block = call_block_of(body_of(dk));
  EXPECT_NE(dk_block.find("Inden for Danmark taster du: <strong class=\"dial-string\">40 78 14 75</strong>"),
            std::string::npos);
  EXPECT_EQ(dk_block.find("00 45"), std::string::npos);

  // The zone list of the plain form: a US zone counts for the US, not for Germany.
  const std::string chicago = call_block_of(body_of(send("GET", "/naju-haderslev/en/?from=US&zone=America/Chicago")));
  // 08:00 UTC is 02:00 in Chicago (UTC-6), where it is still Tuesday 19:14 now.
  EXPECT_NE(chicago.find("It opens at 09:00 their time, which is Wednesday 02:00 your time."), std::string::npos);
  EXPECT_NE(chicago.find("<option value=\"America/Chicago\" selected>Chicago</option>"), std::string::npos);
  const std::string de = call_block_of(body_of(send("GET", "/naju-haderslev/en/?from=DE&zone=America/Chicago")));
  EXPECT_NE(de.find("From Germany, dial: <strong class=\"dial-string\">00 45 40 78 14 75</strong>"), std::string::npos);
  // Berlin keeps Copenhagen's clock: no "your time" to tell, and Chicago is not Germany's.
  EXPECT_NE(de.find("It opens at 09:00 their time.</p>"), std::string::npos);
  EXPECT_EQ(de.find("Chicago"), std::string::npos);
}

TEST_F(CallRoutes, GuessFromAcceptLanguageAndJunkQueries) {
  const auto guessed = send("GET", "/naju-haderslev/en/?tz=Asia/Seoul", "", {{"Accept-Language", "en-GB,en;q=0.8"}});
  const std::string block = call_block_of(body_of(guessed));
  EXPECT_NE(block.find("From United Kingdom, dial: <strong class=\"dial-string\">00 45 40 78 14 75</strong>"),
            std::string::npos);
  EXPECT_NE(block.find("which is 17:00 your time"), std::string::npos);  // the browser's zone
  EXPECT_NE(header_of(guessed, "Vary").find("Accept-Language"), std::string::npos);

  // A query that names no caller, or cannot be read, gets the page rendered once.
  const auto plain = send("GET", "/naju-haderslev/en/");
  for (const char* q : {"?utm_source=x", "?from=%ZZ", "?from=US&from=DK", "?%C3=1"}) {
    const auto r = send("GET", std::string("/naju-haderslev/en/") + q);
    EXPECT_EQ(r.status, 200u) << q;
    EXPECT_EQ(header_of(r, "ETag"), header_of(plain, "ETag")) << q;
  }
}

TEST_F(CallRoutes, FragmentAndJsonForScripts) {
  const auto html = send("GET", "/naju-haderslev/en/call?from=JP");
  ASSERT_EQ(html.status, 200u);
  EXPECT_EQ(body_of(html).rfind("<div class=\"call-block\"", 0), 0u);
  EXPECT_NE(body_of(html).find("010 45 40 78 14 75"), std::string::npos);

  const auto json = send("GET", "/naju-haderslev/en/call?from=AU", "", {{"Accept", "application/json"}});
  ASSERT_EQ(json.status, 200u);
  const auto v = nlohmann::json::parse(body_of(json));
  EXPECT_EQ(v["targets"][0]["dialing"]["dial"], "0011 45 40 78 14 75");
  EXPECT_EQ(v["caller"]["time_zone"], "Australia/Sydney");
  EXPECT_FALSE(v.contains("countries"));

  EXPECT_EQ(send("GET", "/naju-haderslev/en/call?from=%G0").status, 400u);
  EXPECT_EQ(send("GET", "/naju-haderslev/fr/call").status, 404u);
  EXPECT_EQ(send("GET", "/nothing/en/call").status, 404u);
}

TEST_F(CallRoutes, OutcomesAreCountedFormAndJson) {
  const auto form = send("POST", "/naju-haderslev/en/call/haderslev-mayor/outcome", "outcome=wrong_number&from=US",
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(form.status, 303u);
  EXPECT_EQ(header_of(form, "Location"), "/naju-haderslev/en/call/thanks?outcome=wrong_number");
  const auto thanks = send("GET", header_of(form, "Location"));
  EXPECT_EQ(thanks.status, 200u);
  EXPECT_NE(body_of(thanks).find("organizers check it"), std::string::npos);

  const auto json = send("POST", "/naju-haderslev/ko/call/haderslev-mayor/outcome", R"({"outcome":"reached"})",
                         {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
  ASSERT_EQ(json.status, 200u);
  const auto answer = nlohmann::json::parse(body_of(json));
  EXPECT_EQ(answer["outcome"], "reached");
  EXPECT_EQ(answer["message"], "전화해 주셔서 감사합니다. 통화 한 건으로 집계했으며, 회원님에 관한 정보는 저장하지 않습니다.");
  send("POST", "/naju-haderslev/en/call/haderslev-mayor/outcome", "outcome=wrong_number",
       {{"Content-Type", "application/x-www-form-urlencoded"}});

  const auto c = counts();
  ASSERT_EQ(c.size(), 2u);
  std::int64_t wrong = 0, reached = 0;
  for (const auto& e : c) {
    EXPECT_EQ(e.target, "haderslev-mayor");
    if (e.kind == "call.wrong_number") wrong = e.count;
    if (e.kind == "call.reached") reached = e.count;
  }
  EXPECT_EQ(wrong, 2);
  EXPECT_EQ(reached, 1);

  // Two wrong-number reports: flagged from 2, not from 3.
  const auto& campaign = app_->site()->find("naju-haderslev")->campaign;
  auto two = app::call_tallies(app_->store(), campaign, 2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ((*two)[0].target, "haderslev-mayor");
  EXPECT_TRUE((*two)[0].flagged);
  auto three = app::call_tallies(app_->store(), campaign, 3);
  ASSERT_TRUE(three.ok());
  EXPECT_FALSE((*three)[0].flagged);
}

TEST_F(CallRoutes, BadOutcomesAreRefusedAndNothingIsCounted) {
  const std::string url = "/naju-haderslev/en/call/haderslev-mayor/outcome";
  const std::vector<std::pair<std::string, std::string>> form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(send("POST", url, "outcome=hung_up", form).status, 400u);
  EXPECT_EQ(send("POST", url, "", form).status, 400u);
  EXPECT_EQ(send("POST", url, "outcome=reached&from=Denmark", form).status, 400u);
  EXPECT_EQ(send("POST", url, "outcome=reached&outcome=reached", form).status, 400u);
  EXPECT_EQ(send("POST", url, "outcome=reached&name=Ana", form).status, 400u);
  EXPECT_EQ(send("POST", url, "outcome=%FF", form).status, 400u);
  EXPECT_EQ(send("POST", url, R"({"outcome":["reached"]})", {{"Content-Type", "application/json"}}).status, 400u);
  EXPECT_EQ(send("POST", url, "outcome=reached", {{"Content-Type", "text/plain"}}).status, 415u);
  // Only targets reached by call: the Naju mayor gets letters only.
  EXPECT_EQ(send("POST", "/naju-haderslev/en/call/naju-mayor/outcome", "outcome=reached", form).status, 404u);
  EXPECT_EQ(send("POST", "/naju-haderslev/en/call/nobody/outcome", "outcome=reached", form).status, 404u);
  EXPECT_EQ(send("POST", "/naju-haderslev/xx/call/haderslev-mayor/outcome", "outcome=reached", form).status, 404u);
  EXPECT_EQ(send("GET", "/naju-haderslev/en/call/thanks").status, 404u);
  EXPECT_EQ(send("GET", "/naju-haderslev/en/call/thanks?outcome=bogus").status, 404u);
  EXPECT_TRUE(counts().empty());

  // After the campaign's end nothing more is counted.
  now_ = utc(2031, 1, 1, 0, 0);
  const auto closed = send("POST", url, "outcome=reached", form);
  EXPECT_EQ(closed.status, 403u);
  EXPECT_TRUE(counts().empty());
}

TEST(CallsCommand, ListsOutcomesPerTargetAndFlagsTheNumber) {
  test::TempDir dir{"twinning-calls-cli"};
  Settings s;
  s.data_dir = dir.path();
  s.campaigns_dir = kSource / "campaigns";
  std::ostringstream out, err;
  // No store yet: the targets are listed with nothing counted.
  ASSERT_EQ(cli::calls("naju-haderslev", s, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("haderslev-mayor"), std::string::npos);
  EXPECT_EQ(out.str().find("flagged"), std::string::npos);
  {
    auto store = store::open_sqlite(dir.path());
    ASSERT_TRUE(store.ok());
    for (const char* kind : {"call.wrong_number", "call.wrong_number", "call.reached", "call.wrong_number"}) {
      store.value()->record_event({"naju-haderslev", "call", "haderslev-mayor", kind, "en", "US", kNight});
    }
    ASSERT_TRUE(store.value()->flush().ok());
  }
  out.str("");
  ASSERT_EQ(cli::calls("naju-haderslev", s, out, err), 0) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("haderslev-mayor               +4540781475             1          0          0             3  flagged"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("flagged: +4540781475 (haderslev-mayor) has 3 wrong-number reports"), std::string::npos) << text;
  s.calls.wrong_number_flag_after = 4;
  out.str("");
  ASSERT_EQ(cli::calls("naju-haderslev", s, out, err), 0);
  EXPECT_EQ(out.str().find("flagged"), std::string::npos) << out.str();
  // A campaign that does not load is an error naming it.
  EXPECT_EQ(cli::calls("no-such-campaign", s, out, err), 1);
  EXPECT_NE(err.str().find("no-such-campaign"), std::string::npos);
}

}  // namespace
}  // namespace twinning
