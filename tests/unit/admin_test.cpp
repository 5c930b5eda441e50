// The organizer pages: cookies, redirects after sign-in, the charts and the dashboard's shaping,
// and the routes as serve wires them (sign-in, CSRF, roles, sign-out, the dashboard's numbers),
// with a real store in a temporary directory and a fixed clock.
#include <chrono>
#include <future>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

#include "app/app.hpp"
#include "app/dashboard.hpp"
#include "app/organizer_auth.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/organizer_auth.hpp"
#include "render/chart.hpp"
#include "store/organizer_store.hpp"
#include "store/time_text.hpp"

namespace twinning {
namespace {

using namespace std::chrono_literals;
const std::filesystem::path kSource = TWINNING_SOURCE_DIR;

// ---------------------------------------------------------------- cookies and redirects

http::Request with_cookie(const std::string& cookie) {
  http::Request req;
  req.headers = {{"Cookie", cookie}};
  return req;
}

TEST(AdminCookies, ValueIsFoundAmongOthersAndMalformedPairsAreSkipped) {
  EXPECT_EQ(http::handlers::cookie_value(with_cookie("a=1; twinning_session=abc; b=2"), "twinning_session"), "abc");
  EXPECT_EQ(http::handlers::cookie_value(with_cookie("twinning_session=\"q\""), "twinning_session"), "q");
  EXPECT_EQ(http::handlers::cookie_value(with_cookie("x_twinning_session=no;twinning_session=yes"), "twinning_session"),
            "yes");
  EXPECT_EQ(http::handlers::cookie_value(with_cookie("garbage; ;=; twinning_session="), "twinning_session"), "");
  EXPECT_FALSE(http::handlers::cookie_value(with_cookie("twinning_sessionX=1; other"), "twinning_session"));
  EXPECT_FALSE(http::handlers::cookie_value(http::Request{}, "twinning_session"));
}

TEST(AdminCookies, SessionCookieAttributesFollowThePublicUrl) {
  Settings plain;
  plain.public_url = "http://127.0.0.1:8080";
  EXPECT_EQ(http::handlers::session_cookie_name(plain), "twinning_session");
  EXPECT_EQ(http::handlers::session_cookie(plain, "tok", 3600s),
            "twinning_session=tok; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  Settings tls;
  tls.public_url = "https://act.example.org";
  EXPECT_EQ(http::handlers::session_cookie_name(tls), "__Host-twinning_session");
  EXPECT_EQ(http::handlers::session_cookie(tls, "", 0s),
            "__Host-twinning_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(AdminRedirects, OnlyOrganizerPathsAreFollowedAfterSignIn) {
  using http::handlers::safe_next;
  EXPECT_EQ(safe_next("/admin"), "/admin");
  EXPECT_EQ(safe_next("/admin/naju-haderslev"), "/admin/naju-haderslev");
  for (const char* bad : {"", "/", "//evil.example/admin", "https://evil.example/admin", "/admin//evil.example",
                          "/admin/../x", "/adminx", "/admin/\\evil", "/admin/a b", "/admin/\r\nSet-Cookie:x"}) {
    EXPECT_EQ(safe_next(bad), "/admin") << bad;
  }
}

// ---------------------------------------------------------------- charts

render::Chart sample_chart() {
  render::Chart c;
  c.id = "per-target";
  c.title = "Actions <per> target";
  c.label_heading = "Target";
  c.series = {"confirmed", "pending"};
  c.rows = {{"mayor-haderslev", {3, 1}}, {"a <b>very</b> long target name that goes on and on", {0, 2}}};
  return c;
}

TEST(AdminCharts, SvgIsAnAccessibleImageWithEscapedText) {
  const std::string svg = render::svg_bar_chart(sample_chart());
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("aria-labelledby=\"per-target-title per-target-desc\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"per-target-title\">Actions &lt;per&gt; target</title>"), std::string::npos);
  EXPECT_NE(svg.find("<desc id=\"per-target-desc\">"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);  // the CSP allows no inline style attribute
  // One rect per non-zero part plus one legend swatch per series; the totals are printed.
  const std::regex rect("<rect ");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), rect), std::sregex_iterator()), 3 + 2);
  EXPECT_NE(svg.find(">4</text>"), std::string::npos);
  EXPECT_NE(svg.find(">2</text>"), std::string::npos);
  // The long label is shortened in the drawing, whole in the tooltip.
  EXPECT_NE(svg.find("\xE2\x80\xA6</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>a &lt;b&gt;very&lt;/b&gt; long target name that goes on and on: 2 pending</title>"),
            std::string::npos);
}

