-- Schema version 3: counts of what supporters did that is not an action of their own record:
-- opening a prepared mail in their own mail program, the outcome of a call, a share. Only counts,
-- by day: no supporter, no address, no time of day, so nothing here is personal data.
--
-- Portable SQL as in 0001. day is the UTC date as text, "2026-11-25".
CREATE TABLE event_counts (
  campaign TEXT NOT NULL,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,            -- a target id, or empty
  kind TEXT NOT NULL,              -- e.g. own_mail.gmail, call.reached
  language TEXT NOT NULL,          -- the page language, or empty
  country TEXT NOT NULL,           -- the supporter's country as they chose it, or empty
  day TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (campaign, channel, target, kind, language, country, day)
);
