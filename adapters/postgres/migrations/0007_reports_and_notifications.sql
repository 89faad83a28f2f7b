-- costledger schema, version 7: the weekly report archive and the ledger of notifications sent.
--
-- Neither table has `cluster` in its key, unlike every cost table: a report covers a team's
-- spend in every cluster the database holds (the readers read all of them), and a notification
-- is sent once for the whole deployment, whichever replica or cluster's instance sends it. A
-- leading cluster column would have to hold a made-up value. When the schema is distributed by
-- cluster (Citus), these two are reference tables (small, copied to every node, written rarely):
-- create_reference_table('report_archive'), create_reference_table('notifications'). The test
-- EveryKeyStartsWithCluster leaves them out for this reason.

-- One row per team, ISO week and format of a built report. All formats of a team-week are
-- written in one transaction and carry the same total, time zone and build time; rebuilding
-- replaces them (formats no longer built are deleted). The body is bytea, so any bytes (and a
-- future binary format) come back exactly; content_sha256 is computed by the database from the
-- stored bytes (lowercase hex), an ETag for the API.
CREATE TABLE report_archive (
  team text COLLATE "C" NOT NULL CHECK (team <> ''),
  week text COLLATE "C" NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
  format text COLLATE "C" NOT NULL CHECK (format IN ('html', 'csv', 'json', 'txt')),
  body bytea NOT NULL,
  content_sha256 text NOT NULL,
  total_cost_nanos bigint NOT NULL,
  time_zone text NOT NULL,
  built_at timestamptz NOT NULL,
  PRIMARY KEY (team, week, format)
);
-- Listing by week (GET /v1/reports?week=) without a team.
CREATE INDEX report_archive_week ON report_archive (week);

-- The exactly-once ledger: one row per notification, claimed before it is sent.
-- kind: 'report', 'quota_alert', ...; key: unique within the kind, e.g.
-- '2026-W48/alpha/mail:team-alpha@example.com' or 'alpha-weekly/2026-12-01/0.8'.
-- state: 'claimed' (claimed_by holds it until claimed_until), 'sent', 'failed' (claimable again
-- from next_attempt_at), 'given_up'. attempts counts claims, 1 for the first; an outcome is
-- recorded only by the claim whose attempt is the row's (a fencing token), so a sender whose
-- lease ran out and was taken over cannot overwrite its successor's record.
-- A claim is one statement, INSERT ... ON CONFLICT (kind, key) DO UPDATE ... WHERE <claimable>
-- RETURNING: a new key is inserted by exactly one of racing transactions (the others wait on
-- its unique index entry, then see its committed row); an existing row is locked and the WHERE
-- is checked on its latest version, so of racing claims only the first finds it claimable.
-- Times come from the callers (their clocks must agree to well within a lease).
CREATE TABLE notifications (
  kind text COLLATE "C" NOT NULL CHECK (kind <> ''),
  key text COLLATE "C" NOT NULL CHECK (key <> ''),
  state text COLLATE "C" NOT NULL CHECK (state IN ('claimed', 'sent', 'failed', 'given_up')),
  claimed_by text NOT NULL,
  claimed_until timestamptz CHECK ((state = 'claimed') = (claimed_until IS NOT NULL)),
  attempts integer NOT NULL CHECK (attempts >= 1),
  last_error text,
  next_attempt_at timestamptz CHECK ((state = 'failed') = (next_attempt_at IS NOT NULL)),
  sent_at timestamptz CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  payload jsonb,  -- a summary of what is sent (recipients, subject, ...); NULL when none given
  PRIMARY KEY (kind, key)
);
-- Listing a kind's most recent changes.
CREATE INDEX notifications_kind_updated ON notifications (kind, updated_at);
