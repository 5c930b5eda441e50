-- Schema version 2: confirmations (nothing reaches an official before the supporter confirms), the
-- generic outbox (email now; web forms, webhooks and petition deliveries later), the operator's
-- brake, and the addresses organizers should look at after a hard bounce.
--
-- Portable SQL as in 0001; times are the same fixed-width RFC 3339 UTC text.
-- States and the crash rule: docs/decisions/0004-outbox-delivery.md.

-- One row per confirmation link mailed. Only a digest of the secret token is kept, so a copy of the
-- store cannot confirm anything.
CREATE TABLE confirmations (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  supporter_id BIGINT NOT NULL REFERENCES supporters (id),
  campaign TEXT NOT NULL,
  language TEXT NOT NULL,          -- the page language, to answer the click in it
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  confirmed_at TEXT                -- NULL until the link is opened
);
-- Finding the open confirmation of a supporter's visit.
CREATE INDEX confirmations_supporter_idx ON confirmations (supporter_id, campaign, created_at);
-- Finding the unconfirmed ones that expired.
CREATE INDEX confirmations_expires_idx ON confirmations (expires_at);

-- NULL for actions that need no confirmation; otherwise the confirmation that covers them.
ALTER TABLE actions ADD COLUMN confirmation_id BIGINT REFERENCES confirmations (id);
CREATE INDEX actions_confirmation_idx ON actions (confirmation_id);

-- state: held | queued | sending | sent | failed | expired. No CHECK list, as for actions.status:
-- later kinds may need more states and SQLite cannot change a CHECK in place.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,              -- email | webform | webhook | petition
  action_id BIGINT REFERENCES actions (id),              -- NULL for a confirmation mail
  confirmation_id BIGINT REFERENCES confirmations (id),  -- held messages wait for this one
  target TEXT NOT NULL,            -- a target id, or empty
  recipient TEXT NOT NULL,
  pacing_key TEXT NOT NULL,        -- empty: not paced
  envelope_from TEXT NOT NULL,
  message_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL,        -- the last server reply or error, kept after success too
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT
);
-- What the worker claims: due queued rows in order.
CREATE INDEX outbox_state_due_idx ON outbox (state, next_attempt_at, id);
-- Pacing: what went to one key in the last hour.
CREATE INDEX outbox_pacing_idx ON outbox (pacing_key, sent_at);
-- Bounces and logs name the Message-ID.
CREATE INDEX outbox_message_id_idx ON outbox (message_id);
CREATE INDEX outbox_confirmation_idx ON outbox (confirmation_id, state);

-- Exactly one row: the operator's brake, seen by every process and kept across restarts.
CREATE TABLE outbox_control (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  paused INTEGER NOT NULL CHECK (paused IN (0, 1))
);
INSERT INTO outbox_control (id, paused) VALUES (1, 0);

-- Addresses that bounced permanently: for organizers to correct in the campaign data.
CREATE TABLE flagged_contacts (
  address TEXT PRIMARY KEY,
  reason TEXT NOT NULL,            -- the server's reply
  flagged_at TEXT NOT NULL
);
