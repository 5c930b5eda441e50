// The review queue for signed-in organizers (docs/decisions/0013-review-queue.md): GET
// /admin/review lists the held actions with what their supporters wrote; POST
// /admin/review/{id}/release and /reject decide (organizer role, CSRF-checked by
// require_organizer). The same store calls as `twinning review`.
#include <spdlog/spdlog.h>


#include "http/handlers/admin_common.hpp"
#include "http/handlers/handlers.hpp"
#include "store/time_text.hpp"

namespace twinning::http::handlers {
namespace {

constexpr std::size_t kListed = 200;

void list(app::App& app, Request& req, const Respond& respond) {
  auto who = require_organizer(app, req, respond);
  if (!who) return;
  auto items = app.store().list_review("", kListed);
  if (!items.ok()) return respond(render_error(app, &req, items.error()));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : items.value()) {
    list.push_back({{"action_id", i.action_id},
                    {"campaign", i.campaign},
                    {"name", i.supporter_name},
                    {"email", i.supporter_email},
                    {"created_at", store::format_time(i.created_at)},
                    {"status", i.status},
                    {"messages", i.messages},
                    {"people", i.same_text_people},
                    {"text", i.text},
                    {"csrf", who->csrf_token},
                    {"can_decide", who->user.role >= store::OrganizerRole::organizer}});
  }
  respond(admin::page(app, "review", {{"items", list}, {"user", admin::user_json(*who)}}));
}

void decide(app::App& app, Request& req, const Respond& respond, bool release) {
  auto who = require_organizer(app, req, respond, store::OrganizerRole::organizer);
  if (!who) return;
  const auto id = admin::path_id(req, "id");
  if (!id) {
    return respond(admin::refusal(app, 404, "Nothing to review", "No action has this number."));
  }
  auto moved = release ? app.store().release_review(*id, app.now()) : app.store().reject_review(*id, app.now());
  if (!moved.ok()) {
    if (moved.error().kind == ErrorKind::not_found) {
      return respond(admin::refusal(app, 404, "Nothing to review", moved.error().message));
    }
    return respond(render_error(app, &req, moved.error()));
  }
  spdlog::info("organizer {} {} the {} message(s) of action {} held for review", who->user.id,
               release ? "released" : "rejected", moved.value(), *id);
  if (release) app.wake_delivery();
  respond(redirect(303, "/admin/review"));
}

}  // namespace

void add_admin_review_routes(Router& router, app::App& app) {
  router.add("GET", "/admin/review", [&app](Request& req, Respond respond) { list(app, req, respond); });
  router.add("POST", "/admin/review/{id}/release",
             [&app](Request& req, Respond respond) { decide(app, req, respond, true); });
  router.add("POST", "/admin/review/{id}/reject",
             [&app](Request& req, Respond respond) { decide(app, req, respond, false); });
}

}  // namespace twinning::http::handlers
