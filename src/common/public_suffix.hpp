#pragma once
// The top-level domains this process knows, from the Public Suffix List that Debian's
// `publicsuffix` package installs. URL detection in posts needs them (a post's length on X depends
// on which words are links). The file ships with the product's dependencies and is read once, at
// start-up or on first use; never fetched, never read from a test suite's folder.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning {

inline constexpr const char* kDefaultPublicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat";

// The top-level domains named by the rules of a Public Suffix List: the last label of every rule
// ("*.ck", "!www.ck" and "blogspot.com" give "ck" and "com"), lower case, in Unicode form as the
// list writes them, sorted and without duplicates. Comments and blank lines are skipped.
std::vector<std::string> top_level_domains_of(std::string_view list_text);

// Chooses the list file later reads use (Settings::public_suffix_list); forgets a list already read.
void use_public_suffix_list(std::filesystem::path file);

// The top-level domains of the chosen file, read on the first call and kept. An unreadable file,
// one that is not UTF-8 or one naming no domain at all is an error (io / invalid_utf8), kept too:
// every caller gets the same answer.
Result<std::shared_ptr<const std::vector<std::string>>> public_suffix_tlds();

}  // namespace twinning
