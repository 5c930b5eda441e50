#pragma once
// The organizer API's JSON, shaped on OSDI (Open Supporter Data Interface; field and resource names
// from the OSDI documents: advocacy_campaigns, outreaches, petitions, signatures, people) with HAL
// links. Pure functions: values in, JSON out; the handlers (http/handlers/api.cpp) do the I/O.
// docs/api.md says what maps to what.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "store/api_store.hpp"

namespace twinning::app::osdi {

// What every resource names as its origin_system and the system part of its identifiers.
inline constexpr const char* kSystem = "twinning";

// The longest filter text taken (bytes); longer is a bad request.
inline constexpr std::size_t kMaxFilterBytes = 512;

// The date filter of a collection, OSDI's OData subset: clauses joined by " and ", each
// `created_date|modified_date gt|lt '<date>'`, the date "YYYY-MM-DD" (midnight UTC) or
// "YYYY-MM-DDTHH:MM:SSZ". Bounds are strict. Two bounds of one kind keep the tighter. bad_request
// naming the field "filter" for anything else.
struct Filter {
  store::DateBounds created, modified;
};
Result<Filter> parse_filter(std::string_view text);

// page (from 1) and per_page (1 to max_per_page; default_per_page when absent): bad_request naming
// the parameter for a value that is not a whole number in range.
struct Paging {
  std::size_t page = 1;
  std::size_t per_page = 25;
  std::size_t offset() const { return (page - 1) * per_page; }
};
Result<Paging> parse_paging(std::optional<std::string_view> page, std::optional<std::string_view> per_page,
                            std::size_t default_per_page, std::size_t max_per_page);

// The OSDI type of an outreach made through a twinning channel: email -> "email", webform ->
// "web form", call -> "phone", letter -> "postal mail"; the channel id itself for any other.
std::string outreach_type(std::string_view channel);
// The channels whose actions are outreaches.
const std::vector<std::string>& outreach_channels();

// Where links point: `api` is the API's base ("https://host/api/v1"), `site` the public base URL.
struct Bases {
  std::string api;
  std::string site;
};

// The campaign's texts as the API shows them, in `lang` (rendered from the campaign's templates).
struct CampaignTexts {
  std::string title;          // the page title
  std::string petition_title;  // petition.title, or the page title
  std::string petition_text;  // petition.text, or empty
};
CampaignTexts campaign_texts(const domain::Campaign& c, const std::string& lang, const std::string& page_url);

// OSDI's target object for a target (title, given_name, organization, email/phone).
nlohmann::json target(const domain::Campaign& c, const domain::Target& t, const std::string& lang);

nlohmann::json advocacy_campaign(const domain::Campaign& c, const CampaignTexts& texts, const std::string& lang,
                                 std::int64_t total_outreaches, const Bases& bases);
nlohmann::json petition(const domain::Campaign& c, const CampaignTexts& texts, const std::string& lang,
                        std::int64_t total_signatures, const Bases& bases);
nlohmann::json outreach(const domain::Campaign& c, const store::ActionRecord& a, const std::string& lang,
                        const Bases& bases);
nlohmann::json signature(const store::SignatureRecord& s, const Bases& bases);
nlohmann::json person(const store::PersonRecord& p, const Bases& bases);

// A collection page: total_pages, per_page, page, total_records, _links (self, next, prev, the
// items' hrefs under `rel`) and _embedded[rel]. `path` is the collection's URL without query;
// `filter` (raw, may be empty) is kept in the next and prev links.
nlohmann::json collection(const std::string& rel, std::vector<nlohmann::json> items, std::int64_t total,
                          const Paging& paging, const std::string& path, const std::string& filter);

}  // namespace twinning::app::osdi
