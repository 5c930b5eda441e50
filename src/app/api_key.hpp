#pragma once
// Organizer API keys: "twk_<prefix>_<secret>", 16 hex digits of public prefix that finds the key's
// row and 64 hex digits (256 random bits) of secret, of which the store keeps only a BLAKE2b-256
// digest (migrations/0008_api.sql). With that much entropy a fast digest is safe; a password hash
// would cost every API request.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/api_store.hpp"

namespace twinning::app {

struct IssuedKey {
  std::string key;          // shown once to the organizer, never stored
  store::NewApiKey record;  // what the store keeps
};

// A new random key named `name` (libsodium's randombytes).
IssuedKey issue_api_key(const std::string& name, store::TimePoint now);

struct KeyParts {
  std::string prefix, secret;
};
// Splits a key as given by a client; none for anything not of the exact form (case matters: the
// hex digits are lower case, as issued).
std::optional<KeyParts> parse_api_key(std::string_view key);

// The digest kept for a secret: BLAKE2b-256, lower-case hex.
std::string secret_digest(std::string_view secret);
// Compares the secret's digest with the stored one in constant time (sodium_memcmp), so the time
// taken says nothing about how much of it matched.
bool secret_matches(std::string_view secret, std::string_view stored_digest_hex);

// The key a request carries: the OSDI header "OSDI-API-Token: <key>", else "Authorization: Bearer
// <key>" (the scheme case-insensitive). Empty when neither is there.
std::string key_from_headers(std::optional<std::string_view> osdi_token, std::optional<std::string_view> authorization);

// The id of the key when `key` is a valid, unrevoked key of the store; none when it is not (unknown,
// malformed, wrong secret or revoked: the caller answers 401 for all of them alike).
Result<std::optional<std::int64_t>> authenticate(store::ApiStore& store, std::string_view key);

}  // namespace twinning::app
