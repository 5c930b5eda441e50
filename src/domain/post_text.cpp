#include "domain/post_text.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/regex.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "common/public_suffix.hpp"
#include "common/utf8.hpp"

namespace twinning::domain {

namespace {

using icu::UnicodeString;

// ---- The patterns, after twitter-text's (js/src/regexp/). Sets are spelled with \x{...} so no
// character of them can be read as set syntax by ICU.

// What twitter-text calls spaces, invalid characters and directional marks.
constexpr const char* kSpaces =
    R"(\x{09}-\x{0D}\x{20}\x{85}\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";
constexpr const char* kInvalidChars = R"(\x{FFFE}\x{FEFF}\x{FFFF})";
constexpr const char* kDirectional = R"(\x{202A}-\x{202E}\x{061C}\x{200E}\x{200F}\x{2066}-\x{2069})";
// ASCII punctuation except " and ` (twitter-text lets those into domain names).
constexpr const char* kPunct =
    R"(\x{21}\x{27}\x{23}\x{25}\x{26}\x{28}\x{29}\x{2A}\x{2B}\x{2C}\x{5C}\x{2D}\x{2E}\x{2F}\x{3A}\x{3B}\x{3C})"
    R"(\x{3D}\x{3E}\x{3F}\x{40}\x{5B}\x{5D}\x{5E}\x{5F}\x{7B}\x{7C}\x{7D}\x{7E}\x{24})";
constexpr const char* kLatinAccents =
    R"(\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{100}-\x{24F}\x{253}\x{254}\x{256}\x{257}\x{259}\x{25B})"
    R"(\x{263}\x{268}\x{26F}\x{272}\x{289}\x{28B}\x{2BB}\x{300}-\x{36F}\x{1E00}-\x{1EFF})";
constexpr const char* kCyrillic = R"(\x{400}-\x{4FF})";
constexpr const char* kAtSigns = R"([\x{40}\x{FF20}])";
constexpr const char* kHashSigns = R"([\x{23}\x{FF03}])";
// Letters, marks, decimal digits and the few others twitter-text lets into a hashtag.
constexpr const char* kHashtagAlnum =
    R"([\p{L}\p{M}\p{Nd}\x{5F}\x{200C}\x{200D}\x{A67E}\x{05BE}\x{05F3}\x{05F4}\x{FF5E}\x{301C}\x{309B}\x{309C})"
    R"(\x{30A0}\x{30FB}\x{3003}\x{0F0B}\x{0F0C}\x{00B7}])";
constexpr const char* kHashtagAlpha = R"([\p{L}\p{M}])";

// Longer than this (with the protocol) and twitter-text does not take it for a link.
constexpr int kMaxUrlLength = 4096;
constexpr int kMaxTcoSlugLength = 40;
constexpr int kMaxDomainLabelLength = 63;

std::string str(const char* s) { return s; }

std::string domain_patterns_tld(const std::vector<std::string>& tlds) {
  std::string alternation;
  for (const auto& t : tlds) alternation += (alternation.empty() ? "" : "|") + t;
  return "(?:(?:" + alternation + R"()(?=[^0-9a-zA-Z\x{40}\x{2B}\x{2D}]|\z)))";
}

struct Patterns {
  std::string url, ascii_domain, tco, mention, end_mention, reply, hashtag, end_hashtag, remote_mention;
};

Patterns build_patterns(const std::vector<std::string>& tlds) {
  Patterns p;
  const std::string domain_char = "[^" + str(kPunct) + kSpaces + kInvalidChars + kDirectional + "]";
  const std::string subdomain = "(?:(?:" + domain_char + R"((?:[\x{5F}\x{2D}]|)" + domain_char + ")*)?" +
                                domain_char + R"(\.))";
  const std::string domain_name = "(?:(?:" + domain_char + R"((?:\x{2D}|)" + domain_char + ")*)?" + domain_char +
                                  R"(\.))";
  const std::string tld = domain_patterns_tld(tlds);
  const std::string punycode = R"((?:xn--[\x{2D}0-9a-z]+))";
  const std::string domain = "(?:" + subdomain + "*" + domain_name + "(?:" + tld + "|" + punycode + "))";
  const std::string preceding = R"((?:[^A-Za-z0-9\x{40}\x{FF20}\x{24}\x{23}\x{FF03})" + str(kInvalidChars) + "]|[" +
                                kDirectional + R"(]|\A))";
  const std::string path_char = "[a-z" + str(kCyrillic) +
                                R"(0-9\x{21}\x{2A}\x{27}\x{3B}\x{3A}\x{3D}\x{2B}\x{2C}\x{2E}\x{24}\x{2F}\x{25}\x{23})"
                                R"(\x{5B}\x{5D}\x{2D}\x{2013}\x{5F}\x{7E}\x{40}\x{7C}\x{26})" +
                                kLatinAccents + "]";
  // Up to two levels of balanced parentheses: Wikipedia's /Primer_(film), IIS's /S(dfd346)/.
  const std::string parens = R"(\((?:)" + path_char + "+|(?:" + path_char + R"(*\()" + path_char + R"(+\))" +
                             path_char + R"(*))\))";
  const std::string path_end = "(?:[\\x{2B}\\x{2D}a-z" + str(kCyrillic) + R"(0-9\x{3D}\x{5F}\x{23}\x{2F})" +
                               kLatinAccents + "]|(?:" + parens + "))";
  // An @ only in the middle of a path: http://example.com/@user/
  const std::string path = "(?:(?:" + path_char + "*(?:" + parens + path_char + "*)*" + path_end + ")|(?:@" +
                           path_char + R"(+\x{2F})))";
  const std::string query_char =
      R"([a-z0-9\x{21}\x{3F}\x{2A}\x{27}\x{40}\x{28}\x{29}\x{3B}\x{3A}\x{26}\x{3D}\x{2B}\x{24}\x{2F}\x{25}\x{23})"
      R"(\x{5B}\x{5D}\x{2D}\x{5F}\x{2E}\x{2C}\x{7E}\x{7C}])";
  const std::string query_end = R"([a-z0-9\x{2D}\x{5F}\x{26}\x{3D}\x{23}\x{2F}])";
  // Groups: 1 all, 2 preceding character, 3 URL, 4 protocol, 5 domain, 6 port, 7 path, 8 query.
  p.url = "((" + preceding + ")((https?://)?(" + domain + R"()(?::([0-9]+))?(\x{2F})" + path + R"(*)?(\?)" +
          query_char + "*" + query_end + ")?))";
  p.ascii_domain = R"((?:(?:[\x{2D}a-z0-9)" + str(kLatinAccents) + R"(]+)\.)+(?:)" + tld + "|" + punycode + ")";
  p.tco = R"(https?://t\.co/([a-z0-9]+)(?:\?)" + query_char + "*" + query_end + ")?";
  // After "RT" or "RT:" a mention counts even without a space: "RT@name".
  p.mention = R"((\A|[^a-zA-Z0-9\x{5F}\x{21}\x{23}\x{24}\x{25}\x{26}\x{2A}\x{40}\x{FF20}]|(?:\A|[^a-zA-Z0-9\x{5F}\x{2B}\x{7E}\x{2E}\x{2D}])(?:rt|RT|rT|Rt)\x{3A}?)()" +
              str(kAtSigns) + R"()([a-zA-Z0-9\x{5F}]{1,20})(\x{2F}[a-zA-Z][a-zA-Z0-9\x{5F}\x{2D}]{0,24})?)";
  p.end_mention = "(?:" + str(kAtSigns) + "|[" + kLatinAccents + "]|://)";
  p.reply = "(?:[" + str(kSpaces) + "])*" + kAtSigns + R"(([a-zA-Z0-9\x{5F}]{1,20}))";
  p.hashtag = R"((\A|\x{FE0E}|\x{FE0F}|(?!)" + str(kHashtagAlnum) + R"(|\x{26})[\x{0}-\x{10FFFF}])()" + kHashSigns +
              R"()(?!\x{FE0F}|\x{20E3})()" + kHashtagAlnum + "*" + kHashtagAlpha + kHashtagAlnum + "*)";
  p.end_hashtag = "(?:" + str(kHashSigns) + "|://)";
  // Mastodon counts "@user@server" as "@user".
  p.remote_mention = R"((\A|[^/\p{L}\p{M}\p{Nd}\x{5F}])(@[a-z0-9\x{5F}]+)(@[a-z0-9.\x{2D}]+[a-z0-9]+))";
  return p;
}

// Unicode top-level domains in the list (Hangul, Devanagari...) have letters and combining marks.
bool is_tld_text(const std::string& tld) {
  if (tld.empty() || tld.front() == '-' || tld.back() == '-') return false;
  UnicodeString u = UnicodeString::fromUTF8(tld);
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    const auto cat = U_GET_GC_MASK(c);
    if (c != '-' && (cat & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) == 0) return false;
    i += U16_LENGTH(c);
  }
  return true;
}

std::unique_ptr<icu::RegexPattern> compile(const std::string& pattern, uint32_t flags, std::string& error) {
  UParseError pe{};
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexPattern> p(icu::RegexPattern::compile(UnicodeString::fromUTF8(pattern), flags, pe, st));
  if (U_FAILURE(st)) {
    error = std::string(u_errorName(st)) + " at offset " + std::to_string(pe.offset);
    return nullptr;
  }
  return p;
}

std::string utf8(const UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

Result<UnicodeString> decode(std::string_view text) {
  if (!is_valid_utf8(text)) return Error::make(ErrorKind::invalid_utf8, "the text is not valid UTF-8");
  return UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

// A URL as twitter-text's extractUrlsWithIndices finds it, in UTF-16 offsets.
struct UrlSpan {
  int start = 0;
  int end = 0;
  bool protocol = false;
};

struct Span {
  int start = 0;
  int end = 0;
};

}  // namespace

struct PostText::Impl {
  std::unique_ptr<icu::RegexPattern> url, ascii_domain, tco, mention, end_mention, reply, hashtag, end_hashtag,
      remote_mention;
  std::set<std::string> ascii_tlds;  // for host names: "com", "xn--3e0b707e" (한국)

  std::unique_ptr<icu::RegexMatcher> matcher(const icu::RegexPattern& p, const UnicodeString& text) const {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(p.matcher(text, st));
    if (U_FAILURE(st)) throw ErrorException(Error::make(ErrorKind::internal, "regex matcher", {}, u_errorName(st)));
    return m;
  }

  // Does `p` match `text` right at `from` (twitter-text's checks of what follows a mention)?
  bool looking_at(const icu::RegexPattern& p, const UnicodeString& text, int from) const {
    auto m = matcher(p, text);
    UErrorCode st = U_ZERO_ERROR;
    m->region(from, text.length(), st);
    return U_SUCCESS(st) && m->lookingAt(st) && U_SUCCESS(st);
  }

  // twitter-text's idna.toAscii: every label, in Punycode where it is not ASCII, must have 1 to
  // 63 characters, and a domain written "xn--..." must be ASCII.
  bool domain_labels_ok(const UnicodeString& domain) const {
    if (domain.startsWith(UnicodeString(u"xn--"))) {
      auto m = matcher(*ascii_domain, domain);
      UErrorCode st = U_ZERO_ERROR;
      if (!m->find(st)) return false;
    }
    int32_t label_start = 0;
    while (label_start <= domain.length()) {
      int32_t dot = domain.indexOf(u'.', label_start);
      if (dot < 0) dot = domain.length();
      // Punycode (the JavaScript library twitter-text uses) also splits at 。．｡.
      int encoded_length = 0;
      int parts = 0;
      std::u32string part;
      bool part_ascii = true;
      auto flush = [&] {
        if (parts++ > 0) ++encoded_length;  // the separator
        if (part_ascii) {
          encoded_length += static_cast<int>(part.size());
        } else {
          const std::string code = punycode_encode(part);
          encoded_length += 4 + static_cast<int>(code.size());
        }
        part.clear();
        part_ascii = true;
      };
      for (int32_t i = label_start; i < dot;) {
        const UChar32 c = domain.char32At(i);
        i += U16_LENGTH(c);
        if (c == 0x3002 || c == 0xFF0E || c == 0xFF61) {
          flush();
          continue;
        }
        if (c > 0x7E) part_ascii = false;
        part.push_back(static_cast<char32_t>(c));
      }
      flush();
      if (encoded_length < 1 || encoded_length > kMaxDomainLabelLength) return false;
      label_start = dot + 1;
    }
    return true;
  }

  std::vector<UrlSpan> urls(const UnicodeString& text) const {
    std::vector<UrlSpan> out;
    if (text.indexOf(u'.') < 0) return out;
    auto m = matcher(*url, text);
    UErrorCode st = U_ZERO_ERROR;
    while (m->find(st) && U_SUCCESS(st)) {
      const int url_start = m->start(3, st);
      int url_end = m->end(3, st);
      const bool protocol = m->start(4, st) >= 0;
      const int domain_start = m->start(5, st);
      const int domain_end = m->end(5, st);
      const bool path = m->start(7, st) >= 0;
      const UnicodeString domain = text.tempSubStringBetween(domain_start, domain_end);
      const int protocol_length = protocol ? m->end(4, st) - m->start(4, st) : 8;  // "https://"
      if (!domain_labels_ok(domain) || protocol_length + (url_end - url_start) > kMaxUrlLength) continue;
      if (protocol) {
        // A t.co link ends with its slug (and query): "http://t.co/abc's" is http://t.co/abc.
        const UnicodeString candidate = text.tempSubStringBetween(url_start, url_end);
        auto t = matcher(*tco, candidate);
        UErrorCode tst = U_ZERO_ERROR;
        if (t->lookingAt(tst) && U_SUCCESS(tst)) {
          if (t->end(1, tst) - t->start(1, tst) > kMaxTcoSlugLength) continue;
          url_end = url_start + t->end(0, tst);
        }
        out.push_back({url_start, url_end, true});
        continue;
      }
      // Without a protocol, only the ASCII domains inside count ("example.com" in "これはexample.com").
      const int before_start = m->start(2, st);
      const int before_end = m->end(2, st);
      if (before_end > before_start) {
        const UChar b = text.charAt(before_end - 1);
        if (b == u'-' || b == u'_' || b == u'.' || b == u'/') continue;
      }
      const UnicodeString domain_copy(domain);
      auto a = matcher(*ascii_domain, domain_copy);
      UErrorCode ast = U_ZERO_ERROR;
      int ascii_end = 0;
      std::size_t found = 0;
      while (a->find(ast) && U_SUCCESS(ast)) {
        const UnicodeString piece = a->group(ast);
        const int at = domain_copy.indexOf(piece, ascii_end);
        ascii_end = at + piece.length();
        out.push_back({domain_start + at, domain_start + ascii_end, false});
        ++found;
      }
      if (found > 0 && path) out.back().end = url_end;
    }
    return out;
  }

  std::vector<TextEntity> entities(const UnicodeString& text, const std::vector<UrlSpan>& spans) const {
    std::vector<TextEntity> out;
    for (const auto& s : spans) out.push_back({utf8(text.tempSubStringBetween(s.start, s.end)), {}, s.start, s.end});
    return out;
  }

  std::vector<TextEntity> mentions_or_lists(const UnicodeString& text) const {
    std::vector<TextEntity> out;
    if (text.indexOf(u'@') < 0 && text.indexOf(u'＠') < 0) return out;
    auto m = matcher(*mention, text);
    UErrorCode st = U_ZERO_ERROR;
    while (m->find(st) && U_SUCCESS(st)) {
      // What follows decides, not a lookahead: "@aliceìnheiro" is no mention at all, not "@alic".
      if (looking_at(*end_mention, text, m->end(0, st))) continue;
      TextEntity e;
      e.text = utf8(m->group(3, st));
      if (m->start(4, st) >= 0) e.list_slug = utf8(m->group(4, st));
      e.start = m->start(2, st);
      e.end = m->end(0, st);
      out.push_back(std::move(e));
    }
    return out;
  }

  std::vector<TextEntity> hashtags(const UnicodeString& text) const {
    std::vector<TextEntity> tags;
    if (text.indexOf(u'#') < 0 && text.indexOf(u'＃') < 0) return tags;
    auto m = matcher(*hashtag, text);
    UErrorCode st = U_ZERO_ERROR;
    while (m->find(st) && U_SUCCESS(st)) {
      if (looking_at(*end_hashtag, text, m->end(0, st))) continue;
      tags.push_back({utf8(m->group(3, st)), {}, m->start(2, st), m->end(0, st)});
    }
    // A hashtag inside a link is part of the link: http://example.com/#anchor.
    const auto links = urls(text);
    if (links.empty() || tags.empty()) return tags;
    struct Item {
      int start, end;
      const TextEntity* tag;
    };
    std::vector<Item> all;
    for (const auto& t : tags) all.push_back({t.start, t.end, &t});
    for (const auto& u : links) all.push_back({u.start, u.end, nullptr});
    std::stable_sort(all.begin(), all.end(), [](const Item& a, const Item& b) { return a.start < b.start; });
    std::vector<TextEntity> kept;
    int previous_end = -1;
    for (const auto& item : all) {
      if (previous_end > item.start) continue;
      previous_end = item.end;
      if (item.tag != nullptr) kept.push_back(*item.tag);
    }
    return kept;
  }

  std::vector<Span> emoji(const UnicodeString& text) const;
};

namespace {

UChar32 at(const UnicodeString& s, int32_t i) { return s.char32At(i); }
bool has(UChar32 c, UProperty p) { return u_hasBinaryProperty(c, p) != 0; }

// Where the emoji sequence starting a grapheme cluster [start, end) ends; `start` when the cluster
// does not start with one. A keycap (1⃣), a flag (two regional indicators), a character shown as
// emoji by default (😷), or one shown as text by default (☺, ©) made emoji by U+FE0F, a skin
// tone or a zero-width join; what follows in the sequence (modifiers, tags, joined emoji) is
// part of it, anything else (a stray combining mark) is not.
int32_t emoji_end(const UnicodeString& s, int32_t start, int32_t end) {
  const UChar32 first = at(s, start);
  int32_t i = start + U16_LENGTH(first);
  auto next_is = [&](UChar32 c) { return i < end && at(s, i) == c; };
  if ((first >= '0' && first <= '9') || first == '#' || first == '*') {
    if (next_is(0xFE0F)) ++i;
    return next_is(0x20E3) ? i + 1 : start;
  }
  if (has(first, UCHAR_REGIONAL_INDICATOR)) {
    if (i < end && has(at(s, i), UCHAR_REGIONAL_INDICATOR)) return i + U16_LENGTH(at(s, i));
    return i;
  }
  const bool presentation = has(first, UCHAR_EMOJI_PRESENTATION);
  if (!presentation && !(has(first, UCHAR_EMOJI) && has(first, UCHAR_EXTENDED_PICTOGRAPHIC))) return start;
  if (next_is(0xFE0E)) return start;  // asked to be shown as text
  bool emoji = presentation;
  while (i < end) {
    const UChar32 c = at(s, i);
    if (c == 0xFE0F || c == 0x20E3 || has(c, UCHAR_EMOJI_MODIFIER) || (c >= 0xE0020 && c <= 0xE007F)) {
      emoji = true;
      i += U16_LENGTH(c);
      continue;
    }
    if (c == 0x200D && i + 1 < end) {
      const UChar32 joined = at(s, i + 1);
      if (has(joined, UCHAR_EXTENDED_PICTOGRAPHIC) || has(joined, UCHAR_EMOJI)) {
        emoji = true;
        i += 1 + U16_LENGTH(joined);
        continue;
      }
    }
    break;
  }
  return emoji ? i : start;
}

}  // namespace

std::vector<Span> PostText::Impl::emoji(const UnicodeString& text) const {
  std::vector<Span> out;
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st)) throw ErrorException(Error::make(ErrorKind::internal, "grapheme iterator", {}, u_errorName(st)));
  bi->setText(text);
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    const int32_t e = emoji_end(text, start, end);
    if (e > start) out.push_back({start, e});
  }
  return out;
}

