-- The tile revisions (0024) are also announced: each bump sends NOTIFY carbon_atlas_revisions with
-- 'catalog:<n>' or 'layers:<n>', delivered by PostgreSQL when (and only if) the transaction
-- commits. A server process LISTENs and keeps the revisions in memory, so a cached tile costs no
-- database round trip (src/platform/db/revision-watch.ts, decision 0020). Rows of the counter are
-- locked by the UPDATE until commit, so the announced numbers rise in commit order.
-- Also fixes TRUNCATE, which failed in 0024's functions: PL/pgSQL plans the whole condition, and a
-- TRUNCATE trigger has no transition table `changed_rows` to plan it with.
CREATE OR REPLACE FUNCTION bump_catalog_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
BEGIN
  IF TG_OP <> 'TRUNCATE' THEN
    IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
      RETURN NULL;
    END IF;
  END IF;
  UPDATE catalog_revision SET revision = revision + 1 RETURNING revision INTO bumped;
  PERFORM pg_notify('carbon_atlas_revisions', 'catalog:' || bumped);
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION bump_layer_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
BEGIN
  IF TG_OP <> 'TRUNCATE' THEN
    IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
      RETURN NULL;
    END IF;
  END IF;
  UPDATE layer_revision SET revision = revision + 1 RETURNING revision INTO bumped;
  PERFORM pg_notify('carbon_atlas_revisions', 'layers:' || bumped);
  RETURN NULL;
END;
$$;
