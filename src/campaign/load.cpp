#include "campaign/load.hpp"

#include <algorithm>
#include <set>
#include <system_error>
#include <tuple>

#include "campaign/address_check.hpp"
#include "campaign/localized.hpp"
#include "campaign/post_check.hpp"
#include "campaign/template_check.hpp"
#include "campaign/text_keys.hpp"
#include "campaign/validators.hpp"
#include "campaign/webform_definition.hpp"
#include "campaign/yaml_check.hpp"
#include "domain/webform.hpp"

namespace twinning::campaign {
namespace {

namespace fs = std::filesystem;
using domain::Channel;
using domain::Role;
using Entry = MapView::Entry;
using Items = std::vector<std::pair<std::string, YAML::Node>>;

// The keys of each map in campaign.yaml; docs/campaigns.md describes each of them.
const std::vector<std::string> kTopKeys = {"format",   "demo",     "languages", "starts",   "ends",
                                           "consent_version", "pair", "bodies", "channels", "email",
                                           "petition", "targets",  "media", "webforms"};
const std::vector<std::string> kPairKeys = {"home", "foreign", "relation", "since"};
const std::vector<std::string> kCityKeys = {"name", "region", "country", "time_zone"};
const std::vector<std::string> kBodyKeys = {"id", "kind", "country", "name"};
const std::vector<std::string> kEmailKeys = {"mode", "sender"};
const std::vector<std::string> kPetitionKeys = {"url", "goal"};
const std::vector<std::string> kTargetKeys = {"id",       "role",         "body",     "name",      "title",  "language",
                                              "time_zone", "office_hours", "channels", "demo_data", "contact"};
const std::vector<std::string> kContactKeys = {"email", "phone", "postal", "social", "web_form"};
const std::vector<std::string> kPostalKeys = {"language", "script", "components", "extra_lines"};
const std::vector<std::string> kMediaKeys = {"kind", "url", "title"};
const std::vector<std::string> kRelations = {"sister", "friendship", "partner"};
const std::vector<std::string> kMediaKinds = {"video", "evidence", "petition", "article"};
const std::vector<std::string> kEmailModes = {"per_target", "group"};
const std::vector<std::string> kSocialNetworks = {"x", "bluesky", "mastodon"};
const std::vector<std::string> kRoleIds = {"to", "cc", "public", "letter_copy"};
const std::vector<std::string> kBodyKindIds = {"municipality", "council", "provincial_council", "national_assembly"};
// OpenCage address-formatting component names (what render/ formats addresses with).
const std::vector<std::string> kAddressComponents = {
    "attention", "house",  "house_number",   "road",   "neighbourhood", "suburb",      "quarter",
    "city_district", "city", "town",         "village", "hamlet",       "municipality", "county",
    "state_district", "state", "state_code", "region", "island",        "postcode",    "postal_city",
    "country",   "country_code"};

// Which channels can reach a target in each role: public targets are named in public posts,
// letter copies get the postal letter, the others are written to, called or sent a form.
std::vector<Channel> channels_for_role(Role r) {
  switch (r) {
    case Role::to:
    case Role::cc:
      return {Channel::email, Channel::webform, Channel::letter, Channel::call};
    case Role::public_:
      return {Channel::post};
    case Role::letter_copy:
      return {Channel::letter};
  }
  return {};
}

// The contact point a channel needs; nullopt for channels that reach no target.
std::optional<std::string> contact_key_for(Channel c) {
  switch (c) {
    case Channel::email: return "email";
    case Channel::webform: return "web_form";
    case Channel::letter: return "postal";
    case Channel::call: return "phone";
    case Channel::post: return "social";
    case Channel::share:
    case Channel::petition:
      return std::nullopt;
  }
  return std::nullopt;
}

bool has_contact(const domain::ContactPoints& c, Channel ch) {
  switch (ch) {
    case Channel::email: return c.email.has_value();
    case Channel::webform: return c.web_form.has_value();
    case Channel::letter: return !c.postal.empty();
    case Channel::call: return c.phone.has_value();
    case Channel::post: return !c.social.empty();
    case Channel::share:
    case Channel::petition:
      return false;
  }
  return false;
}

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::vector<std::string> channel_ids(const std::vector<Channel>& channels) {
  std::vector<std::string> out;
  for (Channel c : channels) out.emplace_back(domain::channel_id(c));
  return out;
}

std::vector<std::string> all_channel_ids() {
  return channel_ids(std::vector<Channel>(domain::kAllChannels.begin(), domain::kAllChannels.end()));
}

std::string one_of(const std::vector<std::string>& allowed, const std::string& value) {
  auto guess = nearest(value, allowed);
  return guess ? "did you mean \"" + *guess + "\"? (one of: " + join(allowed) + ")" : "use one of: " + join(allowed);
}

// A handle as each network writes it: X "@name" (letters, digits, _; at most 15), Bluesky
// "@name.domain", Mastodon "@user@server".
bool is_social_handle(const std::string& network, std::string_view handle) {
  if (handle.size() < 2 || handle.front() != '@') return false;
  std::string_view name = handle.substr(1);
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) return false;
  if (network == "x") {
    return name.size() <= 15 && std::all_of(name.begin(), name.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
           });
  }
  if (network == "bluesky") return name.find('.') != std::string_view::npos && name.find('@') == std::string_view::npos;
  if (network == "mastodon") {
    auto at = name.find('@');
    return at != std::string_view::npos && at > 0 && name.find('.', at) != std::string_view::npos &&
           name.find('@', at + 1) == std::string_view::npos;
  }
  return false;
}

