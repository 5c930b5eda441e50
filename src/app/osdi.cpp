#include "app/osdi.hpp"

#include <algorithm>
#include <charconv>

#include "render/compose.hpp"
#include "render/text.hpp"
#include "store/time_text.hpp"

namespace twinning::app::osdi {
namespace {

Error bad_filter(const std::string& why) {
  return Error::make(ErrorKind::bad_request,
                     "filter: " + why + " (expected e.g. modified_date gt '2026-01-01' and created_date lt "
                     "'2026-02-01T00:00:00Z')",
                     "filter");
}

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// The next word (up to a space or a quote) of `s`, consumed.
std::string_view take_word(std::string_view& s) {
  s = skip_spaces(s);
  const auto end = std::min(s.find(' '), s.find('\''));
  const auto word = s.substr(0, end);
  s.remove_prefix(word.size());
  return word;
}

std::optional<store::TimePoint> parse_date(std::string_view text) {
  if (text.size() == 10) {
    std::string full(text);
    full += "T00:00:00Z";
    return store::parse_time(full);
  }
  return store::parse_time(text);
}

void tighten(store::DateBounds& b, bool after, store::TimePoint t) {
  auto& slot = after ? b.after : b.before;
  if (!slot) {
    slot = t;
  } else {
    slot = after ? std::max(*slot, t) : std::min(*slot, t);
  }
}

nlohmann::json link(const std::string& url) { return {{"href", url}}; }

std::string identifier(std::string_view kind, std::int64_t id) {
  return std::string(kSystem) + ":" + std::string(kind) + "-" + std::to_string(id);
}

std::string page_url(const Bases& bases, const domain::Campaign& c, const std::string& lang) {
  return bases.site + "/" + c.id + "/" + lang + "/";
}

std::string full_name(const domain::Target& t, const std::string& lang) {
  const std::string& title = t.title.get(lang);
  const std::string& name = t.name.get(lang);
  return title.empty() ? name : name + ", " + title;
}

}  // namespace

Result<Filter> parse_filter(std::string_view text) {
  Filter f;
  if (text.size() > kMaxFilterBytes) return bad_filter("longer than " + std::to_string(kMaxFilterBytes) + " bytes");
  text = skip_spaces(text);
  if (text.empty()) return f;
  for (bool first = true;; first = false) {
    if (!first) {
      const auto conj = take_word(text);
      if (conj.empty() && skip_spaces(text).empty()) break;
      if (conj != "and") return bad_filter("clauses are joined by \"and\"");
    }
    const auto field = take_word(text);
    store::DateBounds* bounds = nullptr;
    if (field == "created_date") bounds = &f.created;
    if (field == "modified_date") bounds = &f.modified;
    if (bounds == nullptr) return bad_filter("only created_date and modified_date can be filtered");
    const auto op = take_word(text);
    if (op != "gt" && op != "lt") return bad_filter("the comparison is gt or lt");
    text = skip_spaces(text);
    if (text.empty() || text.front() != '\'') return bad_filter("the date is written in single quotes");
    const auto close = text.find('\'', 1);
    if (close == std::string_view::npos) return bad_filter("a quote is not closed");
    const auto date = parse_date(text.substr(1, close - 1));
    if (!date) return bad_filter("a date is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    tighten(*bounds, op == "gt", *date);
    text.remove_prefix(close + 1);
    if (!text.empty() && text.front() != ' ') return bad_filter("a space is needed after a date");
  }
  return f;
}

Result<Paging> parse_paging(std::optional<std::string_view> page, std::optional<std::string_view> per_page,
                            std::size_t default_per_page, std::size_t max_per_page) {
  auto number = [](std::string_view text, std::size_t max, const char* name) -> Result<std::size_t> {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > max) {
      return Error::make(ErrorKind::bad_request,
                         std::string(name) + " must be a whole number from 1 to " + std::to_string(max), name);
    }
    return n;
  };
  Paging p;
  p.per_page = std::clamp<std::size_t>(default_per_page, 1, max_per_page);
  // A page number so large that its offset overflows reads nothing useful: cap it.
  constexpr std::size_t kMaxPage = 1'000'000'000;
  if (page) {
    auto n = number(*page, kMaxPage, "page");
    if (!n.ok()) return n.error();
    p.page = n.value();
  }
  if (per_page) {
    auto n = number(*per_page, max_per_page, "per_page");
    if (!n.ok()) return n.error();
    p.per_page = n.value();
  }
  return p;
}

std::string outreach_type(std::string_view channel) {
  if (channel == "email") return "email";
  if (channel == "webform") return "web form";
  if (channel == "call") return "phone";
  if (channel == "letter") return "postal mail";
  return std::string(channel);
}

const std::vector<std::string>& outreach_channels() {
  static const std::vector<std::string> channels = {"email", "webform", "call", "letter"};
  return channels;
}

CampaignTexts campaign_texts(const domain::Campaign& c, const std::string& lang, const std::string& page_url) {
  const auto vars = render::campaign_vars(c, lang, page_url);
  auto text = [&](const char* key) -> std::string {
    if (c.text(lang, key) == nullptr) return {};
    auto r = render::compose(c, lang, key, vars);
    return r.ok() ? r.value() : std::string{};
  };
  CampaignTexts t;
  t.title = text("page.title");
  if (t.title.empty()) t.title = c.id;
  t.petition_title = text("petition.title");
  if (t.petition_title.empty()) t.petition_title = t.title;
  t.petition_text = text("petition.text");
  return t;
}

nlohmann::json target(const domain::Campaign& c, const domain::Target& t, const std::string& lang) {
  nlohmann::json j = nlohmann::json::object();
  if (const auto& title = t.title.get(lang); !title.empty()) j["title"] = title;
  // twinning keeps a name whole (its order differs between Korean and Danish): given_name holds
  // all of it and family_name is left out (docs/api.md).
  j["given_name"] = t.name.get(lang);
  if (!t.body.empty()) {
    const auto body = std::find_if(c.bodies.begin(), c.bodies.end(), [&](const auto& b) { return b.id == t.body; });
    if (body != c.bodies.end()) j["organization"] = body->name.get(lang);
  }
  if (t.contact.email) j["email_addresses"] = {{{"address", *t.contact.email}, {"primary", true}}};
  if (t.contact.phone) j["phone_numbers"] = {{{"number", *t.contact.phone}, {"primary", true}}};
  return j;
}

nlohmann::json advocacy_campaign(const domain::Campaign& c, const CampaignTexts& texts, const std::string& lang,
                                 std::int64_t total_outreaches, const Bases& bases) {
  const std::string self = bases.api + "/advocacy_campaigns/" + c.id;
  std::string names;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : c.targets) {
    const bool reached = std::any_of(t.channels.begin(), t.channels.end(), [](domain::Channel ch) {
      const auto& out = outreach_channels();
      return std::find(out.begin(), out.end(), std::string(domain::channel_id(ch))) != out.end();
    });
    if (!reached) continue;
    list.push_back(target(c, t, lang));
    if (t.role == domain::Role::to) names += (names.empty() ? "" : "; ") + full_name(t, lang);
  }
  return {{"identifiers", {std::string(kSystem) + ":" + c.id}},
          {"origin_system", kSystem},
          {"name", c.id},
          {"title", texts.title},
          {"targets", names},
          {"target_list", list},
          {"browser_url", page_url(bases, c, lang)},
          {"total_outreaches", total_outreaches},
          {"_links",
           {{"self", link(self)},
            {"osdi:outreaches", link(self + "/outreaches")}}}};
}

