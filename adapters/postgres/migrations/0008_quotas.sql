-- costledger schema, version 8: quotas and their change history (DESIGN "Quotas").
--
-- Like report_archive and notifications (0007), neither table has `cluster` in its key: a quota
-- is deployment-wide (its scope may name a cluster, or none). Under Citus both are reference
-- tables; the test EveryKeyStartsWithCluster leaves them out for this reason.

-- One row per quota. spec is the quota's canonical JSON (the contract's shape, every field
-- written); source says who manages it: 'api' (the API and the CLI) or 'file' (quotas_file,
-- reconciled at start and on SIGHUP).
CREATE TABLE quotas (
  name text COLLATE "C" PRIMARY KEY CHECK (name ~ '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'),
  spec jsonb NOT NULL CHECK (jsonb_typeof(spec) = 'object' AND spec->>'name' = name),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  source text COLLATE "C" NOT NULL CHECK (source IN ('api', 'file'))
);

-- Every creation (before NULL), replacement and deletion (after NULL), written in the
-- transaction of the change itself, so the history never misses or invents one.
CREATE TABLE quota_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text COLLATE "C" NOT NULL,
  at timestamptz NOT NULL,
  who text NOT NULL,
  source text COLLATE "C" NOT NULL CHECK (source IN ('api', 'file')),
  before jsonb,
  after jsonb,
  CHECK (before IS NOT NULL OR after IS NOT NULL)
);
-- A quota's history, newest first.
CREATE INDEX quota_changes_name ON quota_changes (name, id);
