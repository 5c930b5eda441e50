#pragma once
// Printable letters as PDF, drawn with cairo and laid out with pango. cairo embeds and subsets
// every font it uses; Noto Sans CJK covers Latin, Danish and Hangul alike (scripts/bootstrap).
//
// The recipient's address sits where a window envelope shows it:
// - A4, DIN 5008 form B: the address field is 85 x 45 mm, 20 mm from the left edge and 45 mm from
//   the top; its upper 17.7 mm are the return-address/remark zone (5 lines), the lower 27.3 mm the
//   address zone (9 lines at most). Text starts 5 mm inside the field (25 mm from the edge).
// - US Letter, #10 window envelope (4 1/8 x 9 1/2 in; USPS Publication 25 and the common
//   envelope makers' spec): window 4 1/2 x 1 1/8 in, 7/8 in from the left, 1/2 in from the bottom,
//   so 2 1/2 in below the envelope's top edge when the tri-folded letter rides at the top.
// A block that does not fit its window is an error naming the recipient, never a cut line.
//
// LetterPdfWriter streams: every page goes to the output once drawn (cairo keeps only the fonts'
// glyph lists until finish), so a batch of 10,000 letters needs no more memory than one of 1,000.
#include <chrono>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "render/address_block.hpp"

namespace twinning::render {

enum class PaperSize { a4, us_letter };

// US Letter for senders in the US and Canada, A4 for everyone else.
PaperSize paper_for(std::string_view sender_country);

// A rectangle on the page in PDF points (1/72 in), origin top left.
struct PageRect {
  double x = 0, y = 0, width = 0, height = 0;
};

struct PageGeometry {
  double width = 0, height = 0;  // the sheet
  PageRect address_field;        // the whole window area
  PageRect return_zone;          // the sender's one-line return address
  PageRect address_zone;         // where the recipient's block goes
  double margin_left = 0, margin_right = 0, margin_top = 0, margin_bottom = 0;
};
PageGeometry page_geometry(PaperSize paper);

// "25. november 2026", "November 25, 2026", "2026년 11월 25일": ICU's long date style in `lang`.
std::string long_date(std::chrono::sys_days day, const std::string& lang);

struct Letter {
  std::string lang;                       // of the letter's text (pango shapes and breaks by it)
  std::string recipient;                  // names the letter in errors ("Mayor Jørgen Andersen")
  AddressBlocks address;                  // window block and transliterations (address_block.hpp)
  std::vector<std::string> sender_lines;  // name and address, top right
  std::string place;                      // the sender's town, before the date
  std::chrono::sys_days date{};
  std::string subject;                    // bold, above the greeting; may be empty
  std::string greeting;
  std::string body;                       // paragraphs separated by blank lines
  std::string closing;                    // "Yours sincerely,"; space for a signature follows
  std::string signature;                  // the name under the signature space
  std::vector<std::string> cc;            // "cc:" list of copy recipients; may be empty
  std::string cc_label = "cc:";
};

// One envelope on the addresses page: the window block and the outside blocks under it.
struct Envelope {
  std::string recipient;
  AddressBlocks address;
};

class LetterPdfWriter {
 public:
  // Pages go to `out` as they are finished; `out` must outlive the writer.
  static Result<std::unique_ptr<LetterPdfWriter>> open(std::ostream& out, PaperSize paper);
  ~LetterPdfWriter();
  LetterPdfWriter(const LetterPdfWriter&) = delete;
  LetterPdfWriter& operator=(const LetterPdfWriter&) = delete;

  // Draws `letter` on one or more pages. Errors (nothing drawn): the window block does not fit
  // (invalid_argument, message names the recipient and the line); the output failed (io).
  Result<void> add_letter(const Letter& letter);
  // Pages listing every envelope's address, as many as they need.
  Result<void> add_envelope_pages(const std::vector<Envelope>& envelopes);
  // Writes the fonts and the trailer; the writer takes no more pages after it.
  Result<void> finish();

  std::size_t pages() const;

  struct Impl;

 private:
  explicit LetterPdfWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every letter, then a page of envelope addresses, as one PDF document.
Result<std::string> render_letters_pdf(const std::vector<Letter>& letters, PaperSize paper);

// Does `block` fit the window of `paper`? An error names `recipient` and the offending line.
Result<void> check_window_fit(const AddressBlock& block, PaperSize paper, const std::string& recipient);

}  // namespace twinning::render
