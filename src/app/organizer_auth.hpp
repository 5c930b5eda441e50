#pragma once
// Organizer sign-in: argon2id passwords, server-side sessions, CSRF tokens and the login rate
// limit (docs/decisions/0010-organizer-sessions.md). No HTTP here: the handlers in
// src/http/handlers/admin.cpp turn requests into these calls.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/config.hpp"
#include "common/result.hpp"
#include "store/organizer_store.hpp"

namespace twinning::app {

using TimePoint = std::chrono::sys_seconds;

// --- passwords ---
// Longest password accepted (bytes): argon2 takes any length, but a megabyte "password" is a way
// to make each login cost more than the limits say.
inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::size_t kMinPasswordBytes = 10;
// An argon2id string ($argon2id$v=19$m=...,t=...,p=1$salt$hash) with a fresh random salt.
// bad_request for a password shorter than kMinPasswordBytes or longer than kMaxPasswordBytes;
// unavailable when the memory limit cannot be allocated.
Result<std::string> hash_password(std::string_view password, const OrganizerSettings& settings);
// Whether `password` matches `hash` (false for a malformed hash or an over-long password).
bool verify_password(const std::string& hash, std::string_view password);

// --- session tokens and CSRF ---
// A new secret session token (32 random bytes, base64url without padding: 43 characters).
std::string new_session_token();
// What the store keeps of a token: its BLAKE2b-256 digest in hex. Empty for a malformed token
// (wrong length or alphabet), which therefore matches no session.
std::string session_token_hash(std::string_view token);
// The CSRF token of the session: a keyed BLAKE2b of a fixed label under the session token, so it
// is stable for the session, differs between sessions, is not stored anywhere, and reveals nothing
// about the session token. Empty for a malformed token.
std::string csrf_token_for(std::string_view session_token);
// Constant-time comparison of the expected CSRF token with the one the form sent.
bool csrf_token_matches(std::string_view expected, std::string_view given);

// --- sessions ---
enum class SessionState { live, expired, idle };
// expired: at or past expires_at; idle: no request for session_idle_timeout.
SessionState judge_session(const store::SessionRow& session, TimePoint now, const OrganizerSettings& settings);
// last_seen_at is written at most once a minute: every page view need not wait for the writer.
inline constexpr std::chrono::seconds kTouchInterval{60};

struct SignedIn {
  store::OrganizerUser user;
  std::string token_hash;
  std::string csrf_token;
};
// The live session of `token`, if any. An expired or idle one is deleted; a live one's
// last_seen_at moves to `now` when it is older than kTouchInterval.
Result<std::optional<SignedIn>> signed_in(store::OrganizerStore& store, std::string_view token, TimePoint now,
                                          const OrganizerSettings& settings);

// --- the login rate limit ---
// Keys of the login_failures rows. The address key is a keyed BLAKE2b of the address under a key
// derived from a random secret held in memory only and the number of the window, so a row cannot
// be traced back to an address (even with the store) nor linked to the same address's row of
// another window.
class LoginLimiter {
 public:
  using Secret = std::array<unsigned char, 32>;
  explicit LoginLimiter(std::chrono::seconds window);  // a random secret
  LoginLimiter(std::chrono::seconds window, const Secret& secret);  // tests

  // The start of the fixed window that holds `now` (windows are aligned on the Unix epoch).
  TimePoint window_start(TimePoint now) const;
  TimePoint window_end(TimePoint now) const { return window_start(now) + window_; }
  std::string address_key(std::string_view address, TimePoint now) const;
  static std::string account_key(std::string_view email);

 private:
  std::chrono::seconds window_;
  Secret secret_;
};

struct LoginResult {
  enum class Outcome { signed_in, wrong_credentials, rate_limited };
  Outcome outcome = Outcome::wrong_credentials;
  std::string token;  // signed_in: the new session's token, for the cookie
  store::OrganizerUser user;
  TimePoint retry_at{};  // rate_limited: when the window ends
};
// Checks the rate limit first (over it: rate_limited, and the password is not even looked at),
// then the password. An unknown email costs the same argon2 work as a known one, so timing does
// not tell which emails have accounts. A failure counts against the account and the address; a
// success clears the account's failures, deletes every session that has ended, and opens one.
Result<LoginResult> log_in(store::OrganizerStore& store, const LoginLimiter& limiter, const OrganizerSettings& settings,
                           std::string_view email, std::string_view password, std::string_view client_address,
                           TimePoint now);

}  // namespace twinning::app
