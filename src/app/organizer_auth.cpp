#include "app/organizer_auth.hpp"

#include <sodium.h>

#include "common/digest.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace twinning::app {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenChars = 43;  // base64url of 32 bytes, no padding
constexpr std::string_view kCsrfLabel = "twinning organizer csrf v1";
constexpr std::size_t kMaxEmailBytes = 320;  // RFC 5321: longer is no account's email

// libsodium must be initialised before randombytes or crypto_pwhash; sodium_init is idempotent
// and thread-safe, so every entry point calls it instead of relying on main().
bool sodium_ready() { return sodium_init() >= 0; }

std::string to_base64url(const unsigned char* bytes, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool well_formed_token(std::string_view token) {
  return token.size() == kTokenChars && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

// A hash made once, with the same limits as real ones, for unknown emails to verify against.
const std::string& dummy_hash(const OrganizerSettings& settings) {
  static const std::string hash = [&] {
    auto h = hash_password("not a password of anyone's", settings);
    return h.ok() ? h.value() : std::string();
  }();
  return hash;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const OrganizerSettings& settings) {
  if (password.size() < kMinPasswordBytes) {
    return Error::make(ErrorKind::bad_request,
                       "the password is too short: at least " + std::to_string(kMinPasswordBytes) + " characters",
                       "password");
  }
  if (password.size() > kMaxPasswordBytes) {
    return Error::make(ErrorKind::bad_request, "the password is too long", "password");
  }
  if (!sodium_ready()) return Error::make(ErrorKind::internal, "cannot hash the password", {}, "sodium_init failed");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), settings.password_ops_limit,
                        settings.password_mem_limit) != 0) {
    return Error::make(ErrorKind::unavailable, "cannot hash the password now (out of memory)", {},
                       "crypto_pwhash_str failed: the memory limit could not be allocated");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (!sodium_ready()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_session_token() {
  if (!sodium_ready()) std::abort();  // no randomness: no session is better than a guessable one
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof bytes);
  return to_base64url(bytes, sizeof bytes);
}

std::string session_token_hash(std::string_view token) {
  if (!well_formed_token(token)) return {};
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  return to_hex(digest, sizeof digest);
}

std::string csrf_token_for(std::string_view session_token) {
  if (!well_formed_token(session_token)) return {};
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(kCsrfLabel.data()),
                     kCsrfLabel.size(), reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size());
  return to_base64url(digest, sizeof digest);
}

bool csrf_token_matches(std::string_view expected, std::string_view given) {
  if (expected.empty() || expected.size() != given.size()) return false;
  return sodium_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

SessionState judge_session(const store::SessionRow& session, TimePoint now, const OrganizerSettings& settings) {
  if (now >= session.expires_at) return SessionState::expired;
  if (now - session.last_seen_at >= settings.session_idle_timeout) return SessionState::idle;
  return SessionState::live;
}

Result<std::optional<SignedIn>> signed_in(store::OrganizerStore& store, std::string_view token, TimePoint now,
                                          const OrganizerSettings& settings) {
  const std::string hash = session_token_hash(token);
  if (hash.empty()) return std::optional<SignedIn>{};
  auto found = store.find_session(hash);
  if (!found.ok()) return found.error();
  if (!found.value()) return std::optional<SignedIn>{};
  const store::SessionRow& s = *found.value();
  switch (judge_session(s, now, settings)) {
    case SessionState::expired:
    case SessionState::idle:
      if (auto r = store.delete_session(hash); !r.ok()) return r.error();
      return std::optional<SignedIn>{};
    case SessionState::live:
      break;
  }
  if (now - s.last_seen_at >= kTouchInterval) {
    if (auto r = store.touch_session(hash, now); !r.ok()) return r.error();
  }
  return std::optional<SignedIn>(SignedIn{s.user, hash, csrf_token_for(token)});
}

LoginLimiter::LoginLimiter(std::chrono::seconds window) : window_(window) {
  if (!sodium_ready()) std::abort();  // see new_session_token
  randombytes_buf(secret_.data(), secret_.size());
}

LoginLimiter::LoginLimiter(std::chrono::seconds window, const Secret& secret) : window_(window), secret_(secret) {}

TimePoint LoginLimiter::window_start(TimePoint now) const {
  const auto w = std::max<std::chrono::seconds::rep>(window_.count(), 1);
  auto t = now.time_since_epoch().count();
  // Floor, not truncation: times before 1970 still fall in the window that holds them.
  auto start = t - ((t % w) + w) % w;
  return TimePoint{std::chrono::seconds{start}};
}

std::string LoginLimiter::address_key(std::string_view address, TimePoint now) const {
  // The window's own key: BLAKE2b(secret, window number). Rows of another window use another key.
  const std::string window = std::to_string(window_start(now).time_since_epoch().count());
  unsigned char key[32];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(window.data()), window.size(),
                     secret_.data(), secret_.size());
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(address.data()), address.size(),
                     key, sizeof key);
  sodium_memzero(key, sizeof key);
  return "ip:" + to_hex(digest, sizeof digest);
}

std::string LoginLimiter::account_key(std::string_view email) {
  std::string key = "account:";
  for (char c : email) key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return key;
}

Result<LoginResult> log_in(store::OrganizerStore& store, const LoginLimiter& limiter, const OrganizerSettings& settings,
                           std::string_view email, std::string_view password, std::string_view client_address,
                           TimePoint now) {
  LoginResult result;
  const TimePoint window = limiter.window_start(now);
  const std::string account = LoginLimiter::account_key(email);
  const std::string address = limiter.address_key(client_address, now);
  // An email too long to be an account's is simply a wrong one, counted against the address only.
  const bool account_counted = !email.empty() && email.size() <= kMaxEmailBytes;
  {
    std::int64_t account_failures = 0;
    if (account_counted) {
      auto by_account = store.login_failures(account, window);
      if (!by_account.ok()) return by_account.error();
      account_failures = by_account.value().failures;
    }
    auto by_address = store.login_failures(address, window);
    if (!by_address.ok()) return by_address.error();
    if (account_failures >= settings.max_login_failures_per_account ||
        by_address.value().failures >= settings.max_login_failures_per_address) {
      result.outcome = LoginResult::Outcome::rate_limited;
      result.retry_at = limiter.window_end(now);
      return result;
    }
  }
  std::optional<store::OrganizerUser> user;
  if (account_counted) {
    auto found = store.find_organizer(std::string(email));
    if (!found.ok()) return found.error();
    user = std::move(found).value();
  }
  bool ok = false;
  if (user) {
    ok = verify_password(user->password_hash, password);
  } else {
    (void)verify_password(dummy_hash(settings), password);  // the same work: timing tells nothing
  }
  if (!ok) {
    std::vector<std::string> keys{address};
    if (account_counted) keys.push_back(account);
    if (auto r = store.add_login_failure(keys, window); !r.ok()) return r.error();
    return result;
  }
  if (auto r = store.clear_login_failures(account); !r.ok()) return r.error();
  // Sessions that ended without a sign-out (a closed laptop) are swept here, so the table does not
  // grow with them: sign-ins are rare, and this costs one DELETE.
  if (auto r = store.purge_sessions(now, now - settings.session_idle_timeout); !r.ok()) return r.error();
  store::NewSession session;
  result.token = new_session_token();
  session.token_hash = session_token_hash(result.token);
  session.user_id = user->id;
  session.created_at = now;
  session.expires_at = now + settings.session_lifetime;
  if (auto r = store.create_session(session); !r.ok()) return r.error();
  result.outcome = LoginResult::Outcome::signed_in;
  result.user = std::move(*user);
  return result;
}

}  // namespace twinning::app
