// Organizer sign-in: GET/POST /admin/login, POST /admin/logout, and require_organizer, which every
// organizer page calls first. The rules (passwords, sessions, CSRF, rate limit) are in
// app/organizer_auth; this file only moves them in and out of HTTP: cookies, forms, statuses.
#include <charconv>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "app/organizer_auth.hpp"
#include "app/site.hpp"
#include "http/handlers/admin_common.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/organizer_auth.hpp"
#include "http/security_headers.hpp"
#include "render/admin_pages.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {
namespace {

constexpr std::string_view kCsrfField = "csrf";
constexpr std::string_view kLoginCsrfField = "login_csrf";
// How long a sign-in form stays usable: its double-submit cookie's lifetime.
constexpr std::chrono::seconds kLoginFormLifetime{std::chrono::hours{1}};

bool is_https(const Settings& settings) { return settings.public_url.rfind("https://", 0) == 0; }

std::string login_cookie_name(const Settings& settings) {
  return is_https(settings) ? "__Host-twinning_login" : "twinning_login";
}

std::string cookie(const Settings& settings, const std::string& name, std::string_view value,
                   std::chrono::seconds max_age) {
  std::string out = name + "=" + std::string(value) + "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                    "; HttpOnly; SameSite=Strict";
  if (is_https(settings)) out += "; Secure";
  return out;
}

// The pages load once per process, from the resources folder of the settings; a reload of the
// site does not reload them (they are not campaign content).
struct PagesHolder {
  std::once_flag once;
  std::shared_ptr<const render::AdminPages> pages;
  Error error;
};

Result<std::shared_ptr<const render::AdminPages>> admin_pages(const Settings& settings) {
  static PagesHolder holder;
  std::call_once(holder.once, [&] {
    auto loaded = render::AdminPages::load(app::resources_dir(settings));
    if (loaded.ok()) {
      holder.pages = std::make_shared<const render::AdminPages>(std::move(loaded).value());
    } else {
      holder.error = loaded.error();
      spdlog::error("the organizer pages cannot be loaded: {}", loaded.error().message);
    }
  });
  if (holder.pages) return holder.pages;
  return holder.error;
}

// The organizer pages' own headers: they carry their own style sheet, so its hash, and unlike the
// public pages nobody has a reason to frame them.
void add_admin_headers(Response& res, const render::AdminPages& pages) {
  for (auto& [name, value] : security_headers(pages.css())) {
    if (name == "Content-Security-Policy") {
      const auto at = value.find("frame-ancestors 'self'");
      if (at != std::string::npos) value.replace(at, std::string_view("frame-ancestors 'self'").size(), "frame-ancestors 'none'");
    }
    res.set_header(name, value);
  }
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Cache-Control", "no-store");
}

Response html(Result<std::string> body, unsigned status, const std::shared_ptr<const render::AdminPages>& pages) {
  if (!body.ok()) {
    spdlog::error("an organizer page failed: {}", body.error().detail);
    return Response::text(500, "The page could not be rendered; the server log says why.\n");
  }
  Response res = Response::text(status, std::move(body).value(), "text/html; charset=utf-8");
  add_admin_headers(res, *pages);
  return res;
}

bool is_safe_method(std::string_view method) { return method == "GET" || method == "HEAD"; }

// The form of an organizer POST. Only form-encoded bodies: a cross-site request cannot send JSON
// without a CORS preflight, but a form can, so forms are what the CSRF check is for.
Result<FormFields> organizer_form(app::App& app, const Request& req) {
  const auto type = req.header("Content-Type").value_or("");
  if (type.find("application/x-www-form-urlencoded") != 0) {
    return Error::make(ErrorKind::unsupported_media_type, "send the form as application/x-www-form-urlencoded");
  }
  return parse_form(req.body, app.settings().limits);
}

// The session's organizer, or an answer already sent. `viewer_may_post` is for signing out only.
std::optional<Organizer> check(app::App& app, const Request& req, const Respond& respond, store::OrganizerRole min_role,
                               bool viewer_may_post) {
  auto organizers = store::organizer_store(app.store());
  if (!organizers.ok()) {
    respond(admin::refusal(app, 503, "Not available", organizers.error().message));
    return std::nullopt;
  }
  const auto token = cookie_value(req, session_cookie_name(app.settings())).value_or("");
  auto who = app::signed_in(*organizers.value(), token, app.now(), app.settings().organizers);
  if (!who.ok()) {
    spdlog::error("organizer session check failed: {}", who.error().detail);
    respond(admin::refusal(app, who.error().kind == ErrorKind::unavailable ? 503 : 500, "Not available",
                           "The store cannot be read now; try again in a moment."));
    return std::nullopt;
  }
  if (!who.value()) {
    if (is_safe_method(req.method)) {
      respond(redirect(303, "/admin/login?next=" + render::url_encode(safe_next(req.path))));
    } else {
      respond(admin::refusal(app, 401, "Signed out", "Your session has ended. Sign in again, then repeat what you did."));
    }
    return std::nullopt;
  }
  Organizer out{who.value()->user, who.value()->csrf_token, {}};
  const bool writes = !is_safe_method(req.method);
  const auto needed = writes && !viewer_may_post ? std::max(min_role, store::OrganizerRole::organizer) : min_role;
  if (out.user.role < needed) {
    respond(admin::refusal(app, 403, "Not allowed",
                           "Your account (" + std::string(store::to_string(out.user.role)) +
                               ") cannot do this; ask an owner for the " + std::string(store::to_string(needed)) +
                               " role."));
    return std::nullopt;
  }
  if (!writes) return out;
  auto form = organizer_form(app, req);
  if (!form.ok()) {
    const unsigned status = form.error().kind == ErrorKind::unsupported_media_type ? 415 : 400;
    respond(admin::refusal(app, status, "Not a form", form.error().message));
    return std::nullopt;
  }
  const auto sent = find_field(form.value(), kCsrfField);
  if (!sent || !app::csrf_token_matches(out.csrf_token, *sent)) {
    respond(admin::refusal(app, 403, "Form expired",
                           "This form is not from your current session (or has no security token). Reload the "
                           "page and send it again."));
    return std::nullopt;
  }
  for (auto& field : form.value()) {
    if (field.first != kCsrfField) out.form.push_back(std::move(field));
  }
  return out;
}

nlohmann::json login_data(const std::string& login_csrf, const std::string& next, const std::string& email,
                          const std::string& error) {
  return {{"page_title", "Sign in"}, {"login_csrf", login_csrf}, {"next", next}, {"email", email}, {"error", error}};
}

// A fresh sign-in form with its double-submit cookie.
Response login_form(app::App& app, const std::string& next, const std::string& email, const std::string& error,
                    unsigned status) {
  const std::string login_csrf = app::new_session_token();
  Response res = admin::page(app, "login", login_data(login_csrf, next, email, error), status);
  res.headers.emplace_back("Set-Cookie", cookie(app.settings(), login_cookie_name(app.settings()), login_csrf,
                                                kLoginFormLifetime));
  return res;
}

void get_login(app::App& app, Request& req, const Respond& respond) {
  auto query = parse_query(req.query, app.settings().limits);
  std::string next = "/admin";
  if (query.ok()) {
    if (auto n = find_field(query.value(), "next")) next = safe_next(*n);
  }
  // Already signed in: straight on.
  if (auto organizers = store::organizer_store(app.store()); organizers.ok()) {
    const auto token = cookie_value(req, session_cookie_name(app.settings())).value_or("");
    auto who = app::signed_in(*organizers.value(), token, app.now(), app.settings().organizers);
    if (who.ok() && who.value()) return respond(redirect(303, next));
  }
  respond(login_form(app, next, "", "", 200));
}

void post_login(app::App& app, const app::LoginLimiter& limiter, Request& req, const Respond& respond) {
  auto organizers = store::organizer_store(app.store());
  if (!organizers.ok()) return respond(admin::refusal(app, 503, "Not available", organizers.error().message));
  auto form = organizer_form(app, req);
  if (!form.ok()) {
    const unsigned status = form.error().kind == ErrorKind::unsupported_media_type ? 415 : 400;
    return respond(admin::refusal(app, status, "Not a form", form.error().message));
  }
  const auto& fields = form.value();
  // Login CSRF: the form must come from our own sign-in page (its cookie and field agree), so
  // another site cannot sign a browser into an account of the attacker's.
  const auto expected = cookie_value(req, login_cookie_name(app.settings())).value_or("");
  const auto sent = find_field(fields, kLoginCsrfField);
  const std::string next = safe_next(find_field(fields, "next").value_or("/admin"));
  const std::string email(find_field(fields, "email").value_or(""));
  if (expected.empty() || !sent || !app::csrf_token_matches(expected, *sent)) {
    return respond(login_form(app, next, email, "This sign-in form had expired. Please sign in again.", 403));
  }
  auto result = app::log_in(*organizers.value(), limiter, app.settings().organizers, email,
                            find_field(fields, "password").value_or(""), req.client_ip, app.now());
  if (!result.ok()) {
    spdlog::error("organizer sign-in failed: {}", result.error().detail);
    return respond(admin::refusal(app, result.error().kind == ErrorKind::unavailable ? 503 : 500, "Not available",
                                  "Signing in is not possible now; try again in a moment."));
  }
  using Outcome = app::LoginResult::Outcome;
  switch (result.value().outcome) {
    case Outcome::rate_limited: {
      const auto wait = std::max<std::int64_t>((result.value().retry_at - app.now()).count(), 1);
      Response res = login_form(app, next, email,
                                "Too many failed sign-ins. Try again in " + std::to_string((wait + 59) / 60) +
                                    " minutes.",
                                429);
      res.set_header("Retry-After", std::to_string(wait));
      return respond(std::move(res));
    }
    case Outcome::wrong_credentials:
      return respond(login_form(app, next, email, "Wrong email or password.", 403));
    case Outcome::signed_in:
      break;
  }
  spdlog::info("organizer {} signed in", result.value().user.id);
  Response res = redirect(303, next);
  res.set_header("Cache-Control", "no-store");
  res.headers.emplace_back("Set-Cookie", session_cookie(app.settings(), result.value().token,
                                                        app.settings().organizers.session_lifetime));
  res.headers.emplace_back("Set-Cookie",
                           cookie(app.settings(), login_cookie_name(app.settings()), "", std::chrono::seconds{0}));
  respond(std::move(res));
}

void post_logout(app::App& app, Request& req, const Respond& respond) {
  auto who = check(app, req, respond, store::OrganizerRole::viewer, true);
  if (!who) return;
  auto organizers = store::organizer_store(app.store());
  const auto token = cookie_value(req, session_cookie_name(app.settings())).value_or("");
  if (auto r = organizers.value()->delete_session(app::session_token_hash(token)); !r.ok()) {
    spdlog::error("organizer sign-out failed: {}", r.error().detail);
    return respond(admin::refusal(app, 503, "Not available", "Signing out failed; try again in a moment."));
  }
  Response res = redirect(303, "/admin/login");
  res.set_header("Cache-Control", "no-store");
  res.headers.emplace_back("Set-Cookie", session_cookie(app.settings(), "", std::chrono::seconds{0}));
  respond(std::move(res));
}

}  // namespace

