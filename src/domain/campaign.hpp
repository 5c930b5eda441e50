#pragma once
// The campaign as values: what campaigns/<id>/ describes once loaded and checked.
// No I/O here; src/campaign/ loads and checks the YAML files into these types.
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinning::domain {

// Fixed channel ids, used in URLs, the store, preview and every later issue.
enum class Channel { email, webform, letter, call, post, share, petition };
inline constexpr std::array<Channel, 7> kAllChannels = {Channel::email, Channel::webform, Channel::letter,
                                                       Channel::call,  Channel::post,    Channel::share,
                                                       Channel::petition};
std::string_view channel_id(Channel c);
std::optional<Channel> parse_channel(std::string_view id);

// to: the main addressees; cc: copied; public: addressed in public posts; letter_copy: gets a copy
// of the postal letter.
enum class Role { to, cc, public_, letter_copy };
std::string_view role_id(Role r);
std::optional<Role> parse_role(std::string_view id);

enum class BodyKind { municipality, council, provincial_council, national_assembly };
std::string_view body_kind_id(BodyKind k);
std::optional<BodyKind> parse_body_kind(std::string_view id);

// A text given in several languages (keys are ISO 639-1 codes: en, da, ko).
struct Localized {
  std::map<std::string, std::string> by_lang;
  // The text in `lang`, else in `fallback`, else any; empty when there is none.
  const std::string& get(const std::string& lang, const std::string& fallback = "en") const;
  bool has(const std::string& lang) const { return by_lang.count(lang) > 0; }
};

struct City {
  Localized name;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  Localized region;
  std::string time_zone;  // IANA, e.g. Asia/Seoul
};

struct Pair {
  City home;     // the city whose practice the campaign is about (Naju)
  City foreign;  // the twinned city asked to speak up (Haderslev)
  std::string relation;  // sister | friendship | partner
  int since = 0;         // year the relation was formed
};

struct Body {
  std::string id;
  BodyKind kind = BodyKind::council;
  Localized name;
  std::string country;
};

// A postal address in one script. Components use the OpenCage address-formatting names
// (attention, house, road, house_number, postcode, city, state, country_code, ...).
struct PostalAddress {
  std::string language;  // language of this rendering (ko for Hangul, en/da for Latin)
  std::string script;    // ISO 15924: Latn, Hang
  std::map<std::string, std::string> components;
  std::vector<std::string> extra_lines;  // printed under the address (e.g. CVR-nr.)
};

// Opening hours in the target's time zone. week[0] is Monday; each interval is minutes since
// midnight [open, close).
struct OfficeHours {
  std::array<std::vector<std::pair<int, int>>, 7> week;
  bool empty() const;
};

struct ContactPoints {
  std::optional<std::string> email;
  std::optional<std::string> phone;  // E.164, e.g. +4540781475
  std::vector<PostalAddress> postal;
  std::map<std::string, std::string> social;  // network id (x, bluesky, mastodon) -> handle
  std::optional<std::string> web_form;        // URL of the target's own contact form
};

struct Target {
  std::string id;  // stable, unique in the campaign
  Role role = Role::to;
  std::string body;  // id of a Body, may be empty
  Localized name;
  Localized title;  // "Mayor", "borgmester", "시장"
  std::string language;  // the language the target reads
  std::string time_zone;
  OfficeHours hours;
  ContactPoints contact;
  std::vector<Channel> channels;  // the channels this target is reached through
  bool demo_data = false;         // fictional contact details (the demo)
};

struct MediaLink {
  std::string kind;  // video | evidence | petition | article
  std::string url;
  Localized title;
};

struct EmailSettings {
  bool per_target = true;  // one message per To target (true) or one group message
  std::string sender;      // the campaign's sending address
};

struct PetitionSettings {
  std::optional<std::string> url;  // an outside petition, when the campaign links to one
  int goal = 0;
};

using TimePoint = std::chrono::sys_seconds;

struct Webforms;  // domain/webform.hpp

struct Campaign {
  std::string id;  // the folder name
  int format = 1;
  bool demo = false;
  std::vector<std::string> languages;  // declared languages, first is the default
  std::optional<TimePoint> starts;
  std::optional<TimePoint> ends;
  std::string consent_version;  // version of the consent wording shown on the form
  Pair pair;
  std::vector<Body> bodies;
  std::vector<Target> targets;
  std::vector<Channel> channels;  // enabled channels, in page order
  EmailSettings email;
  PetitionSettings petition;
  std::vector<MediaLink> media;
  // texts[lang]["section.key"] = Mustache template, e.g. texts["da"]["email.subject"].
  std::map<std::string, std::map<std::string, std::string>> texts;
  // The web-form definitions and which target uses which (domain/webform.hpp); null when the
  // campaign has none. Behind a pointer so this header need not include the web-form model.
  std::shared_ptr<const Webforms> webforms;

  const std::string& default_language() const { return languages.front(); }
  bool has_language(const std::string& lang) const;
  bool channel_enabled(Channel c) const;
  const Target* find_target(std::string_view id) const;
  std::vector<const Target*> targets_for(Channel c) const;
  // Open for actions at `now`: after starts (if any) and before ends (if any).
  bool open_at(TimePoint now) const;
  // The template for `key` in `lang`; nullptr when missing.
  const std::string* text(const std::string& lang, const std::string& key) const;
};

}  // namespace twinning::domain
