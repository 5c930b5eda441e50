#pragma once
// Loading and checking campaigns/<id>/ (campaign.yaml and texts/<lang>.yaml). The format is
// described for organizers in docs/campaigns.md; `twinning check DIR` prints the problems.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "campaign/problem.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

struct LoadResult {
  std::optional<domain::Campaign> campaign;  // set only when there is no error
  std::vector<Problem> problems;             // errors and warnings, ordered by file, line, column
  bool ok() const { return campaign.has_value(); }
  std::size_t count(Problem::Severity s) const;
};

// Loads and checks one campaign folder; every problem is reported, not only the first.
// Never throws.
LoadResult load_campaign(const std::filesystem::path& dir);

// Every campaign folder (a subfolder holding campaign.yaml) under `campaigns_dir`, loaded and
// sorted by id. When `campaigns_dir` cannot be listed the answer is one failed entry (named after
// the folder) whose problem says so, so callers that report problems cannot miss it.
std::vector<std::pair<std::string, LoadResult>> load_all(const std::filesystem::path& campaigns_dir);

}  // namespace twinning::campaign
