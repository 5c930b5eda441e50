#include "http/handlers/handlers.hpp"
#include "http/handlers/organizer_auth.hpp"

#include <nlohmann/json.hpp>

#include "app/action.hpp"
#include "http/error_status.hpp"
#include "app/webhooks.hpp"
#include "http/form.hpp"
#include "http/same_origin.hpp"
#include "i18n/catalog.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

void add_routes(Router& router, app::App& app) {
  add_health_routes(router, app);
  add_page_routes(router, app);
  add_action_routes(router, app);
  add_email_routes(router, app);
  add_share_routes(router, app);
  add_webform_routes(router, app);
  add_call_routes(router, app);
  add_petition_routes(router, app);
  add_admin_routes(router, app);
  add_api_routes(router, app);
  add_letter_routes(router, app);
  add_progress_routes(router, app);
  add_admin_review_routes(router, app);
}

namespace {

// The fields of a form body, form-encoded or JSON, as sent.
Result<app::Fields> body_fields(app::App& app, const Request& req) {
  const auto content_type = req.header("Content-Type").value_or("");
  if (content_type.find("application/x-www-form-urlencoded") == 0) return parse_form(req.body, app.settings().limits);
  if (content_type.find("application/json") == 0) return app::fields_from_json(req.body);
  return Error::make(ErrorKind::unsupported_media_type,
                     "send the form as application/x-www-form-urlencoded or application/json");
}

}  // namespace

Response notice_response(const app::Site& site, const std::string& lang, unsigned status, const render::Notice& n) {
  Response res = Response::text(status, site.pages().notice(site.catalogs(), lang, n), "text/html; charset=utf-8");
  res.set_header("Content-Language", lang);
  res.set_header("Cache-Control", "no-store");
  return res;
}

Request without_body(const Request& req) {
  return Request{req.method, req.target, req.path, req.query, req.headers, {}, req.client_ip, req.params};
}

const app::CampaignEntry* open_campaign_for(app::App& app, const app::Site& site, const Request& req,
                                            const Respond& respond, std::string& lang, domain::Channel channel) {
  const auto* entry = site.find(std::string(req.param("campaign")));
  lang = std::string(req.param("lang"));
  if (entry == nullptr || !entry->campaign.has_language(lang) || !entry->campaign.channel_enabled(channel)) {
    respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or channel")));
    return nullptr;
  }
  if (!entry->campaign.open_at(app.now())) {
    respond(render_error(app, &req, Error::make(ErrorKind::campaign_closed, "this campaign is not open for actions")));
    return nullptr;
  }
  return entry;
}

Result<app::Fields> parse_action_body(app::App& app, const Request& req) {
  if (auto same = check_same_origin(req, app.site()->base_url()); !same.ok()) return same.error();
  auto fields = body_fields(app, req);
  if (!fields.ok()) return fields;
  return app::without_honeypot(std::move(fields).value());
}

std::string visitor_language(const app::Site& site, const Request& req) {
  return i18n::negotiate_language(req.header("Accept-Language").value_or(""), site.languages(), "en");
}

namespace {

// Does the header list `token` (e.g. gzip) with a non-zero q-value?
bool accepts(std::string_view header, std::string_view token) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.size() != token.size() ||
        !std::equal(name.begin(), name.end(), token.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      continue;
    }
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view value = params.substr(q + 2);
    return !(value.substr(0, 1) == "0" && value.find_first_not_of("0.", 0) == std::string_view::npos);
  }
  return false;
}

// If-None-Match may list several tags, or "*".
bool etag_matches(std::string_view header, const std::string& etag) {
  if (header.find('*') != std::string_view::npos) return true;
  return header.find(etag) != std::string_view::npos;
}

}  // namespace

