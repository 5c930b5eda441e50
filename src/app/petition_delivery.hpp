#pragma once
// `twinning petition deliver`: the petition handed to its addressees (issue 7). One PDF per To
// target with an email address — the petition's title and text in the target's language, the
// number of confirmed signatures, the totals per country and the comments (no names, no emails) —
// drawn by the letter renderer, and the mail that carries it, queued through the outbox like any
// other message (nothing reaches a real person in the demo: the spool).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/address_format.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "mail/message.hpp"
#include "store/api_store.hpp"
#include "store/store.hpp"

namespace twinning::app {

struct PetitionTally {
  std::int64_t count = 0;                               // confirmed signatures
  std::map<std::string, std::int64_t> by_country;       // ISO 3166 code -> signatures
  std::vector<std::pair<std::string, std::string>> comments;  // (country, comment), oldest first
  std::int64_t comments_left_out = 0;                   // over max_comments
};

// Counts the campaign's confirmed signatures; keeps at most `max_comments` non-empty comments.
Result<PetitionTally> tally_petition(store::ApiStore& store, const std::string& campaign, std::size_t max_comments);

struct PetitionDelivery {
  std::string target;  // the target's id
  std::string pdf;     // the document
  mail::Email email;   // carrying it as an attachment
  store::OutboxMessage message;  // what to queue
};

// The deliveries for every To target with an email address. Errors: a petition text that does
// not render, a target address the formatter refuses, a mail that cannot be built; not_found when
// no To target has an email address.
Result<std::vector<PetitionDelivery>> petition_deliveries(const domain::Campaign& campaign, const PetitionTally& tally,
                                                          const i18n::Catalogs& catalogs,
                                                          const domain::AddressFormatter& formatter,
                                                          const std::string& page_url, const MailSettings& mail,
                                                          std::chrono::sys_seconds now);

}  // namespace twinning::app