const TweetConfig& tweet_config_v3() {
  static const TweetConfig config{3, kXMaxWeightedLength, 100, 200, kLinkLength, true,
                                  {{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}}};
  return config;
}

Result<PostText> PostText::make(const std::vector<std::string>& tlds) {
  std::vector<std::string> usable;
  for (const auto& t : tlds) {
    if (is_tld_text(t)) usable.push_back(t);
  }
  if (usable.empty()) return Error::make(ErrorKind::internal, "no usable top-level domain for link detection");
  // Longest alternative first where one is a prefix of another ("community" before "com").
  std::sort(usable.begin(), usable.end(), std::greater<>());
  usable.erase(std::unique(usable.begin(), usable.end()), usable.end());

  auto impl = std::make_shared<Impl>();
  const Patterns p = build_patterns(usable);
  std::string error;
  struct Spec {
    const char* name;
    std::unique_ptr<icu::RegexPattern>* slot;
    const std::string* pattern;
    uint32_t flags;
  };
  const Spec all[] = {
      {"url", &impl->url, &p.url, UREGEX_CASE_INSENSITIVE},
      {"ascii_domain", &impl->ascii_domain, &p.ascii_domain, UREGEX_CASE_INSENSITIVE},
      {"tco", &impl->tco, &p.tco, UREGEX_CASE_INSENSITIVE},
      {"mention", &impl->mention, &p.mention, 0},
      {"end_mention", &impl->end_mention, &p.end_mention, 0},
      {"reply", &impl->reply, &p.reply, 0},
      {"hashtag", &impl->hashtag, &p.hashtag, UREGEX_CASE_INSENSITIVE},
      {"end_hashtag", &impl->end_hashtag, &p.end_hashtag, 0},
      {"remote_mention", &impl->remote_mention, &p.remote_mention, UREGEX_CASE_INSENSITIVE},
  };
  for (const auto& spec : all) {
    *spec.slot = compile(*spec.pattern, spec.flags, error);
    if (!*spec.slot) {
      return Error::make(ErrorKind::internal, "a post text pattern does not compile", {},
                         std::string(spec.name) + ": " + error);
    }
  }
  for (const auto& t : usable) {
    UnicodeString u = UnicodeString::fromUTF8(t);
    std::u32string cps;
    bool ascii = true;
    for (int32_t i = 0; i < u.length();) {
      const UChar32 c = u.char32At(i);
      ascii = ascii && c < 0x80;
      cps.push_back(static_cast<char32_t>(c));
      i += U16_LENGTH(c);
    }
    if (ascii) {
      impl->ascii_tlds.insert(t);
    } else if (auto code = punycode_encode(cps); !code.empty()) {
      impl->ascii_tlds.insert("xn--" + code);
    }
  }
  return PostText(std::move(impl));
}

