#pragma once
// Organizer pages' access control, for every handler that serves one (the dashboard, the review
// queue, the webhook log...). docs/decisions/0010-organizer-sessions.md explains the choices.
//
//   router.add("POST", "/admin/review/{id}", [&app](Request& req, Respond respond) {
//     auto who = require_organizer(app, req, respond, store::OrganizerRole::organizer);
//     if (!who) return;  // already answered: sign-in redirect, 401, 403 or 5xx
//     ... who->user, who->form (the POST's fields), who->csrf_token for the next page's forms ...
//     respond(organizer_page(app, "Review queue", html, *who));
//   });
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/app.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "store/organizer_store.hpp"

namespace twinning::http::handlers {

struct Organizer {
  store::OrganizerUser user;
  // Put it in every form of the page: <input type="hidden" name="csrf" value="{{csrf}}">.
  std::string csrf_token;
  // The fields of a POST (application/x-www-form-urlencoded), its "csrf" field taken out; empty
  // for GET and HEAD.
  FormFields form;
};

// Lets the request through when it comes from a signed-in organizer with at least `min_role`:
//   GET/HEAD: a live session (cookie);
//   any other method: also a form-encoded body whose "csrf" field equals the session's CSRF token
//   (compared in constant time), and at least the organizer role, whatever `min_role` says:
//   viewers only read.
// Otherwise it answers `respond` itself and returns nullopt: no live session -> 303 to
// /admin/login?next=<path> for a GET, 401 for other methods; role too low, CSRF field missing or
// wrong -> 403; a body that is not form-encoded -> 415; malformed form -> 400; store failure -> 5xx.
std::optional<Organizer> require_organizer(app::App& app, const Request& req, const Respond& respond,
                                           store::OrganizerRole min_role = store::OrganizerRole::viewer);

// An organizer page: `content_html` (already escaped markup) in the organizer layout (header with
// the account and a sign-out form), `status`, no-store, and the Content-Security-Policy of these
// pages (their own inline style sheet's hash; no script at all; no framing).
Response organizer_page(app::App& app, const std::string& title, const std::string& content_html,
                        const Organizer& who, unsigned status = 200);

// --- cookies (pure, exposed for tests) ---
// The session cookie's name: "__Host-twinning_session" when public_url is https (the browser then
// refuses it without Secure, from another path or with a Domain), "twinning_session" otherwise.
std::string session_cookie_name(const Settings& settings);
// Set-Cookie for the session token: HttpOnly, SameSite=Strict, Path=/, Max-Age, Secure on https.
// An empty token with max_age 0 deletes the cookie.
std::string session_cookie(const Settings& settings, std::string_view token, std::chrono::seconds max_age);
// The value of cookie `name` in the request's Cookie header, if sent.
std::optional<std::string> cookie_value(const Request& req, std::string_view name);
// Where to go after signing in: `next` when it is an organizer page path (/admin...), else /admin.
std::string safe_next(std::string_view next);

// GET/POST /admin/login, POST /admin/logout and the dashboard (GET /admin, GET /admin/{campaign}).
void add_admin_routes(Router& router, app::App& app);

}  // namespace twinning::http::handlers