std::string social_handle_example(const std::string& network) {
  if (network == "x") return "@greenjeonnam (letters, digits and _, at most 15)";
  if (network == "bluesky") return "@name.bsky.social";
  return "@name@server.social";
}

class CampaignReader {
 public:
  CampaignReader(Reporter& report, domain::Campaign& campaign) : r_(report), c_(campaign) {}

  void read(const YAML::Node& root) {
    MapView top(r_, root, "", &kTopKeys);
    read_format(top);
    if (auto* e = top.find("demo")) c_.demo = read_bool(r_, *e, "demo").value_or(false);
    read_languages(top);
    read_times(top);
    if (auto* e = top.require("consent_version", "add consent_version: \"2026-01-01\" (bump it when the consent wording changes)")) {
      auto v = read_text(r_, *e, "consent_version");
      if (v && v->empty()) r_.error(mark_of(*e), "consent_version is empty", "write the version of the consent wording, e.g. \"2026-01-01\"");
      if (v) c_.consent_version = *v;
    }
    if (auto* e = top.require("pair")) read_pair(*e);
    if (auto* e = top.find("bodies")) read_bodies(*e);
    if (auto* e = top.require("channels", "add channels: [" + join(all_channel_ids()) + "] (those the campaign uses)")) read_channels(*e);
    read_email(top);
    read_petition(top);
    if (auto* e = top.require("targets")) read_targets(*e);
    read_webforms(r_, top.find("webforms"), top.find("targets"), c_);
    if (auto* e = top.find("media")) read_media(*e);
    if (channels_entry_) check_channel_coverage(*channels_entry_);
  }

 private:
  void read_format(MapView& top) {
    const Entry* e = top.require("format", "add format: 1 as the first line");
    if (e == nullptr) return;
    auto v = read_integer(r_, *e, "format");
    if (v && *v != 1)
      r_.error(mark_of(*e), "format " + std::to_string(*v) + " is not supported; this version of twinning reads format 1",
               "write format: 1 and the keys of format 1");
  }

  void read_languages(MapView& top) {
    const Entry* e = top.require("languages", "add languages: [en] (ISO 639-1 codes; the first is the default)");
    if (e == nullptr) return;
    auto items = read_text_list(r_, *e, "languages");
    if (!items) return;
    for (const auto& [code, node] : *items) {
      if (!is_language_code(code)) {
        r_.error(node.Mark(), "\"" + code + "\" is not an ISO 639-1 language code",
                 "use two lower-case letters, e.g. en, da, ko");
      } else if (c_.has_language(code)) {
        r_.error(node.Mark(), "the language \"" + code + "\" is listed twice", "list each language once");
      } else {
        c_.languages.push_back(code);
      }
    }
    if (items->empty()) r_.error(mark_of(*e), "languages is empty", "list at least one language, e.g. [en]");
  }

  void read_times(MapView& top) {
    const Entry* starts = top.find("starts");
    const Entry* ends = top.find("ends");
    if (starts) c_.starts = read_time(*starts, "starts");
    if (ends) c_.ends = read_time(*ends, "ends");
    if (c_.starts && c_.ends && *c_.ends <= *c_.starts)
      r_.error(mark_of(*ends), "ends is not after starts", "set ends to a later time than starts");
  }

