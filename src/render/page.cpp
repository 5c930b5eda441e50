#include "render/page.hpp"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <fstream>
#include <sstream>

#include "mail/links.hpp"
#include "render/call_view.hpp"
#include "render/channel_view.hpp"
#include "render/compose.hpp"
#include "render/contact.hpp"
#include "render/mustache_data.hpp"
#include "render/share_meta.hpp"
#include "render/text.hpp"
#include "render/webform_guide.hpp"

namespace twinning::render {

namespace mstch = kainjow::mustache;
using detail::object_from;

std::string campaign_path(const std::string& campaign_id, const std::string& lang) {
  return "/" + campaign_id + "/" + lang + "/";
}

namespace {
// Written by templates/campaign.mustache around the call block. Nothing else can produce them:
// every inserted value is escaped, so "<!--" never comes from a campaign's text.
constexpr std::string_view kCallBlockOpen = "<!--call-block-->";
constexpr std::string_view kCallBlockClose = "<!--/call-block-->";
}  // namespace

std::optional<CallBlockCut> cut_at_call_block(std::string_view page) {
  const auto open = page.find(kCallBlockOpen);
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = page.find(kCallBlockClose, open + kCallBlockOpen.size());
  if (close == std::string_view::npos) return std::nullopt;
  return CallBlockCut{page.substr(0, open + kCallBlockOpen.size()), page.substr(close)};
}

namespace {

const char* const kTemplateNames[] = {"layout",      "campaign", "message",          "form",
                                     "email_form",  "index",    "supporter_fields", "consents",
                                     "form_errors", "notice",   "outbox",           "call",
                                     "webform_form", "post",    "share", "letter_form", "petition_form", "act", "embed"};

Result<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error::make(ErrorKind::io, "cannot read " + p.string(), {}, "open failed");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mstch::data list_of(const std::vector<std::string>& items) {
  mstch::data out(mstch::data::type::list);
  for (const auto& item : items) out.push_back(mstch::data(item));
  return out;
}

// Renders one of our templates; a failure here is a bug in templates/, not bad input.
std::string render_template(const std::string& tmpl, const mstch::data& data) {
  mstch::mustache m{tmpl};
  std::string out = m.render(data);
  if (!m.is_valid()) throw ErrorException(Error::make(ErrorKind::internal, "page template error", {}, m.error_message()));
  return out;
}

// nlohmann JSON to Mustache data: empty strings and null become false, so sections skip them.
mstch::data from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data out(mstch::data::type::object);
      for (const auto& [k, v] : j.items()) out.set(k, from_json(v));
      return out;
    }
    case nlohmann::json::value_t::array: {
      mstch::data out(mstch::data::type::list);
      for (const auto& v : j) out.push_back(from_json(v));
      return out;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return s.empty() ? mstch::data(false) : mstch::data(s);
    }
    case nlohmann::json::value_t::boolean: return mstch::data(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return mstch::data(j.dump());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: return mstch::data(false);
  }
  return mstch::data(false);
}

class CampaignPage {
 public:
  // `caller` and `at`: the call block for one caller at one time (Pages::call_block); the page
  // rendered once has neither.
  CampaignPage(const domain::Campaign& c, const i18n::Catalogs& catalogs, const std::string& lang,
               const std::string& base_url, SupporterView caller = {},
               std::optional<std::chrono::sys_seconds> at = std::nullopt)
      : c_(c),
        catalogs_(catalogs),
        t_(catalogs.get(lang)),
        lang_(lang),
        ctx_{c, lang, base_url + campaign_path(c.id, lang), std::move(caller), true,
             [&catalogs](const std::string& l, const std::string& key) { return catalogs.get(l).get(key); },
             at} {}

  std::string text(const std::string& key) const {
    if (c_.text(lang_, key) == nullptr) return {};
    auto r = compose(c_, lang_, key, campaign_vars(c_, lang_, ctx_.page_url));
    return r.ok() ? r.value() : std::string();
  }

  mstch::data paragraphs_of(const std::string& key) const { return list_of(paragraphs(text(key))); }

