#pragma once
// The letter channel's form: the action fields (name, email, country, consents; action.hpp) and
// the sender's postal address, which the letters carry in their sender block. Pure rules: the
// route records the action and answers the PDF (render/letter_pdf.hpp).
#include <chrono>
#include <string>
#include <vector>

#include "app/action.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/address_format.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "store/store.hpp"

namespace twinning::app {

// The form's own fields besides the action's (kActionFields, without channel and target).
inline constexpr const char* kLetterFields[] = {"address_line1", "address_line2", "address_line3", "place",
                                                "print_for_me"};
inline constexpr std::size_t kLetterAddressLines = 3;

struct LetterLimits {
  std::size_t max_line_chars = 100;  // a line wider than that does not fit the sender block
};

struct LetterRequest {
  ActionInput action;                      // channel "letter", no target
  std::vector<std::string> address_lines;  // 1 to 3, empty ones left out, in the order given
  std::string place;                       // before the date; may be empty
  bool print_for_me = false;               // the organization prints and posts the letters
};

// Checks every field at once: the action's (parse_action) and the address lines (the first is
// required; each one line of at most max_line_chars without control characters). Problems go to
// `problems` with the codes of locales' error.field.<code> (address, too_long); malformed
// requests (unknown or repeated fields, channel or target sent, invalid UTF-8) are errors.
Result<LetterRequest> parse_letter_action(const Fields& fields, const domain::Campaign& campaign,
                                          std::vector<FieldError>& problems, const LetterLimits& limits = {});

// The record to store. A request to print and post is recorded with target "print" and carries
// the address (store::NewLetterRequest) for `twinning letters`; its address takes part in the
// request digest, so the same key with another address is a conflict. A download has no target,
// the store keeps no address for it, and downloading again with a corrected address under the same
// key is the same action.
store::NewAction to_letter_record(const LetterRequest& request, const domain::Campaign& campaign,
                                  const std::string& lang, std::chrono::sys_seconds now);

struct PreparedLetterRecord {
  store::NewAction action;
  std::string token;  // the confirmation link's secret; empty for a download
};

// The record with what it needs to be acted on: a request to print and post is held until the
// supporter opens the mailed link (the organization spends paper and stamps on it, and prints the
// supporter's name); a download is recorded at once.
Result<PreparedLetterRecord> prepare_letter_record(const LetterRequest& request, const domain::Campaign& campaign,
                                                   const std::string& lang, const std::string& base_url,
                                                   const i18n::Catalog& words, const MailSettings& mail,
                                                   std::chrono::sys_seconds now);

// The PDF the supporter downloads: a letter per recipient, then the envelope page. Errors: the
// campaign's addresses do not format or fit (check catches this before), the PDF cannot be made.
Result<std::string> letter_pdf(const LetterRequest& request, const domain::Campaign& campaign,
                               const domain::AddressFormatter& formatter, const std::string& page_url,
                               std::chrono::sys_seconds now);

}  // namespace twinning::app
