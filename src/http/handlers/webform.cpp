// The web-form channel: POST /{campaign}/{lang}/webform/{target}/done ("I have sent it", after
// the guided steps) and POST /{campaign}/{lang}/webform ("fill them in for me", confirmed by a
// mailed link like the email channel's "send it for me").
#include <nlohmann/json.hpp>

#include "app/webform_action.hpp"
#include "http/handlers/handlers.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

void add_webform_routes(Router& router, app::App& app) {
  router.add("POST", "/{campaign}/{lang}/webform/{target}/done", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = open_campaign_for(app, *site, req, respond, lang, domain::Channel::webform);
    if (entry == nullptr) return;
    const std::string target(req.param("target"));
    const auto* t = entry->campaign.find_target(target);
    if (t == nullptr || std::find(t->channels.begin(), t->channels.end(), domain::Channel::webform) == t->channels.end()) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such target on the web-form channel")));
    }
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));
    std::vector<app::FieldError> problems;
    auto input = app::parse_webform_action(fields.value(), entry->campaign, target, problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "webform", fields.value(), problems, respond);
    }
    const bool json = wants_json(req);
    const std::string campaign_id = entry->campaign.id;
    store::NewAction action = app::to_record(input.value(), entry->campaign, lang, app.now());
    finish_action(app, req, action);
    app.store().record_action(
        std::move(action),
        // On the store's writer thread once the action is durable (see action.cpp).
        [&app, site, entry, json, lang, campaign_id, respond = std::move(respond), fields = std::move(fields).value(),
         req_copy = without_body(req)](
            Result<store::Recorded> recorded) {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "webform", fields, recorded.error()));
          const auto& r = recorded.value();
          const auto& words = site->catalogs().get(lang);
          if (json) {
            nlohmann::json body = {{"action_id", r.action_id},
                                   {"duplicate", r.duplicate},
                                   {"status", r.status},
                                   {"message", r.duplicate ? words.get("thanks.duplicate") : recorded_text(*entry, lang, words)}};
            return respond(json_response(r.duplicate ? 200 : 201, body.dump()));
          }
          respond(redirect(303, render::campaign_path(campaign_id, lang) + "thanks?r=" +
                                    (r.duplicate ? "duplicate" : "recorded")));
        });
  }));

  router.add("POST", "/{campaign}/{lang}/webform", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = open_campaign_for(app, *site, req, respond, lang, domain::Channel::webform);
    if (entry == nullptr) return;
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));
    std::vector<app::FieldError> problems;
    auto input = app::parse_webform_action(fields.value(), entry->campaign, "", problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "webform", fields.value(), problems, respond);
    }
    const auto& words = site->catalogs().get(lang);
    auto prepared = app::prepare_webform_action(input.value(), entry->campaign, lang, site->base_url(), words,
                                                app.settings(), app.now());
    if (!prepared.ok()) {
      if (prepared.error().kind != ErrorKind::not_found) return respond(render_error(app, &req, prepared.error()));
      // The operator allows no site of this campaign (the page offers no such button then).
      const std::string text = words.get("channel.webform.for_me.none");
      if (wants_json(req)) {
        return respond(json_response(404, nlohmann::json{{"error", "not_found"}, {"message", text}}.dump()));
      }
      render::Notice n;
      n.title = words.get("channel.webform.title");
      n.paragraphs = {text};
      n.link_href = render::campaign_path(entry->campaign.id, lang) + "#channel-webform";
      n.link_text = words.get("thanks.back");
      return respond(notice_response(*site, lang, 404, n));
    }
    const bool json = wants_json(req);
    const std::string email = input.value().email;
    const std::size_t forms = prepared.value().forms;
    finish_action(app, req, prepared.value().action);
    app.store().record_action(
        std::move(prepared.value().action),
        [&app, site, entry, json, lang, email, forms, respond = std::move(respond), fields = std::move(fields).value(),
         req_copy = without_body(req)](
            Result<store::Recorded> recorded) {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "webform", fields, recorded.error()));
          const auto& r = recorded.value();
          app.wake_delivery();  // the confirmation mail is queued
          const auto& w = site->catalogs().get(lang);
          const bool joined = !r.confirmation_mailed && !r.duplicate;
          const std::string text =
              joined ? render::fill(w.get("confirm.joined.text"), {{"email", email}})
                     : render::fill(w.get("channel.webform.for_me.pending"), {{"email", email}, {"count", std::to_string(forms)}});
          if (json) {
            return respond(json_response(r.duplicate ? 200 : 202, nlohmann::json{{"action_id", r.action_id},
                                                                                 {"duplicate", r.duplicate},
                                                                                 {"status", r.status},
                                                                                 {"confirmation_mailed", r.confirmation_mailed},
                                                                                 {"forms", forms},
                                                                                 {"message", text}}
                                                                      .dump()));
          }
          render::Notice n;
          n.title = w.get("confirm.pending.title");
          n.paragraphs = {text};
          respond(notice_response(*site, lang, 202, n));
        });
  }));
}

}  // namespace twinning::http::handlers