TEST(AdminCharts, BarsAreScaledToTheLongestAndAnEmptyChartSaysSo) {
  const std::string svg = render::svg_bar_chart(sample_chart());
  // The longest bar (4) fills the bar area (440 units): 3 -> 330, 1 -> 110.
  EXPECT_NE(svg.find("width=\"330.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"110.0\""), std::string::npos);
  render::Chart empty;
  empty.id = "e";
  empty.title = "Nothing";
  const std::string none = render::svg_bar_chart(empty);
  EXPECT_NE(none.find("No actions yet."), std::string::npos);
  EXPECT_EQ(none.find("<rect"), std::string::npos);
}

TEST(AdminCharts, ShortenedLabelsNeverCutAUtf8Sequence) {
  render::Chart c;
  c.id = "k";
  c.series = {"n"};
  c.rows = {{std::string(40, 'a') + "", {1}}, {"나주시청 " + std::string("시장실 민원 담당 부서 연락처 번호"), {1}}};
  const std::string svg = render::svg_bar_chart(c);
  // A cut inside a sequence would leave an invalid byte before the ellipsis.
  for (std::size_t at = svg.find("\xE2\x80\xA6"); at != std::string::npos; at = svg.find("\xE2\x80\xA6", at + 1)) {
    ASSERT_GT(at, 0u);
    const auto before = static_cast<unsigned char>(svg[at - 1]);
    EXPECT_TRUE(before < 0x80 || (before & 0xC0) == 0x80) << at;
  }
}

// ---------------------------------------------------------------- dashboard shaping

std::vector<store::ActionTally> tallies(std::initializer_list<std::tuple<const char*, const char*, const char*, long>> rows,
                                        store::TallyBy by) {
  std::vector<store::ActionTally> out;
  for (const auto& [a, b, status, n] : rows) {
    store::ActionTally t;
    switch (by) {
      case store::TallyBy::day_and_channel:
        t.day = a;
        t.channel = b;
        break;
      case store::TallyBy::channel: t.channel = a; break;
      case store::TallyBy::target: t.target = a; break;
      case store::TallyBy::country: t.country = a; break;
    }
    t.status = status;
    t.n = n;
    out.push_back(t);
  }
  return out;
}

TEST(AdminDashboard, PerDayChartOrdersDaysAndChannelsAsTheCampaignDoes) {
  auto chart = app::chart_by_day_and_channel(
      tallies({{"2026-11-24", "petition", "confirmed", 2}, {"2026-11-23", "email", "pending", 1},
               {"2026-11-23", "email", "confirmed", 4}, {"2026-11-24", "zzz", "recorded", 1}},
              store::TallyBy::day_and_channel),
      {"email", "call", "petition"});
  EXPECT_EQ(chart.series, (std::vector<std::string>{"email", "petition", "zzz"}));
  ASSERT_EQ(chart.rows.size(), 2u);
  EXPECT_EQ(chart.rows[0].label, "2026-11-23");
  EXPECT_EQ(chart.rows[0].values, (std::vector<std::int64_t>{5, 0, 0}));
  EXPECT_EQ(chart.rows[1].values, (std::vector<std::int64_t>{0, 2, 1}));
  EXPECT_EQ(chart.max_total(), 5);
}

