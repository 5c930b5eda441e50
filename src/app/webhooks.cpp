#include "app/webhooks.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "store/time_text.hpp"

namespace twinning::app {

std::string webhook_event(std::string_view channel) {
  if (channel == "email" || channel == "webform" || channel == "call" || channel == "letter") return "outreach";
  if (channel == "petition") return "signature";
  return {};
}

std::vector<store::OutboxMessage> webhook_messages(const std::vector<WebhookSettings>& receivers,
                                                   const store::NewAction& a) {
  const std::string event = webhook_event(a.channel);
  std::vector<store::OutboxMessage> out;
  if (event.empty() || receivers.empty()) return out;
  const std::string id = blake2b_hex(a.idempotency_key).substr(0, 32);
  const nlohmann::json body = {
      {"event", event},
      {"id", id},
      {"campaign", a.campaign},
      {"channel", a.channel},
      {"target", a.target},
      {"language", a.language},
      {"country", a.country},
      {"supporter", {{"name", a.supporter_name}, {"email", a.supporter_email}}},
      {"created_at", store::format_time(a.created_at == store::TimePoint{}
                                            ? std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())
                                            : a.created_at)},
  };
  const std::string text = body.dump();
  for (const auto& r : receivers) {
    store::OutboxMessage m;
    m.kind = "webhook";
    m.recipient = r.url;
    m.message_id = id + "." + event;  // X-Twinning-Delivery: receivers drop a repeat by it
    m.payload = text;
    out.push_back(std::move(m));
  }
  return out;
}

std::string webhook_signature(std::string_view secret, long long unix_seconds, std::string_view body) {
  const std::string signed_text = std::to_string(unix_seconds) + "." + std::string(body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return "t=" + std::to_string(unix_seconds) + ",v1=" + to_hex(mac, sizeof mac);
}

}  // namespace twinning::app
