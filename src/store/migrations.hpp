#pragma once
// The schema migrations, embedded at build time from src/store/migrations/NNNN_*.sql by
// src/store/embed_migrations.cmake (the generated file defines migrations()).
#include <span>
#include <string_view>

namespace twinning::store {

struct Migration {
  int version = 0;         // 1, 2, 3, ...: the NNNN of the file name
  std::string_view name;   // the file name without .sql, e.g. "0001_init"
  std::string_view sql;    // the whole file: one or more statements
};

// Every migration this binary knows, in order of version, starting at 1 without gaps.
std::span<const Migration> migrations();

}  // namespace twinning::store