  std::optional<domain::TimePoint> read_time(const Entry& e, const std::string& path) {
    auto text = read_text(r_, e, path);
    if (!text) return std::nullopt;
    auto parsed = parse_rfc3339(*text);
    if (!parsed) {
      r_.error(mark_of(e), path + ": " + parsed.error().message, "write it like 2026-01-01T00:00:00Z");
      return std::nullopt;
    }
    return parsed.value();
  }

  domain::Localized read_localized(const Entry& e, const std::string& path) {
    return campaign::read_localized(r_, e, path, c_.languages);
  }

  std::optional<std::string> read_code(const Entry& e, const std::string& path, bool (*valid)(std::string_view),
                                       const std::string& what, const std::string& fix) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (!valid(*v)) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not " + what, fix);
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::string> read_country(const Entry& e, const std::string& path) {
    return read_code(e, path, is_country_code, "an ISO 3166-1 country code",
                     "use two upper-case letters, e.g. DK, KR");
  }
  std::optional<std::string> read_time_zone(const Entry& e, const std::string& path) {
    return read_code(e, path, is_time_zone, "a known IANA time zone", "use a name like Europe/Copenhagen or Asia/Seoul");
  }
  std::optional<std::string> read_language(const Entry& e, const std::string& path) {
    return read_code(e, path, is_language_code, "an ISO 639-1 language code", "use two lower-case letters, e.g. en, da, ko");
  }

