#include "app/proof_of_work.hpp"

#include <charconv>

#include <sodium.h>

#include "common/digest.hpp"

namespace twinning::app {
namespace {

constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kMaxSolutionChars = 20;
constexpr std::chrono::seconds kClockSkew{60};

}  // namespace

int leading_zero_bits(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  int bits = 0;
  for (unsigned char byte : digest) {
    if (byte == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(byte & (1 << b)); --b) ++bits;
    break;
  }
  return bits;
}

std::string ProofOfWork::mac(std::string_view text) const {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()), text.size(), key_.data(),
                     key_.size());
  return to_hex(out, sizeof out);
}

std::string ProofOfWork::challenge(store::TimePoint now) const {
  unsigned char random[kRandomBytes];
  randombytes_buf(random, sizeof random);
  const std::string body = std::to_string(now.time_since_epoch().count()) + "." + to_hex(random, sizeof random);
  return body + "." + mac(body);
}

ProofOfWork::Outcome ProofOfWork::verify(std::string_view challenge, std::string_view solution,
                                         std::string_view idempotency_key, store::TimePoint now) const {
  if (challenge.empty() && solution.empty()) return Outcome::missing;
  const auto last_dot = challenge.rfind('.');
  const auto first_dot = challenge.find('.');
  if (last_dot == std::string_view::npos || first_dot == last_dot || solution.empty() ||
      solution.size() > kMaxSolutionChars || solution.find_first_not_of("0123456789") != std::string_view::npos) {
    return Outcome::malformed;
  }
  const std::string_view body = challenge.substr(0, last_dot);
  const std::string expected = mac(body);
  const std::string_view given = challenge.substr(last_dot + 1);
  if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Outcome::forged;
  }
  std::int64_t issued = 0;
  const auto stamp = challenge.substr(0, first_dot);
  if (std::from_chars(stamp.data(), stamp.data() + stamp.size(), issued).ec != std::errc{}) return Outcome::malformed;
  const auto at = store::TimePoint{std::chrono::seconds{issued}};
  if (at > now + kClockSkew || now - at > settings_.challenge_ttl) return Outcome::expired;
  const std::string text = std::string(challenge) + ":" + std::string(idempotency_key) + ":" + std::string(solution);
  return leading_zero_bits(text) >= settings_.bits ? Outcome::valid : Outcome::wrong;
}

}  // namespace twinning::app