  // Marks each message written in another language than the page's with its language's name.
  void label_languages(nlohmann::json& j) const {
    if (j.is_object()) {
      if (j.contains("lang") && j.contains("body") && j["lang"].is_string() && j["lang"] != lang_) {
        const std::string other = j["lang"];
        j["in_language"] = fill(t_.get("channel.email.in_language"), Vars{{"language", i18n::language_name(other, lang_)}});
      }
      for (auto& [k, v] : j.items()) label_languages(v);
    } else if (j.is_array()) {
      for (auto& v : j) label_languages(v);
    }
  }

  Result<nlohmann::json> view(domain::Channel ch) const {
    auto v = channel_view(ctx_, ch);
    if (!v.ok()) return v;
    nlohmann::json& j = v.value();
    label_languages(j);
    switch (ch) {
      case domain::Channel::email: {
        j["has_cc"] = !j["cc"].empty();
        if (!j.contains("draft")) break;
        std::string to, cc;
        for (const auto& p : j["to"]) to += (to.empty() ? "" : ", ") + p["email"].get<std::string>();
        for (const auto& p : j["cc"]) cc += (cc.empty() ? "" : ", ") + p["email"].get<std::string>();
        j["draft"]["to_text"] = to;
        j["draft"]["cc_text"] = cc;
        if (auto links = mail::own_mail_links(ctx_); links.ok()) {
          // Gmail and Outlook go through a redirect that counts the use, with or without
          // JavaScript; a mailto: link cannot (browsers may refuse a redirect to another program),
          // so app.js counts it with a beacon to the same address.
          const std::string open = campaign_path(ctx_.campaign.id, ctx_.lang) + "email/open/";
          j["links"] = {{"mailto", links->mailto},       {"count_mailto", open + "mailto"},
                        {"gmail", open + "gmail"},       {"outlook", open + "outlook"},
                        {"count_copy", open + "copy"},   {"body_fits", links->body_fits}};
        }
        break;
      }
      case domain::Channel::letter:
        if (!j["letters"].empty()) j["main_letter"] = j["letters"][0];
        break;
      case domain::Channel::petition:
        if (j["goal"].get<int>() > 0) j["goal_text"] = fill(t_.get("channel.petition.goal"), Vars{{"goal", j["goal"].dump()}});
        break;
      case domain::Channel::post: {
        std::string handles;
        for (const auto& h : j["handles"]) handles += (handles.empty() ? "" : " ") + h.get<std::string>();
        j["handles_text"] = handles;
        // One line per network: "X: 247 of 280", with the unit's word and whether it fits.
        // app.js fills the same words again as the supporter edits (count_template).
        for (auto& n : j["networks"]) {
          const std::string words = t_.get("channel.post.count." + n["unit"].get<std::string>());
          n["count_template"] = fill(words, Vars{{"length", "{length}"}, {"limit", "{limit}"}});
          n["count_text"] = fill(words, Vars{{"length", n["length"].dump()}, {"limit", n["limit"].dump()}});
          n["open_text"] = fill(t_.get("channel.post.open_on"), Vars{{"network", n["name"].get<std::string>()}});
          n["is_mastodon"] = n["id"] == "mastodon";
        }
        break;
      }
      case domain::Channel::call: {
        const std::string path = campaign_path(c_.id, lang_);
        for (auto& t : j["targets"]) {
          t["has_hours"] = !t["office_hours"].empty();
          t["outcome_path"] = path + "call/" + url_encode(t["id"].get<std::string>()) + "/outcome";
        }
        j["page_path"] = path;
        j["fragment_path"] = path + "call";
        nlohmann::json countries = nlohmann::json::array();
        const std::string chosen = ctx_.supporter.country;
        for (const auto& country : i18n::countries(lang_)) {
          countries.push_back({{"code", country.code}, {"name", country.name}, {"selected", country.code == chosen}});
        }
        j["countries"] = std::move(countries);
        j["caller"]["zones"] = zone_choices(caller_of(ctx_.supporter), lang_);
        add_call_sentences(j, t_);
        break;
      }
      case domain::Channel::webform:
        if (!j["targets"].empty()) j["main_message"] = j["targets"][0]["message"];
        break;
      case domain::Channel::share: break;
    }
    return v;
  }