  std::optional<std::string> read_choice(const Entry& e, const std::string& path, const std::vector<std::string>& allowed) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not allowed", one_of(allowed, *v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::string> read_url(const Entry& e, const std::string& path) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (!is_http_url(*v)) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not an http or https address",
               "write the full address, starting with https://");
      return std::nullopt;
    }
    check_demo_host(e, path, domain::url_host(*v));
    return v;
  }

  std::optional<std::string> read_email_address(const Entry& e, const std::string& path) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (!is_valid_email(*v)) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not an email address",
               "write it as name@domain.tld, without spaces or display names");
      return std::nullopt;
    }
    check_demo_host(e, path, v->substr(v->rfind('@') + 1));
    return v;
  }

  // The demo must never reach a real person or site: its addresses must be in reserved domains.
  void check_demo_host(const Entry& e, const std::string& path, const std::string& host) {
    if (!c_.demo || is_reserved_host(host)) return;
    r_.error(mark_of(e), path + ": a demo campaign must not reach real people, but \"" + host + "\" is a real domain",
             "use a fictional address under example.org, or set demo: false");
  }

  void read_city(const Entry& e, const std::string& path, domain::City& city) {
    if (!expect_map(r_, e, path)) return;
    MapView m(r_, e.value, path, &kCityKeys);
    if (auto* x = m.require("name")) city.name = read_localized(*x, m.path_of("name"));
    if (auto* x = m.find("region")) city.region = read_localized(*x, m.path_of("region"));
    if (auto* x = m.require("country")) city.country = read_country(*x, m.path_of("country")).value_or("");
    if (auto* x = m.require("time_zone")) city.time_zone = read_time_zone(*x, m.path_of("time_zone")).value_or("");
  }

  void read_pair(const Entry& e) {
    if (!expect_map(r_, e, "pair")) return;
    MapView m(r_, e.value, "pair", &kPairKeys);
    if (auto* x = m.require("home")) read_city(*x, "pair.home", c_.pair.home);
    if (auto* x = m.require("foreign")) read_city(*x, "pair.foreign", c_.pair.foreign);
    if (auto* x = m.require("relation", "add relation: " + join(kRelations, " | ")))
      c_.pair.relation = read_choice(*x, "pair.relation", kRelations).value_or("");
    if (auto* x = m.require("since", "add since: <the year the relation was formed>")) {
      auto year = read_integer(r_, *x, "pair.since");
      if (year && (*year < 1000 || *year > 9999)) {
        r_.error(mark_of(*x), "pair.since must be a four-digit year", "write the year the relation was formed, e.g. 2016");
      } else if (year) {
        c_.pair.since = static_cast<int>(*year);
      }
    }
  }

  // Ids appear in URLs and in the store, so they follow the campaign id's rule.
  std::optional<std::string> read_id(const Entry& e, const std::string& path, std::set<std::string>& seen,
                                     const std::string& what) {
    auto id = read_text(r_, e, path);
    if (!id) return std::nullopt;
    if (!is_campaign_id(*id)) {
      r_.error(mark_of(e), path + ": \"" + *id + "\" is not a valid id",
               "use lower-case letters a-z, digits and '-', not at the start or end");
    }
    if (!seen.insert(*id).second) {
      r_.error(mark_of(e), "two " + what + " have the id \"" + *id + "\"", "give each " + what.substr(0, what.size() - 1) + " its own id");
    }
    return id;
  }

  void read_bodies(const Entry& e) {
    if (!expect_list(r_, e, "bodies")) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = "bodies[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      MapView m(r_, item.value, path, &kBodyKeys);
      domain::Body body;
      if (auto* x = m.require("id")) body.id = read_id(*x, m.path_of("id"), seen, "bodies").value_or("");
      if (auto* x = m.require("kind", "add kind: " + join(kBodyKindIds, " | "))) {
        if (auto k = read_choice(*x, m.path_of("kind"), kBodyKindIds)) body.kind = *domain::parse_body_kind(*k);
      }
      if (auto* x = m.require("country")) body.country = read_country(*x, m.path_of("country")).value_or("");
      if (auto* x = m.require("name")) body.name = read_localized(*x, m.path_of("name"));
      c_.bodies.push_back(std::move(body));
    }
  }

  void read_channels(const Entry& e) {
    channels_entry_ = &e;
    auto items = read_text_list(r_, e, "channels");
    if (!items) return;
    for (const auto& [id, node] : *items) {
      auto c = domain::parse_channel(id);
      if (!c) {
        r_.error(node.Mark(), "unknown channel \"" + id + "\"", one_of(all_channel_ids(), id));
      } else if (c_.channel_enabled(*c)) {
        r_.error(node.Mark(), "the channel \"" + id + "\" is listed twice", "list each channel once");
      } else {
        c_.channels.push_back(*c);
      }
    }
    if (items->empty()) r_.error(mark_of(e), "no channel is enabled", "list the channels to use, e.g. [email, share]");
  }

  void read_email(MapView& top) {
    const Entry* e = top.find("email");
    if (e == nullptr) {
      if (c_.channel_enabled(Channel::email))
        r_.error(top.mark(), "the email channel is enabled but there is no \"email\" section",
                 "add email: {mode: per_target, sender: campaigns@your-domain}");
      return;
    }
    if (!expect_map(r_, *e, "email")) return;
    MapView m(r_, e->value, "email", &kEmailKeys);
    if (auto* x = m.find("mode")) {
      if (auto mode = read_choice(*x, "email.mode", kEmailModes)) c_.email.per_target = *mode == "per_target";
    }
    if (auto* x = m.require("sender", "add sender: the address the campaign's messages are sent from"))
      c_.email.sender = read_email_address(*x, "email.sender").value_or("");
  }

  void read_petition(MapView& top) {
    const Entry* e = top.find("petition");
    if (e == nullptr) {
      if (c_.channel_enabled(Channel::petition))
        r_.error(top.mark(), "the petition channel is enabled but there is no \"petition\" section",
                 "add petition: {goal: 1000}");
      return;
    }
    if (!expect_map(r_, *e, "petition")) return;
    MapView m(r_, e->value, "petition", &kPetitionKeys);
    if (auto* x = m.find("url")) c_.petition.url = read_url(*x, "petition.url");
    if (auto* x = m.require("goal", "add goal: the number of signatures the petition aims for")) {
      auto goal = read_integer(r_, *x, "petition.goal");
      if (goal && (*goal < 1 || *goal > 1'000'000'000)) {
        r_.error(mark_of(*x), "petition.goal must be a positive number of signatures", "write e.g. goal: 1000");
      } else if (goal) {
        c_.petition.goal = static_cast<int>(*goal);
      }
    }
  }

  void read_targets(const Entry& e) {
    if (!expect_list(r_, e, "targets")) return;
    if (e.value.size() == 0) r_.error(mark_of(e), "targets is empty", "add the officials the campaign addresses");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = "targets[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      read_target(item, path, seen);
    }
  }

  void read_target(const Entry& item, const std::string& path, std::set<std::string>& seen) {
    MapView m(r_, item.value, path, &kTargetKeys);
    domain::Target t;
    if (auto* x = m.require("id")) t.id = read_id(*x, m.path_of("id"), seen, "targets").value_or("");
    const std::string where = t.id.empty() ? path : "target \"" + t.id + "\"";
    bool role_ok = false;
    if (auto* x = m.require("role", "add role: " + join(kRoleIds, " | "))) {
      if (auto role = read_choice(*x, where + " role", kRoleIds)) {
        t.role = *domain::parse_role(*role);
        role_ok = true;
      }
    }
    std::string country;
    if (auto* x = m.find("body")) {
      if (auto body = read_text(r_, *x, where + " body")) {
        auto it = std::find_if(c_.bodies.begin(), c_.bodies.end(), [&](const domain::Body& b) { return b.id == *body; });
        if (it == c_.bodies.end()) {
          std::vector<std::string> ids;
          for (const auto& b : c_.bodies) ids.push_back(b.id);
          r_.error(mark_of(*x), where + ": there is no body \"" + *body + "\"",
                   ids.empty() ? "add it under bodies" : one_of(ids, *body) + ", or add it under bodies");
        } else {
          t.body = *body;
          country = it->country;
        }
      }
    }
    if (auto* x = m.require("name")) t.name = read_localized(*x, where + " name");
    if (auto* x = m.find("title")) t.title = read_localized(*x, where + " title");
    if (auto* x = m.require("language", "add language: the ISO 639-1 code of the language the target reads"))
      t.language = read_language(*x, where + " language").value_or("");
    const Entry* tz = m.find("time_zone");
    if (tz) t.time_zone = read_time_zone(*tz, where + " time_zone").value_or("");
    if (auto* x = m.find("office_hours")) {
      read_office_hours(*x, where, t.hours);
      if (!tz) r_.error(mark_of(*x), where + ": office_hours need a time zone", "add time_zone: e.g. Europe/Copenhagen");
    }
    if (auto* x = m.find("demo_data")) t.demo_data = read_bool(r_, *x, where + " demo_data").value_or(false);
    if (auto* x = m.find("contact")) read_contact(*x, where, country, t.contact);
    if (auto* x = m.require("channels", "add channels: the channels that reach this target")) {
      read_target_channels(*x, where, role_ok ? std::optional<Role>(t.role) : std::nullopt, t);
    }
    c_.targets.push_back(std::move(t));
  }

  void read_office_hours(const Entry& e, const std::string& where, domain::OfficeHours& hours) {
    auto lines = read_text_list(r_, e, where + " office_hours");
    if (!lines) return;
    for (const auto& [line, node] : *lines) {
      auto added = add_office_hours(hours, line);
      if (!added) r_.error(node.Mark(), where + " office_hours: " + added.error().message,
                           "write each line like \"mon-thu 09:00-15:00\"; intervals on one day must not overlap");
    }
  }

  void read_target_channels(const Entry& e, const std::string& where, std::optional<Role> role, domain::Target& t) {
    auto items = read_text_list(r_, e, where + " channels");
    if (!items) return;
    if (items->empty()) {
      r_.error(mark_of(e), where + " has no channel, so the campaign never reaches it",
               "list the channels that reach it, or remove the target");
      return;
    }
    for (const auto& [id, node] : *items) {
      auto c = domain::parse_channel(id);
      if (!c) {
        r_.error(node.Mark(), where + ": unknown channel \"" + id + "\"", one_of(all_channel_ids(), id));
        continue;
      }
      auto contact = contact_key_for(*c);
      if (!contact) {
        r_.error(node.Mark(), where + ": the " + id + " channel does not reach a target",
                 "remove it here; it is enabled for the whole campaign under channels");
        continue;
      }
      if (std::find(t.channels.begin(), t.channels.end(), *c) != t.channels.end()) {
        r_.error(node.Mark(), where + ": the channel \"" + id + "\" is listed twice", "list each channel once");
        continue;
      }
      if (!c_.channel_enabled(*c))
        r_.error(node.Mark(), where + " uses the channel \"" + id + "\", which the campaign does not enable",
                 "add " + id + " to the campaign's channels, or remove it here");
      if (!has_contact(t.contact, *c))
        r_.error(node.Mark(), where + " is reached by " + id + " but has no contact." + *contact,
                 "add contact: {" + *contact + ": ...} or remove " + id + " from its channels");
      if (role) {
        auto allowed = channels_for_role(*role);
        if (std::find(allowed.begin(), allowed.end(), *c) == allowed.end())
          r_.error(node.Mark(), where + " has the role " + std::string(domain::role_id(*role)) + ", which the " + id +
                                    " channel does not reach",
                   "for this role use: " + join(channel_ids(allowed)));
      }
      t.channels.push_back(*c);
    }
  }

  void read_contact(const Entry& e, const std::string& where, const std::string& country, domain::ContactPoints& out) {
    if (!expect_map(r_, e, where + " contact")) return;
    MapView m(r_, e.value, where + " contact", &kContactKeys);
    // An invalid value is kept (as written) once reported: the campaign fails to load anyway, and
    // keeping it spares a second, misleading "has no contact" problem for the same line.
    auto keep = [](std::optional<std::string> checked, const Entry& x) -> std::optional<std::string> {
      if (checked) return checked;
      if (x.value.IsScalar()) return x.value.Scalar();
      return std::nullopt;
    };
    if (auto* x = m.find("email")) out.email = keep(read_email_address(*x, where + " contact.email"), *x);
    if (auto* x = m.find("phone")) out.phone = keep(read_phone(*x, where + " contact.phone", country), *x);
    if (auto* x = m.find("web_form")) {
      // Also {url, form}: the form reference is read with the webforms (webform_definition.cpp).
      if (auto url = web_form_url_entry(*x)) out.web_form = keep(read_url(*url, where + " contact.web_form"), *url);
    }
    if (auto* x = m.find("postal")) read_postal_list(*x, where, out.postal);
    if (auto* x = m.find("social")) read_social(*x, where, out.social);
  }

  std::optional<std::string> read_phone(const Entry& e, const std::string& path, const std::string& country) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (is_e164(*v)) return v;
    // Numbers written without "+" are read in the target's body's country, to suggest a fix.
    auto e164 = to_e164(*v, "ZZ");
    if (!e164 && !country.empty()) e164 = to_e164(*v, country);
    if (e164) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not written in E.164", "write it as \"" + *e164 + "\"");
    } else {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not a valid phone number",
               "write it in E.164: + then the country code and number, without spaces (e.g. \"+4540781475\")");
    }
    return std::nullopt;
  }

  void read_postal_list(const Entry& e, const std::string& where, std::vector<domain::PostalAddress>& out) {
    if (!expect_list(r_, e, where + " contact.postal")) return;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = where + " contact.postal[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      MapView m(r_, item.value, path, &kPostalKeys);
      domain::PostalAddress a;
      if (auto* x = m.require("language")) a.language = read_language(*x, m.path_of("language")).value_or("");
      if (auto* x = m.require("script", "add script: the ISO 15924 code of the writing, e.g. Latn or Hang"))
        a.script = read_code(*x, m.path_of("script"), is_script_code, "an ISO 15924 script code",
                             "use four letters with a capital first, e.g. Latn, Hang")
                       .value_or("");
      if (auto* x = m.require("components")) read_components(*x, m.path_of("components"), a.components);
      if (auto* x = m.find("extra_lines")) {
        if (auto lines = read_text_list(r_, *x, m.path_of("extra_lines")))
          for (auto& [line, node] : *lines) a.extra_lines.push_back(line);
      }
      check_postal_address(r_, item.value, path, a, out);
      out.push_back(std::move(a));
    }
  }

  void read_components(const Entry& e, const std::string& path, std::map<std::string, std::string>& out) {
    if (!expect_map(r_, e, path)) return;
    MapView m(r_, e.value, path, nullptr);
    for (const Entry& c : m.entries()) {
      if (std::find(kAddressComponents.begin(), kAddressComponents.end(), c.key) == kAddressComponents.end()) {
        auto guess = nearest(c.key, kAddressComponents);
        r_.warning(c.key_node.Mark(), path + ": \"" + c.key + "\" is not an address component the formatter knows",
                   guess ? "did you mean \"" + *guess + "\"?" : "use one of: " + join(kAddressComponents));
      }
      auto v = read_text(r_, c, m.path_of(c.key));
      if (!v) continue;
      if (c.key == "country_code" && !is_country_code(*v)) {
        r_.error(mark_of(c), m.path_of(c.key) + ": \"" + *v + "\" is not an ISO 3166-1 country code",
                 "use two upper-case letters, e.g. DK, KR");
        continue;
      }
      out[c.key] = *v;
    }
    if (m.entries().empty()) r_.error(m.mark(), path + " is empty", "add the address lines, e.g. road, house_number, city");
  }

  void read_social(const Entry& e, const std::string& where, std::map<std::string, std::string>& out) {
    const std::string path = where + " contact.social";
    if (!expect_map(r_, e, path)) return;
    MapView m(r_, e.value, path, nullptr);
    for (const Entry& s : m.entries()) {
      if (std::find(kSocialNetworks.begin(), kSocialNetworks.end(), s.key) == kSocialNetworks.end()) {
        r_.error(s.key_node.Mark(), path + ": unknown network \"" + s.key + "\"", one_of(kSocialNetworks, s.key));
        continue;
      }
      auto handle = read_text(r_, s, m.path_of(s.key));
      if (!handle) continue;
      if (!is_social_handle(s.key, *handle)) {
        r_.error(mark_of(s), m.path_of(s.key) + ": \"" + *handle + "\" is not a " + s.key + " handle",
                 "write it like " + social_handle_example(s.key));
        continue;
      }
      out[s.key] = *handle;
    }
  }

  void read_media(const Entry& e) {
    if (!expect_list(r_, e, "media")) return;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = "media[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      MapView m(r_, item.value, path, &kMediaKeys);
      domain::MediaLink link;
      if (auto* x = m.require("kind", "add kind: " + join(kMediaKinds, " | ")))
        link.kind = read_choice(*x, m.path_of("kind"), kMediaKinds).value_or("");
      // Media links are public pages the supporter opens; the demo may link to real ones.
      if (auto* x = m.require("url")) {
        auto url = read_text(r_, *x, m.path_of("url"));
        if (url && !is_http_url(*url)) {
          r_.error(mark_of(*x), m.path_of("url") + ": \"" + *url + "\" is not an http or https address",
                   "write the full address, starting with https://");
        } else if (url) {
          link.url = *url;
        }
      }
      if (auto* x = m.require("title")) link.title = read_localized(*x, m.path_of("title"));
      c_.media.push_back(std::move(link));
    }
  }

  // An enabled channel that reaches nobody would show an empty block on the page.
  void check_channel_coverage(const Entry& channels) {
    for (Channel c : c_.channels) {
      if (!contact_key_for(c)) continue;
      if (c_.targets_for(c).empty())
        r_.warning(mark_of(channels), "the channel \"" + std::string(domain::channel_id(c)) + "\" is enabled but no target uses it",
                   "add it to a target's channels, or remove it from the campaign's channels");
    }
  }

  Reporter& r_;
  domain::Campaign& c_;
  const Entry* channels_entry_ = nullptr;
};