TEST(AdminDashboard, StatusChartKeepsOnlyStatusesSomeRowHas) {
  auto chart = app::chart_by_status("per-country", "t", "Country",
                                    tallies({{"DK", "", "confirmed", 3}, {"", "", "expired", 2}, {"KR", "", "confirmed", 1}},
                                            store::TallyBy::country),
                                    "(not given)");
  EXPECT_EQ(chart.series, (std::vector<std::string>{"confirmed", "expired"}));
  ASSERT_EQ(chart.rows.size(), 3u);
  EXPECT_EQ(chart.rows[0].label, "(not given)");
  EXPECT_EQ(chart.rows[0].values, (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(chart.rows[1].label, "DK");
}

TEST(AdminDashboard, StatusChartRowsAreTheTalliedDimension) {
  auto by_channel = app::chart_by_status("per-channel", "t", "Channel",
                                         tallies({{"email", "", "confirmed", 3}, {"call", "", "recorded", 2}},
                                                 store::TallyBy::channel),
                                         "(none)");
  ASSERT_EQ(by_channel.rows.size(), 2u);
  EXPECT_EQ(by_channel.rows[0].label, "call");
  EXPECT_EQ(by_channel.rows[1].label, "email");
  auto by_target = app::chart_by_status("per-target", "t", "Target",
                                        tallies({{"haderslev-mayor", "", "confirmed", 1}, {"", "", "recorded", 2}},
                                                store::TallyBy::target),
                                        "(no single target)");
  ASSERT_EQ(by_target.rows.size(), 2u);
  EXPECT_EQ(by_target.rows[0].label, "(no single target)");
  EXPECT_EQ(by_target.rows[1].label, "haderslev-mayor");
}

TEST(AdminDashboard, ConfirmationRateCountsTheDecidedOnes) {
  auto rates = app::confirmation_rates(tallies({{"email", "", "confirmed", 3}, {"email", "", "expired", 1},
                                                {"email", "", "pending", 5}, {"call", "", "recorded", 9},
                                                {"petition", "", "pending", 2}},
                                               store::TallyBy::channel));
  ASSERT_EQ(rates.size(), 2u);  // call asked nobody to confirm
  EXPECT_EQ(rates[0].channel, "email");
  EXPECT_EQ(rates[0].asked(), 9);
  EXPECT_EQ(rates[0].percent(), 75);
  EXPECT_EQ(rates[1].channel, "petition");
  EXPECT_EQ(rates[1].percent(), -1);
}

// ---------------------------------------------------------------- the routes

class AdminRoutes : public ::testing::Test {
 protected:
  AdminRoutes() {
    Settings s;
    s.data_dir = dir_.path();
    s.campaigns_dir = kSource / "campaigns";
    s.resources_dir = kSource;
    s.organizers.password_ops_limit = 1;
    s.organizers.password_mem_limit = 8192;
    s.organizers.max_login_failures_per_account = 3;
    auto site = app::Site::build(s, "http://127.0.0.1:8080");
    if (!site.ok()) throw std::runtime_error(site.error().message);
    auto store = store::open_sqlite(dir_.path());
    if (!store.ok()) throw std::runtime_error(store.error().message);
    store_ = std::shared_ptr<store::Store>(std::move(store).value());
    app_ = std::make_unique<app::App>(s, store_, site.value(), [this] { return now_; });
    http::handlers::add_routes(router_, *app_);
    add_user("owner@example.org", store::OrganizerRole::owner);
    add_user("viewer@example.org", store::OrganizerRole::viewer);
  }

  void add_user(const std::string& email, store::OrganizerRole role) {
    store::NewOrganizer u;
    u.email = email;
    u.role = role;
    u.password_hash = app::hash_password("correct horse battery", app_->settings().organizers).value();
    if (!store::organizer_store(*store_).value()->add_organizer(u).ok()) throw std::runtime_error("add_user");
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
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = body;
    req.client_ip = "192.0.2.1";
    auto match = router_.match(method, req.path);
    if (match.outcome != http::RouteMatch::Outcome::found) return http::Response::text(404, "");
    req.params = match.params;
    std::promise<http::Response> answered;
    auto future = answered.get_future();
    (*match.handler)(req, [&answered](http::Response r) { answered.set_value(std::move(r)); });
    if (future.wait_for(10s) != std::future_status::ready) throw std::runtime_error("no answer");
    return future.get();
  }

  static std::string body_of(const http::Response& r) { return r.body ? *r.body : std::string(); }
  static std::vector<std::string> headers_of(const http::Response& r, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers) {
      if (k == name) out.push_back(v);
    }
    return out;
  }
  static std::string field_of(const std::string& page, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(page, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\""))) return {};
    return m[1];
  }
  static std::string cookie_from(const http::Response& r, const std::string& name) {
    for (const auto& c : headers_of(r, "Set-Cookie")) {
      if (c.rfind(name + "=", 0) == 0) return c.substr(name.size() + 1, c.find(';') - name.size() - 1);
    }
    return {};
  }

  // Signs in; returns the session cookie's value (empty when refused) and the last response.
  std::pair<std::string, http::Response> sign_in(const std::string& email, const std::string& password) {
    auto form = send("GET", "/admin/login");
    const std::string login_csrf = cookie_from(form, "twinning_login");
    EXPECT_EQ(field_of(body_of(form), "login_csrf"), login_csrf);
    auto res = send("POST", "/admin/login",
                    "login_csrf=" + login_csrf + "&next=%2Fadmin&email=" + email + "&password=" + password,
                    {{"Cookie", "twinning_login=" + login_csrf}});
    return {cookie_from(res, "twinning_session"), res};
  }

  test::TempDir dir_{"twinning-admin"};
  std::shared_ptr<store::Store> store_;
  std::unique_ptr<app::App> app_;
  http::Router router_;
  std::chrono::sys_seconds now_ = store::parse_time("2026-11-25T09:00:00Z").value();
};