Response asset_response(const Request& req, const app::Asset& asset, const char* cache_control) {
  Response res;
  res.set_header("ETag", asset.etag);
  res.set_header("Cache-Control", cache_control);
  res.set_header("Vary", "Accept-Encoding");
  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, asset.etag)) {
    res.status = 304;
    res.body = std::make_shared<const std::string>();
    return res;
  }
  res.set_header("Content-Type", asset.content_type);
  if (asset.gzipped && accepts(req.header("Accept-Encoding").value_or(""), "gzip")) {
    res.set_header("Content-Encoding", "gzip");
    res.body = asset.gzipped;
  } else {
    res.body = asset.body;
  }
  return res;
}

bool wants_json(const Request& req) {
  auto ct = req.header("Content-Type").value_or("");
  auto accept = req.header("Accept").value_or("");
  return ct.find("application/json") != std::string_view::npos ||
         (accept.find("application/json") != std::string_view::npos &&
          accept.find("text/html") == std::string_view::npos);
}

Response json_response(unsigned status, const std::string& body) {
  return Response::text(status, body, "application/json; charset=utf-8");
}

Response redirect(unsigned status, const std::string& location) {
  Response res = Response::text(status, "");
  res.set_header("Location", location);
  return res;
}

std::string recorded_text(const app::CampaignEntry& entry, const std::string& lang, const i18n::Catalog& t) {
  auto it = entry.titles.find(lang);
  return render::fill(t.get("thanks.recorded"),
                      {{"campaign", it == entry.titles.end() ? entry.campaign.id : it->second}});
}

void answer_invalid(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                    const std::string& form, const app::Fields& fields, const std::vector<app::FieldError>& problems,
                    const Respond& respond) {
  auto site = app.site();
  const auto& t = site->catalogs().get(lang);
  if (wants_json(req)) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : problems) {
      list.push_back({{"field", p.field}, {"message", p.message}, {"text", t.get("error.field." + p.code)}});
    }
    nlohmann::json body = {{"error", "bad_request"},
                           {"field", problems.front().field},
                           {"message", t.get("error.field." + problems.front().code)},
                           {"problems", list}};
    return respond(json_response(400, body.dump()));
  }
  // The page again, with the supporter's values kept and each error beside its field.
  render::FormState state;
  state.form = form;
  for (const auto& [k, v] : fields) state.values[k] = v;
  for (const auto& p : problems) state.errors.emplace_back(p.field, t.get("error.field." + p.code));
  auto html = site->pages().campaign(entry.campaign, site->catalogs(), lang, site->base_url(), false, state);
  if (!html.ok()) return respond(render_error(app, &req, html.error()));
  Response res = Response::text(400, std::move(html).value(), "text/html; charset=utf-8");
  res.set_header("Content-Language", lang);
  res.set_header("Cache-Control", "no-store");
  respond(std::move(res));
}

Handler proof_of_work_first(app::App& app, Handler handler) {
  return [&app, handler = std::move(handler)](Request& req, Respond respond) {
    const auto* pow = app.proof_of_work();
    if (pow == nullptr || pow->bits() == 0) return handler(req, std::move(respond));
    // The body is read here only to find the proof; the handler reads it again and reports any
    // problem with it (the proof's fields are dropped there, like the honeypot).
    auto fields = body_fields(app, req);
    if (!fields.ok()) return handler(req, std::move(respond));
    std::string challenge, solution, key;
    for (const auto& [name, value] : fields.value()) {
      if (name == app::kPowChallengeField) challenge = value;
      if (name == app::kPowSolutionField) solution = value;
      if (name == "idempotency_key") key = value;
    }
    if (pow->verify(challenge, solution, key, app.now()) == app::ProofOfWork::Outcome::valid) {
      return handler(req, std::move(respond));
    }
    // No proof (no JavaScript, an old browser) or a false one: handled, only later.
    auto kept = std::make_shared<Request>(std::move(req));
    auto answer = std::make_shared<Respond>(std::move(respond));
    if (!app.defer(pow->fallback_delay(), [handler, kept, answer] { handler(*kept, std::move(*answer)); })) {
      (*answer)(render_error(app, kept.get(),
                             Error::make(ErrorKind::unavailable, "many forms are waiting; please send yours again in a minute")));
    }
  };
}

