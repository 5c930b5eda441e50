#pragma once
// Webhooks (issue 7; docs/api.md, "Webhooks"): every outreach (email, web form, call, letter) and
// every signature that counts is POSTed as JSON to each configured receiver, signed with
// HMAC-SHA256. They ride with the action as outbox messages of kind "webhook": queued with an
// action that needs no confirmation, held with one that does and sent only once it is confirmed
// (expired: never), retried with the outbox's backoff, their log in the outbox like every message.
#include <string>
#include <string_view>
#include <vector>

#include "common/config.hpp"
#include "store/store.hpp"

namespace twinning::app {

// "outreach" for the channels that reach an official (email, webform, call, letter), "signature"
// for the petition, empty for the others (post, share: no webhook).
std::string webhook_event(std::string_view channel);

// The webhook messages of `action` (one per receiver); none when there are no receivers or the
// channel has no event. The body names the campaign, channel, target, language, country, the
// supporter (name, email) and a stable id of the action (a digest of its idempotency key).
std::vector<store::OutboxMessage> webhook_messages(const std::vector<WebhookSettings>& receivers,
                                                   const store::NewAction& action);

// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under secret>": the X-Twinning-Signature
// header. Receivers recompute it and compare in constant time (docs/api.md shows how).
std::string webhook_signature(std::string_view secret, long long unix_seconds, std::string_view body);

}  // namespace twinning::app
