#pragma once
// The product's interface words per language (locales/<lang>.yaml), and locale negotiation.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::i18n {

// One language's words: a flat map from key ("form.name") to text.
class Catalog {
 public:
  Catalog() = default;
  Catalog(std::string lang, std::map<std::string, std::string> words)
      : lang_(std::move(lang)), words_(std::move(words)) {}
  const std::string& lang() const { return lang_; }
  // The text for `key`; the key itself when missing (visible, never empty).
  const std::string& get(const std::string& key) const;
  bool has(const std::string& key) const { return words_.count(key) > 0; }
  const std::map<std::string, std::string>& words() const { return words_; }

 private:
  std::string lang_;
  std::map<std::string, std::string> words_;
};

class Catalogs {
 public:
  // Loads every locales/<lang>.yaml; each must have the same keys as en.yaml.
  static Result<Catalogs> load(const std::filesystem::path& locales_dir);
  bool has(const std::string& lang) const { return by_lang_.count(lang) > 0; }
  // The catalog for `lang`, or English when there is none.
  const Catalog& get(const std::string& lang) const;
  std::vector<std::string> languages() const;

 private:
  std::map<std::string, Catalog> by_lang_;
};

// Picks the best of `available` for an Accept-Language header (RFC 9110 §12.5.4: q-values,
// language ranges, primary-subtag match), or `fallback` when nothing matches or the header is
// malformed. Never fails: a bad header only means no preference.
std::string negotiate_language(std::string_view accept_language, const std::vector<std::string>& available,
                               const std::string& fallback);

// The region of the most preferred language range that names one ("da-DK" -> "DK"), upper case;
// empty when none does. A first guess for the supporter's country.
std::string region_from_accept_language(std::string_view accept_language);

struct Country {
  std::string code;  // ISO 3166-1 alpha-2
  std::string name;  // in the display language
};
// Every current ISO 3166-1 country, named in `lang` and sorted by that language's collation.
const std::vector<Country>& countries(const std::string& lang);
// The name of a country in `lang` ("DK" in da -> "Danmark"); the code when unknown.
std::string country_name(const std::string& code, const std::string& lang);
// The language's name in that language ("da" -> "dansk").
std::string language_name(const std::string& lang, const std::string& in_lang);

}  // namespace twinning::i18n
