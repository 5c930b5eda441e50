#include "campaign/problem.hpp"

namespace twinning::campaign {

std::string_view severity_id(Problem::Severity s) {
  switch (s) {
    case Problem::Severity::error: return "error";
    case Problem::Severity::warning: return "warning";
  }
  return "";
}

std::string format_problem(const Problem& p) {
  std::string out = p.file;
  if (p.line > 0) {
    out += ":" + std::to_string(p.line);
    if (p.column > 0) out += ":" + std::to_string(p.column);
  }
  out += ": ";
  out += severity_id(p.severity);
  out += ": " + p.message;
  if (!p.fix.empty()) out += " (fix: " + p.fix + ")";
  return out;
}

}  // namespace twinning::campaign
