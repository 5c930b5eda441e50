#include "common/public_suffix.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "common/utf8.hpp"

namespace twinning {

namespace {

// The list is about 250 kB; anything far larger is not the file we mean.
constexpr std::uintmax_t kMaxListBytes = 16 * 1024 * 1024;

struct State {
  std::mutex mutex;
  std::filesystem::path file = kDefaultPublicSuffixList;
  std::optional<Result<std::shared_ptr<const std::vector<std::string>>>> loaded;
};

State& state() {
  static State s;
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::shared_ptr<const std::vector<std::string>>> read_list(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return Error::make(ErrorKind::io, "cannot read the Public Suffix List " + file.string() + ": " + ec.message() +
                                          " (install Debian's publicsuffix package, or set public_suffix_list)");
  }
  if (size > kMaxListBytes) {
    return Error::make(ErrorKind::io, "the Public Suffix List " + file.string() + " is larger than 16 MB: not the list");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) return Error::make(ErrorKind::io, "cannot read the Public Suffix List " + file.string());
  const std::string bytes = text.str();
  if (!is_valid_utf8(bytes)) {
    return Error::make(ErrorKind::invalid_utf8, "the Public Suffix List " + file.string() + " is not UTF-8");
  }
  auto tlds = top_level_domains_of(bytes);
  if (tlds.empty()) {
    return Error::make(ErrorKind::io, "the Public Suffix List " + file.string() + " names no domain");
  }
  return std::make_shared<const std::vector<std::string>>(std::move(tlds));
}

}  // namespace

std::vector<std::string> top_level_domains_of(std::string_view list_text) {
  std::vector<std::string> out;
  while (!list_text.empty()) {
    const auto nl = list_text.find('\n');
    std::string_view line = list_text.substr(0, nl);
    list_text = nl == std::string_view::npos ? std::string_view{} : list_text.substr(nl + 1);
    // A rule is the line's first word; the format allows anything after white space.
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    line = line.substr(0, line.find_first_of(" \t\r"));
    if (line.substr(0, 2) == "//") continue;
    const auto dot = line.rfind('.');
    std::string_view last = dot == std::string_view::npos ? line : line.substr(dot + 1);
    while (!last.empty() && (last.front() == '!' || last.front() == '*')) last.remove_prefix(1);
    if (!last.empty()) out.push_back(ascii_lower(last));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void use_public_suffix_list(std::filesystem::path file) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.file = std::move(file);
  s.loaded.reset();
}

Result<std::shared_ptr<const std::vector<std::string>>> public_suffix_tlds() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.loaded) s.loaded = read_list(s.file);
  return *s.loaded;
}

}  // namespace twinning
