#pragma once
// What the organizer API, the exports and the privacy commands need from the store, apart from
// store.hpp so the actions' interface stays small (docs/api.md). SqliteStore implements both; a
// command or handler reaches this one through api_store(Store&).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/store.hpp"

namespace twinning::store {

// --- API keys (migrations/0008_api.sql) ---
struct NewApiKey {
  std::string name;         // the organizer's label, for `apikey list`
  std::string prefix;       // the public part that finds the row; unique
  std::string secret_hash;  // hex digest of the secret part; the secret itself is never stored
  TimePoint created_at{};
};

struct ApiKeyRow {
  std::int64_t id = 0;
  std::string name, prefix, secret_hash;
  TimePoint created_at{};
  std::optional<TimePoint> revoked_at;
};

// --- reads of the API: pages and date filters ---
// Strict bounds on one date column, as the API's filter asks (docs/api.md, "Filters").
struct DateBounds {
  std::optional<TimePoint> after;   // column > after
  std::optional<TimePoint> before;  // column < before
};
struct RecordQuery {
  DateBounds created, modified;
  std::size_t offset = 0;
  std::size_t limit = 25;
};

// A supporter as the API shows it. Erased supporters are never listed.
struct PersonRecord {
  std::int64_t id = 0;
  std::string name, email, country, phone;
  TimePoint created_at{}, modified_at{};
};

// An action of the campaign that counts (recorded or confirmed, not pending or expired).
struct ActionRecord {
  std::int64_t id = 0;
  std::int64_t supporter_id = 0;
  std::string name, email;  // the supporter's, as last typed (empty once erased)
  std::string campaign, channel, target, language, country, status;
  TimePoint created_at{}, modified_at{};
};

// A confirmed petition signature.
struct SignatureRecord {
  std::int64_t id = 0;  // the signature's own id
  std::int64_t action_id = 0;
  std::int64_t supporter_id = 0;
  std::string name, email;  // the supporter's, as last typed (empty once erased)
  std::string campaign, comment, country, language;
  TimePoint created_at{};   // when it was signed
  TimePoint modified_at{};  // its action's last change (the confirmation)
};

template <typename T>
struct RecordPage {
  std::int64_t total = 0;  // records matching the filter, over all pages
  std::vector<T> records;  // those of the page asked for
};

// --- privacy ---
struct OutboxOfPerson {
  std::int64_t id = 0;
  std::int64_t action_id = 0;  // 0 for a confirmation mail
  std::string kind, target, recipient, state, payload, last_error;
  TimePoint created_at{};
};
struct LetterOfPerson {
  std::int64_t action_id = 0;
  std::string campaign, address_lines, place;
};
// Everything held about one person (`twinning person export`).
struct PersonData {
  SupporterRow supporter;
  TimePoint modified_at{};
  std::vector<ConsentRow> consents;
  std::vector<ActionRow> actions;
  std::vector<SignatureRecord> signatures;
  std::vector<LetterOfPerson> letters;
  std::vector<OutboxOfPerson> outbox;
  std::vector<FlaggedContact> flagged;  // their own address, if mail to it bounced
};

struct EraseResult {
  std::int64_t supporters = 0;  // rows anonymized
  std::int64_t outbox = 0;      // messages emptied (those not yet sent are failed, never sent)
};

class ApiStore {
 public:
  virtual ~ApiStore() = default;

  // Writes go through the store's one writer, like every write of store.hpp.
  // conflict when the prefix exists (a new random prefix is the caller's fix).
  virtual Result<std::int64_t> add_api_key(const NewApiKey& key) = 0;
  // not_found for an unknown id; revoking a revoked key changes nothing and succeeds.
  virtual Result<void> revoke_api_key(std::int64_t id, TimePoint now) = 0;
  // Every key, revoked ones too, by id.
  virtual Result<std::vector<ApiKeyRow>> list_api_keys() = 0;
  virtual Result<std::optional<ApiKeyRow>> find_api_key(const std::string& prefix) = 0;

  // Pages, in id order, of one read snapshot each.
  virtual Result<RecordPage<PersonRecord>> people(const RecordQuery& query) = 0;
  virtual Result<std::optional<PersonRecord>> person(std::int64_t id) = 0;
  // Actions of `campaign` on `channels` (all channels when empty).
  virtual Result<RecordPage<ActionRecord>> actions(const std::string& campaign, const std::vector<std::string>& channels,
                                                   const RecordQuery& query) = 0;
  virtual Result<std::optional<ActionRecord>> action(const std::string& campaign, std::int64_t id) = 0;
  virtual Result<RecordPage<SignatureRecord>> signatures(const std::string& campaign, const RecordQuery& query) = 0;
  virtual Result<std::optional<SignatureRecord>> signature(const std::string& campaign, std::int64_t id) = 0;

  // Streams for the CSV exports: every row of one read snapshot in id order, without holding them
  // all in memory. `row` returns false to stop early (e.g. the client went away).
  // People: those with at least one counted action in the campaign.
  virtual Result<void> each_person(const std::string& campaign, const std::function<bool(const PersonRecord&)>& row) = 0;
  virtual Result<void> each_action(const std::string& campaign, const std::function<bool(const ActionRecord&)>& row) = 0;
  virtual Result<void> each_signature(const std::string& campaign,
                                      const std::function<bool(const SignatureRecord&)>& row) = 0;

  // Everything held about the person with this email (ASCII case-insensitive); none when there is
  // no such person (or they were erased).
  virtual Result<std::optional<PersonData>> person_data(const std::string& email) = 0;
  // Removes the personal data of the person with this email in every table, in one transaction,
  // keeping their actions (and so every count) without anything that identifies them. Messages
  // not yet sent are failed, never sent. supporters 0 when no one has that email.
  virtual Result<EraseResult> erase_person(const std::string& email, TimePoint now) = 0;
  // The same for every supporter whose last activity is before `cutoff` (the retention period).
  virtual Result<EraseResult> anonymize_inactive(TimePoint cutoff, TimePoint now) = 0;
};

// The store's ApiStore; null for a store that has none.
ApiStore* api_store(Store& store);

}  // namespace twinning::store