nlohmann::json petition(const domain::Campaign& c, const CampaignTexts& texts, const std::string& lang,
                        std::int64_t total_signatures, const Bases& bases) {
  const std::string self = bases.api + "/petitions/" + c.id;
  nlohmann::json targets = nlohmann::json::array();
  for (const auto* t : c.targets_for(domain::Channel::petition)) {
    if (t->role == domain::Role::to) targets.push_back({{"name", full_name(*t, lang)}});
  }
  return {{"identifiers", {std::string(kSystem) + ":" + c.id}},
          {"origin_system", kSystem},
          {"name", c.id},
          {"title", texts.petition_title},
          {"petition_text", texts.petition_text},
          {"browser_url", page_url(bases, c, lang)},
          {"total_signatures", total_signatures},
          {"target", targets},
          {"_links", {{"self", link(self)}, {"osdi:signatures", link(self + "/signatures")}}}};
}

nlohmann::json outreach(const domain::Campaign& c, const store::ActionRecord& a, const std::string& lang,
                        const Bases& bases) {
  const std::string campaign = bases.api + "/advocacy_campaigns/" + a.campaign;
  nlohmann::json targets = nlohmann::json::array();
  if (const auto* t = c.find_target(a.target)) targets.push_back(target(c, *t, lang));
  return {{"identifiers", {identifier("action", a.id)}},
          {"origin_system", kSystem},
          {"created_date", store::format_time(a.created_at)},
          {"modified_date", store::format_time(a.modified_at)},
          {"action_date", store::format_time(a.created_at)},
          {"type", outreach_type(a.channel)},
          {"targets", targets},
          {"_links",
           {{"self", link(campaign + "/outreaches/" + std::to_string(a.id))},
            {"osdi:advocacy_campaign", link(campaign)},
            {"osdi:person", link(bases.api + "/people/" + std::to_string(a.supporter_id))}}}};
}

