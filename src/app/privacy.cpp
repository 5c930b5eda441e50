#include "app/privacy.hpp"

#include "store/time_text.hpp"

namespace twinning::app {

nlohmann::json person_json(const store::PersonData& d) {
  using store::format_time;
  nlohmann::json consents = nlohmann::json::array();
  for (const auto& c : d.consents) {
    consents.push_back({{"action_id", c.action_id},
                        {"campaign", c.campaign},
                        {"scope", c.scope},
                        {"given", c.given},
                        {"wording_version", c.wording_version},
                        {"recorded_at", format_time(c.recorded_at)}});
  }
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : d.actions) {
    actions.push_back({{"id", a.id},
                       {"campaign", a.campaign},
                       {"channel", a.channel},
                       {"target", a.target},
                       {"language", a.language},
                       {"country", a.country},
                       {"status", a.status},
                       {"created_at", format_time(a.created_at)},
                       {"updated_at", format_time(a.updated_at)}});
  }
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& s : d.signatures) {
    signatures.push_back({{"id", s.id},
                          {"action_id", s.action_id},
                          {"campaign", s.campaign},
                          {"comment", s.comment},
                          {"signed_at", format_time(s.created_at)}});
  }
  nlohmann::json letters = nlohmann::json::array();
  for (const auto& l : d.letters) {
    letters.push_back(
        {{"action_id", l.action_id}, {"campaign", l.campaign}, {"address_lines", l.address_lines}, {"place", l.place}});
  }
  nlohmann::json outbox = nlohmann::json::array();
  for (const auto& o : d.outbox) {
    outbox.push_back({{"id", o.id},
                      {"action_id", o.action_id},
                      {"kind", o.kind},
                      {"target", o.target},
                      {"recipient", o.recipient},
                      {"state", o.state},
                      {"last_error", o.last_error},
                      {"created_at", format_time(o.created_at)},
                      {"message", o.payload}});
  }
  nlohmann::json flagged = nlohmann::json::array();
  for (const auto& f : d.flagged) {
    flagged.push_back({{"address", f.address}, {"reason", f.reason}, {"flagged_at", format_time(f.flagged_at)}});
  }
  return {{"supporter",
           {{"id", d.supporter.id},
            {"name", d.supporter.name},
            {"email", d.supporter.email},
            {"country", d.supporter.country},
            {"phone", d.supporter.phone},
            {"created_at", format_time(d.supporter.created_at)},
            {"updated_at", format_time(d.modified_at)}}},
          {"consents", consents},
          {"actions", actions},
          {"signatures", signatures},
          {"letter_requests", letters},
          {"outbox", outbox},
          {"flagged_contacts", flagged}};
}

store::TimePoint retention_cutoff(store::TimePoint now, std::chrono::days retention) {
  return now - std::chrono::duration_cast<std::chrono::seconds>(retention);
}

}  // namespace twinning::app
