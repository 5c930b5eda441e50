-- Schema version 7: the directory of cities, twinning relations, bodies and officials that
-- `twinning directory import` fills from CSV files and `twinning generate` reads (issue 10).
-- A record is its kind, its key (the "id" column; HOME/FOREIGN for twinnings) and its fields as
-- one JSON object with sorted keys: the columns are data (src/directory/directory.cpp, documented
-- in docs/directory.md), so a new column needs no migration, and a re-import compares records
-- field by field. References between records are checked on import, not by foreign keys, because
-- each kind is imported from its own file and a file imports whole or not at all.
--
-- Portable SQL as in 0001.
CREATE TABLE directory_records (
  kind TEXT NOT NULL,              -- cities | twinnings | bodies | officials
  id TEXT NOT NULL,
  fields TEXT NOT NULL,            -- JSON object, column -> value, keys sorted
  updated_at TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
