#include "domain/campaign.hpp"

#include <algorithm>

namespace twinning::domain {

std::string_view channel_id(Channel c) {
  switch (c) {
    case Channel::email: return "email";
    case Channel::webform: return "webform";
    case Channel::letter: return "letter";
    case Channel::call: return "call";
    case Channel::post: return "post";
    case Channel::share: return "share";
    case Channel::petition: return "petition";
  }
  return "";  // unreachable: the switch covers every enumerator and -Werror=switch keeps it so
}

std::optional<Channel> parse_channel(std::string_view id) {
  for (Channel c : kAllChannels) {
    if (channel_id(c) == id) return c;
  }
  return std::nullopt;
}

std::string_view role_id(Role r) {
  switch (r) {
    case Role::to: return "to";
    case Role::cc: return "cc";
    case Role::public_: return "public";
    case Role::letter_copy: return "letter_copy";
  }
  return "";
}

std::optional<Role> parse_role(std::string_view id) {
  for (Role r : {Role::to, Role::cc, Role::public_, Role::letter_copy}) {
    if (role_id(r) == id) return r;
  }
  return std::nullopt;
}

std::string_view body_kind_id(BodyKind k) {
  switch (k) {
    case BodyKind::municipality: return "municipality";
    case BodyKind::council: return "council";
    case BodyKind::provincial_council: return "provincial_council";
    case BodyKind::national_assembly: return "national_assembly";
  }
  return "";
}

std::optional<BodyKind> parse_body_kind(std::string_view id) {
  for (BodyKind k : {BodyKind::municipality, BodyKind::council, BodyKind::provincial_council,
                     BodyKind::national_assembly}) {
    if (body_kind_id(k) == id) return k;
  }
  return std::nullopt;
}

const std::string& Localized::get(const std::string& lang, const std::string& fallback) const {
  static const std::string kEmpty;
  if (auto it = by_lang.find(lang); it != by_lang.end()) return it->second;
  if (auto it = by_lang.find(fallback); it != by_lang.end()) return it->second;
  if (!by_lang.empty()) return by_lang.begin()->second;
  return kEmpty;
}

bool OfficeHours::empty() const {
  return std::all_of(week.begin(), week.end(), [](const auto& day) { return day.empty(); });
}

bool Campaign::has_language(const std::string& lang) const {
  return std::find(languages.begin(), languages.end(), lang) != languages.end();
}

bool Campaign::channel_enabled(Channel c) const {
  return std::find(channels.begin(), channels.end(), c) != channels.end();
}

const Target* Campaign::find_target(std::string_view target_id) const {
  for (const Target& t : targets) {
    if (t.id == target_id) return &t;
  }
  return nullptr;
}

std::vector<const Target*> Campaign::targets_for(Channel c) const {
  std::vector<const Target*> out;
  if (!channel_enabled(c)) return out;
  for (const Target& t : targets) {
    if (std::find(t.channels.begin(), t.channels.end(), c) != t.channels.end()) out.push_back(&t);
  }
  return out;
}

bool Campaign::open_at(TimePoint now) const {
  if (starts && now < *starts) return false;
  // ends is the last open second's boundary: an action at exactly `ends` is too late.
  if (ends && now >= *ends) return false;
  return true;
}

const std::string* Campaign::text(const std::string& lang, const std::string& key) const {
  auto l = texts.find(lang);
  if (l == texts.end()) return nullptr;
  auto k = l->second.find(key);
  return k == l->second.end() ? nullptr : &k->second;
}

}  // namespace twinning::domain
