#pragma once
// Small pure checks of codes and addresses, shared by the campaign checker and the action form
// (which validates the supporter's country, email and phone with the same rules).
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

// A practical address syntax check, not RFC 5322: local@domain, no whitespace or control
// characters (so no header injection), a dotted domain of letters, digits and hyphens (UTF-8
// letters allowed for internationalized domains), at most 254 bytes.
bool is_valid_email(std::string_view address);

// The number in E.164 ("+4540781475") when libphonenumber accepts it as a valid number.
// default_region (ISO 3166-1 alpha-2, e.g. "DK") is used for numbers written without "+";
// pass "ZZ" to accept only international numbers.
std::optional<std::string> to_e164(std::string_view number, std::string_view default_region);
// Written exactly as E.164 ("+" and digits) and valid.
bool is_e164(std::string_view number);

// ISO 3166-1 alpha-2 in upper case, known to ICU ("DK", "KR").
bool is_country_code(std::string_view code);
// ISO 639-1 (two lower-case letters) known to ICU ("en", "da", "ko").
bool is_language_code(std::string_view code);
// An IANA time-zone id known to ICU ("Europe/Copenhagen"); not custom ids like "GMT+01:00".
bool is_time_zone(std::string_view id);
// ISO 15924 script code, title case, known to ICU ("Latn", "Hang").
bool is_script_code(std::string_view code);
// An absolute http or https URL with a host and no whitespace or control characters.
bool is_http_url(std::string_view url);
// A host in a domain reserved for documentation (RFC 2606 / RFC 6761: example.org, .test,
// .invalid, localhost, ...): mail or forms there reach nobody, which is what a demo needs.
bool is_reserved_host(std::string_view host);
// Campaign ids are folder names and URL segments: lower-case a-z, 0-9 and '-', not starting or
// ending with '-', 1 to kMaxCampaignIdLength bytes.
inline constexpr std::size_t kMaxCampaignIdLength = 64;
bool is_campaign_id(std::string_view id);

// RFC 3339 date-time ("2026-01-01T00:00:00Z", "2026-01-01T09:00:00+09:00"); fractions of a
// second are dropped. Errors are bad_request with a message saying what is wrong.
Result<domain::TimePoint> parse_rfc3339(std::string_view text);

// One office-hours line: "mon-thu 09:00-15:00", "fri 09:00-13:00", "sat 10:00-12:00",
// "mon,wed 09:00-12:00". Several intervals on a day are allowed if they do not overlap.
// Adds the intervals to `hours`; on error leaves `hours` unchanged.
Result<void> add_office_hours(domain::OfficeHours& hours, std::string_view line);

// Index of the first byte that is not part of valid UTF-8 (overlongs, surrogates and code
// points over U+10FFFF are invalid), or nullopt when all of `text` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace twinning::campaign
