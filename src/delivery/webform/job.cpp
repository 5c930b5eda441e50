#include "delivery/webform/job.hpp"

#include <nlohmann/json.hpp>

#include "common/utf8.hpp"

namespace twinning::delivery::webform {

namespace {

constexpr int kPayloadVersion = 1;

using nlohmann::json;

}  // namespace

std::string_view stop_reason_id(StopReason r) {
  switch (r) {
    case StopReason::not_allowed: return "not_allowed";
    case StopReason::value_rejected: return "value_rejected";
    case StopReason::unreachable: return "unreachable";
    case StopReason::unreadable_page: return "unreadable_page";
    case StopReason::layout_changed: return "layout_changed";
    case StopReason::missing_field: return "missing_field";
    case StopReason::captcha: return "captcha";
    case StopReason::refused: return "refused";
    case StopReason::no_success_signal: return "no_success_signal";
    case StopReason::unknown_outcome: return "unknown_outcome";
  }
  return "";
}

const std::vector<StopReason>& all_stop_reasons() {
  static const std::vector<StopReason> all = {
      StopReason::not_allowed,    StopReason::value_rejected, StopReason::unreachable, StopReason::unreadable_page,
      StopReason::layout_changed, StopReason::missing_field,  StopReason::captcha,     StopReason::refused,
      StopReason::no_success_signal, StopReason::unknown_outcome};
  return all;
}

std::optional<StopReason> parse_stop_reason(std::string_view id) {
  for (StopReason r : all_stop_reasons()) {
    if (stop_reason_id(r) == id) return r;
  }
  return std::nullopt;
}

std::string to_payload(const WebformJob& job) {
  json fields = json::array();
  for (const auto& f : job.fields) {
    json j = {{"name", f.name},
              {"label", f.label},
              {"value", f.value ? json(*f.value) : json(nullptr)},
              {"required", f.required},
              {"max_chars", f.max_chars},
              {"format", std::string(domain::field_format_id(f.format))}};
    fields.push_back(std::move(j));
  }
  const Notice& n = job.notice;
  json doc = {{"v", kPayloadVersion},
              {"campaign", job.campaign},
              {"target", job.target},
              {"definition", job.definition},
              {"url", job.url},
              {"charset", job.charset},
              {"form", {{"id", job.form_id}, {"name", job.form_name}, {"action", job.form_action}}},
              {"submit", {{"name", job.submit_name}, {"value", job.submit_value}}},
              {"fields", fields},
              {"success", job.success},
              {"errors", job.errors},
              {"captcha_markers", job.captcha_markers},
              {"notice",
               {{"lang", n.lang},
                {"from_name", n.from_name},
                {"from_email", n.from_email},
                {"to_name", n.to_name},
                {"to_email", n.to_email},
                {"return_path_domain", n.return_path_domain},
                {"subject", n.subject},
                {"texts", n.texts}}}};
  return doc.dump();
}

Result<WebformJob> parse_payload(std::string_view payload) {
  if (!is_valid_utf8(payload)) return Error::make(ErrorKind::invalid_utf8, "the web-form job is not UTF-8");
  try {
    const json doc = json::parse(payload);
    if (!doc.is_object() || doc.value("v", 0) != kPayloadVersion) {
      return Error::make(ErrorKind::bad_request, "the web-form job is not of version " + std::to_string(kPayloadVersion));
    }
    WebformJob job;
    job.campaign = doc.at("campaign").get<std::string>();
    job.target = doc.at("target").get<std::string>();
    job.definition = doc.at("definition").get<std::string>();
    job.url = doc.at("url").get<std::string>();
    job.charset = doc.at("charset").get<std::string>();
    const json& form = doc.at("form");
    job.form_id = form.at("id").get<std::string>();
    job.form_name = form.at("name").get<std::string>();
    job.form_action = form.at("action").get<std::string>();
    job.submit_name = doc.at("submit").at("name").get<std::string>();
    job.submit_value = doc.at("submit").at("value").get<std::string>();
    for (const json& f : doc.at("fields")) {
      JobField field;
      field.name = f.at("name").get<std::string>();
      field.label = f.at("label").get<std::string>();
      if (!f.at("value").is_null()) field.value = f.at("value").get<std::string>();
      field.required = f.at("required").get<bool>();
      field.max_chars = f.at("max_chars").get<std::size_t>();
      auto format = domain::parse_field_format(f.at("format").get<std::string>());
      if (!format) return Error::make(ErrorKind::bad_request, "the web-form job has an unknown field format");
      field.format = *format;
      job.fields.push_back(std::move(field));
    }
    job.success = doc.at("success").get<std::vector<std::string>>();
    job.errors = doc.at("errors").get<std::vector<std::string>>();
    job.captcha_markers = doc.at("captcha_markers").get<std::vector<std::string>>();
    const json& n = doc.at("notice");
    job.notice.lang = n.at("lang").get<std::string>();
    job.notice.from_name = n.at("from_name").get<std::string>();
    job.notice.from_email = n.at("from_email").get<std::string>();
    job.notice.to_name = n.at("to_name").get<std::string>();
    job.notice.to_email = n.at("to_email").get<std::string>();
    job.notice.return_path_domain = n.at("return_path_domain").get<std::string>();
    job.notice.subject = n.at("subject").get<std::string>();
    job.notice.texts = n.at("texts").get<std::map<std::string, std::string>>();
    return job;
  } catch (const json::exception& e) {
    return Error::make(ErrorKind::bad_request, "the web-form job is malformed", {}, e.what());
  }
}

}  // namespace twinning::delivery::webform
