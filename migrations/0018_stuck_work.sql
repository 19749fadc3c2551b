-- Work whose owner died must not stay stuck.

-- An Idempotency-Key being processed is leased by the request working on it and renewed while it
-- works; once the lease has run out (the process was killed) a retry with the same request takes
-- the key over instead of getting 409 for a day. NULL on a key still being processed: no lease
-- (written before this migration), so it can be taken over at once.
ALTER TABLE idempotency_keys ADD COLUMN locked_until timestamptz;

-- An upload is leased by the request receiving it (renewed while bytes arrive) until its job owns
-- it (lease_until NULL). A sweeper deletes uploads whose lease ran out, with their parts; an
-- import still 'uploading' without its upload row is then failed by its module's sweep.
CREATE TABLE uploads (
  id text PRIMARY KEY,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_lease_idx ON uploads (lease_until) WHERE lease_until IS NOT NULL;

-- The per-endpoint backlog bound counts pending deliveries at each event.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (organization_id, subscription_id, created_at, id) WHERE state = 'pending';

-- An emission import records, in the transaction of each stored chunk, what it has stored so far
-- (counts, first errors and kgCO2e added per scope and month): an interrupted import resumes from
-- there, and its threshold events still see the whole import.
ALTER TABLE emission_imports ADD COLUMN monthly_kg jsonb NOT NULL DEFAULT '[]';
