#include "delivery/webform/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace twinning::delivery::webform {
namespace {

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct CloseConverter {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using Converter = std::unique_ptr<UConverter, CloseConverter>;

Result<Converter> open_converter(std::string_view label) {
  const std::string name = converter_for(label);
  UErrorCode status = U_ZERO_ERROR;
  Converter conv(ucnv_open(name.c_str(), &status));
  if (U_FAILURE(status) || !conv) {
    return Error::make(ErrorKind::bad_request, "the character set \"" + std::string(label) + "\" is not known", {},
                       std::string("ucnv_open: ") + u_errorName(status));
  }
  return conv;
}

// The value of `name=` inside `s` (an attribute list or a Content-Type's parameters), up to a
// quote, space, ';' or '>'.
std::string value_after(std::string_view s, std::string_view name) {
  const std::string lower = lower_trimmed(s);
  auto at = lower.find(name);
  if (at == std::string::npos) return {};
  std::size_t i = at + name.size();
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '=' || lower[i] == '"' || lower[i] == '\'')) ++i;
  std::size_t end = i;
  while (end < lower.size() && lower[end] != '"' && lower[end] != '\'' && lower[end] != ';' && lower[end] != ' ' &&
         lower[end] != '>' && lower[end] != '/') {
    ++end;
  }
  return lower.substr(i, end - i);
}

}  // namespace

std::string converter_for(std::string_view label) {
  const std::string l = lower_trimmed(label);
  if (l.empty()) return {};
  // WHATWG Encoding Standard: every Korean label means windows-949.
  static constexpr std::array<std::string_view, 10> kKorean = {
      "euc-kr", "cseuckr", "csksc56011987", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
      "ksc5601", "ksc_5601", "windows-949"};
  if (std::find(kKorean.begin(), kKorean.end(), l) != kKorean.end()) return "windows-949-2000";
  static constexpr std::array<std::string_view, 8> kWestern = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1",
                                                               "latin1", "l1", "cp1252", "windows-1252"};
  if (std::find(kWestern.begin(), kWestern.end(), l) != kWestern.end()) return "windows-1252";
  if (l == "utf8" || l == "unicode-1-1-utf-8") return "UTF-8";
  return l;
}

std::string charset_from_content_type(std::string_view content_type) {
  return value_after(content_type, "charset");
}

std::string charset_from_meta(std::string_view page) {
  const std::string head = lower_trimmed(page.substr(0, std::min<std::size_t>(page.size(), 1024)));
  std::size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    const std::size_t end = head.find('>', pos);
    const std::string tag = head.substr(pos, end == std::string::npos ? std::string::npos : end - pos + 1);
    if (auto cs = value_after(tag, "charset"); !cs.empty()) return cs;
    if (end == std::string::npos) break;
    pos = end;
  }
  return {};
}

Result<Decoded> decode(std::string_view bytes, std::string_view label) {
  auto opened = open_converter(label);
  if (!opened) return opened.error();
  Converter conv = std::move(opened).value();
  Decoded out;
  // Counts what the substitute callback replaces, then lets it substitute as a browser would.
  struct Counter {
    std::size_t n = 0;
  } counter;
  UConverterToUCallback old_cb = nullptr;
  const void* old_ctx = nullptr;
  UErrorCode status = U_ZERO_ERROR;
  auto counting = [](const void* ctx, UConverterToUnicodeArgs* args, const char* code_units, int32_t length,
                     UConverterCallbackReason reason, UErrorCode* err) {
    if (reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR || reason == UCNV_UNASSIGNED) {
      ++static_cast<Counter*>(const_cast<void*>(ctx))->n;
    }
    UCNV_TO_U_CALLBACK_SUBSTITUTE(nullptr, args, code_units, length, reason, err);
  };
  ucnv_setToUCallBack(conv.get(), counting, &counter, &old_cb, &old_ctx, &status);
  icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), status);
  if (U_FAILURE(status)) {
    return Error::make(ErrorKind::bad_request, "the page cannot be read in " + std::string(label), {},
                       std::string("decode: ") + u_errorName(status));
  }
  u.toUTF8String(out.text);
  out.replaced = counter.n;
  return out;
}

Result<std::string> encode(std::string_view utf8, std::string_view label) {
  auto opened = open_converter(label);
  if (!opened) return opened.error();
  Converter conv = std::move(opened).value();
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setFromUCallBack(conv.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::string out(static_cast<std::size_t>(u.length()) * static_cast<std::size_t>(ucnv_getMaxCharSize(conv.get())) + 1,
                  '\0');
  status = U_ZERO_ERROR;
  const int32_t n = ucnv_fromUChars(conv.get(), out.data(), static_cast<int32_t>(out.size()), u.getBuffer(), u.length(),
                                    &status);
  if (status == U_INVALID_CHAR_FOUND || status == U_ILLEGAL_CHAR_FOUND) {
    // Name the first character that does not fit, so the supporter can rephrase.
    UChar32 bad = 0xFFFD;
    for (int32_t i = 0; i < u.length();) {
      const UChar32 c = u.char32At(i);
      UErrorCode one = U_ZERO_ERROR;
      icu::UnicodeString single(c);
      char buf[16];
      ucnv_reset(conv.get());
      ucnv_fromUChars(conv.get(), buf, sizeof buf, single.getBuffer(), single.length(), &one);
      if (U_FAILURE(one)) {
        bad = c;
        break;
      }
      i += U16_LENGTH(c);
    }
    std::string ch;
    icu::UnicodeString(bad).toUTF8String(ch);
    return Error::make(ErrorKind::bad_request,
                       "the site's character set (" + std::string(label) + ") cannot write \"" + ch + "\"", {},
                       "encode: unmappable U+" + std::to_string(bad));
  }
  if (U_FAILURE(status)) {
    return Error::make(ErrorKind::bad_request, "the text cannot be written in " + std::string(label), {},
                       std::string("encode: ") + u_errorName(status));
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto append = [](std::string& out, std::string_view bytes) {
    for (unsigned char c : bytes) {
      if (std::isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_') {
        out += static_cast<char>(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
      }
    }
  };
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    append(out, name);
    out += '=';
    append(out, value);
  }
  return out;
}

}  // namespace twinning::delivery::webform