void finish_action(app::App& app, const Request& req, store::NewAction& action) {
  if (const auto* limiter = app.rate_limiter()) limiter->add_checks(action, req.client_ip);
  for (auto& m : app::webhook_messages(app.settings().webhooks, action)) action.messages.push_back(std::move(m));
}

Response not_recorded(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                      const std::string& form, const app::Fields& fields, const Error& error) {
  if (error.kind != ErrorKind::rate_limited) return render_error(app, &req, error);
  auto site = app.site();
  const auto& t = site->catalogs().get(lang);
  const long wait = app::retry_after_seconds(error);
  const std::string rule = error.field.empty() ? "per_address" : error.field;
  const std::string text =
      render::fill(t.get("error.rate_limited." + rule), {{"minutes", std::to_string((wait + 59) / 60)}});
  Response res;
  if (wants_json(req)) {
    res = json_response(429, nlohmann::json{{"error", "rate_limited"}, {"rule", rule}, {"message", text}}.dump());
  } else {
    render::FormState state;
    state.form = form;
    for (const auto& [k, v] : fields) state.values[k] = v;
    state.errors.emplace_back("errors", text);  // links to the summary itself: no one field is wrong
    auto html = site->pages().campaign(entry.campaign, site->catalogs(), lang, site->base_url(), false, state);
    if (!html.ok()) return render_error(app, &req, html.error());
    res = Response::text(429, std::move(html).value(), "text/html; charset=utf-8");
    res.set_header("Content-Language", lang);
    res.set_header("Cache-Control", "no-store");
  }
  res.set_header("Retry-After", std::to_string(wait));
  return res;
}

Response render_error(app::App& app, const Request* req, const Error& error) {
  const unsigned status = http_status(error.kind);
  if (req != nullptr && wants_json(*req)) {
    nlohmann::json body = {{"error", to_string(error.kind)}, {"message", error.message}};
    if (!error.field.empty()) body["field"] = error.field;
    return json_response(status, body.dump());
  }
  auto site = app.site();
  const std::string lang = req != nullptr ? visitor_language(*site, *req) : "en";
  const auto& t = site->catalogs().get(lang);
  render::Notice n;
  switch (error.kind) {
    case ErrorKind::not_found:
      n.title = t.get("error.not_found.title");
      n.paragraphs = {t.get("error.not_found.text")};
      break;
    case ErrorKind::payload_too_large:
    case ErrorKind::header_too_large:
    case ErrorKind::uri_too_long:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.too_large")};
      break;
    case ErrorKind::method_not_allowed:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.method")};
      break;
    case ErrorKind::rate_limited:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.rate_limited")};
      break;
    case ErrorKind::unauthorized:
    case ErrorKind::forbidden:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.forbidden")};
      if (!error.message.empty()) n.errors = {error.message};
      break;
    case ErrorKind::unavailable:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.unavailable")};
      break;
    case ErrorKind::campaign_closed:
      n.title = t.get("closed.title");
      n.paragraphs = {t.get("closed.text")};
      break;
    case ErrorKind::invalid_campaign:
    case ErrorKind::io:
    case ErrorKind::internal:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.internal")};
      break;
    case ErrorKind::bad_request:
    case ErrorKind::invalid_utf8:
    case ErrorKind::unsupported_media_type:
    case ErrorKind::conflict:
      n.title = t.get("error.title");
      n.paragraphs = {t.get("error.bad_request")};
      // The precise reason, in English: better than a vague page for someone fixing a client.
      if (!error.message.empty()) n.errors = {error.message};
      break;
  }
  n.link_href = "/";
  n.link_text = t.get("thanks.back");
  Response res = Response::text(status, site->pages().notice(site->catalogs(), lang, n), "text/html; charset=utf-8");
  res.set_header("Content-Language", lang);
  res.set_header("Cache-Control", "no-store");
  return res;
}

}  // namespace twinning::http::handlers
