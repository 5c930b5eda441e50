#include "render/channel_view.hpp"

#include "i18n/catalog.hpp"
#include "render/call_view.hpp"
#include "render/address_block.hpp"
#include "render/contact.hpp"
#include "render/post_view.hpp"
#include "render/text.hpp"
#include "render/webform_guide.hpp"

namespace twinning::render {

namespace {

using nlohmann::json;
using domain::Channel;
using domain::Role;
using domain::Target;

class Composer {
 public:
  explicit Composer(const ViewContext& ctx) : ctx_(ctx), c_(ctx.campaign) {}

  Vars vars(const std::string& lang, const Target* target) const {
    Vars v = campaign_vars(c_, lang, ctx_.page_url);
    if (target != nullptr) add_target_vars(v, c_, *target, lang);
    if (ctx_.placeholders) {
      v["supporter.name"] = ctx_.placeholder(lang, "placeholder.name");
      v["supporter.first_name"] = v["supporter.name"];
      // A caller's chosen country is known before their name (the call block asks for it first).
      v["supporter.country"] = ctx_.supporter.country.empty() ? ctx_.placeholder(lang, "placeholder.country")
                                                              : i18n::country_name(ctx_.supporter.country, lang);
    } else {
      add_supporter_vars(v, ctx_.supporter, lang);
    }
    return v;
  }

  // The text `key`, or "" when the campaign lacks it (check reports that; the view stays whole).
  std::string text(const std::string& lang, const std::string& key, const Target* target) const {
    if (c_.text(lang, key) == nullptr) return {};
    auto r = compose(c_, lang, key, vars(lang, target));
    if (!r.ok()) throw ErrorException(r.error());
    return std::move(r).value();
  }

  // Several texts joined as paragraphs (greeting, body, sign-off).
  std::string joined(const std::string& lang, std::initializer_list<std::string> keys, const Target* target) const {
    std::string out;
    for (const auto& key : keys) {
      std::string part = text(lang, key, target);
      while (!part.empty() && (part.back() == '\n' || part.back() == ' ')) part.pop_back();
      if (part.empty()) continue;
      if (!out.empty()) out += "\n\n";
      out += part;
    }
    return out;
  }

  json person(const Target& t) const {
    const auto& fb = c_.default_language();
    json p = {{"id", t.id}, {"role", std::string(domain::role_id(t.role))}, {"name", t.name.get(ctx_.lang, fb)},
              {"title", t.title.get(ctx_.lang, fb)}, {"language", language_for(c_, t)}};
    for (const auto& b : c_.bodies) {
      if (b.id == t.body) p["body"] = b.name.get(ctx_.lang, fb);
    }
    return p;
  }

  // A message to `target` in its language: subject and the text of `keys`.
  json message(const std::string& channel, const Target* target, const std::string& lang,
               std::initializer_list<std::string> keys) const {
    return {{"lang", lang}, {"subject", text(lang, channel + ".subject", target)}, {"body", joined(lang, keys, target)}};
  }

  json email() const {
    json to = json::array(), cc = json::array(), messages = json::array();
    std::vector<const Target*> to_targets;
    for (const auto* t : c_.targets_for(Channel::email)) {
      json p = person(*t);
      p["email"] = t->contact.email.value_or("");
      (t->role == Role::to ? to : cc).push_back(p);
      if (t->role == Role::to) to_targets.push_back(t);
    }
    json cc_ids = json::array();
    for (const auto& p : cc) cc_ids.push_back(p["id"]);
    const bool per_target = c_.email.per_target;
    if (per_target) {
      // Cc targets get one copy per action: they ride on the first message only.
      for (std::size_t i = 0; i < to_targets.size(); ++i) {
        const Target* t = to_targets[i];
        json m = message("email", t, language_for(c_, *t), {"email.greeting", "email.body", "email.signoff"});
        m["to"] = json::array({t->id});
        m["cc"] = i == 0 ? cc_ids : json::array();
        messages.push_back(m);
      }
    } else if (!to_targets.empty()) {
      const Target* t = to_targets.front();
      json m = message("email", t, language_for(c_, *t), {"email.group_greeting", "email.body", "email.signoff"});
      m["to"] = json::array();
      for (const auto* x : to_targets) m["to"].push_back(x->id);
      m["cc"] = cc_ids;
      messages.push_back(m);
    }
    json view = {{"mode", per_target ? "per_target" : "group"}, {"to", to}, {"cc", cc}, {"messages", messages}};
    if (!to_targets.empty()) {
      // What the supporter may edit (subject and body, in the main targets' language), and the
      // one message to everyone that "send it from my own mail" opens in their mail program.
      const Target* t = to_targets.front();
      const std::string lang = language_for(c_, *t);
      view["draft"] = {{"lang", lang},
                       {"subject", text(lang, "email.subject", t)},
                       {"body", text(lang, "email.body", t)},
                       {"own_mail", joined(lang, {"email.group_greeting", "email.body", "email.signoff"}, t)}};
    }
    add_translation(view, "email", to_targets.empty() ? nullptr : to_targets.front(),
                    {per_target ? "email.greeting" : "email.group_greeting", "email.body", "email.signoff"});
    return view;
  }

