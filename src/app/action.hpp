#pragma once
// Taking an action: the supporter's form, checked field by field, turned into a durable record.
// Pure rules here (parse_action); the store does the writing.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "store/store.hpp"

namespace twinning::app {

using Fields = std::vector<std::pair<std::string, std::string>>;

// One problem with one field. `code` picks the words shown to the supporter
// (locales: error.field.<code>); `message` says the same in English for API clients and logs.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

struct ActionInput {
  std::string name, email, country, phone, channel, target, idempotency_key;
  bool consent_this_campaign = false;
  bool consent_other_campaigns = false;
  bool consent_public = false;
};

// The fields of the action form (form-encoded or JSON, both reduced to name/value pairs).
inline constexpr const char* kActionFields[] = {"name",    "email",  "country",               "phone",
                                                "channel", "target", "consent_this_campaign", "consent_other_campaigns",
                                                "consent_public", "idempotency_key"};

struct ActionLimits {
  std::size_t max_name_chars = 200;
  std::size_t max_email_bytes = 254;  // RFC 5321 path limit
};

// Checks every field at once and returns all problems, or the clean input. Phone numbers are
// normalized to E.164 using the supporter's country for numbers written nationally.
Result<ActionInput> parse_action(const Fields& fields, const domain::Campaign& campaign,
                                 std::vector<FieldError>& problems, const ActionLimits& limits = {});

// The honeypot: a field every form carries, hidden from people (off-screen, aria-hidden, out of
// the tab order) and filled in only by programs that fill in every field they find.
inline constexpr const char* kHoneypotField = "fax_only";
// Takes the honeypot out of `fields`: a bad request when it has text (the message says what a
// person who got there anyway can do), the other fields otherwise. Sent twice is a bad request too.
Result<Fields> without_honeypot(Fields fields);

// Reads a JSON object body into fields: strings as they are, booleans as "yes"/"" .
// Anything else (arrays, numbers, nested objects, duplicate keys) is a bad request naming the key.
Result<Fields> fields_from_json(std::string_view body);

// The record to store. Without a key from the page (no JavaScript), one is derived from the
// content and the UTC day, so the same form sent twice in a day records once.
// `extra_content` is the rest of what the supporter sent (e.g. an email's edits and note): it
// takes part in the digest, so the same key with other content is a conflict.
store::NewAction to_record(const ActionInput& in, const domain::Campaign& campaign, const std::string& lang,
                           std::chrono::sys_seconds now, std::string_view extra_content = {});

}  // namespace twinning::app
