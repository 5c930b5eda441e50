#pragma once
// Postal addresses written the way each country writes them, by the OpenCage address-formatting
// rules (https://github.com/OpenCageData/address-formatting) as the npm package
// @fragaria/address-formatter ships them: templates.json and its companion files.
//
// No I/O here: the files' texts come in (AddressFormatData), src/render/address_block.hpp reads
// them from disk once. `format` follows the reference implementation (Perl Geo::Address::Formatter,
// with the JavaScript port's reading of component-specific `replace` rules) step by step, so the
// conformance suite can hold it to the reference's output; `format_postal` is the strict entry
// point for twinning's own addresses: an unknown country or missing parts are errors there.
// docs/decisions/0009-address-formatting.md says why the rules are read as they are.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "domain/campaign.hpp"

namespace twinning::domain {

// Component name (OpenCage names: road, house_number, postcode, city, state, country_code, ...)
// -> value.
using AddressComponents = std::map<std::string, std::string>;

// The texts of the data files, as the npm package names them.
struct AddressFormatData {
  std::string templates;        // templates.json
  std::string aliases;          // aliases.json
  std::string state_codes;      // state-codes.json
  std::string county_codes;     // county-codes.json
  std::string country_to_lang;  // country-to-lang.json
  std::string abbreviations;    // abbreviations.json
};

struct AddressFormatOptions {
  // ISO 3166-1 alpha-2 code whose rules apply, whatever the components say (the reference's
  // `country` option). Empty: from the country_code component.
  std::string country;
  // ISO 639-1 code of the address's language. Picks the data's language variant (KR_ko, KR_en,
  // JP_ja...) when there is one; the reference ignores variants, twinning does not.
  std::string language;
  // ISO 15924 code of the address's script. A Latin-script address whose language has no variant
  // of its own uses the country's English variant when there is one (Naju in Latin letters for a
  // Danish reader is still written in the English order).
  std::string script;
  // Shorten words the data lists per language ("Street" -> "St"). Off by default, as in the
  // reference: an official's address is printed as the official writes it.
  bool abbreviate = false;
};

// One missing part of an address: what the country's writing needs and the address lacks.
struct MissingPart {
  std::string what;                     // for people: "a road or house name", "a postcode"
  std::vector<std::string> components;  // any one of these would do: {"road", "house"}
};

class AddressFormatter {
 public:
  // Parses and compiles the data: every template, regex and code table. Malformed data (bad JSON,
  // a regex ICU cannot compile, a Mustache tag the rules do not use) is an error naming the file,
  // the entry and what is wrong, so a new data version fails at start rather than on a letter.
  static Result<AddressFormatter> make(const AddressFormatData& data);

  // The address as the reference formats it: lines separated by "\n", ending with "\n". Never
  // fails: an unknown or missing country uses the default template, as the reference does.
  std::string format(const AddressComponents& components, const AddressFormatOptions& options = {}) const;

  // The same as lines, without the final newline's empty line.
  std::vector<std::string> format_lines(const AddressComponents& components,
                                        const AddressFormatOptions& options = {}) const;

  // True when the data has rules for this ISO 3166-1 alpha-2 code (upper case).
  bool knows_country(std::string_view code) const;

  // The rule key the options select for a country: "KR_ko", "KR_en", "DK", or "default".
  std::string rules_key(std::string_view country, const AddressFormatOptions& options) const;

  // ISO 639-1 codes (lower case) of the languages the data says the country writes addresses in.
  std::vector<std::string> country_languages(std::string_view country) const;

  // What a deliverable address needs and `components` lacks (see the rule in
  // docs/decisions/0009-address-formatting.md): a road or a house name; a postcode where the
  // country's template prints one; a city, town, village, hamlet or municipality where it prints
  // one. Empty when nothing is missing. Aliases count (street for road, building for house).
  // The country is options.country, else the country_code component, as for `format`.
  std::vector<MissingPart> missing_parts(const AddressComponents& components,
                                         const AddressFormatOptions& options = {}) const;

  // Twinning's own addresses: the country_code component must name a country the data knows, the
  // values must be UTF-8 and nothing required may be missing; then the lines of `format`, in the
  // variant chosen by the address's language and script. Errors (bad_request or invalid_utf8)
  // name the component at fault in Error::field and say what is missing in Error::message.
  Result<std::vector<std::string>> format_postal(const PostalAddress& address) const;

 private:
  struct Impl;
  explicit AddressFormatter(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// "a road or house name and a postcode": the missing parts as one phrase for an error message.
std::string describe_missing(const std::vector<MissingPart>& missing);

}  // namespace twinning::domain
