-- Schema version 8: the organizer API's keys, and the mark of a supporter whose personal data was
-- erased (`twinning person erase`) or anonymized by the retention job.
--
-- A key is "twk_<prefix>_<secret>". Only the prefix (to find the row) and a digest of the secret
-- are kept, so a copy of the store cannot be used to call the API. The secret is 256 random bits:
-- a fast digest is enough, and a slow password hash would cost every request.
--
-- Portable SQL as in 0001; times are the same fixed-width RFC 3339 UTC text.
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,              -- what the organizer called it ("CRM sync"), for `apikey list`
  prefix TEXT NOT NULL UNIQUE,     -- 16 hex digits, public part of the key
  secret_hash TEXT NOT NULL,       -- BLAKE2b-256 of the secret part, lower-case hex
  created_at TEXT NOT NULL,
  revoked_at TEXT                  -- NULL while the key works
);

-- NULL for a supporter whose data is held; the time of the erasure otherwise. The row itself stays
-- (with no name, email or phone), so the actions it made are still counted.
ALTER TABLE supporters ADD COLUMN erased_at TEXT;
-- The retention job looks for supporters not erased whose last activity is older than the period.
CREATE INDEX supporters_retention_idx ON supporters (erased_at, updated_at);
