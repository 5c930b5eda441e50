#pragma once
// Reading YAML the way `twinning check` needs it: every problem is reported with its place and
// reading goes on, so one run lists all of them. Used by the campaign loader; no campaign rules
// here.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "campaign/problem.hpp"

namespace twinning::campaign {

// Campaign files are written by hand; anything larger is a mistake (or not a campaign file).
inline constexpr std::uintmax_t kMaxCampaignFileBytes = 1024 * 1024;

// Collects problems for one file and turns yaml-cpp marks (0-based, byte columns) into the
// 1-based line and character column people see in their editor.
class Reporter {
 public:
  Reporter(std::vector<Problem>& out, std::string file, std::string_view source = {})
      : out_(&out), file_(std::move(file)), source_(source) {}

  void error(const YAML::Mark& at, std::string message, std::string fix = {}) {
    add(Problem::Severity::error, at, std::move(message), std::move(fix));
  }
  void warning(const YAML::Mark& at, std::string message, std::string fix = {}) {
    add(Problem::Severity::warning, at, std::move(message), std::move(fix));
  }
  // A problem of the whole file (line 0).
  void file_error(std::string message, std::string fix = {});
  // A problem at a byte offset of the source.
  void error_at_offset(std::size_t offset, std::string message, std::string fix = {});
  void add(Problem::Severity s, const YAML::Mark& at, std::string message, std::string fix);

  // The byte offset in the source of a mark (yaml-cpp's own offset is not used, so a byte order
  // mark or line-ending differences cannot shift it); nullopt when the mark has no position.
  std::optional<std::size_t> byte_offset(const YAML::Mark& at) const;

  const std::string& file() const { return file_; }
  std::string_view source() const { return source_; }
  void set_source(std::string_view source) { source_ = source; }

 private:
  std::pair<int, int> position(const YAML::Mark& at) const;
  std::optional<std::size_t> line_start(int line) const;
  std::vector<Problem>* out_;
  std::string file_;
  std::string_view source_;
};

// Reads and parses `path`. Reports (and returns nullopt for) a missing or unreadable file, one
// over kMaxCampaignFileBytes, bytes that are not UTF-8, YAML syntax errors and an empty file.
// `source` receives the file's bytes; the reporter's positions refer to it.
std::optional<YAML::Node> read_yaml_file(Reporter& report, const std::filesystem::path& path, std::string& source);

// The known key closest to `word` when it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// "text", "a list", "a map", "nothing": what a node holds, for "expected X, found Y".
std::string describe(const YAML::Node& node);

// A YAML map indexed by its text keys. Construction reports non-text keys, duplicate keys and
// (when `known` is given) unknown keys with the nearest known key as a suggestion.
class MapView {
 public:
  MapView(Reporter& report, const YAML::Node& node, std::string path,
          const std::vector<std::string>* known);

  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const std::vector<Entry>& entries() const { return entries_; }
  // The value under `key`, or nullptr.
  const Entry* find(const std::string& key) const;
  // The value under `key`; reports it missing (at the map) when absent.
  const Entry* require(const std::string& key, std::string fix = {});
  const YAML::Mark& mark() const { return mark_; }
  // "targets[2].contact" + ".email"
  std::string path_of(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& path() const { return path_; }

 private:
  Reporter* report_;
  std::string path_;
  YAML::Mark mark_;
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> index_;
};

// Readers of one value. Each reports a wrong type (or an empty value) at the value, naming
// `path`, and returns nullopt then. An empty value is reported at its key, since yaml-cpp places
// it at the start of the next line.
std::optional<std::string> read_text(Reporter& report, const MapView::Entry& e, const std::string& path);
std::optional<long long> read_integer(Reporter& report, const MapView::Entry& e, const std::string& path);
std::optional<bool> read_bool(Reporter& report, const MapView::Entry& e, const std::string& path);
// A list of texts; each item with its node, for problems about one item.
std::optional<std::vector<std::pair<std::string, YAML::Node>>> read_text_list(Reporter& report, const MapView::Entry& e,
                                                                             const std::string& path);
// True when the value is a map; reports otherwise.
bool expect_map(Reporter& report, const MapView::Entry& e, const std::string& path);
bool expect_list(Reporter& report, const MapView::Entry& e, const std::string& path);

// The mark of a value, or of its key when the value has no position (an empty value).
YAML::Mark mark_of(const MapView::Entry& e);

}  // namespace twinning::campaign