  Result<mstch::data> data(bool closed) const {
    mstch::data d(mstch::data::type::object);
    d.set("title", text("page.title"));
    d.set("ask", text("page.ask"));
    d.set("demo", c_.demo);
    d.set("closed", closed);
    for (const char* section : {"why", "evidence", "law", "act_intro", "message_intro", "media_intro", "closing"}) {
      d.set(section, paragraphs_of(std::string("page.") + section));
    }
    mstch::data evidence(mstch::data::type::list), media(mstch::data::type::list);
    for (const auto& m : c_.media) {
      auto link = object_from(std::map<std::string, std::string>{
          {"url", m.url}, {"title", m.title.get(lang_, c_.default_language())}});
      (m.kind == "evidence" ? evidence : media).push_back(link);
    }
    d.set("evidence_links", evidence);
    d.set("media", media);
    mstch::data blocks(mstch::data::type::list);
    for (auto ch : c_.channels) {
      const std::string id(domain::channel_id(ch));
      auto v = view(ch);
      if (!v.ok()) return v.error();
      mstch::data b(mstch::data::type::object);
      b.set("id", id);
      b.set("title", t_.get("channel." + id + ".title"));
      b.set("intro", t_.get("channel." + id + ".intro"));
      b.set(id, from_json(v.value()));
      blocks.push_back(b);
      if (ch == domain::Channel::email) {
        // The suggested message (section 6): the first message and its translation.
        mstch::data messages(mstch::data::type::list);
        if (!v.value()["messages"].empty()) messages.push_back(from_json(v.value()["messages"][0]));
        if (v.value().contains("translation")) messages.push_back(from_json(v.value()["translation"]));
        d.set("messages", messages);
      }
    }
    d.set("blocks", blocks);
    return d;
  }

  const std::string& page_url() const { return ctx_.page_url; }

  // The email draft (see channel_view): subject and body the supporter may edit.
  nlohmann::json draft() const {
    auto v = channel_view(ctx_, domain::Channel::email);
    if (!v.ok() || !v.value().contains("draft")) return nlohmann::json::object();
    return v.value()["draft"];
  }

 private:
  const domain::Campaign& c_;
  const i18n::Catalogs& catalogs_;
  const i18n::Catalog& t_;
  std::string lang_;
  ViewContext ctx_;
};

mstch::data catalog_data(const i18n::Catalog& t) { return object_from(t.words()); }

// The Open Graph and Twitter card tags of the layout's head (escaped by the template).
mstch::data share_meta_data(const ShareMeta& m) {
  mstch::data o = object_from(std::map<std::string, std::string>{{"url", m.url},
                                                                 {"title", m.title},
                                                                 {"description", m.description},
                                                                 {"image", m.image},
                                                                 {"image_alt", m.image_alt},
                                                                 {"site_name", m.site_name},
                                                                 {"locale", m.locale}});
  o.set("alternate_locales", list_of(m.alternate_locales));
  return o;
}

// What every form shows: the words, the values sent and the errors by field, the countries.
// The partials read `templates`, which outlives the rendering.
mstch::data form_data(const std::map<std::string, std::string>& templates, const i18n::Catalog& t,
                      const std::string& prefix, const std::string& action, const FormState& state,
                      const std::string& lang) {
  mstch::data f(mstch::data::type::object);
  f.set("t", catalog_data(t));
  f.set("p", prefix);
  f.set("action", action);
  f.set("values", object_from(state.values));
  std::map<std::string, std::string> error_map;
  mstch::data error_list(mstch::data::type::list);
  for (const auto& [field, message] : state.errors) {
    error_map[field] = message;
    error_list.push_back(object_from(std::map<std::string, std::string>{{"field", field}, {"message", message}}));
  }
  f.set("errors", object_from(error_map));
  f.set("error_list", error_list);
  f.set("has_errors", !state.errors.empty());
  auto it = state.values.find("country");
  const std::string chosen = it == state.values.end() ? std::string() : it->second;
  mstch::data countries(mstch::data::type::list);
  for (const auto& country : i18n::countries(lang)) {
    mstch::data o(mstch::data::type::object);
    o.set("code", country.code);
    o.set("name", country.name);
    o.set("selected", country.code == chosen);
    countries.push_back(o);
  }
  f.set("countries", countries);
  f.set("supporter_fields", mstch::partial([&templates] { return templates.at("supporter_fields"); }));
  f.set("consents", mstch::partial([&templates] { return templates.at("consents"); }));
  f.set("errors_block", mstch::partial([&templates] { return templates.at("form_errors"); }));
  return f;
}

}  // namespace