  // The first message again in the supporter's language, when the target reads another one.
  void add_translation(json& view, const std::string& channel, const Target* target,
                       std::initializer_list<std::string> keys) const {
    const std::string target_lang = target != nullptr ? language_for(c_, *target) : ctx_.lang;
    if (target_lang != ctx_.lang) view["translation"] = message(channel, target, ctx_.lang, keys);
  }

  // Per target: its form's address, the message in its language and, when the campaign
  // describes the form, the guided steps (webform_guide.hpp) and where "done" is recorded.
  json webform() const {
    json targets = json::array();
    const Target* first = nullptr;
    for (const auto* t : c_.targets_for(Channel::webform)) {
      if (first == nullptr) first = t;
      json p = person(*t);
      p["url"] = t->contact.web_form.value_or("");
      const std::string lang = language_for(c_, *t);
      p["message"] = message("webform", t, lang, {"webform.body"});
      p["done_url"] = webform_done_path(c_, ctx_.lang, t->id);
      if (const auto* form = domain::webform_for(c_, t->id)) {
        GuideValues g;
        g.lang = ctx_.lang;
        g.fallback_lang = c_.default_language();
        g.site_lang = lang;
        g.subject = p["message"]["subject"];
        g.body = p["message"]["body"];
        if (ctx_.placeholders) {
          g.placeholder_name = ctx_.placeholder(ctx_.lang, "placeholder.name");
          g.placeholder_email = ctx_.placeholder(ctx_.lang, "placeholder.email");
          g.placeholder_phone = ctx_.placeholder(ctx_.lang, "placeholder.phone");
        } else {
          g.name = ctx_.supporter.name;
        }
        p["form"] = webform_guide(*form, g);
      }
      targets.push_back(p);
    }
    json view = {{"targets", targets}};
    add_translation(view, "webform", first, {"webform.body"});
    return view;
  }

  json letter() const {
    json recipients = json::array(), letters = json::array();
    const Target* main = nullptr;
    for (const auto* t : c_.targets_for(Channel::letter)) {
      json p = person(*t);
      json blocks = json::array();
      for (const auto& a : t->contact.postal) {
        blocks.push_back({{"script", a.script}, {"lang", a.language}, {"lines", address_lines(a)}});
      }
      p["addresses"] = blocks;
      if (!t->contact.postal.empty()) p["envelope"] = envelope(*t);
      recipients.push_back(p);
      if (t->role == Role::to && main == nullptr) main = t;
    }
    for (const auto* t : c_.targets_for(Channel::letter)) {
      json m = message("letter", t, language_for(c_, *t), {"letter.greeting", "letter.body", "letter.closing"});
      m["to"] = t->id;
      letters.push_back(m);
    }
    json view = {{"recipients", recipients}, {"letters", letters}};
    add_translation(view, "letter", main, {"letter.greeting", "letter.body", "letter.closing"});
    return view;
  }