// ---- texts/<lang>.yaml ----

std::vector<std::string> section_names() {
  std::vector<std::string> out;
  for (const auto& s : text_sections()) out.push_back(s.name);
  return out;
}

// Where in the file a template's tag is: the same occurrence of the tag's text, searched from
// the value's start, so block scalars (| and >) and quoted values all map back to their line.
std::optional<std::size_t> tag_source_offset(std::string_view source, std::size_t value_start, std::string_view value,
                                             std::size_t offset, std::size_t length) {
  if (length == 0) return std::nullopt;
  const std::string_view tag = value.substr(offset, length);
  std::size_t nth = 0;
  for (std::size_t p = value.find(tag); p != std::string_view::npos && p < offset; p = value.find(tag, p + 1)) ++nth;
  std::size_t found = source.find(tag, value_start);
  for (std::size_t i = 0; i < nth && found != std::string_view::npos; ++i) found = source.find(tag, found + 1);
  return found == std::string_view::npos ? std::nullopt : std::optional<std::size_t>(found);
}

void check_text(Reporter& r, const Entry& e, const std::string& key, const std::string& text) {
  const auto& allowed = allowed_variables(key);
  for (const TemplateIssue& issue : check_template(text, allowed)) {
    std::size_t length = 0;
    if (issue.offset < text.size()) {
      auto scan = scan_template(std::string_view(text).substr(issue.offset));
      length = scan.tags.empty() || scan.tags.front().offset != 0 ? 0 : scan.tags.front().length;
      if (length == 0) length = std::min<std::size_t>(2, text.size() - issue.offset);  // an unclosed "{{"
    }
    auto start = r.byte_offset(mark_of(e));
    auto at = start ? tag_source_offset(r.source(), *start, text, issue.offset, length) : std::nullopt;
    if (at) {
      r.error_at_offset(*at, key + ": " + issue.message, issue.fix);
    } else {
      r.error(mark_of(e), key + ": " + issue.message, issue.fix);
    }
  }
}

