#include "campaign/post_check.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "campaign/yaml_check.hpp"
#include "domain/post_text.hpp"
#include "render/compose.hpp"

namespace twinning::campaign {

namespace {

// Stands in for the public URL while checking; its length does not matter on X (23 for any link).
constexpr const char* kStandInBase = "https://twinning.example.org";

// A yaml-cpp mark (0-based line, byte column) for a byte offset of `source`.
YAML::Mark mark_at(std::string_view source, std::size_t offset) {
  YAML::Mark m;
  offset = std::min(offset, source.size());
  const std::string_view before = source.substr(0, offset);
  m.pos = static_cast<int>(offset);
  m.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const auto nl = before.rfind('\n');
  m.column = static_cast<int>(nl == std::string_view::npos ? offset : offset - nl - 1);
  return m;
}

// UTF-16 code units of valid UTF-8 text (the offsets post_text reports).
int utf16_units(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

class PostChecker {
 public:
  PostChecker(Reporter& r, const YAML::Mark& value_mark, const domain::PostText& pt)
      : r_(r), value_mark_(value_mark), pt_(pt) {}

  void check(const std::string& lang, const std::string& text) {
    auto lengths = pt_.lengths(text);
    if (!lengths.ok()) {
      r_.error(value_mark_, "post.text in " + lang + ": " + lengths.error().message, "save the file as UTF-8");
      return;
    }
    const auto& l = lengths.value();
    if (l.x.weighted_length > domain::kXMaxWeightedLength) {
      r_.error(value_mark_,
               "post.text in " + lang + " is " + std::to_string(l.x.weighted_length) +
                   " characters as X counts them; X takes at most " + std::to_string(domain::kXMaxWeightedLength),
               "shorten it by " + std::to_string(l.x.weighted_length - domain::kXMaxWeightedLength) +
                   " (a link counts 23, an emoji and each Chinese, Japanese or Korean character 2)");
    } else if (!l.x.valid) {
      r_.error(value_mark_, "post.text in " + lang + " is empty or holds a character X refuses (U+FFFE, U+FEFF, U+FFFF)",
               "write the post, or remove the invisible character");
    }
    if (l.bluesky_graphemes > domain::kBlueskyMaxGraphemes) {
      r_.warning(value_mark_,
                 "post.text in " + lang + " is " + std::to_string(l.bluesky_graphemes) +
                     " characters; Bluesky takes at most " + std::to_string(domain::kBlueskyMaxGraphemes),
                 "shorten it, or supporters on Bluesky must shorten it themselves");
    }
    if (l.mastodon_characters > domain::kMastodonMaxCharacters) {
      r_.warning(value_mark_,
                 "post.text in " + lang + " is " + std::to_string(l.mastodon_characters) +
                     " characters as Mastodon counts them; most servers take at most " +
                     std::to_string(domain::kMastodonMaxCharacters),
                 "shorten it");
    }
    check_handles(lang, text);
  }

  void set_source(std::string_view source, std::size_t value_offset) {
    source_ = source;
    value_offset_ = value_offset;
  }

 private:
  // Where `needle` is written in the file, searched from the value on; the value itself when it
  // is not there literally (it came from a variable such as {{handles}}).
  YAML::Mark place_of(const std::string& needle) const {
    if (!source_.empty()) {
      const auto at = source_.find(needle, value_offset_);
      if (at != std::string_view::npos) return mark_at(source_, at);
    }
    return value_mark_;
  }

  void check_handles(const std::string& lang, const std::string& text) {
    auto mentions = pt_.extract_mentions_or_lists(text);
    auto reply = pt_.extract_reply(text);
    if (!mentions.ok() || !reply.ok()) return;
    for (const auto& m : mentions.value()) {
      if (m.text.size() > domain::kXMaxHandleLength) {
        r_.warning(place_of("@" + m.text),
                   "post.text in " + lang + ": @" + m.text + " is not an X handle (at most " +
                       std::to_string(domain::kXMaxHandleLength) + " letters, digits or _)",
                   "check the account's handle on X");
      }
    }
    // An @ right before a handle's characters that X does not take as a mention.
    for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
      const std::size_t name_start = at + 1;
      std::size_t name_end = name_start;
      while (name_end < text.size() && (std::isalnum(static_cast<unsigned char>(text[name_end])) != 0 ||
                                        text[name_end] == '_')) {
        ++name_end;
      }
      if (name_end == name_start) continue;
      // An email address (ana@example.org) is no attempt at a mention.
      const bool after_word = at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) != 0 ||
                                         std::string_view("._%+-").find(text[at - 1]) != std::string_view::npos);
      if (after_word && name_end < text.size() && text[name_end] == '.') continue;
      const int start16 = utf16_units(std::string_view(text).substr(0, at));
      bool linked = false;
      for (const auto& m : mentions.value()) linked = linked || m.start == start16;
      if (linked) continue;
      const std::string word = text.substr(at, name_end - at);
      r_.warning(place_of(word),
                 "post.text in " + lang + ": X will not link " + word +
                     " as a mention (what comes right before or after the @ stops it)",
                 "put a space before the @ and nothing but letters, digits or _ in the handle");
    }
    if (!reply.value().empty()) {
      r_.warning(value_mark_,
                 "post.text in " + lang + " starts with @" + reply.value() +
                     ": X shows such a post as a reply, only to people who follow both accounts",
                 "start it with something else, as the demo's \". . @greenjeonnam\" does");
    }
  }

  Reporter& r_;
  YAML::Mark value_mark_;
  const domain::PostText& pt_;
  std::string_view source_;
  std::size_t value_offset_ = 0;
};

}  // namespace

void check_posts(const std::filesystem::path& dir, const domain::Campaign& c, std::vector<Problem>& problems) {
  if (!c.channel_enabled(domain::Channel::post)) return;
  auto rules = domain::PostText::shared();
  if (!rules.ok()) {
    problems.push_back({Problem::Severity::error, dir.string(), 0, 0,
                        "cannot check the post: " + rules.error().message,
                        "install Debian's publicsuffix package, or set public_suffix_list in the settings"});
    return;
  }
  for (const auto& lang : c.languages) {
    if (c.text(lang, "post.text") == nullptr) continue;
    const std::string page_url = std::string(kStandInBase) + "/" + c.id + "/" + lang + "/";
    auto text = render::compose(c, lang, "post.text", render::campaign_vars(c, lang, page_url));
    if (!text.ok()) continue;  // the template's own problems are reported by the loader

    const auto file = dir / "texts" / (lang + ".yaml");
    std::vector<Problem> ignored;  // reading the file again: its problems are reported already
    Reporter reader(ignored, file.string());
    std::string source;
    auto root = read_yaml_file(reader, file, source);
    Reporter r(problems, file.string(), source);
    YAML::Mark mark;
    std::size_t value_offset = 0;
    if (root && (*root)["post"] && (*root)["post"]["text"]) {
      mark = (*root)["post"]["text"].Mark();
      value_offset = r.byte_offset(mark).value_or(0);
    } else {
      mark = YAML::Mark::null_mark();
    }
    PostChecker checker(r, mark, *rules.value());
    checker.set_source(source, value_offset);
    checker.check(lang, text.value());
  }
}

}  // namespace twinning::campaign