Result<std::shared_ptr<const PostText>> PostText::shared() {
  static std::mutex mutex;
  static std::shared_ptr<const std::vector<std::string>> built_from;
  static std::optional<Result<std::shared_ptr<const PostText>>> built;
  auto tlds = public_suffix_tlds();
  if (!tlds.ok()) return tlds.error();
  std::lock_guard lock(mutex);
  if (!built || built_from != tlds.value()) {
    auto made = make(*tlds.value());
    built_from = tlds.value();
    if (made.ok()) {
      built = std::make_shared<const PostText>(std::move(made).value());
    } else {
      built = made.error();
    }
  }
  return *built;
}

Result<TweetParse> PostText::parse_tweet(std::string_view text, const TweetConfig& config) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  const UnicodeString& original = decoded.value();
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(st);
  if (U_FAILURE(st)) return Error::make(ErrorKind::internal, "NFC normalizer", {}, u_errorName(st));
  const UnicodeString normal = nfc->normalize(original, st);
  if (U_FAILURE(st)) return Error::make(ErrorKind::internal, "NFC normalization", {}, u_errorName(st));

  try {
    std::map<int, int> links, emoji;
    for (const auto& u : impl_->urls(normal)) links.emplace(u.start, u.end);
    if (config.emoji_parsing) {
      for (const auto& e : impl_->emoji(normal)) emoji.emplace(e.start, e.end);
    }
    auto weight = [&config](UChar unit) {
      for (const auto& r : config.ranges) {
        if (unit >= r.start && unit <= r.end) return r.weight;
      }
      return config.default_weight;
    };
    // twitter-text's loop, kept as it is so that its results (the valid range in particular)
    // come out the same: each step takes a link, an emoji or one character, and the weight of
    // an astral character is that of its second code unit (outside every range).
    long long weighted = 0;
    int valid_display = 0;
    bool valid = true;
    const int length = normal.length();
    for (int i = 0; i < length; ++i) {
      if (auto l = links.find(i); l != links.end()) {
        weighted += static_cast<long long>(config.transformed_url_length) * config.scale;
        i = l->second - 1;
      } else if (auto e = emoji.find(i); e != emoji.end()) {
        weighted += config.default_weight;
        i = e->second - 1;
      } else {
        if (i + 1 < length && U16_IS_LEAD(normal.charAt(i)) && U16_IS_TRAIL(normal.charAt(i + 1))) ++i;
        weighted += weight(normal.charAt(i));
      }
      if (valid) {
        const UChar u = normal.charAt(i);
        valid = !(u == 0xFFFE || u == 0xFEFF || u == 0xFFFF);
      }
      if (valid && weighted <= static_cast<long long>(config.max_weighted_length) * config.scale) valid_display = i;
    }
    TweetParse r;
    r.weighted_length = static_cast<int>(weighted / config.scale);
    r.valid = valid && r.weighted_length > 0 && r.weighted_length <= config.max_weighted_length;
    // As twitter-text computes it, in floating point.
    r.permillage = static_cast<int>(
        std::floor(static_cast<double>(r.weighted_length) / config.max_weighted_length * 1000));
    r.valid_range_end = valid_display + (original.length() - normal.length());
    r.display_range_end = original.length() > 0 ? original.length() - 1 : 0;
    return r;
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::vector<TextEntity>> PostText::extract_urls(std::string_view text) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  try {
    return impl_->entities(decoded.value(), impl_->urls(decoded.value()));
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::vector<TextEntity>> PostText::extract_mentions_or_lists(std::string_view text) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  try {
    return impl_->mentions_or_lists(decoded.value());
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::vector<TextEntity>> PostText::extract_mentions(std::string_view text) const {
  auto all = extract_mentions_or_lists(text);
  if (!all.ok()) return all;
  std::vector<TextEntity> users;
  for (auto& e : all.value()) {
    if (e.list_slug.empty()) users.push_back(std::move(e));
  }
  return users;
}

Result<std::vector<TextEntity>> PostText::extract_hashtags(std::string_view text) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  try {
    return impl_->hashtags(decoded.value());
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<std::string> PostText::extract_reply(std::string_view text) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  try {
    const UnicodeString& s = decoded.value();
    auto m = impl_->matcher(*impl_->reply, s);
    UErrorCode st = U_ZERO_ERROR;
    if (!m->lookingAt(st) || U_FAILURE(st)) return std::string();
    if (impl_->looking_at(*impl_->end_mention, s, m->end(0, st))) return std::string();
    return utf8(m->group(1, st));
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<int> PostText::mastodon_length(std::string_view text) const {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  try {
    const UnicodeString& s = decoded.value();
    UnicodeString countable;
    int from = 0;
    for (const auto& u : impl_->urls(s)) {
      if (!u.protocol) continue;
      countable.append(s, from, u.start - from);
      countable.append(UnicodeString(kLinkLength, U'x', kLinkLength));
      from = u.end;
    }
    countable.append(s, from, s.length() - from);
    auto m = impl_->matcher(*impl_->remote_mention, countable);
    UErrorCode st = U_ZERO_ERROR;
    int dropped = 0;
    while (m->find(st) && U_SUCCESS(st)) {
      const UnicodeString server = m->group(3, st);
      dropped += server.countChar32();
    }
    return countable.countChar32() - dropped;
  } catch (const ErrorException& e) {
    return e.error();
  }
}

Result<PostLengths> PostText::lengths(std::string_view text) const {
  PostLengths out;
  auto x = parse_tweet(text);
  if (!x.ok()) return x.error();
  out.x = x.value();
  auto g = grapheme_count(text);
  if (!g.ok()) return g.error();
  out.bluesky_graphemes = g.value();
  auto m = mastodon_length(text);
  if (!m.ok()) return m.error();
  out.mastodon_characters = m.value();
  return out;
}

Result<std::string> PostText::mastodon_host(std::string_view input) const {
  auto fail = [](const std::string& why) {
    return Error::make(ErrorKind::bad_request, "not a Mastodon server's address: " + why, "instance");
  };
  while (!input.empty() && (input.front() == ' ' || input.front() == '\t')) input.remove_prefix(1);
  while (!input.empty() && (input.back() == ' ' || input.back() == '\t')) input.remove_suffix(1);
  std::string host(input);
  for (char& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // "@ana@mastodon.social": the part after the second @ is the server.
  if (!host.empty() && host.front() == '@') {
    const auto second = host.find('@', 1);
    if (second == std::string::npos) return fail("a handle needs its server, like @ana@mastodon.social");
    host = host.substr(second + 1);
  }
  for (const char* scheme : {"https://", "http://"}) {
    if (host.rfind(scheme, 0) == 0) host = host.substr(std::string_view(scheme).size());
  }
  if (!host.empty() && host.back() == '/') host.pop_back();
  if (host.empty()) return fail("empty");
  if (host.size() > 253) return fail("longer than 253 characters");
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return fail("only letters, digits, dots and hyphens (write the server's name, like mastodon.social)");
    }
  }
  std::vector<std::string_view> labels;
  std::string_view rest(host);
  while (true) {
    const auto dot = rest.find('.');
    labels.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (labels.size() < 2) return fail("a server's name has a dot, like mastodon.social");
  for (auto l : labels) {
    if (l.empty() || l.size() > static_cast<std::size_t>(kMaxDomainLabelLength) || l.front() == '-' ||
        l.back() == '-') {
      return fail("each part between dots has 1 to 63 letters, digits or hyphens");
    }
  }
  if (impl_->ascii_tlds.count(std::string(labels.back())) == 0) {
    return fail("\"" + std::string(labels.back()) + "\" is not a top-level domain");
  }
  return host;
}

Result<int> grapheme_count(std::string_view text) {
  auto decoded = decode(text);
  if (!decoded.ok()) return decoded.error();
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st));
  if (U_FAILURE(st)) return Error::make(ErrorKind::internal, "grapheme iterator", {}, u_errorName(st));
  bi->setText(decoded.value());
  int count = 0;
  bi->first();
  while (bi->next() != icu::BreakIterator::DONE) ++count;
  return count;
}

std::string punycode_encode(const std::u32string& input) {
  constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
  constexpr std::uint32_t max_int = 0xFFFFFFFFu;
  auto adapt = [](std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
      delta /= base - tmin;
      k += base;
    }
    return k + (base - tmin + 1) * delta / (delta + skew);
  };
  auto digit = [](std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); };

  std::string out;
  for (char32_t c : input) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
  }
  const auto basic = static_cast<std::uint32_t>(out.size());
  std::uint32_t handled = basic;
  if (basic > 0) out.push_back('-');
  std::uint32_t n = 0x80, delta = 0, bias = 72;
  const auto total = static_cast<std::uint32_t>(input.size());
  while (handled < total) {
    std::uint32_t m = max_int;
    for (char32_t c : input) {
      if (c >= n && c < m) m = c;
    }
    if (m - n > (max_int - delta) / (handled + 1)) return {};
    delta += (m - n) * (handled + 1);
    n = m;
    for (char32_t c : input) {
      if (c < n && ++delta == 0) return {};
      if (c != n) continue;
      std::uint32_t q = delta;
      for (std::uint32_t k = base;; k += base) {
        const std::uint32_t t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias);
        if (q < t) break;
        out.push_back(digit(t + (q - t) % (base - t)));
        q = (q - t) / (base - t);
      }
      out.push_back(digit(q));
      bias = adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return out;
}

}  // namespace twinning::domain
