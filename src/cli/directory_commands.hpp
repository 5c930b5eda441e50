#pragma once
// `twinning directory import|list|show`: the directory of cities, twinnings, bodies and
// officials (docs/directory.md). Callable from tests with their own streams.
#include <iosfwd>
#include <string>

#include "common/config.hpp"

namespace twinning::cli {

struct DirectoryCommand {
  enum class Action { import_file, list, show };
  Action action = Action::list;
  std::string file;  // import: the CSV file
  std::string kind;  // import: --kind (optional); list: which kind (optional)
  std::string id;    // show: the record's id (a twinning's is HOME/FOREIGN)
};

// Exit codes: 0 done; 1 the file has problems (nothing imported) or the store failed; 2 a bad
// argument (unknown kind).
int directory(const DirectoryCommand& command, const Settings& settings, std::ostream& out, std::ostream& err);

}  // namespace twinning::cli
