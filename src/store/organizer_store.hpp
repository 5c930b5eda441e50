#pragma once
// What organizer pages need from the store: accounts, server-side sessions, the login rate limit,
// and the action counters (migrations/0006_organizers.sql). A separate interface from Store so the
// two grow apart; SqliteStore implements both, and organizer_store() finds this one behind a Store.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/store.hpp"

namespace twinning::store {

// viewer: reads the dashboard; organizer: also changes things (review queue, webhooks...);
// owner: also manages accounts. Ordered: a higher role can do what a lower one can.
enum class OrganizerRole { viewer = 0, organizer = 1, owner = 2 };
std::string_view to_string(OrganizerRole role);
std::optional<OrganizerRole> parse_organizer_role(std::string_view text);

struct NewOrganizer {
  std::string email;         // unique, matched ASCII case-insensitively
  std::string display_name;  // may be empty
  OrganizerRole role = OrganizerRole::viewer;
  std::string password_hash;  // crypto_pwhash_str output; the password itself never reaches the store
  TimePoint created_at{};     // zero: now
};

struct OrganizerUser {
  std::int64_t id = 0;
  std::string email, display_name;
  OrganizerRole role = OrganizerRole::viewer;
  std::string password_hash;
  TimePoint created_at{};
};

struct NewSession {
  std::string token_hash;  // hex digest of the secret token (only the cookie holds the token)
  std::int64_t user_id = 0;
  TimePoint created_at{};
  TimePoint expires_at{};
};

struct SessionRow {
  std::string token_hash;
  OrganizerUser user;
  TimePoint created_at{}, expires_at{}, last_seen_at{};
};

// The login rate limit: failed logins per key within a fixed window.
struct LoginFailures {
  std::int64_t failures = 0;  // in the window that contains `now` (0 when the window has passed)
};

// The counters, summed over the dimensions not asked for. Fields not grouped by are empty.
struct ActionTally {
  std::string day, channel, target, country;
  std::string status;  // recorded | pending | confirmed | expired
  std::int64_t n = 0;
};
enum class TallyBy { day_and_channel, channel, target, country };

// A message of the campaign's actions that failed for good (bounce, refused form, deadline).
struct DeliveryFailure {
  std::int64_t outbox_id = 0;
  std::string kind, target, recipient, error;
  TimePoint at{};
};

class OrganizerStore {
 public:
  virtual ~OrganizerStore() = default;

  // --- accounts (writes go through the store's one writer) ---
  // conflict when the email is taken; bad_request for an empty email or hash.
  virtual Result<OrganizerUser> add_organizer(const NewOrganizer& user) = 0;
  // Every account, by email.
  virtual Result<std::vector<OrganizerUser>> list_organizers() = 0;
  // Matched ASCII case-insensitively.
  virtual Result<std::optional<OrganizerUser>> find_organizer(const std::string& email) = 0;
  // Removes the account and its sessions. not_found for an unknown email.
  virtual Result<void> remove_organizer(const std::string& email) = 0;

  // --- sessions ---
  virtual Result<void> create_session(const NewSession& session) = 0;
  // The session with that token hash and its user, whatever its times (the caller judges expiry:
  // app/organizer_auth.hpp). none for an unknown hash.
  virtual Result<std::optional<SessionRow>> find_session(const std::string& token_hash) = 0;
  virtual Result<void> touch_session(const std::string& token_hash, TimePoint now) = 0;
  // Deleting an unknown session is not an error (a second logout).
  virtual Result<void> delete_session(const std::string& token_hash) = 0;
  // Deletes sessions past `expires_before` or idle since before `idle_before`. Returns how many.
  virtual Result<std::int64_t> purge_sessions(TimePoint expires_before, TimePoint idle_before) = 0;

  // --- the login rate limit ---
  // Failures of `key` in the window [window_start, ...): rows of an earlier window count as none.
  virtual Result<LoginFailures> login_failures(const std::string& key, TimePoint window_start) = 0;
  // Counts one failure of each key in the window starting at `window_start` (a row of an earlier
  // window starts again from 1), and deletes every row of an earlier window, so nothing outlives
  // the window it limits.
  virtual Result<void> add_login_failure(const std::vector<std::string>& keys, TimePoint window_start) = 0;
  // A successful login clears the account's failures (not the address's).
  virtual Result<void> clear_login_failures(const std::string& key) = 0;

  // --- what the dashboard reads: counters, never a scan of the actions ---
  virtual Result<std::vector<ActionTally>> tally_actions(const std::string& campaign, TallyBy by) = 0;
  // Failed messages of the campaign's actions, newest first, at most `limit`, and how many in all.
  virtual Result<std::vector<DeliveryFailure>> delivery_failures(const std::string& campaign, std::size_t limit) = 0;
  virtual Result<std::int64_t> count_delivery_failures(const std::string& campaign) = 0;
};

// The organizer side of `store`; unavailable when its backend has none.
Result<OrganizerStore*> organizer_store(Store& store);

}  // namespace twinning::store
