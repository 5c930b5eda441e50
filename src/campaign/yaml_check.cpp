#include "campaign/yaml_check.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <system_error>

#include "campaign/validators.hpp"

namespace twinning::campaign {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// 1-based character column of byte `offset` within the line starting at `line_start`.
int character_column(std::string_view source, std::size_t line_start, std::size_t offset) {
  offset = std::min(offset, source.size());
  auto first = source.begin() + static_cast<std::ptrdiff_t>(line_start);
  auto last = source.begin() + static_cast<std::ptrdiff_t>(offset);
  return 1 + static_cast<int>(std::count_if(first, last, [](char c) { return !is_continuation_byte(c); }));
}

// Optimal string alignment distance: a swap of two neighbouring letters ("titel") counts as one
// edit, as it is one slip of the fingers.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool has_mark(const YAML::Node& node) { return node.IsDefined() && node.Mark().line >= 0; }

}  // namespace

void Reporter::file_error(std::string message, std::string fix) {
  out_->push_back({Problem::Severity::error, file_, 0, 0, std::move(message), std::move(fix)});
}

void Reporter::error_at_offset(std::size_t offset, std::string message, std::string fix) {
  offset = std::min(offset, source_.size());
  std::string_view before = source_.substr(0, offset);
  int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  std::size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  out_->push_back({Problem::Severity::error, file_, line, character_column(source_, line_start, offset),
                   std::move(message), std::move(fix)});
}

void Reporter::add(Problem::Severity s, const YAML::Mark& at, std::string message, std::string fix) {
  auto [line, column] = position(at);
  out_->push_back({s, file_, line, column, std::move(message), std::move(fix)});
}

std::optional<std::size_t> Reporter::line_start(int line) const {
  std::size_t start = 0;
  for (int l = 0; l < line; ++l) {
    start = source_.find('\n', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  return start;
}

std::optional<std::size_t> Reporter::byte_offset(const YAML::Mark& at) const {
  if (at.line < 0 || at.column < 0) return std::nullopt;
  auto start = line_start(at.line);
  if (!start) return std::nullopt;
  return std::min(source_.size(), *start + static_cast<std::size_t>(at.column));
}

std::pair<int, int> Reporter::position(const YAML::Mark& at) const {
  if (at.line < 0) return {0, 0};
  // yaml-cpp counts bytes; find the line in the source to count characters instead.
  auto start = line_start(at.line);
  if (!start || at.column < 0) return {at.line + 1, at.column + 1};
  return {at.line + 1, character_column(source_, *start, *start + static_cast<std::size_t>(at.column))};
}

std::optional<YAML::Node> read_yaml_file(Reporter& report, const std::filesystem::path& path, std::string& source) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    report.file_error("cannot read the file: " + ec.message(), "check that it exists and is readable");
    return std::nullopt;
  }
  if (size > kMaxCampaignFileBytes) {
    report.file_error("the file is " + std::to_string(size) + " bytes; campaign files may have at most " +
                          std::to_string(kMaxCampaignFileBytes),
                      "split long texts or remove what does not belong in a campaign file");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  source.resize(static_cast<std::size_t>(size));
  in.read(source.data(), static_cast<std::streamsize>(size));
  // The file may have shrunk since its size was taken; keep what was read.
  source.resize(static_cast<std::size_t>(in.gcount()));
  if (!in && !in.eof()) {
    report.file_error("cannot read the file", "check that it is readable");
    return std::nullopt;
  }
  report.set_source(source);
  if (auto bad = first_invalid_utf8(source)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(source[*bad])));
    report.error_at_offset(*bad, std::string("the file is not valid UTF-8 (byte ") + hex + ")",
                           "save the file with the UTF-8 encoding");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(source);
  } catch (const YAML::ParserException& e) {
    report.error(e.mark, "YAML syntax error: " + e.msg,
                 "check the indentation, colons, brackets and quotes on this line and the one before");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    report.file_error(std::string("the YAML cannot be read: ") + e.what());
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    report.add(Problem::Severity::error, YAML::Mark(), "the file is empty", "write the keys described in docs/campaigns.md");
    return std::nullopt;
  }
  return root;
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A third of the word (at least one edit, at most three) separates a typo from another word.
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  if (!best || best_distance > limit) return std::nullopt;
  return best;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map of keys";
  return "the text \"" + node.Scalar() + "\"";
}