  // What to dial from the supporter's country, the office's state at ctx_.at in both zones, the
  // script in the supporter's language and the key ask in the target's (call_view.hpp).
  // What the letter and its envelope carry for `t` (render/address_block.hpp): the window block
  // in the destination's own script, the transliterations outside it. Without a known supporter
  // country the letter is taken to cross a border, so the window ends with the country line.
  json envelope(const Target& t) const {
    auto formatter = address_formatter();
    if (!formatter.ok()) throw ErrorException(formatter.error());
    auto blocks = address_blocks(*formatter.value(), t.contact.postal, ctx_.supporter.country);
    if (!blocks.ok()) throw ErrorException(blocks.error());
    auto block_json = [](const AddressBlock& b) {
      return json{{"script", b.script}, {"lang", b.language}, {"lines", b.lines}, {"longest_line", b.longest_line}};
    };
    json outside = json::array();
    for (const auto& b : blocks->outside) outside.push_back(block_json(b));
    return {{"window", block_json(blocks->window)}, {"outside", outside}};
  }

  json call() const {
    const CallerView caller = caller_of(ctx_.supporter);
    json targets = json::array();
    const Target* first = nullptr;
    for (const auto* t : c_.targets_for(Channel::call)) {
      if (!t->contact.phone) continue;
      if (first == nullptr) first = t;
      json p = person(*t);
      p.update(call_target(c_, *t, caller, ctx_.lang, ctx_.at));
      const std::string tl = language_for(c_, *t);
      p["ask_short"] = {{"lang", tl}, {"text", text(tl, "call.ask_short", t)}};
      targets.push_back(p);
    }
    return {{"caller", caller_json(caller, ctx_.lang)},
            {"targets", targets},
            {"script", text(ctx_.lang, "call.script", first)}};
  }

  json post() const {
    const std::string body = text(ctx_.lang, "post.text", nullptr);
    json handles = json::array();
    for (const auto& t : c_.targets) {
      if (t.role != Role::public_) continue;
      for (const auto& [network, handle] : t.contact.social) handles.push_back(handle);
    }
    PostViewInput in{c_.id, ctx_.lang, body, {}};
    for (const auto& h : handles) in.handles.push_back(h);
    auto view = post_view(in);
    if (!view.ok()) throw ErrorException(view.error());
    return std::move(view).value();
  }

  json share() const {
    const std::string body = text(ctx_.lang, "share.text", nullptr);
    const std::string title = text(ctx_.lang, "page.title", nullptr);
    const std::string u = url_encode(ctx_.page_url);
    const std::string txt = url_encode(body);
    json links = json::array();
    const std::pair<const char*, std::string> list[] = {
        {"Email", "mailto:?subject=" + url_encode(title) + "&body=" + txt},
        {"WhatsApp", "https://wa.me/?text=" + txt},
        {"Telegram", "https://t.me/share/url?url=" + u + "&text=" + txt},
        {"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u},
        {"X", "https://x.com/intent/post?text=" + txt},
        {"Bluesky", "https://bsky.app/intent/compose?text=" + txt},
        {"LINE", "https://social-plugins.line.me/lineit/share?url=" + u},
    };
    for (const auto& [name, href] : list) links.push_back({{"name", name}, {"href", href}});
    // The QR code and the Open Graph image are served beside the page (http/handlers/share.cpp).
    return {{"text", body},
            {"url", ctx_.page_url},
            {"links", links},
            {"qr_svg", ctx_.page_url + "qr.svg"},
            {"og_image", ctx_.page_url + "og.png"}};
  }

  json petition() const {
    std::string url = c_.petition.url.value_or("");
    for (const auto& m : c_.media) {
      if (url.empty() && m.kind == "petition") url = m.url;
    }
    return {{"title", text(ctx_.lang, "petition.title", nullptr)},
            {"text", text(ctx_.lang, "petition.text", nullptr)},
            {"goal", c_.petition.goal},
            {"url", url}};
  }

 private:
  const ViewContext& ctx_;
  const domain::Campaign& c_;
};

}  // namespace

Result<nlohmann::json> channel_view(const ViewContext& ctx, domain::Channel channel) {
  try {
    Composer c(ctx);
    switch (channel) {
      case Channel::email: return c.email();
      case Channel::webform: return c.webform();
      case Channel::letter: return c.letter();
      case Channel::call: return c.call();
      case Channel::post: return c.post();
      case Channel::share: return c.share();
      case Channel::petition: return c.petition();
    }
    return Error::make(ErrorKind::internal, "unknown channel");
  } catch (const ErrorException& e) {
    return e.error();
  }
}

}  // namespace twinning::render
