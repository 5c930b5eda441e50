// The petition: POST /{campaign}/{lang}/petition (sign; pending until the mailed link is opened)
// and GET /{campaign}/{lang}/petition/count (the public counter as JSON, for app.js to fill in).
// The campaign page stays pre-rendered: the counter is the only live part and lives here, cached a
// few seconds per campaign and language so a burst of visitors costs one count.
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include <nlohmann/json.hpp>

#include "app/petition.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/timed_cache.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

namespace {

constexpr std::chrono::seconds kCounterFresh{5};
constexpr std::size_t kListedSigners = 10;

const app::CampaignEntry* petition_campaign(app::App& app, const app::Site& site, Request& req, const Respond& respond,
                                            std::string& lang) {
  const auto* entry = site.find(std::string(req.param("campaign")));
  lang = std::string(req.param("lang"));
  if (entry == nullptr || !entry->campaign.has_language(lang) ||
      !entry->campaign.channel_enabled(domain::Channel::petition)) {
    respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or petition")));
    return nullptr;
  }
  return entry;
}

Response notice_page(const app::Site& site, const std::string& lang, unsigned status, std::string title,
                     std::string text) {
  render::Notice n;
  n.title = std::move(title);
  n.paragraphs = {std::move(text)};
  return notice_response(site, lang, status, n);
}

// The counter's JSON, built at most every kCounterFresh per campaign and language.
class CounterCache {
 public:
  Result<app::Asset> get(app::App& app, const app::CampaignEntry& entry, const std::string& lang,
                         const i18n::Catalog& words) {
    return cache_.get(entry.campaign.id + "/" + lang, app.now(), [&]() -> Result<app::Asset> {
      auto count = app.store().count_signatures(entry.campaign.id);
      if (!count.ok()) return count.error();
      auto signers = app.store().latest_signers(entry.campaign.id, kListedSigners);
      if (!signers.ok()) return signers.error();
      auto text = app::signed_count_text(words.get("petition.count"), lang, count.value());
      if (!text.ok()) return text.error();
      nlohmann::json listed = nlohmann::json::array();
      for (const auto& s : signers.value()) listed.push_back({{"first_name", s.first_name}, {"country", s.country}});
      const nlohmann::json body = {{"count", count.value()},
                                   {"goal", entry.campaign.petition.goal},
                                   {"text", text.value()},
                                   {"signers", listed}};
      return app::make_asset(body.dump(), "application/json");
    });
  }

 private:
  TimedCache<app::Asset> cache_{kCounterFresh};
};

}  // namespace

void add_petition_routes(Router& router, app::App& app) {
  auto counters = std::make_shared<CounterCache>();

  router.add("GET", "/{campaign}/{lang}/petition/count", [&app, counters](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = petition_campaign(app, *site, req, respond, lang);
    if (entry == nullptr) return;
    auto asset = counters->get(app, *entry, lang, site->catalogs().get(lang));
    if (!asset.ok()) return respond(render_error(app, &req, asset.error()));
    respond(asset_response(req, asset.value(), "public, max-age=5"));
  });

  // Without JavaScript the page links here: the same numbers, server-rendered, no iframe.
  router.add("GET", "/{campaign}/{lang}/petition", [&app, counters](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = petition_campaign(app, *site, req, respond, lang);
    if (entry == nullptr) return;
    const auto& words = site->catalogs().get(lang);
    auto asset = counters->get(app, *entry, lang, words);
    if (!asset.ok()) return respond(render_error(app, &req, asset.error()));
    const auto counter = nlohmann::json::parse(*asset.value().body);
    render::Notice n;
    n.title = words.get("channel.petition.title");
    n.paragraphs = {counter["text"].get<std::string>(),
                    render::fill(words.get("channel.petition.goal"), {{"goal", std::to_string(entry->campaign.petition.goal)}})};
    for (const auto& s : counter["signers"]) {
      n.paragraphs.push_back(s["first_name"].get<std::string>() + " (" + s["country"].get<std::string>() + ")");
    }
    n.link_href = render::campaign_path(entry->campaign.id, lang) + "#channel-petition";
    n.link_text = words.get("thanks.back");
    Response res = Response::text(200, site->pages().notice(site->catalogs(), lang, n), "text/html; charset=utf-8");
    res.set_header("Content-Language", lang);
    res.set_header("Cache-Control", "public, max-age=5");
    respond(std::move(res));
  });

  router.add("POST", "/{campaign}/{lang}/petition", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = petition_campaign(app, *site, req, respond, lang);
    if (entry == nullptr) return;
    if (!entry->campaign.open_at(app.now())) {
      return respond(
          render_error(app, &req, Error::make(ErrorKind::campaign_closed, "this campaign is not open for actions")));
    }
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));
    std::vector<app::FieldError> problems;
    auto input = app::parse_signature(fields.value(), entry->campaign, problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "petition", fields.value(), problems, respond);
    }
    const auto& words = site->catalogs().get(lang);
    auto prepared = app::prepare_signature(input.value(), entry->campaign, lang, site->base_url(), words,
                                           app.settings().mail, app.now());
    if (!prepared.ok()) return respond(render_error(app, &req, prepared.error()));
    const bool json = wants_json(req);
    const std::string email = input.value().supporter.email;
    finish_action(app, req, prepared.value().action);
    app.store().record_action(
        std::move(prepared.value().action),
        // On the store's writer thread once the signature is durable (see action.cpp).
        [&app, site, entry, json, lang, email, respond = std::move(respond), fields = std::move(fields).value(),
         req_copy = without_body(req)](
            Result<store::Recorded> recorded) {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "petition", fields, recorded.error()));
          const auto& r = recorded.value();
          const auto& w = site->catalogs().get(lang);
          // The same answer whether the earlier signature is confirmed or not, and nothing about it.
          if (r.already_signed) {
            if (json) {
              return respond(json_response(
                  200, nlohmann::json{{"already_signed", true}, {"message", w.get("petition.already_signed")}}.dump()));
            }
            return respond(notice_page(*site, lang, 200, w.get("channel.petition.title"), w.get("petition.already_signed")));
          }
          app.wake_delivery();  // the confirmation mail is queued
          const bool joined = !r.confirmation_mailed && !r.duplicate;
          const std::string text = render::fill(w.get(joined ? "confirm.joined.text" : "petition.pending"), {{"email", email}});
          if (json) {
            return respond(json_response(r.duplicate ? 200 : 202, nlohmann::json{{"action_id", r.action_id},
                                                                                 {"already_signed", false},
                                                                                 {"duplicate", r.duplicate},
                                                                                 {"status", r.status},
                                                                                 {"confirmation_mailed", r.confirmation_mailed},
                                                                                 {"message", text}}
                                                                      .dump()));
          }
          respond(notice_page(*site, lang, 202, w.get("confirm.pending.title"), text));
        });
  }));
}

}  // namespace twinning::http::handlers
