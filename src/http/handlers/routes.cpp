#include "http/handlers/handlers.hpp"

#include <nlohmann/json.hpp>

#include "app/action.hpp"
#include "http/error_status.hpp"
#include "http/form.hpp"
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
}

Result<app::Fields> parse_action_body(app::App& app, const Request& req) {
  const auto content_type = req.header("Content-Type").value_or("");
  Result<app::Fields> fields = Error::make(ErrorKind::unsupported_media_type,
                                           "send the form as application/x-www-form-urlencoded or application/json");
  if (content_type.find("application/x-www-form-urlencoded") == 0) fields = parse_form(req.body, app.settings().limits);
  if (content_type.find("application/json") == 0) fields = app::fields_from_json(req.body);
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
