#include "app/rate_limit.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include <sodium.h>

#include "common/digest.hpp"

namespace twinning::app {
namespace {

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Result<RateLimiter> RateLimiter::open(const RateLimitSettings& settings, const std::filesystem::path& data_dir) {
  if (sodium_init() < 0) return Error::make(ErrorKind::internal, "libsodium could not start");
  const std::filesystem::path file = settings.key_file.empty() ? data_dir / "rate-limit.key" : settings.key_file;
  Secret secret{};
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    randombytes_buf(secret.data(), secret.size());
    // Written whole under a temporary name and renamed, so two processes starting at once end
    // with one of the two secrets, never half of each.
    const auto tmp = file.string() + ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(secret.data()), static_cast<std::streamsize>(secret.size()));
      if (!out) return Error::make(ErrorKind::io, "cannot write the rate-limit key " + tmp);
    }
    ::chmod(tmp.c_str(), 0600);
    if (::link(tmp.c_str(), file.c_str()) != 0 && errno != EEXIST) {
      std::filesystem::remove(tmp, ec);
      return Error::make(ErrorKind::io, "cannot create the rate-limit key " + file.string());
    }
    std::filesystem::remove(tmp, ec);
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Error::make(ErrorKind::io, "cannot read the rate-limit key " + file.string());
  if (bytes.size() != secret.size()) {
    return Error::make(ErrorKind::invalid_campaign,
                       "the rate-limit key " + file.string() + " must hold exactly 32 bytes; delete it to make a new one");
  }
  std::copy(bytes.begin(), bytes.end(), secret.begin());
  return RateLimiter(settings, secret);
}

std::string RateLimiter::bucket(std::string_view kind, std::string_view value, std::chrono::seconds window,
                                store::TimePoint at) const {
  const std::int64_t window_number = at.time_since_epoch() / window;
  const std::string label = std::string(kind) + ":" + std::to_string(window.count()) + ":" + std::to_string(window_number);
  unsigned char key[crypto_generichash_KEYBYTES];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(label.data()), label.size(), secret_.data(),
                     secret_.size());
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(value.data()), value.size(), key,
                     sizeof key);
  return std::string(kind) + ":" + to_hex(digest, sizeof digest);
}

void RateLimiter::add_checks(store::NewAction& a, const std::string& client_address) const {
  const auto& s = settings_;
  const auto at = a.created_at == store::TimePoint{}
                      ? std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())
                      : a.created_at;
  if (s.per_address > 0 && !client_address.empty()) {
    a.rate_checks.push_back({"per_address", bucket("ip", client_address, s.address_window, at), s.address_window,
                             s.per_address});
  }
  const std::string email = lower_ascii(a.supporter_email);
  if (s.per_email > 0 && !email.empty()) {
    a.rate_checks.push_back({"per_email", bucket("email", email, s.email_window, at), s.email_window, s.per_email});
  }
  if (s.per_target > 0 && !email.empty() && (a.channel == "email" || a.channel == "webform")) {
    std::set<std::string> targets;
    if (!a.target.empty()) targets.insert(a.target);
    for (const auto& m : a.messages) {
      if (!m.target.empty()) targets.insert(m.target);
    }
    for (const auto& t : targets) {
      a.rate_checks.push_back({"per_target", bucket("target", email + "\x1f" + a.campaign + "\x1f" + t, s.target_window, at),
                               s.target_window, s.per_target});
    }
  }
}

std::array<unsigned char, 32> RateLimiter::derived_key(std::string_view purpose) const {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(),
                     secret_.data(), secret_.size());
  return out;
}

long retry_after_seconds(const Error& error) {
  const std::string prefix = "retry_after=";
  if (error.detail.rfind(prefix, 0) != 0) return 60;
  try {
    return std::max(1L, std::stol(error.detail.substr(prefix.size())));
  } catch (const std::exception&) {
    return 60;
  }
}

}  // namespace twinning::app