void read_text_file(const fs::path& file, const std::string& lang, domain::Campaign& c, std::vector<Problem>& problems) {
  Reporter r(problems, file.string());
  std::string source;
  auto root = read_yaml_file(r, file, source);
  if (!root) return;
  const auto sections = section_names();
  MapView top(r, *root, "", &sections);
  auto& texts = c.texts[lang];
  for (const TextSection& section : text_sections()) {
    const Entry* s = top.find(section.name);
    const bool needed = !section.channel || c.channel_enabled(*section.channel);
    if (s == nullptr) {
      if (needed)
        r.error(top.mark(), "missing the \"" + section.name + "\" texts in " + lang + " (" +
                                (section.channel ? "the " + section.name + " channel is enabled" : "every campaign needs them") + ")",
                "add " + section.name + ": with the keys " + join(section.keys));
      continue;
    }
    if (!expect_map(r, *s, section.name)) continue;
    MapView m(r, s->value, section.name, &section.keys);
    for (const Entry& e : m.entries()) {
      const std::string key = section.name + "." + e.key;
      auto text = read_text(r, e, key);
      if (!text) continue;
      check_text(r, e, key, *text);
      texts[key] = *text;
    }
    if (!needed) continue;
    for (const auto& k : section.keys) {
      if (m.find(k) == nullptr)
        r.error(m.mark(), "missing text " + section.name + "." + k + " in " + lang +
                              (section.channel ? " (the " + section.name + " channel is enabled)" : ""),
                "add " + k + ": under " + section.name + ":");
    }
  }
}

