-- Schema version 4: petition signatures. One per person and campaign: email_key is the supporter's
-- email normalized by the application (Unicode case folding, IDN domain in ASCII), so that
-- "ÆBLE@example.dk" and "æble@example.dk" are one person; supporters.email_key (ASCII lower case)
-- is not enough for that. Whether a signature counts is its action's status (confirmed), so there
-- is no second flag to keep in step.
--
-- Portable SQL as in 0001.
CREATE TABLE signatures (
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  email_key TEXT NOT NULL,
  action_id BIGINT NOT NULL REFERENCES actions (id),
  comment TEXT NOT NULL,           -- as typed, possibly several lines, or empty
  created_at TEXT NOT NULL,
  UNIQUE (campaign, email_key)
);
CREATE INDEX signatures_action ON signatures (action_id);
