-- Schema version 6: organizer accounts, their server-side sessions, the login rate limit, and the
-- action counters the organizer dashboard reads.
--
-- Accounts and sessions (docs/decisions/0010-organizer-sessions.md): a user's password is kept
-- only as an argon2id string (libsodium crypto_pwhash_str: algorithm, limits and salt included),
-- and a session only as a digest of its secret token, so a copy of the store can neither log in
-- nor take over a session. The login rate limit keys its rows by account or by a keyed hash of the
-- client address (the key lives only in the server's memory and changes every window), never by
-- the address itself; rows older than the window are deleted.
--
-- action_counts is kept ON WRITE, in the transaction that writes or changes the action (record,
-- confirm, expire), so the dashboard never scans `actions`. One row per campaign, channel, target,
-- supporter country, UTC day of the action and status; a status change moves one from the old
-- status to the new one. Only counts: nothing personal.
--
-- Portable SQL as in 0001; times are the same fixed-width RFC 3339 UTC text; day is "2026-11-25".

CREATE TABLE organizer_users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,             -- as given to `twinning user add`
  email_key TEXT NOT NULL UNIQUE,  -- email in ASCII lower case: what login matches
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'organizer', 'viewer')),
  password_hash TEXT NOT NULL,     -- crypto_pwhash_str output ($argon2id$...)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE organizer_sessions (
  token_hash TEXT PRIMARY KEY,     -- hex digest of the cookie's token; the token itself is not kept
  user_id BIGINT NOT NULL REFERENCES organizer_users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,        -- absolute end, whatever the activity
  last_seen_at TEXT NOT NULL       -- for the idle timeout (updated at most once a minute)
);
CREATE INDEX organizer_sessions_user_idx ON organizer_sessions (user_id);
CREATE INDEX organizer_sessions_expires_idx ON organizer_sessions (expires_at);

-- Failed logins per key in the current window. key: "account:<email_key>" or "ip:<keyed hash>".
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  failures INTEGER NOT NULL
);
CREATE INDEX login_failures_window_idx ON login_failures (window_start);

CREATE TABLE action_counts (
  campaign TEXT NOT NULL,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,            -- a target id, or empty
  country TEXT NOT NULL,           -- the supporter's country as they chose it, or empty
  day TEXT NOT NULL,               -- the UTC day the action was recorded
  status TEXT NOT NULL,            -- recorded | pending | confirmed | expired (actions.status)
  n BIGINT NOT NULL,
  PRIMARY KEY (campaign, channel, target, country, day, status)
);

-- The actions recorded before this version, counted once here so the counters start complete.
INSERT INTO action_counts (campaign, channel, target, country, day, status, n)
SELECT campaign, channel, target, country, substr(created_at, 1, 10), status, COUNT(*)
FROM actions GROUP BY campaign, channel, target, country, substr(created_at, 1, 10), status;