TEST_F(AdminRoutes, SignedOutVisitorsAreSentToTheSignInPage) {
  auto res = send("GET", "/admin/naju-haderslev");
  EXPECT_EQ(res.status, 303u);
  EXPECT_EQ(headers_of(res, "Location"), (std::vector<std::string>{"/admin/login?next=%2Fadmin%2Fnaju-haderslev"}));
  EXPECT_EQ(send("POST", "/admin/logout", "csrf=x").status, 401u);
  auto login = send("GET", "/admin/login?next=/admin/naju-haderslev");
  EXPECT_EQ(login.status, 200u);
  EXPECT_EQ(field_of(body_of(login), "next"), "/admin/naju-haderslev");
  // The page carries its own CSP (its style sheet's hash, no script), and is never cached.
  const auto csp = headers_of(login, "Content-Security-Policy");
  ASSERT_EQ(csp.size(), 1u);
  EXPECT_NE(csp[0].find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp[0].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(headers_of(login, "Cache-Control"), (std::vector<std::string>{"no-store"}));
}

TEST_F(AdminRoutes, SignInSetsAStrictHttpOnlyCookieAndOpensTheDashboard) {
  auto [session, res] = sign_in("owner%40example.org", "correct+horse+battery");
  EXPECT_EQ(res.status, 303u);
  ASSERT_FALSE(session.empty());
  const auto cookies = headers_of(res, "Set-Cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_NE(cookies[0].find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookies[1].find("twinning_login=; Path=/; Max-Age=0"), std::string::npos);
  auto page = send("GET", "/admin", "", {{"Cookie", "twinning_session=" + session}});
  EXPECT_EQ(page.status, 200u);
  EXPECT_NE(body_of(page).find("href=\"/admin/naju-haderslev\""), std::string::npos);
}

TEST_F(AdminRoutes, WrongPasswordLoginCsrfAndRateLimit) {
  auto [none, wrong] = sign_in("owner%40example.org", "wrong");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(wrong.status, 403u);
  EXPECT_NE(body_of(wrong).find("Wrong email or password."), std::string::npos);
  // Without the sign-in page's cookie, even the right password is refused.
  auto forged = send("POST", "/admin/login", "login_csrf=abc&email=owner%40example.org&password=correct+horse+battery");
  EXPECT_EQ(forged.status, 403u);
  EXPECT_TRUE(cookie_from(forged, "twinning_session").empty());
  sign_in("owner%40example.org", "wrong");
  sign_in("owner%40example.org", "wrong");
  auto [limited_session, limited] = sign_in("owner%40example.org", "correct+horse+battery");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_TRUE(limited_session.empty());
  EXPECT_EQ(headers_of(limited, "Retry-After"), (std::vector<std::string>{"900"}));
  now_ += 15min;
  EXPECT_FALSE(sign_in("owner%40example.org", "correct+horse+battery").first.empty());
}

TEST_F(AdminRoutes, PostsNeedTheSessionsCsrfTokenAndViewersCannotPost) {
  auto viewer = sign_in("viewer%40example.org", "correct+horse+battery").first;
  ASSERT_FALSE(viewer.empty());
  auto page = send("GET", "/admin", "", {{"Cookie", "twinning_session=" + viewer}});
  ASSERT_EQ(page.status, 200u);
  const std::string csrf = field_of(body_of(page), "csrf");
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(csrf, app::csrf_token_for(viewer));

  // A handler of another helper's page, as they would write it.
  router_.add("POST", "/admin/test-change", [this](http::Request& req, http::Respond respond) {
    auto who = http::handlers::require_organizer(*app_, req, respond, store::OrganizerRole::viewer);
    if (!who) return;
    respond(http::Response::text(200, "changed " + std::string(http::find_field(who->form, "x").value_or(""))));
  });
  const std::vector<std::pair<std::string, std::string>> as_viewer{{"Cookie", "twinning_session=" + viewer}};
  EXPECT_EQ(send("POST", "/admin/test-change", "csrf=" + csrf + "&x=1", as_viewer).status, 403u);

  auto owner = sign_in("owner%40example.org", "correct+horse+battery").first;
  const std::vector<std::pair<std::string, std::string>> as_owner{{"Cookie", "twinning_session=" + owner}};
  const std::string owner_csrf = app::csrf_token_for(owner);
  EXPECT_EQ(send("POST", "/admin/test-change", "x=1", as_owner).status, 403u);                    // missing
  EXPECT_EQ(send("POST", "/admin/test-change", "csrf=" + csrf + "&x=1", as_owner).status, 403u);  // another session's
  auto ok = send("POST", "/admin/test-change", "csrf=" + owner_csrf + "&x=1", as_owner);
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(body_of(ok), "changed 1");

  // Signing out needs the token too; a viewer may sign out.
  EXPECT_EQ(send("POST", "/admin/logout", "x=1", as_viewer).status, 403u);
  auto out = send("POST", "/admin/logout", "csrf=" + csrf, as_viewer);
  EXPECT_EQ(out.status, 303u);
  EXPECT_NE(headers_of(out, "Set-Cookie").at(0).find("twinning_session=; Path=/; Max-Age=0"), std::string::npos);
  EXPECT_EQ(send("GET", "/admin", "", as_viewer).status, 303u);  // the session is gone
}

TEST_F(AdminRoutes, DashboardShowsTheCountsOfRecordedActions) {
  for (int i = 0; i < 3; ++i) {
    store::NewAction a;
    a.idempotency_key = "k" + std::to_string(i);
    a.request_hash = "h";
    a.campaign = "naju-haderslev";
    a.channel = i == 2 ? "call" : "email";
    a.target = "mayor-haderslev";
    a.country = i == 0 ? "KR" : "DK";
    a.language = "en";
    a.supporter_email = "s" + std::to_string(i) + "@example.org";
    a.created_at = now_;
    ASSERT_TRUE(store_->record_action_sync(a).ok());
  }
  auto session = sign_in("viewer%40example.org", "correct+horse+battery").first;
  auto page = send("GET", "/admin/naju-haderslev", "", {{"Cookie", "twinning_session=" + session}});
  ASSERT_EQ(page.status, 200u);
  const std::string html = body_of(page);
  EXPECT_NE(html.find("<strong>3</strong> actions recorded"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">2026-11-25</th><td class=\"num\">2</td><td class=\"num\">1</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">DK</th><td class=\"num\">2</td><td class=\"num\">2</td>"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">call</th><td class=\"num\">1</td>"), std::string::npos);
  EXPECT_NE(html.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  auto index = send("GET", "/admin", "", {{"Cookie", "twinning_session=" + session}});
  EXPECT_NE(body_of(index).find("<td class=\"num\">3</td>"), std::string::npos);
  EXPECT_EQ(send("GET", "/admin/no-such-campaign", "", {{"Cookie", "twinning_session=" + session}}).status, 404u);
}

}  // namespace
}  // namespace twinning
