// The call channel: the call block for one caller (GET /{campaign}/{lang}/call, an HTML fragment
// for app.js or JSON; and the campaign page itself with ?from=CC&zone=ZONE, for browsers without
// JavaScript), and the outcome a supporter reports after calling
// (POST /{campaign}/{lang}/call/{target}/outcome, then GET /{campaign}/{lang}/call/thanks).
// Why the block is rendered per request: docs/decisions/0007-call-block-per-caller.md.
#include <nlohmann/json.hpp>

#include "app/call.hpp"
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

namespace {

// The campaign and language of the path when the campaign has the call channel; else null.
const app::CampaignEntry* call_campaign(const app::Site& site, const Request& req) {
  const auto* entry = site.find(std::string(req.param("campaign")));
  if (entry == nullptr || !entry->campaign.has_language(std::string(req.param("lang"))) ||
      !entry->campaign.channel_enabled(domain::Channel::call)) {
    return nullptr;
  }
  return entry;
}

app::CallerChoice caller_from(const Request& req, const FormFields& query) {
  return app::choose_caller(find_field(query, "from").value_or(""), find_field(query, "zone").value_or(""),
                            find_field(query, "tz").value_or(""), req.header("Accept-Language").value_or(""));
}

// A target of the campaign that is called (has the channel and a number); else null.
const domain::Target* call_target(const domain::Campaign& c, std::string_view id) {
  for (const auto* t : c.targets_for(domain::Channel::call)) {
    if (t->id == id && t->contact.phone) return t;
  }
  return nullptr;
}

Response no_store(Response res, const std::string& lang) {
  res.set_header("Content-Language", lang);
  res.set_header("Cache-Control", "no-store");
  return res;
}

}  // namespace

void answer_page_for_caller(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                            const app::Asset& page, bool closed, const Respond& respond) {
  auto site = app.site();
  auto query = parse_query(req.query, app.settings().limits);
  const auto cut = render::cut_at_call_block(*page.body);
  const bool for_caller = query.ok() && (find_field(query.value(), "from") || find_field(query.value(), "zone") ||
                                         find_field(query.value(), "tz"));
  if (!for_caller || !cut) {
    // Nothing about a caller (or a query we cannot read, e.g. someone's tracking junk): the page
    // as rendered once.
    Response res = asset_response(req, page, "no-cache");
    res.set_header("Content-Language", lang);
    return respond(std::move(res));
  }
  const auto choice = caller_from(req, query.value());
  auto block = site->pages().call_block(entry.campaign, site->catalogs(), lang, site->base_url(), choice.caller,
                                        app.now(), closed);
  if (!block.ok()) return respond(render_error(app, &req, block.error()));
  std::string body;
  body.reserve(cut->before.size() + block.value().size() + cut->after.size());
  body.append(cut->before).append(block.value()).append(cut->after);
  Response res = asset_response(req, app::make_asset(std::move(body), "text/html; charset=utf-8"), "no-store");
  res.set_header("Content-Language", lang);
  if (choice.country_guessed) res.set_header("Vary", "Accept-Encoding, Accept-Language");
  respond(std::move(res));
}

void add_call_routes(Router& router, app::App& app) {
  // The call block alone, for app.js: the same HTML the page would hold, or the view as JSON.
  router.add("GET", "/{campaign}/{lang}/call", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = call_campaign(*site, req);
    if (entry == nullptr) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or call")));
    }
    auto query = parse_query(req.query, app.settings().limits);
    if (!query.ok()) return respond(render_error(app, &req, query.error()));
    const std::string lang(req.param("lang"));
    const auto choice = caller_from(req, query.value());
    const auto now = app.now();
    Response res;
    if (wants_json(req)) {
      auto view = site->pages().call_view(entry->campaign, site->catalogs(), lang, site->base_url(), choice.caller, now);
      if (!view.ok()) return respond(render_error(app, &req, view.error()));
      view.value()["caller"]["country_guessed"] = choice.country_guessed;
      res = json_response(200, view.value().dump());
    } else {
      auto block = site->pages().call_block(entry->campaign, site->catalogs(), lang, site->base_url(), choice.caller,
                                            now, !entry->campaign.open_at(now));
      if (!block.ok()) return respond(render_error(app, &req, block.error()));
      res = Response::text(200, std::move(block).value(), "text/html; charset=utf-8");
    }
    res.set_header("Vary", "Accept, Accept-Language");
    respond(no_store(std::move(res), lang));
  });

  router.add("POST", "/{campaign}/{lang}/call/{target}/outcome", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = call_campaign(*site, req);
    const domain::Target* target = entry == nullptr ? nullptr : call_target(entry->campaign, req.param("target"));
    if (target == nullptr) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or target to call")));
    }
    const auto now = app.now();
    if (!entry->campaign.open_at(now)) {
      return respond(render_error(app, &req, Error::make(ErrorKind::campaign_closed, "this campaign is not open for actions")));
    }
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));
    auto report = app::parse_outcome(fields.value());
    if (!report.ok()) return respond(render_error(app, &req, report.error()));

    const std::string lang(req.param("lang"));
    const bool json = wants_json(req);
    const auto outcome = report.value().outcome;
    const std::string back = render::campaign_path(entry->campaign.id, lang);
    app.store().record_event(
        app::outcome_event(entry->campaign, *target, report.value(), lang, now),
        // On the store's writer thread once the count is durable (or refused at once on this one);
        // `site` keeps the catalogs alive across a reload meanwhile.
        [&app, site, json, lang, outcome, back, respond = std::move(respond),
         req_copy = without_body(req)](
            Result<void> counted) {
          if (!counted.ok()) return respond(render_error(app, &req_copy, counted.error()));
          const std::string id(domain::call_outcome_id(outcome));
          if (json) {
            const auto& t = site->catalogs().get(lang);
            const bool wrong = outcome == domain::CallOutcome::wrong_number;
            nlohmann::json body = {
                {"outcome", id},
                {"message", t.get(wrong ? "channel.call.outcome.thanks_wrong" : "channel.call.outcome.thanks")}};
            return respond(json_response(200, body.dump()));
          }
          // After a plain form post, a page a reload does not post again.
          respond(redirect(303, back + "call/thanks?outcome=" + id));
        });
  });

  router.add("GET", "/{campaign}/{lang}/call/thanks", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = call_campaign(*site, req);
    if (entry == nullptr) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or call")));
    }
    auto query = parse_query(req.query, app.settings().limits);
    if (!query.ok()) return respond(render_error(app, &req, query.error()));
    const std::string lang(req.param("lang"));
    const auto outcome = domain::parse_call_outcome(find_field(query.value(), "outcome").value_or(""));
    if (!outcome) {
      // Only the outcome form's redirect comes here; without an outcome nothing was counted.
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no outcome to thank for")));
    }
    const auto& t = site->catalogs().get(lang);
    render::Notice n;
    n.title = t.get("thanks.title");
    n.paragraphs = {t.get(outcome == domain::CallOutcome::wrong_number ? "channel.call.outcome.thanks_wrong"
                                                                       : "channel.call.outcome.thanks")};
    n.link_href = render::campaign_path(entry->campaign.id, lang) + "#channel-call";
    n.link_text = t.get("thanks.back");
    respond(no_store(Response::text(200, site->pages().notice(site->catalogs(), lang, n), "text/html; charset=utf-8"),
                     lang));
  });
}

}  // namespace twinning::http::handlers