YAML::Mark mark_of(const MapView::Entry& e) {
  if (!e.value.IsNull() && has_mark(e.value)) return e.value.Mark();
  return e.key_node.Mark();
}

MapView::MapView(Reporter& report, const YAML::Node& node, std::string path, const std::vector<std::string>* known)
    : report_(&report), path_(std::move(path)), mark_(has_mark(node) ? node.Mark() : YAML::Mark()) {
  if (!node.IsMap()) {
    report.error(mark_, (path_.empty() ? std::string("the file") : path_) + " must be a map of keys, found " + describe(node),
                 "write it as \"key: value\" lines");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      report.error(key.Mark(), "a key in " + (path_.empty() ? std::string("the file") : path_) + " is not text",
                   "write keys as plain words");
      continue;
    }
    const std::string& name = key.Scalar();
    if (auto dup = index_.find(name); dup != index_.end()) {
      report.error(key.Mark(), "the key \"" + path_of(name) + "\" appears twice",
                   "remove one of them (the first is on line " +
                       std::to_string(entries_[dup->second].key_node.Mark().line + 1) + ")");
      continue;
    }
    if (known != nullptr && std::find(known->begin(), known->end(), name) == known->end()) {
      auto guess = nearest(name, *known);
      report.error(key.Mark(), "unknown key \"" + name + "\"" + (path_.empty() ? "" : " in " + path_),
                   guess ? "did you mean \"" + *guess + "\"?" : "known keys here: " + join_quoted(*known));
      continue;
    }
    index_[name] = entries_.size();
    entries_.push_back({name, key, it->second});
  }
}

const MapView::Entry* MapView::find(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const MapView::Entry* MapView::require(const std::string& key, std::string fix) {
  const Entry* e = find(key);
  if (e == nullptr) {
    report_->error(mark_, "missing key \"" + path_of(key) + "\"",
                   fix.empty() ? "add \"" + key + ":\" with a value" : std::move(fix));
  }
  return e;
}

std::optional<std::string> read_text(Reporter& report, const MapView::Entry& e, const std::string& path) {
  if (e.value.IsScalar()) return e.value.Scalar();
  if (e.value.IsNull()) {
    report.error(e.key_node.Mark(), path + " has no value", "write the value after \"" + e.key + ":\"");
  } else {
    report.error(mark_of(e), path + " must be text, found " + describe(e.value),
                 "write a single value, e.g. " + e.key + ": value");
  }
  return std::nullopt;
}

std::optional<long long> read_integer(Reporter& report, const MapView::Entry& e, const std::string& path) {
  if (e.value.IsScalar()) {
    const std::string& s = e.value.Scalar();
    long long value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) return value;
  }
  report.error(mark_of(e), path + " must be a whole number, found " + describe(e.value),
               "write digits only, e.g. " + e.key + ": 1");
  return std::nullopt;
}

std::optional<bool> read_bool(Reporter& report, const MapView::Entry& e, const std::string& path) {
  if (e.value.IsScalar()) {
    const std::string& s = e.value.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  report.error(mark_of(e), path + " must be true or false, found " + describe(e.value),
               "write " + e.key + ": true or " + e.key + ": false");
  return std::nullopt;
}

std::optional<std::vector<std::pair<std::string, YAML::Node>>> read_text_list(Reporter& report, const MapView::Entry& e,
                                                                             const std::string& path) {
  if (!expect_list(report, e, path)) return std::nullopt;
  std::vector<std::pair<std::string, YAML::Node>> out;
  bool ok = true;
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node item = e.value[i];
    if (!item.IsScalar()) {
      report.error(has_mark(item) ? item.Mark() : mark_of(e),
                   path + "[" + std::to_string(i) + "] must be text, found " + describe(item),
                   "write each item as one value");
      ok = false;
      continue;
    }
    out.emplace_back(item.Scalar(), item);
  }
  if (!ok) return std::nullopt;
  return out;
}

bool expect_map(Reporter& report, const MapView::Entry& e, const std::string& path) {
  if (e.value.IsMap()) return true;
  report.error(mark_of(e), path + " must be a map of keys, found " + describe(e.value),
               "write it as indented \"key: value\" lines or {key: value, ...}");
  return false;
}

bool expect_list(Reporter& report, const MapView::Entry& e, const std::string& path) {
  if (e.value.IsSequence()) return true;
  report.error(mark_of(e), path + " must be a list, found " + describe(e.value),
               "write it as [a, b] or as lines starting with \"- \"");
  return false;
}

}  // namespace twinning::campaign
