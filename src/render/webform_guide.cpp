#include "render/webform_guide.hpp"

namespace twinning::render {

namespace {

using nlohmann::json;
using domain::FieldSource;

// A value the supporter copies into the site (and its parts when the site limits the field).
void set_value(json& field, const domain::WebformField& f, const std::string& value, const std::string& lang) {
  field["value"] = value;
  field["copy"] = !value.empty();
  field["lang"] = lang;
  if (f.max_chars == 0) return;
  const auto parts = domain::split_to_fit(value, f.max_chars);
  if (parts.size() < 2) return;
  json list = json::array();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    list.push_back({{"n", i + 1}, {"count", parts.size()}, {"text", parts[i]}});
  }
  field["parts"] = list;
}

// The supporter's own detail, or the words that stand in for it on the page.
void set_own(json& field, const std::optional<std::string>& known, const std::string& placeholder) {
  field["yours"] = true;
  if (known && !known->empty()) {
    field["value"] = *known;
    field["copy"] = true;
  } else {
    field["value"] = placeholder;
    field["copy"] = false;
  }
}

}  // namespace

json webform_guide(const domain::WebformDefinition& form, const GuideValues& v) {
  json steps = json::array();
  for (std::size_t i = 0; i < form.steps.size(); ++i) {
    const auto& s = form.steps[i];
    steps.push_back({{"n", i + 1}, {"text", s.text.get(v.lang, v.fallback_lang)}, {"url", s.url}});
  }
  json fields = json::array();
  bool split = false;
  for (const auto& f : form.fields) {
    json field = {{"label", f.label},
                  {"label_lang", v.site_lang},
                  {"meaning", f.meaning.get(v.lang, v.fallback_lang)},
                  {"note", f.note.get(v.lang, v.fallback_lang)},
                  {"source", std::string(domain::field_source_id(f.source))},
                  {"required", f.required},
                  {"max_chars", f.max_chars},
                  {"site_filled", f.source == FieldSource::site},
                  {"yours", false},
                  {"copy", false},
                  {"value", nullptr}};
    switch (f.source) {
      case FieldSource::supporter_name: set_own(field, v.name, v.placeholder_name); break;
      case FieldSource::supporter_email: set_own(field, v.email, v.placeholder_email); break;
      case FieldSource::supporter_phone:
        // The definition's stand-in applies when the supporter has no number to give.
        if ((!v.phone || v.phone->empty()) && !f.text.empty()) {
          set_value(field, f, f.text, v.site_lang);
        } else {
          set_own(field, v.phone, v.placeholder_phone);
        }
        break;
      case FieldSource::placeholder:
      case FieldSource::fixed: set_value(field, f, f.text, v.site_lang); break;
      case FieldSource::subject: set_value(field, f, v.subject, v.site_lang); break;
      case FieldSource::body: set_value(field, f, v.body, v.site_lang); break;
      case FieldSource::site: break;
    }
    split = split || field.contains("parts");
    fields.push_back(std::move(field));
  }
  json success = json::array();
  for (const auto& s : form.success) {
    success.push_back({{"text", s.text}, {"meaning", s.meaning.get(v.lang, v.fallback_lang)}});
  }
  return {{"id", form.id},
          {"site", form.site.get(v.lang, v.fallback_lang)},
          {"site_lang", v.site_lang},
          {"steps", steps},
          {"fields", fields},
          {"split", split},
          {"submit", form.submit_label},
          {"success", success},
          {"automated", form.automated}};
}

std::string webform_done_path(const domain::Campaign& c, const std::string& lang, const std::string& target_id) {
  return "/" + c.id + "/" + lang + "/webform/" + target_id + "/done";
}

std::vector<std::pair<std::string, std::string>> webform_done_buttons(const domain::Campaign& c,
                                                                      const std::string& lang) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto* t : c.targets_for(domain::Channel::webform)) {
    out.emplace_back(t->name.get(lang, c.default_language()), webform_done_path(c, lang, t->id));
  }
  return out;
}

std::vector<const domain::Target*> webform_automated_targets(const domain::Campaign& c,
                                                             const std::vector<std::string>& automated_hosts) {
  std::vector<const domain::Target*> out;
  for (const auto* t : c.targets_for(domain::Channel::webform)) {
    const auto* form = domain::webform_for(c, t->id);
    if (form != nullptr && t->contact.web_form && domain::automation_allowed(*form, *t->contact.web_form, automated_hosts)) {
      out.push_back(t);
    }
  }
  return out;
}

}  // namespace twinning::render
