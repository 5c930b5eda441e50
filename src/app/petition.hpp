#pragma once
// The petition's pure rules: the key that makes one signature per person, and the counter's words.
#include <cstdint>
#include <string>
#include <string_view>
#include <chrono>
#include <vector>

#include "app/action.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "store/store.hpp"

namespace twinning::app {

// The email as the petition compares it: the local part case-folded with Unicode's full case
// folding (then NFC), the domain mapped to ASCII by UTS #46 (IDN "bücher.example" and
// "xn--bcher-kva.example" are one domain; case is folded there too). So "ÆBLE@example.dk" and
// "æble@example.dk" sign once. bad_request (field "email") for text that is not an address:
// no "@", an empty part, invalid UTF-8, or a domain UTS #46 refuses.
Result<std::string> petition_email_key(std::string_view email);

// The counter's sentence for `count` signatures in `lang`, from an ICU MessageFormat pattern with
// one argument named `count` (locales: petition.count), e.g.
// "{count, plural, one {# person has signed} other {# people have signed}}". The plural category
// and the digits follow the language's CLDR rules. bad_request for a pattern ICU cannot parse.
Result<std::string> signed_count_text(const std::string& pattern, const std::string& lang, std::int64_t count);

struct SignatureInput {
  ActionInput supporter;  // channel "petition", no target
  std::string comment;    // optional, may hold several lines
  std::string email_key;  // petition_email_key(supporter.email)
};

struct SignatureLimits {
  std::size_t max_comment_chars = 1000;  // code points
};

// The signing form: the action form's fields (no channel or target: this form is the petition's)
// plus `comment`. Every problem is added to `problems` (an email the key cannot be made of is an
// "email" problem, a long comment "too_long"); bad_request for a field this form does not take.
Result<SignatureInput> parse_signature(const Fields& fields, const domain::Campaign& campaign,
                                       std::vector<FieldError>& problems, const SignatureLimits& limits = {});

struct PreparedSignature {
  store::NewAction action;  // channel petition, with its signature and confirmation request
  std::string token;        // the secret of the confirmation link
};

// The signature's record, pending until the supporter opens the mailed link (the email channel's
// confirmation: one link covers every action of the visit).
Result<PreparedSignature> prepare_signature(const SignatureInput& in, const domain::Campaign& campaign,
                                            const std::string& lang, const std::string& base_url,
                                            const i18n::Catalog& words, const MailSettings& mail,
                                            std::chrono::sys_seconds now);

}  // namespace twinning::app
