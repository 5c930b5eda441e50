#include "directory/generate.hpp"

#include <algorithm>
#include <set>

#include "campaign/validators.hpp"

namespace twinning::directory {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Error template_error(const std::string& what) {
  return Error::make(ErrorKind::bad_request, "template.yaml: " + what, "template.yaml");
}

// A list of strings at `node`, or an error naming `path`.
Result<std::vector<std::string>> string_list(const YAML::Node& node, const std::string& path) {
  if (!node.IsSequence()) return template_error(path + " must be a list, e.g. [a, b]");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) return template_error(path + " must hold plain values");
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::string field(const Record& r, const std::string& name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? std::string() : it->second;
}

// {en: ..., da: ..., ko: ...} in the template's language order. Languages without a value are
// added to `missing` as "WHAT: no PREFIX.LANG".
YAML::Node localized_map(const Record& r, const std::string& prefix, const std::vector<std::string>& langs,
                         const std::string& what, std::vector<std::string>* missing) {
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& lang : langs) {
    std::string v = localized(r, prefix, lang);
    if (v.empty() && missing != nullptr) missing->push_back("missing translation: " + what + " has no " + prefix + "." + lang);
    out[lang] = v;
  }
  return out;
}

YAML::Node city_node(const Record& city, const std::vector<std::string>& langs, std::vector<std::string>& missing) {
  YAML::Node n(YAML::NodeType::Map);
  n["name"] = localized_map(city, "name", langs, "city " + city.id, &missing);
  // A region is optional; one given for some languages only is a missing translation.
  const bool any_region = std::any_of(langs.begin(), langs.end(), [&](const std::string& l) {
    return !localized(city, "region", l).empty();
  });
  if (any_region) n["region"] = localized_map(city, "region", langs, "city " + city.id, &missing);
  n["country"] = field(city, "country");
  n["time_zone"] = field(city, "time_zone");
  return n;
}

// Whether `body` belongs to `city`: its city column, or for bodies of a whole country or
// province (no city column) the city's country.
bool body_of(const Record& body, const Record& city) {
  const std::string c = field(body, "city");
  return c.empty() ? field(body, "country") == field(city, "country") : c == city.id;
}

}  // namespace

