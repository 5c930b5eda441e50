-- Schema version 5: letters a supporter asked the organization to print and post, and the rate
-- limits. The action row
-- (channel letter, target "print") holds who and when; this row holds what the letters need that
-- the action has no column for: the sender's postal address as typed and the town before the date.
-- Erasing a person clears these with the supporter's other data.
--
-- Portable SQL as in 0001.
CREATE TABLE letter_requests (
  action_id BIGINT PRIMARY KEY REFERENCES actions (id),
  campaign TEXT NOT NULL,
  address_lines TEXT NOT NULL,     -- the lines joined by "\n", in the order given (1 to 3)
  place TEXT NOT NULL,             -- may be empty
  printed_at TEXT                  -- set by `twinning letters --mark-printed`; NULL until then
);
CREATE INDEX letter_requests_campaign ON letter_requests (campaign, action_id);

-- Rate limits (docs/decisions/0011-rate-limits.md): how many actions a bucket (a keyed hash of a
-- client address, of an email, of an email and a target) took in one fixed window. No raw address
-- or email is kept: the key of the hash rotates with the window, and a row is deleted once its
-- window has passed (expires_at), so nothing here outlives the limit it serves.
CREATE TABLE rate_counts (
  bucket TEXT NOT NULL,
  window_start TEXT NOT NULL,
  count INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counts_expiry ON rate_counts (expires_at);

-- The review queue (docs/decisions/0013-review-queue.md): the part of a message the supporter wrote
-- (a personal note, edits of the campaign's text), as a fingerprint to find the same text sent by
-- many people within minutes, and as text for organizers to read. The campaign's own text is never
-- stored here: a message without a written part has no row. Erasing a person clears their rows.
CREATE TABLE written_parts (
  action_id BIGINT PRIMARY KEY REFERENCES actions (id),
  campaign TEXT NOT NULL,
  fingerprint TEXT NOT NULL,       -- hex BLAKE2b of the text, normalized (case, spaces)
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX written_parts_fingerprint ON written_parts (campaign, fingerprint, created_at);