Result<Pages> Pages::load(const std::filesystem::path& resources_dir) {
  Pages p;
  for (const char* name : kTemplateNames) {
    auto text = read_file(resources_dir / "templates" / (std::string(name) + ".mustache"));
    if (!text.ok()) return text.error();
    mstch::mustache check{text.value()};
    if (!check.is_valid()) {
      return Error::make(ErrorKind::internal, std::string("templates/") + name + ".mustache: " + check.error_message());
    }
    p.templates_[name] = std::move(text).value();
  }
  auto css = read_file(resources_dir / "static" / "page.css");
  if (!css.ok()) return css.error();
  p.css_ = std::move(css).value();
  return p;
}

namespace {

struct LayoutInput {
  std::string lang;
  std::string page_title;
  std::string description;
  std::string content;
  std::string script;
  std::string skip_target = "main";
  mstch::data languages = mstch::data(mstch::data::type::list);
  mstch::data alternates = mstch::data(mstch::data::type::list);
  bool has_languages = false;
};

}  // namespace

Result<nlohmann::json> Pages::call_view(const domain::Campaign& c, const i18n::Catalogs& catalogs,
                                        const std::string& lang, const std::string& base_url,
                                        const SupporterView& caller, std::chrono::sys_seconds now) const {
  try {
    auto v = CampaignPage(c, catalogs, lang, base_url, caller, now).view(domain::Channel::call);
    if (v.ok()) {
      v.value().erase("countries");  // the page's <select>s, not data
      v.value()["caller"].erase("zones");
    }
    return v;
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::string> Pages::call_block(const domain::Campaign& c, const i18n::Catalogs& catalogs,
                                      const std::string& lang, const std::string& base_url,
                                      const SupporterView& caller, std::chrono::sys_seconds now, bool closed) const {
  try {
    auto v = CampaignPage(c, catalogs, lang, base_url, caller, now).view(domain::Channel::call);
    if (!v.ok()) return v.error();
    // The same context the page gives the partial: the call view, with `t` and `closed` above it.
    // Of the interface words only the call block's own: converting all of them for every request
    // cost more than the rest of the block.
    std::map<std::string, std::string> words;
    const auto& all = catalogs.get(lang).words();
    for (auto it = all.lower_bound("channel.call."); it != all.end() && it->first.rfind("channel.call.", 0) == 0; ++it) {
      words.insert(*it);
    }
    mstch::data d = from_json(v.value());
    d.set("t", object_from(words));
    d.set("closed", closed);
    return render_template(templates_.at("call"), d);
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::string> Pages::campaign(const domain::Campaign& c, const i18n::Catalogs& catalogs, const std::string& lang,
                                    const std::string& base_url, bool closed, const FormState& form, bool embed) const {
  try {
    CampaignPage page(c, catalogs, lang, base_url);
    const auto& t = catalogs.get(lang);
    auto built = page.data(closed);
    if (!built.ok()) return built.error();
    mstch::data d = std::move(built).value();
    d.set("t", catalog_data(t));
    d.set("message", mstch::partial([this] { return templates_.at("message"); }));
    d.set("call_block", mstch::partial([this] { return templates_.at("call"); }));
    d.set("post_block", mstch::partial([this] { return templates_.at("post"); }));
    d.set("share_block", mstch::partial([this] { return templates_.at("share"); }));
    d.set("act_block", mstch::partial([this] { return templates_.at("act"); }));

    // The forms, rendered on their own so an error page can show one again with the values sent.
    const FormState empty_state;
    const FormState& action_state = form.form == "action" ? form : empty_state;
    mstch::data f = form_data(templates_, t, "a", campaign_path(c.id, lang) + "action", action_state, lang);
    f.set("with_phone", true);
    auto value_of = [&](const std::string& k) {
      auto it = action_state.values.find(k);
      return it == action_state.values.end() ? std::string() : it->second;
    };
    mstch::data channels(mstch::data::type::list);
    for (auto ch : c.channels) {
      const std::string id(domain::channel_id(ch));
      mstch::data o(mstch::data::type::object);
      o.set("id", id);
      o.set("title", t.get("channel." + id + ".title"));
      o.set("selected", id == value_of("channel"));
      channels.push_back(o);
    }
    f.set("channels", channels);
    mstch::data targets(mstch::data::type::list);
    for (const auto& target : c.targets) {
      if (target.role == domain::Role::public_) continue;
      mstch::data o(mstch::data::type::object);
      o.set("id", target.id);
      o.set("name", target.name.get(lang, c.default_language()));
      o.set("selected", target.id == value_of("target"));
      targets.push_back(o);
    }
    f.set("targets", targets);
    d.set("form", render_template(templates_.at("form"), f));

    if (c.channel_enabled(domain::Channel::email) && !closed) {
      // "Send it for me": the draft in the main targets' language, editable, unless the supporter
      // already sent values (then they are shown as sent).
      const auto draft = page.draft();
      FormState email_state;
      if (form.form == "email") {
        email_state = form;
      } else {
        email_state.values = {{"subject", draft.value("subject", "")}, {"body", draft.value("body", "")},
                              {"copy_to_me", "yes"}};
      }
      mstch::data e = form_data(templates_, t, "m", campaign_path(c.id, lang) + "email", email_state, lang);
      const std::string draft_lang = draft.value("lang", lang);
      e.set("draft_lang", draft_lang);
      e.set("draft_language", i18n::language_name(draft_lang, lang));
      d.set("email_form", render_template(templates_.at("email_form"), e));
    }

    if (c.channel_enabled(domain::Channel::webform) && !closed) {
      // "I have sent it" per target (and "fill them in for me" where the operator allows it):
      // one form with the supporter's details, one button per target (webform_form.mustache).
      const FormState& webform_state = form.form == "webform" ? form : empty_state;
      mstch::data w = form_data(templates_, t, "w", campaign_path(c.id, lang) + "webform", webform_state, lang);
      w.set("with_phone", true);
      mstch::data done(mstch::data::type::list);
      for (const auto& [name, href] : webform_done_buttons(c, lang)) {
        done.push_back(object_from(std::map<std::string, std::string>{{"name", name}, {"href", href}}));
      }
      w.set("done", done);
      w.set("automated", !webform_automated_targets(c, automated_hosts_).empty());
      d.set("webform_form", render_template(templates_.at("webform_form"), w));
    }

    if (c.channel_enabled(domain::Channel::letter) && !closed) {
      // "Download your letters" and "print and post them for me": one form, two buttons.
      const FormState& letter_state = form.form == "letter" ? form : empty_state;
      mstch::data l = form_data(templates_, t, "l", campaign_path(c.id, lang) + "letter", letter_state, lang);
      d.set("letter_form", render_template(templates_.at("letter_form"), l));
    }

    if (c.channel_enabled(domain::Channel::petition) && !closed) {
      const FormState& petition_state = form.form == "petition" ? form : empty_state;
      mstch::data s = form_data(templates_, t, "s", campaign_path(c.id, lang) + "petition", petition_state, lang);
      d.set("petition_form", render_template(templates_.at("petition_form"), s));
      d.set("petition_count_url", campaign_path(c.id, lang) + "petition/count");
      d.set("petition_page_url", campaign_path(c.id, lang) + "petition");
    }

    LayoutInput in;
    in.lang = lang;
    in.page_title = page.text("page.title");
    if (embed) d.set("page_url", base_url + campaign_path(c.id, lang));
    d.set("progress_url", campaign_path(c.id, lang) + "progress");
    in.content = render_template(templates_.at(embed ? "embed" : "campaign"), d);
    in.script = "/static/app.js";
    in.skip_target = closed ? "main" : "action-form";
    if (!form.errors.empty()) {
      // The prefix of each form's ids (form_data above): the error summary is "<prefix>-errors".
      static const std::map<std::string, std::string> kPrefixes = {
          {"action", "a"}, {"email", "m"}, {"webform", "w"}, {"letter", "l"}, {"petition", "s"}};
      const auto prefix = kPrefixes.find(form.form);
      in.skip_target = (prefix == kPrefixes.end() ? "a" : prefix->second) + std::string("-errors");
    }
    for (const auto& l : c.languages) {
      if (!catalogs.has(l)) continue;
      mstch::data o(mstch::data::type::object);
      o.set("code", l);
      o.set("name", catalogs.get(l).get("language_name"));
      o.set("href", campaign_path(c.id, l));
      o.set("current", l == lang);
      in.languages.push_back(o);
      mstch::data alt(mstch::data::type::object);
      alt.set("code", l);
      alt.set("href", base_url + campaign_path(c.id, l));
      in.alternates.push_back(alt);
    }
    in.has_languages = true;
    in.description = page.text("page.ask");

    mstch::data layout(mstch::data::type::object);
    layout.set("t", catalog_data(t));
    layout.set("lang", in.lang);
    layout.set("page_title", in.page_title);
    if (!in.description.empty()) layout.set("description", in.description);
    layout.set("css", css_);
    layout.set("script", in.script);
    layout.set("skip_target", in.skip_target);
    layout.set("content", in.content);
    layout.set("languages", in.languages);
    layout.set("alternates", in.alternates);
    layout.set("has_languages", in.has_languages);
    if (!embed) layout.set("og", share_meta_data(share_meta(c, lang, base_url, t)));
    layout.set("embedded", embed);
    return render_template(templates_.at("layout"), layout);
  } catch (const ErrorException& e) {
    return e.error();
  }
}

namespace {

std::string wrap(const std::string& layout_tmpl, const std::string& css, const i18n::Catalog& t, const std::string& lang,
                 const std::string& title, const std::string& content) {
  mstch::data layout(mstch::data::type::object);
  layout.set("t", catalog_data(t));
  layout.set("lang", lang);
  layout.set("page_title", title + " · " + t.get("site_name"));
  layout.set("css", css);
  layout.set("skip_target", "main");
  layout.set("content", content);
  layout.set("has_languages", false);
  return render_template(layout_tmpl, layout);
}

}  // namespace

namespace {

// "Danmark" for DK in Danish, "덴마크" in Korean: ICU's display name, the code when it has none.
std::string country_name(const std::string& code, const std::string& lang) {
  icu::UnicodeString name;
  icu::Locale("", code.c_str()).getDisplayCountry(icu::Locale(lang.c_str()), name);
  std::string out;
  name.toUTF8String(out);
  return out.empty() ? code : out;
}

}  // namespace

std::string Pages::index(const std::vector<const domain::Campaign*>& campaigns, const std::vector<bool>& closed,
                         const i18n::Catalogs& catalogs, const std::string& lang) const {
  const auto& t = catalogs.get(lang);
  mstch::data d(mstch::data::type::object);
  d.set("t", catalog_data(t));
  // Organizations run one campaign per twinned pair, so the index groups them twice: by the
  // Korean (home) city and by the country of the twinned city, groups in byte order of their
  // names in `lang` (Hangul's byte order is its dictionary order), campaigns in the given order.
  std::map<std::string, mstch::data> by_city, by_country;
  for (std::size_t i = 0; i < campaigns.size(); ++i) {
    const auto& c = *campaigns[i];
    const std::string l = c.has_language(lang) ? lang : c.default_language();
    std::string title = c.id;
    if (const auto* tmpl = c.text(l, "page.title")) {
      auto r = render_text(*tmpl, campaign_vars(c, l, campaign_path(c.id, l)));
      if (r.ok()) title = r.value();
    }
    mstch::data o(mstch::data::type::object);
    o.set("href", campaign_path(c.id, l));
    o.set("title", title);
    o.set("closed", i < closed.size() && closed[i]);
    const std::pair<std::map<std::string, mstch::data>*, std::string> memberships[] = {
        {&by_city, c.pair.home.name.get(l)}, {&by_country, country_name(c.pair.foreign.country, l)}};
    for (const auto& [groups, name] : memberships) {
      groups->try_emplace(name, mstch::data(mstch::data::type::list)).first->second.push_back(o);
    }
  }
  auto group_list = [](const std::map<std::string, mstch::data>& groups) {
    mstch::data out(mstch::data::type::list);
    for (const auto& [name, items] : groups) {
      mstch::data g(mstch::data::type::object);
      g.set("name", name);
      g.set("campaigns", items);
      out.push_back(g);
    }
    return out;
  };
  d.set("by_city", group_list(by_city));
  d.set("by_country", group_list(by_country));
  return wrap(templates_.at("layout"), css_, t, lang, t.get("index.title"), render_template(templates_.at("index"), d));
}

std::string Pages::notice(const i18n::Catalogs& catalogs, const std::string& lang, const Notice& n) const {
  const auto& t = catalogs.get(lang);
  mstch::data d(mstch::data::type::object);
  d.set("title", n.title);
  d.set("paragraphs", list_of(n.paragraphs));
  if (!n.errors.empty()) {
    mstch::data e(mstch::data::type::object);
    e.set("items", list_of(n.errors));
    d.set("errors", e);
  }
  if (!n.link_href.empty()) {
    d.set("link", object_from(std::map<std::string, std::string>{{"href", n.link_href}, {"text", n.link_text}}));
  }
  return wrap(templates_.at("layout"), css_, t, lang, n.title, render_template(templates_.at("notice"), d));
}

namespace {

// Splits text into plain runs and http(s) links, so the template can escape the one and link the
// other.
mstch::data linkified(const std::string& text) {
  mstch::data out(mstch::data::type::list);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = text.find("http", pos);
    while (start != std::string::npos && text.compare(start, 7, "http://") != 0 && text.compare(start, 8, "https://") != 0) {
      start = text.find("http", start + 4);
    }
    const std::size_t plain_end = start == std::string::npos ? text.size() : start;
    if (plain_end > pos) {
      out.push_back(object_from(std::map<std::string, std::string>{{"text", text.substr(pos, plain_end - pos)}}));
    }
    if (start == std::string::npos) break;
    std::size_t end = text.find_first_of(" \t\r\n<>\"", start);
    if (end == std::string::npos) end = text.size();
    const std::string url = text.substr(start, end - start);
    out.push_back(object_from(std::map<std::string, std::string>{{"text", url}, {"href", url}}));
    pos = end;
  }
  return out;
}

}  // namespace

std::string Pages::outbox(const i18n::Catalogs& catalogs, const std::string& lang,
                          const std::vector<mail::Shown>& messages) const {
  const auto& t = catalogs.get(lang);
  mstch::data d(mstch::data::type::object);
  d.set("t", catalog_data(t));
  mstch::data list(mstch::data::type::list);
  for (auto it = messages.begin(); it != messages.end(); ++it) {  // the store lists newest first
    mstch::data m = object_from(std::map<std::string, std::string>{
        {"from", it->from}, {"to", it->to}, {"cc", it->cc}, {"subject", it->subject}, {"date", it->date},
        {"state", it->state}, {"recipient", it->recipient}, {"language", it->language}});
    m.set("segments", linkified(it->text));
    list.push_back(m);
  }
  d.set("messages", list);
  return wrap(templates_.at("layout"), css_, t, lang, t.get("outbox.title"), render_template(templates_.at("outbox"), d));
}

}  // namespace twinning::render