void read_texts(const fs::path& dir, domain::Campaign& c, std::vector<Problem>& problems) {
  const fs::path texts_dir = dir / "texts";
  for (const auto& lang : c.languages) {
    const fs::path file = texts_dir / (lang + ".yaml");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      std::vector<std::string> keys = page_text_keys();
      for (Channel ch : c.channels) {
        const auto& k = required_text_keys(ch);
        keys.insert(keys.end(), k.begin(), k.end());
      }
      problems.push_back({Problem::Severity::error, file.string(), 0, 0,
                          "missing the texts for the declared language \"" + lang + "\"",
                          "create texts/" + lang + ".yaml with the keys " + join(keys)});
      continue;
    }
    read_text_file(file, lang, c, problems);
  }
  std::error_code ec;
  for (fs::directory_iterator it(texts_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".yaml") continue;
    const std::string lang = p.stem().string();
    if (!c.has_language(lang))
      problems.push_back({Problem::Severity::warning, p.string(), 0, 0,
                          "texts for \"" + lang + "\", which the campaign does not declare, are ignored",
                          "add " + lang + " to languages, or remove the file"});
  }
}

std::string folder_id(const fs::path& dir) {
  fs::path normal = dir.lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  return normal.filename().string();
}

bool problem_order(const Problem& a, const Problem& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

}  // namespace

