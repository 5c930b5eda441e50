#pragma once
// What a caller in one country dials to reach a number stored in E.164. libphonenumber knows
// each country's international prefix ("exit code") and national format; where a country has
// several prefixes and no preferred one (Korea: one per carrier), the caller is told so with the
// choices, instead of being given one picked silently.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::domain {

// libphonenumber's number types. Some plans do not tell landlines from mobiles (Denmark, the
// US): those numbers are fixed_line_or_mobile.
enum class NumberType {
  fixed_line,
  mobile,
  fixed_line_or_mobile,
  toll_free,
  premium_rate,
  shared_cost,
  voip,
  personal_number,
  pager,
  uan,
  voicemail,
  unknown,
};
std::string_view number_type_id(NumberType t);

// More choices than this are described by their pattern only: a list of 40 codes helps nobody.
inline constexpr std::size_t kMaxListedPrefixes = 20;

// How callers in one country reach other countries, from libphonenumber's metadata.
struct InternationalPrefix {
  std::string region;     // ISO 3166-1 alpha-2 of the caller
  std::string pattern;    // as in the metadata: "011", "00", "00(?:[125689]|3(?:[46]5|91)|...)"
  std::string preferred;  // the one to use when the pattern allows several ("0011" in AU); may be empty
  // Every prefix the pattern allows (shortest first, then ascending), when it allows several and at most
  // kMaxListedPrefixes of them; empty otherwise.
  std::vector<std::string> choices;
  // One sequence of digits, possibly with "~" (wait for a second dial tone: Russia's "8~10").
  bool single() const;
  // Several prefixes and none preferred: the caller must pick theirs.
  bool must_choose() const { return !single() && preferred.empty(); }
};

// nullopt for a region libphonenumber has no metadata for ("AQ", "XX", "us").
std::optional<InternationalPrefix> international_prefix(std::string_view region);

struct Dialing {
  std::string e164;           // "+4540781475"
  std::string tel_uri;        // "tel:+4540781475" (RFC 3966): a phone's dialer reaches it from anywhere
  std::string number_region;  // where the number is: "DK"
  std::string caller_region;  // "US"; empty when the caller's country is unknown
  std::string international;  // "+45 40 78 14 75"
  // Exactly what the caller dials: "011 45 40 78 14 75" from the US, "40 78 14 75" inside
  // Denmark. With choose_prefix, and for an unknown caller, the international format with "+".
  std::string dial;
  bool domestic = false;  // same country calling code as the number: no international prefix
  // The caller's country has several international prefixes and none preferred: "+" in `dial`
  // stands for one of `prefix_choices` (or of `prefix_pattern` when they are too many to list).
  bool choose_prefix = false;
  std::string after_prefix;  // with choose_prefix: what follows the prefix ("45 40 78 14 75")
  std::vector<std::string> prefix_choices;
  std::string prefix_pattern;   // the caller country's international_prefix pattern
  bool waits_for_tone = false;  // `dial` holds "~": dial what is before it, wait for a dial tone, go on
  NumberType type = NumberType::unknown;
};

// bad_request when `e164` is not written in E.164 or libphonenumber does not hold it valid. An
// empty or unknown caller region gives the international format with caller_region empty.
Result<Dialing> dialing_for(std::string_view caller_region, std::string_view e164);

}  // namespace twinning::domain
