// POST /{campaign}/{lang}/action: the action form, form-encoded (no JavaScript) or JSON (fetch).
#include <nlohmann/json.hpp>

#include "app/action.hpp"
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"

namespace twinning::http::handlers {

void add_action_routes(Router& router, app::App& app) {
  // A fresh proof-of-work challenge for app.js (app/proof_of_work.hpp): never cached.
  router.add("GET", "/pow", [&app](Request&, Respond respond) {
    const auto* pow = app.proof_of_work();
    nlohmann::json body = {{"bits", pow == nullptr ? 0 : pow->bits()}};
    if (pow != nullptr && pow->bits() > 0) body["challenge"] = pow->challenge(app.now());
    Response res = json_response(200, body.dump());
    res.set_header("Cache-Control", "no-store");
    respond(std::move(res));
  });

  router.add("POST", "/{campaign}/{lang}/action", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    const std::string lang(req.param("lang"));
    if (entry == nullptr || !entry->campaign.has_language(lang)) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign or language")));
    }
    const auto now = app.now();
    if (!entry->campaign.open_at(now)) {
      return respond(render_error(
          app, &req, Error::make(ErrorKind::campaign_closed, "this campaign is not open for actions")));
    }

    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));

    std::vector<app::FieldError> problems;
    auto input = app::parse_action(fields.value(), entry->campaign, problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "action", fields.value(), problems, respond);
    }

    const bool json = wants_json(req);
    const std::string campaign_id = entry->campaign.id;
    store::NewAction action = app::to_record(input.value(), entry->campaign, lang, now);
    finish_action(app, req, action);
    app.store().record_action(
        std::move(action),
        // Runs on the store's writer thread once the action is durable; `site` keeps the
        // pages it reads alive even if a reload replaced them meanwhile.
        [&app, site, entry, json, lang, campaign_id, respond = std::move(respond), fields = std::move(fields).value(),
         req_copy = without_body(req)](
            Result<store::Recorded> recorded) {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "action", fields, recorded.error()));
          const auto& r = recorded.value();
          const auto& t = site->catalogs().get(lang);
          if (json) {
            nlohmann::json body = {{"action_id", r.action_id},
                                   {"duplicate", r.duplicate},
                                   {"status", r.status},
                                   {"message", (r.duplicate ? t.get("thanks.duplicate") : recorded_text(*entry, lang, t)) +
                                                   " " + t.get("thanks.next")}};
            return respond(json_response(r.duplicate ? 200 : 201, body.dump()));
          }
          respond(redirect(303, render::campaign_path(campaign_id, lang) + "thanks?r=" +
                                    (r.duplicate ? "duplicate" : "recorded")));
        });
  }));
}

}  // namespace twinning::http::handlers