std::size_t LoadResult::count(Problem::Severity s) const {
  return static_cast<std::size_t>(
      std::count_if(problems.begin(), problems.end(), [s](const Problem& p) { return p.severity == s; }));
}

LoadResult load_campaign(const fs::path& dir) {
  LoadResult result;
  domain::Campaign campaign;
  campaign.id = folder_id(dir);
  try {
    if (!is_campaign_id(campaign.id)) {
      result.problems.push_back({Problem::Severity::error, dir.string(), 0, 0,
                                 "the folder name \"" + campaign.id + "\" is not a valid campaign id",
                                 "rename the folder using lower-case letters a-z, digits and '-' (it becomes the "
                                 "campaign's address)"});
    }
    const fs::path file = dir / "campaign.yaml";
    Reporter report(result.problems, file.string());
    std::string source;
    if (auto root = read_yaml_file(report, file, source)) {
      CampaignReader(report, campaign).read(*root);
      read_texts(dir, campaign, result.problems);
      check_posts(dir, campaign, result.problems);
    }
  } catch (const std::exception& e) {
    // The readers check types before converting; an exception here is a bug in them, reported
    // rather than thrown so one campaign cannot stop the others from loading.
    result.problems.push_back({Problem::Severity::error, dir.string(), 0, 0,
                               std::string("internal error while checking the campaign: ") + e.what(),
                               "report this as a bug in twinning"});
  }
  std::stable_sort(result.problems.begin(), result.problems.end(), problem_order);
  if (result.count(Problem::Severity::error) == 0) result.campaign = std::move(campaign);
  return result;
}

std::vector<std::pair<std::string, LoadResult>> load_all(const fs::path& campaigns_dir) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(campaigns_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_directory(file_ec) && fs::is_regular_file(it->path() / "campaign.yaml", file_ec))
      dirs.push_back(it->path());
  }
  if (ec) {
    LoadResult failed;
    failed.problems.push_back({Problem::Severity::error, campaigns_dir.string(), 0, 0,
                               "cannot list the campaigns folder: " + ec.message(),
                               "check that the folder exists and is readable"});
    return {{folder_id(campaigns_dir), std::move(failed)}};
  }
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<std::pair<std::string, LoadResult>> out;
  for (const auto& d : dirs) out.emplace_back(d.filename().string(), load_campaign(d));
  return out;
}

}  // namespace twinning::campaign
