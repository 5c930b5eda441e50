#include "app/review.hpp"

#include <sodium.h>

#include <unicode/unistr.h>

#include "common/digest.hpp"

namespace twinning::app {

std::string written_fingerprint(std::string_view text) {
  // Unicode case folding, so ÆBLE and æble are one text; white space runs become one space.
  std::string folded;
  icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())))
      .foldCase()
      .toUTF8String(folded);
  std::string normalized;
  bool space = true;  // drops leading white space
  for (char c : folded) {
    const bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (is_space) {
      if (!space) normalized += ' ';
      space = true;
    } else {
      normalized += c;
      space = false;
    }
  }
  if (!normalized.empty() && normalized.back() == ' ') normalized.pop_back();
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(normalized.data()),
                     normalized.size(), nullptr, 0);
  return to_hex(digest, sizeof digest);
}

std::optional<store::WrittenPart> written_part(const EmailActionInput& in, const ReviewSettings& settings) {
  std::string text;
  auto add = [&](const char* label, const std::string& part) {
    if (part.empty()) return;
    if (!text.empty()) text += "\n\n";
    text += std::string(label) + part;
  };
  add("", in.note);
  if (in.subject) add("Subject: ", *in.subject);
  if (in.body) add("Body: ", *in.body);
  if (text.empty()) return std::nullopt;  // the campaign's own text alone is never held
  store::WrittenPart w;
  w.fingerprint = written_fingerprint(text);
  w.text = std::move(text);
  w.hold_from_people = settings.same_text_people;
  w.window = settings.same_text_window;
  return w;
}

}  // namespace twinning::app
