#pragma once
// The letters of one supporter, composed from the campaign's letter texts (letter.subject,
// letter.greeting, letter.body, letter.closing) for every target reached by letter: one per
// recipient, each in the recipient's language, the others named in its "cc:" list.
#include <chrono>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/address_format.hpp"
#include "domain/campaign.hpp"
#include "render/letter_pdf.hpp"

namespace twinning::render {

struct LetterSender {
  std::string name;
  std::string country;                     // ISO 3166-1 alpha-2
  std::vector<std::string> address_lines;  // as the supporter wrote them, without name and country
  std::string place;                       // town written before the date; may be empty
};

// What a letter in `lang` writes before its copy recipients ("Kopi til:" in Danish, "참조:" in
// Korean); "cc:" for a language without its own words here.
std::string copies_label(const std::string& lang);

// Errors: a target whose address the formatter refuses or that does not fit the window (the
// message names the target); a text that does not render.
Result<std::vector<Letter>> compose_letters(const domain::Campaign& campaign,
                                            const domain::AddressFormatter& formatter, const LetterSender& sender,
                                            std::chrono::sys_days date, const std::string& page_url = {});

}  // namespace twinning::render
