#include "app/api_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "common/digest.hpp"

namespace twinning::app {
namespace {

constexpr std::string_view kKeyStart = "twk_";
constexpr std::size_t kPrefixBytes = 8;   // 16 hex digits: enough to find a row, not a secret
constexpr std::size_t kSecretBytes = 32;  // 256 bits

std::string random_hex(std::size_t bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  std::array<unsigned char, 64> buf{};
  randombytes_buf(buf.data(), bytes);
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buf.data(), bytes);
  hex.pop_back();
  sodium_memzero(buf.data(), buf.size());
  return hex;
}

bool lower_hex(std::string_view s, std::size_t digits) {
  return s.size() == digits &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

IssuedKey issue_api_key(const std::string& name, store::TimePoint now) {
  IssuedKey k;
  const std::string prefix = random_hex(kPrefixBytes);
  const std::string secret = random_hex(kSecretBytes);
  k.key = std::string(kKeyStart) + prefix + "_" + secret;
  k.record = store::NewApiKey{name, prefix, secret_digest(secret), now};
  return k;
}

std::optional<KeyParts> parse_api_key(std::string_view key) {
  if (key.substr(0, kKeyStart.size()) != kKeyStart) return std::nullopt;
  key.remove_prefix(kKeyStart.size());
  const auto sep = key.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  const auto prefix = key.substr(0, sep);
  const auto secret = key.substr(sep + 1);
  if (!lower_hex(prefix, kPrefixBytes * 2) || !lower_hex(secret, kSecretBytes * 2)) return std::nullopt;
  return KeyParts{std::string(prefix), std::string(secret)};
}

std::string secret_digest(std::string_view secret) { return blake2b_hex(secret, 32); }

bool secret_matches(std::string_view secret, std::string_view stored_digest_hex) {
  const std::string digest = secret_digest(secret);
  if (digest.size() != stored_digest_hex.size()) return false;
  return sodium_memcmp(digest.data(), stored_digest_hex.data(), digest.size()) == 0;
}

std::string key_from_headers(std::optional<std::string_view> osdi_token, std::optional<std::string_view> authorization) {
  if (osdi_token) return std::string(trim(*osdi_token));
  if (!authorization) return {};
  std::string_view a = trim(*authorization);
  constexpr std::string_view bearer = "bearer ";
  if (a.size() <= bearer.size()) return {};
  for (std::size_t i = 0; i < bearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != bearer[i]) return {};
  }
  return std::string(trim(a.substr(bearer.size())));
}

Result<std::optional<std::int64_t>> authenticate(store::ApiStore& store, std::string_view key) {
  const auto parts = parse_api_key(key);
  if (!parts) return std::optional<std::int64_t>{};
  auto row = store.find_api_key(parts->prefix);
  if (!row.ok()) return row.error();
  // The digest is compared even for an unknown or revoked key, so a client cannot tell those apart
  // from a wrong secret by the time the answer takes.
  const std::string stored = row.value() ? row.value()->secret_hash : std::string(64, '0');
  const bool matches = secret_matches(parts->secret, stored);
  if (!row.value() || row.value()->revoked_at || !matches) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(row.value()->id);
}

}  // namespace twinning::app
