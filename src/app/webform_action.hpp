#pragma once
// The web-form channel's actions. "I have sent it" records that the supporter sent a target's
// form by hand (the guided steps). "Fill them in for me" records an action whose submissions
// (outbox kind "webform") are held until the supporter opens the confirmation link mailed to
// them; the same link confirms whatever else they asked for in that visit (email too).
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "app/action.hpp"
#include "common/config.hpp"
#include "delivery/webform/job.hpp"
#include "domain/campaign.hpp"
#include "domain/webform.hpp"
#include "i18n/catalog.hpp"
#include "store/store.hpp"

namespace twinning::app {

// The supporter's fields of the web-form block (name, email, country, phone, consents,
// idempotency_key); the channel is webform and the target is `target` (empty: every target the
// action covers). A `channel` or `target` field in the body is refused: the address says them.
Result<ActionInput> parse_webform_action(const Fields& fields, const domain::Campaign& campaign,
                                         const std::string& target, std::vector<FieldError>& problems);

// What to fill in on `target`'s form for this supporter, and the notice that tells them when a
// submission stops, in their language `lang`. Errors: a value the campaign cannot compose.
Result<delivery::webform::WebformJob> webform_job(const domain::Campaign& campaign, const domain::Target& target,
                                                  const domain::WebformDefinition& form, const ActionInput& supporter,
                                                  const std::string& lang, const std::string& base_url,
                                                  const i18n::Catalog& words, const MailSettings& mail);

struct PreparedWebformAction {
  store::NewAction action;
  std::string token;      // the secret of the confirmation link
  std::size_t forms = 0;  // submissions held for confirmation
};

// The action with one held submission per target twinning may fill in (see
// render::webform_automated_targets) and its confirmation. Errors: not_found when no target
// may be filled in; bad_request when the campaign has no sender address for the mails.
Result<PreparedWebformAction> prepare_webform_action(const ActionInput& in, const domain::Campaign& campaign,
                                                     const std::string& lang, const std::string& base_url,
                                                     const i18n::Catalog& words, const Settings& settings,
                                                     std::chrono::sys_seconds now);

}  // namespace twinning::app