Result<CampaignTemplate> parse_template(const std::string& id, const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return template_error("does not parse at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return template_error("must be a map of keys like campaign.yaml");
  CampaignTemplate t;
  t.id = id;
  for (const char* filled : {"pair", "bodies", "targets"}) {
    if (root[filled]) return template_error(std::string(filled) + " is filled from the directory: remove it from the template");
  }
  const YAML::Node gen = root["generate"];
  if (!gen || !gen.IsMap()) return template_error("the generate section is missing (see docs/directory.md)");
  for (const auto& key : {"languages", "channels"}) {
    if (!root[key]) return template_error(std::string(key) + " is missing");
    auto list = string_list(root[key], key);
    if (!list.ok()) return list.error();
    (std::string(key) == "languages" ? t.languages : t.channels) = std::move(list).value();
  }
  for (const auto& kv : gen) {
    const std::string key = kv.first.as<std::string>();
    if (key == "home_country") {
      t.home_country = kv.second.as<std::string>("");
      if (!campaign::is_country_code(t.home_country)) return template_error("generate.home_country must be a country code like KR");
    } else if (key == "relations") {
      auto list = string_list(kv.second, "generate.relations");
      if (!list.ok()) return list.error();
      t.relations = std::move(list).value();
    } else if (key == "targets") {
      if (!kv.second.IsSequence() || kv.second.size() == 0) return template_error("generate.targets must be a non-empty list");
      for (std::size_t i = 0; i < kv.second.size(); ++i) {
        const YAML::Node n = kv.second[i];
        const std::string path = "generate.targets[" + std::to_string(i) + "]";
        if (!n.IsMap()) return template_error(path + " must be a map");
        TargetRule rule;
        for (const auto& rk : n) {
          const std::string k = rk.first.as<std::string>();
          if (k == "side") {
            rule.side = rk.second.as<std::string>("");
          } else if (k == "role") {
            rule.role = rk.second.as<std::string>("");
          } else if (k == "body_kinds" || k == "roles") {
            auto list = string_list(rk.second, path + "." + k);
            if (!list.ok()) return list.error();
            (k == "roles" ? rule.roles : rule.body_kinds) = std::move(list).value();
          } else {
            return template_error(path + ": unknown key " + k + " (side, body_kinds, roles, role)");
          }
        }
        if (rule.side != "home" && rule.side != "foreign") return template_error(path + ".side must be home or foreign");
        if (rule.role != "to" && rule.role != "cc" && rule.role != "letter_copy") {
          return template_error(path + ".role must be to, cc or letter_copy");
        }
        t.targets.push_back(std::move(rule));
      }
    } else {
      return template_error("generate: unknown key " + key + " (home_country, relations, targets)");
    }
  }
  if (t.targets.empty()) return template_error("generate.targets is missing: say which officials to address");
  root.remove("generate");
  t.campaign = root;
  return t;
}

namespace {

Generated generate_one(const CampaignTemplate& t, const Directory& d, const Record& twinning) {
  Generated g;
  g.pair = twinning.id;
  const std::string home_id = field(twinning, "home");
  const std::string foreign_id = field(twinning, "foreign");
  g.campaign_id = t.id + "-" + home_id + "-" + foreign_id;
  if (!campaign::is_campaign_id(g.campaign_id)) {
    g.refused.push_back("the campaign id " + g.campaign_id + " is too long or not an id: shorten the template's folder name");
    return g;
  }
  const Record* home = d.find(Kind::city, home_id);
  const Record* foreign = d.find(Kind::city, foreign_id);
  if (home == nullptr || foreign == nullptr) {
    g.refused.push_back("the twinning names a city the directory does not hold");
    return g;
  }
  std::vector<std::string> missing;
  YAML::Node pair(YAML::NodeType::Map);
  pair["home"] = city_node(*home, t.languages, missing);
  pair["foreign"] = city_node(*foreign, t.languages, missing);
  pair["relation"] = field(twinning, "kind");
  pair["since"] = field(twinning, "since");

  YAML::Node bodies(YAML::NodeType::Sequence);
  YAML::Node targets(YAML::NodeType::Sequence);
  std::set<std::string> used_bodies, used_officials;
  bool has_to = false;
  static const std::map<Kind, std::map<std::string, Record>>::mapped_type kNone;
  const auto& officials = d.records.count(Kind::official) ? d.records.at(Kind::official) : kNone;
  for (const TargetRule& rule : t.targets) {
    const Record& city = rule.side == "home" ? *home : *foreign;
    for (const auto& [id, official] : officials) {
      if (used_officials.count(id)) continue;
      const Record* body = d.find(Kind::body, field(official, "body"));
      if (body == nullptr || !body_of(*body, city)) continue;
      if (!rule.body_kinds.empty() && !contains(rule.body_kinds, field(*body, "kind"))) continue;
      if (!rule.roles.empty() && !contains(rule.roles, field(official, "role"))) continue;
      // The channels of the template this official can be reached by. Web forms need a form
      // description and letters a postal address, which the directory does not hold yet.
      YAML::Node channels(YAML::NodeType::Sequence);
      YAML::Node contact(YAML::NodeType::Map);
      if (contains(t.channels, "email") && !field(official, "email").empty()) {
        channels.push_back("email");
        contact["email"] = field(official, "email");
      }
      if (contains(t.channels, "call") && !field(official, "phone").empty()) {
        channels.push_back("call");
        contact["phone"] = field(official, "phone");
      }
      if (channels.size() == 0) {
        g.notes.push_back("official " + id + " left out: no email or phone for the template's channels");
        continue;
      }
      used_officials.insert(id);
      const std::size_t missing_before = missing.size();
      YAML::Node target(YAML::NodeType::Map);
      target["id"] = id;
      target["role"] = rule.role;
      target["body"] = body->id;
      target["name"] = localized_map(official, "name", t.languages, "official " + id, &missing);
      target["title"] = localized_map(official, "title", t.languages, "official " + id, nullptr);
      target["language"] = field(official, "language");
      const Record* body_city = d.find(Kind::city, field(*body, "city"));
      target["time_zone"] = field(body_city != nullptr ? *body_city : city, "time_zone");
      target["channels"] = channels;
      target["contact"] = contact;
      if (!used_bodies.count(body->id)) {
        used_bodies.insert(body->id);
        YAML::Node b(YAML::NodeType::Map);
        b["id"] = body->id;
        b["kind"] = field(*body, "kind");
        b["country"] = field(*body, "country");
        b["name"] = localized_map(*body, "name", t.languages, "body " + body->id, &missing);
        bodies.push_back(b);
      }
      if (missing.size() == missing_before && rule.role == "to") has_to = true;
      targets.push_back(target);
    }
  }
  if (!has_to) {
    g.refused.push_back("missing officials: no official of " + foreign_id + " or " + home_id +
                        " matches a role: to rule of the template with an email or phone");
  }
  g.refused.insert(g.refused.end(), missing.begin(), missing.end());
  if (!g.refused.empty()) return g;

  YAML::Node out = YAML::Clone(t.campaign);
  out["pair"] = pair;
  if (bodies.size() > 0) out["bodies"] = bodies;
  out["targets"] = targets;
  YAML::Emitter e;
  e.SetIndent(2);
  e << out;
  g.yaml = "# Made by `twinning generate` from the template " + t.id + " and the directory (" + twinning.id +
           "):\n# edit those and generate again rather than this file.\n" + std::string(e.c_str()) + "\n";
  return g;
}

}  // namespace

std::vector<Generated> generate(const CampaignTemplate& t, const Directory& d, const std::vector<std::string>& pairs) {
  std::vector<Generated> out;
  for (const auto& wanted : pairs) {
    if (d.find(Kind::twinning, wanted) == nullptr) {
      Generated g;
      g.pair = wanted;
      g.refused.push_back("no twinning " + wanted + " in the directory (write it HOME/FOREIGN, as `twinning directory list twinnings` shows)");
      out.push_back(std::move(g));
    }
  }
  auto it = d.records.find(Kind::twinning);
  if (it == d.records.end()) return out;
  for (const auto& [key, twinning] : it->second) {
    if (!pairs.empty()) {
      if (!contains(pairs, key)) continue;
    } else {
      if (!t.home_country.empty() && d.field(Kind::city, field(twinning, "home"), "country") != t.home_country) continue;
      if (!t.relations.empty() && !contains(t.relations, field(twinning, "kind"))) continue;
    }
    out.push_back(generate_one(t, d, twinning));
  }
  return out;
}

}  // namespace twinning::directory
