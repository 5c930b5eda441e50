#pragma once
// A problem found while checking a campaign: where it is, what is wrong, how to fix it.
#include <string>
#include <string_view>

namespace twinning::campaign {

struct Problem {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;  // the path as opened: <dir>/campaign.yaml, <dir>/texts/da.yaml
  int line = 0;      // 1-based; 0 when the problem concerns the whole file or folder
  int column = 0;    // 1-based, in characters (not bytes); 0 when unknown
  std::string message;
  std::string fix;
};

std::string_view severity_id(Problem::Severity s);
// "dir/campaign.yaml:12:5: error: message (fix: ...)", the form compilers use, so editors can
// jump to the line. Line and column are left out when unknown.
std::string format_problem(const Problem& p);

}  // namespace twinning::campaign