nlohmann::json signature(const store::SignatureRecord& s, const Bases& bases) {
  const std::string petition = bases.api + "/petitions/" + s.campaign;
  nlohmann::json j = {{"identifiers", {identifier("signature", s.id)}},
                      {"origin_system", kSystem},
                      {"created_date", store::format_time(s.created_at)},
                      {"modified_date", store::format_time(s.modified_at)},
                      {"action_date", store::format_time(s.created_at)},
                      {"_links",
                       {{"self", link(petition + "/signatures/" + std::to_string(s.id))},
                        {"osdi:petition", link(petition)},
                        {"osdi:person", link(bases.api + "/people/" + std::to_string(s.supporter_id))}}}};
  if (!s.comment.empty()) j["comments"] = s.comment;
  return j;
}

nlohmann::json person(const store::PersonRecord& p, const Bases& bases) {
  nlohmann::json j = {{"identifiers", {identifier("person", p.id)}},
                      {"origin_system", kSystem},
                      {"created_date", store::format_time(p.created_at)},
                      {"modified_date", store::format_time(p.modified_at)},
                      {"given_name", p.name},
                      {"email_addresses", {{{"address", p.email}, {"primary", true}}}},
                      {"_links", {{"self", link(bases.api + "/people/" + std::to_string(p.id))}}}};
  if (!p.phone.empty()) j["phone_numbers"] = {{{"number", p.phone}, {"primary", true}}};
  if (!p.country.empty()) j["postal_addresses"] = {{{"country", p.country}, {"primary", true}}};
  return j;
}

nlohmann::json collection(const std::string& rel, std::vector<nlohmann::json> items, std::int64_t total,
                          const Paging& paging, const std::string& path, const std::string& filter) {
  const auto per_page = static_cast<std::int64_t>(paging.per_page);
  const std::int64_t pages = total == 0 ? 0 : (total + per_page - 1) / per_page;
  const auto page = static_cast<std::int64_t>(paging.page);
  auto url = [&](std::int64_t p) {
    std::string u = path + "?page=" + std::to_string(p) + "&per_page=" + std::to_string(per_page);
    if (!filter.empty()) u += "&filter=" + render::url_encode(filter);
    return u;
  };
  nlohmann::json hrefs = nlohmann::json::array();
  for (const auto& item : items) hrefs.push_back(item["_links"]["self"]);
  nlohmann::json links = {{"self", link(url(page))}, {rel, hrefs}};
  if (page < pages) links["next"] = link(url(page + 1));
  if (page > 1) links["prev"] = link(url(std::min(page - 1, std::max<std::int64_t>(pages, 1))));
  return {{"total_pages", pages},
          {"per_page", per_page},
          {"page", page},
          {"total_records", total},
          {"_links", links},
          {"_embedded", {{rel, std::move(items)}}}};
}

}  // namespace twinning::app::osdi
