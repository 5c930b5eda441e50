#pragma once
// The call channel for one caller: per target, what to dial from the caller's country, the tel:
// link, and the office's state at "now" told in the office's time and in the caller's. The
// channel view (channel_view.cpp) builds it; the page adds its sentences in the page language.
// Shape: docs/preview.md.
#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "render/compose.hpp"

namespace twinning::render {

// The caller as far as known.
struct CallerView {
  std::string country;        // ISO 3166-1 alpha-2, or empty
  std::string time_zone;      // the zone "your time" is told in; empty when not known
  bool zone_assumed = false;  // time_zone is the country's main zone, not one the caller gave
};
// The supporter's zone when known, otherwise their country's main zone.
CallerView caller_of(const SupporterView& s);

// {"country", "country_name", "time_zone", "zone_name", "zone_assumed", "has_zones"} with names in
// `lang`; has_zones: the country has several zones to choose from.
nlohmann::json caller_json(const CallerView& caller, const std::string& lang);
// The country's zones for the page's <select>, when it has several: [{"id", "name", "selected"}],
// the main zone first.
nlohmann::json zone_choices(const CallerView& caller, const std::string& lang);

// The call details of `t` (which has contact.phone) for `caller`, in `lang`: phone, international,
// tel, number_type, place, time_zone, office_hours; `dialing` when the caller's country is known;
// local_time, open_now and `status` when `at` is given.
nlohmann::json call_target(const domain::Campaign& c, const domain::Target& t, const CallerView& caller,
                           const std::string& lang, std::optional<std::chrono::sys_seconds> at);

// Adds the sentences the page shows to a call view ("Their office is closed now — it is 02:14 in
// Haderslev..."), from the interface words `t`: per target dial_text, dial_note, type_text,
// status_text; and zone_text for the caller.
void add_call_sentences(nlohmann::json& view, const i18n::Catalog& t);

}  // namespace twinning::render
