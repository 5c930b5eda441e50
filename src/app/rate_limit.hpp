#pragma once
// Rate limits for supporters' actions (docs/decisions/0011-rate-limits.md): per client address,
// per email, and per email and target ("at most 3 messages to one official per 30 minutes from
// one supporter", as WriteToThem does). The store checks and counts them in the action's own
// transaction (store::RateCheck), so they hold across restarts and, on a shared store, across
// instances.
//
// Nothing raw is kept: a bucket is a keyed BLAKE2b of the address or email under a key derived
// from a secret and the number of the window, so the key rotates with every window and a row
// means nothing once its window has passed (the store deletes it then). The secret is a file
// (0600) beside the store, not in it: a copy of the database alone cannot be reversed by hashing
// every IPv4 address. Instances sharing a store must share the file (docs/deployment.md).
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"
#include "store/store.hpp"

namespace twinning::app {

class RateLimiter {
 public:
  using Secret = std::array<unsigned char, 32>;

  // Reads the secret from settings.key_file (or <data_dir>/rate-limit.key), making it on first
  // use. Errors: the file cannot be made or read, or holds something other than 32 bytes.
  static Result<RateLimiter> open(const RateLimitSettings& settings, const std::filesystem::path& data_dir);
  RateLimiter(RateLimitSettings settings, const Secret& secret) : settings_(settings), secret_(secret) {}

  // Adds the checks `action` must pass, for a request from `client_address`: per address (when
  // known), per email, and per email and target for each official the action writes to (email
  // and web-form channels).
  void add_checks(store::NewAction& action, const std::string& client_address) const;

  // A key for another use of the same secret (the proof of work's MAC), derived so that neither
  // use reveals the other's.
  std::array<unsigned char, 32> derived_key(std::string_view purpose) const;

  // The bucket of `value` of `kind` in the window holding `at` (tests look at it).
  std::string bucket(std::string_view kind, std::string_view value, std::chrono::seconds window,
                     store::TimePoint at) const;

 private:
  RateLimitSettings settings_;
  Secret secret_;
};

// Seconds until the limit that refused an action allows again, from the store's rate_limited
// error (its detail "retry_after=N"); 60 when the error does not say.
long retry_after_seconds(const Error& error);

}  // namespace twinning::app
