#include "app/action.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "app/proof_of_work.hpp"
#include "campaign/validators.hpp"
#include "common/digest.hpp"
#include "common/utf8.hpp"

namespace twinning::app {

namespace {

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

bool valid_key(const std::string& k) {
  if (k.size() < 16 || k.size() > 128) return false;
  return std::all_of(k.begin(), k.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

// A checkbox: absent or empty is no; "yes", "on" (browsers' default) and "true" are yes.
bool parse_flag(const std::string& v, bool& out) {
  if (v.empty() || v == "no" || v == "false") {
    out = false;
    return true;
  }
  if (v == "yes" || v == "on" || v == "true") {
    out = true;
    return true;
  }
  return false;
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<Fields> without_honeypot(Fields fields) {
  int seen = 0;
  for (const auto& [name, value] : fields) {
    if (name != kHoneypotField) continue;
    if (++seen > 1) {
      return Error::make(ErrorKind::bad_request, std::string("the field '") + kHoneypotField + "' was sent twice",
                         kHoneypotField);
    }
    if (!value.empty()) {
      return Error::make(ErrorKind::bad_request,
                         "this form came with text in a field people never see, as programs fill it in; if you are "
                         "a person, reload the page and send the form again",
                         kHoneypotField, "honeypot field filled");
    }
  }
  // The honeypot, and the proof of work's fields, checked before the handler runs (handlers.hpp).
  std::erase_if(fields, [](const auto& f) {
    return f.first == kHoneypotField || f.first == kPowChallengeField || f.first == kPowSolutionField;
  });
  return fields;
}

Result<ActionInput> parse_action(const Fields& fields, const domain::Campaign& campaign,
                                 std::vector<FieldError>& problems, const ActionLimits& limits) {
  static const std::set<std::string> known(std::begin(kActionFields), std::end(kActionFields));
  std::map<std::string, std::string> v;
  for (const auto& [name, value] : fields) {
    if (!known.count(name)) {
      return Error::make(ErrorKind::bad_request,
                         "unknown field '" + name + "': the action form takes name, email, country, phone, channel, "
                         "target, consent_this_campaign, consent_other_campaigns, consent_public and idempotency_key",
                         name);
    }
    if (!v.emplace(name, value).second) {
      return Error::make(ErrorKind::bad_request, "the field '" + name + "' was sent twice; send it once", name);
    }
    if (!is_valid_utf8(value)) {
      return Error::make(ErrorKind::invalid_utf8, "the field '" + name + "' is not valid UTF-8 text", name);
    }
  }
  auto add = [&](std::string field, std::string code, std::string message) {
    problems.push_back({std::move(field), std::move(code), std::move(message)});
  };

  ActionInput in;
  in.name = trim(v["name"]);
  if (in.name.empty()) {
    add("name", "name", "enter your name");
  } else if (code_points(in.name) > limits.max_name_chars) {
    add("name", "too_long", "the name is longer than " + std::to_string(limits.max_name_chars) + " characters");
  } else if (has_control_chars(in.name, false)) {
    add("name", "name", "the name must be one line of text without control characters");
  }

  in.email = trim(v["email"]);
  if (in.email.size() > limits.max_email_bytes || !campaign::is_valid_email(in.email)) {
    add("email", "email", "enter a valid email address, like name@example.com");
  }

  in.country = trim(v["country"]);
  std::transform(in.country.begin(), in.country.end(), in.country.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (!campaign::is_country_code(in.country)) {
    add("country", "country", "choose your country (a two-letter ISO 3166 code such as DK or KR)");
  }

  const std::string phone = trim(v["phone"]);
  if (!phone.empty()) {
    auto e164 = campaign::to_e164(phone, campaign::is_country_code(in.country) ? in.country : "ZZ");
    if (e164) {
      in.phone = *e164;
    } else {
      add("phone", "phone", "enter a phone number with its country code, like +45 40 78 14 75, or leave it empty");
    }
  }

  in.channel = trim(v["channel"]);
  auto channel = domain::parse_channel(in.channel);
  if (!channel || !campaign.channel_enabled(*channel)) {
    add("channel", "channel", "choose one of the ways to act that this campaign offers");
  }

  in.target = trim(v["target"]);
  if (!in.target.empty()) {
    const domain::Target* t = campaign.find_target(in.target);
    if (t == nullptr || t->role == domain::Role::public_ ||
        (channel && std::find(t->channels.begin(), t->channels.end(), *channel) == t->channels.end())) {
      add("target", "target", "choose one of the officials listed for this way to act, or none");
    }
  }

  const std::pair<const char*, bool*> flags[] = {{"consent_this_campaign", &in.consent_this_campaign},
                                                {"consent_other_campaigns", &in.consent_other_campaigns},
                                                {"consent_public", &in.consent_public}};
  for (const auto& [name, out] : flags) {
    if (!parse_flag(v[name], *out)) add(name, "bad_request", std::string("'") + name + "' must be yes or empty");
  }

  in.idempotency_key = trim(v["idempotency_key"]);
  if (!in.idempotency_key.empty() && !valid_key(in.idempotency_key)) {
    add("idempotency_key", "bad_request", "the form key must be 16 to 128 letters, digits, '-' or '_'; reload the page");
  }

  if (!problems.empty()) {
    const auto& first = problems.front();
    return Error::make(ErrorKind::bad_request, first.message, first.field);
  }
  return in;
}

Result<Fields> fields_from_json(std::string_view body) {
  Fields out;
  std::set<std::string> seen;
  nlohmann::json doc;
  // The callback sees every key while parsing, so a key given twice is caught (the parsed object
  // would keep only one of them silently).
  std::optional<Error> dup;
  auto cb = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
    if (ev == nlohmann::json::parse_event_t::key && depth == 1) {
      const auto key = parsed.get<std::string>();
      if (!seen.insert(key).second && !dup) {
        dup = Error::make(ErrorKind::bad_request, "the field '" + key + "' was sent twice; send it once", key);
      }
    }
    return true;
  };
  try {
    doc = nlohmann::json::parse(body.begin(), body.end(), cb);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (what.find("invalid UTF-8") != std::string::npos || what.find("UTF-8") != std::string::npos) {
      return Error::make(ErrorKind::invalid_utf8, "the request body is not valid UTF-8 JSON", {}, what);
    }
    return Error::make(ErrorKind::bad_request,
                       "the request body is not valid JSON (at byte " + std::to_string(e.byte) + ")", {}, what);
  }
  if (dup) return *dup;
  if (!doc.is_object()) return Error::make(ErrorKind::bad_request, "the request body must be a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) {
      out.emplace_back(key, value.get<std::string>());
    } else if (value.is_boolean()) {
      out.emplace_back(key, value.get<bool>() ? "yes" : "");
    } else if (value.is_null()) {
      out.emplace_back(key, "");
    } else {
      return Error::make(ErrorKind::bad_request, "the field '" + key + "' must be a string (or true/false for consents)",
                         key);
    }
  }
  return out;
}

store::NewAction to_record(const ActionInput& in, const domain::Campaign& campaign, const std::string& lang,
                           std::chrono::sys_seconds now, std::string_view extra_content) {
  store::NewAction a;
  a.campaign = campaign.id;
  a.channel = in.channel;
  a.target = in.target;
  a.language = lang;
  a.country = in.country;
  a.supporter_name = in.name;
  a.supporter_email = in.email;
  a.supporter_phone = in.phone;
  a.consent.this_campaign = in.consent_this_campaign;
  a.consent.other_campaigns = in.consent_other_campaigns;
  a.consent.public_listing = in.consent_public;
  a.consent.wording_version = campaign.consent_version;
  a.consent.given_at = now;
  a.created_at = now;
  // Fields joined with a separator that cannot occur in them (NUL): no two inputs share a digest.
  const std::string sep(1, '\0');
  const std::string content = a.campaign + sep + a.channel + sep + a.target + sep + a.language + sep + a.country + sep +
                              a.supporter_name + sep + lower_ascii(a.supporter_email) + sep + a.supporter_phone + sep +
                              (a.consent.this_campaign ? "1" : "0") + (a.consent.other_campaigns ? "1" : "0") +
                              (a.consent.public_listing ? "1" : "0") + sep + std::string(extra_content);
  a.request_hash = blake2b_hex(content);
  if (!in.idempotency_key.empty()) {
    a.idempotency_key = "k:" + in.idempotency_key;
  } else {
    const auto day = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
    // Same content on the same UTC day is the same action; anything changed is a new one.
    a.idempotency_key = "d:" + blake2b_hex(a.request_hash + sep + std::to_string(day));
  }
  return a;
}

}  // namespace twinning::app
