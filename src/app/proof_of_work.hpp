#pragma once
// A proof of work the supporter's browser does before a form is sent (issue 8): no captcha, no
// third party, nothing a person has to solve. The server hands out a signed challenge (GET
// /pow); app.js finds a number `solution` such that SHA-256(challenge ":" idempotency_key ":"
// solution) starts with `bits` zero bits and sends both with the form. The challenge is stateless
// (a MAC over its time and a random part) and the work is bound to the form's idempotency key, so
// a solved challenge cannot be replayed for another action. A form without a valid proof (no
// JavaScript, an old browser, or a bot) is not refused: it is answered after a delay, "merely
// slower" (docs/decisions/0012-proof-of-work.md).
#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "common/config.hpp"
#include "store/store.hpp"

namespace twinning::app {

inline constexpr const char* kPowChallengeField = "pow_challenge";
inline constexpr const char* kPowSolutionField = "pow_solution";

class ProofOfWork {
 public:
  using Key = std::array<unsigned char, 32>;
  ProofOfWork(const ProofOfWorkSettings& settings, const Key& key) : settings_(settings), key_(key) {}

  // "<unix seconds>.<16 random bytes, hex>.<MAC, hex>".
  std::string challenge(store::TimePoint now) const;

  enum class Outcome { valid, missing, malformed, forged, expired, wrong };
  Outcome verify(std::string_view challenge, std::string_view solution, std::string_view idempotency_key,
                 store::TimePoint now) const;

  int bits() const { return settings_.bits; }
  std::chrono::milliseconds fallback_delay() const { return settings_.fallback_delay; }

 private:
  std::string mac(std::string_view text) const;
  ProofOfWorkSettings settings_;
  Key key_;
};

// Leading zero bits of SHA-256(text): what a solution must reach (exposed for tests and the bench).
int leading_zero_bits(std::string_view text);

}  // namespace twinning::app