namespace admin {

Response page(app::App& app, const std::string& name, const nlohmann::json& data, unsigned status) {
  auto pages = admin_pages(app.settings());
  if (!pages.ok()) return Response::text(500, "The organizer pages are missing; the server log says why.\n");
  return html(pages.value()->render(name, data), status, pages.value());
}

std::optional<std::int64_t> path_id(const Request& req, std::string_view name) {
  std::int64_t id = 0;
  const std::string_view text = req.param(name);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

nlohmann::json user_json(const Organizer& who) {
  return {{"name", who.user.display_name.empty() ? who.user.email : who.user.display_name},
          {"role", std::string(store::to_string(who.user.role))},
          {"csrf", who.csrf_token}};
}

Response refusal(app::App& app, unsigned status, const std::string& title, const std::string& text) {
  const bool signed_out = status == 401;
  return page(app, "notice",
              {{"page_title", title},
               {"title", title},
               {"text", text},
               {"link_href", signed_out ? "/admin/login" : "/admin"},
               {"link_text", signed_out ? "Sign in" : "Organizer home"}},
              status);
}

}  // namespace admin

std::string session_cookie_name(const Settings& settings) {
  return is_https(settings) ? "__Host-twinning_session" : "twinning_session";
}

std::string session_cookie(const Settings& settings, std::string_view token, std::chrono::seconds max_age) {
  return cookie(settings, session_cookie_name(settings), token, max_age);
}

std::optional<std::string> cookie_value(const Request& req, std::string_view name) {
  auto header = req.header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    // RFC 6265 allows the value in double quotes.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::string safe_next(std::string_view next) {
  // Only our own organizer paths: never another host ("//evil", "/\\evil"), never a scheme.
  const bool ours = (next == "/admin" || next.rfind("/admin/", 0) == 0) &&
                    std::all_of(next.begin(), next.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                             c == '-' || c == '_' || c == '.';
                    }) &&
                    next.find("//") == std::string_view::npos && next.find("..") == std::string_view::npos;
  return ours ? std::string(next) : std::string("/admin");
}

