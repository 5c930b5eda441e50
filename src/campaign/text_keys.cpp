#include "campaign/text_keys.hpp"

#include <algorithm>
#include <map>

namespace twinning::campaign {
namespace {

using domain::Channel;

const std::vector<TextSection> kSections = {
    {"page", std::nullopt,
     {"title", "ask", "why", "evidence", "law", "act_intro", "message_intro", "media_intro", "closing"}},
    {"email", Channel::email, {"subject", "greeting", "group_greeting", "body", "signoff"}},
    {"webform", Channel::webform, {"subject", "body"}},
    {"letter", Channel::letter, {"subject", "greeting", "body", "closing"}},
    {"call", Channel::call, {"script", "ask_short"}},
    {"post", Channel::post, {"text"}},
    {"share", Channel::share, {"text"}},
    {"petition", Channel::petition, {"title", "text"}},
};

// Variables by section. Every text knows the pair; messages to a target also know the target
// and the supporter; the post knows the public targets' handles; the petition its goal.
const std::vector<std::string> kEverywhere = {"campaign.url", "home.name", "home.region",
                                              "foreign.name", "since",     "relation"};
const std::vector<std::string> kMessageExtra = {"target.name",    "target.title",         "target.body",
                                                "supporter.name", "supporter.first_name", "supporter.country",
                                                "addressees"};
const std::map<std::string, std::vector<std::string>> kExtraBySection = {
    {"page", {}},
    {"email", kMessageExtra},
    {"webform", kMessageExtra},
    {"letter", kMessageExtra},
    {"call", kMessageExtra},
    {"post", {"handles"}},
    {"share", {}},
    {"petition", {"petition.goal"}},
};

std::vector<std::string> full_keys(const TextSection& s) {
  std::vector<std::string> out;
  for (const auto& k : s.keys) out.push_back(s.name + "." + k);
  return out;
}

}  // namespace

const std::vector<TextSection>& text_sections() { return kSections; }

const std::vector<std::string>& page_text_keys() {
  static const std::vector<std::string> keys = full_keys(kSections.front());
  return keys;
}

const std::vector<std::string>& required_text_keys(domain::Channel c) {
  static const std::map<Channel, std::vector<std::string>> by_channel = [] {
    std::map<Channel, std::vector<std::string>> out;
    for (Channel ch : domain::kAllChannels) out[ch];
    for (const auto& s : kSections) {
      if (s.channel) out[*s.channel] = full_keys(s);
    }
    return out;
  }();
  return by_channel.at(c);
}

const std::vector<std::string>& known_text_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& s : kSections) {
      auto k = full_keys(s);
      out.insert(out.end(), k.begin(), k.end());
    }
    return out;
  }();
  return keys;
}

const std::vector<std::string>& allowed_variables(const std::string& text_key) {
  static const std::map<std::string, std::vector<std::string>> by_key = [] {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& s : kSections) {
      std::vector<std::string> vars = kEverywhere;
      const auto& extra = kExtraBySection.at(s.name);
      vars.insert(vars.end(), extra.begin(), extra.end());
      std::sort(vars.begin(), vars.end());
      for (const auto& k : full_keys(s)) out[k] = vars;
    }
    return out;
  }();
  static const std::vector<std::string> kNone;
  auto it = by_key.find(text_key);
  return it == by_key.end() ? kNone : it->second;
}

}  // namespace twinning::campaign