std::optional<Organizer> require_organizer(app::App& app, const Request& req, const Respond& respond,
                                           store::OrganizerRole min_role) {
  return check(app, req, respond, min_role, false);
}

Response organizer_page(app::App& app, const std::string& title, const std::string& content_html, const Organizer& who,
                        unsigned status) {
  auto pages = admin_pages(app.settings());
  if (!pages.ok()) return Response::text(500, "The organizer pages are missing; the server log says why.\n");
  nlohmann::json layout = {{"page_title", title}, {"user", admin::user_json(who)}};
  return html(pages.value()->wrap(content_html, layout), status, pages.value());
}

void add_admin_routes(Router& router, app::App& app) {
  // Loaded now so a missing template is in the log at start, not at the first sign-in.
  (void)admin_pages(app.settings());
  router.add("GET", "/admin/login", [&app](Request& req, Respond respond) { get_login(app, req, respond); });
  // One limiter per server: its secret (the key of the address hashes) lives only in memory.
  auto limiter = std::make_shared<const app::LoginLimiter>(app.settings().organizers.login_window);
  router.add("POST", "/admin/login", [&app, limiter](Request& req, Respond respond) {
    post_login(app, *limiter, req, respond);
  });
  router.add("POST", "/admin/logout", [&app](Request& req, Respond respond) { post_logout(app, req, respond); });
  add_admin_dashboard_routes(router, app);
}

}  // namespace twinning::http::handlers
