-- Retirement records are public: address them by an opaque id, so that nobody can walk through
-- every retirement by counting (the bigint id stays internal).
ALTER TABLE retirements ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX retirements_public_id_key ON retirements (public_id);

-- The friendbot's daily allowance per organization, counted in the database so that it holds
-- across every server process.
CREATE TABLE registry_friendbot_grants (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  day date NOT NULL,
  grants integer NOT NULL CHECK (grants > 0),
  PRIMARY KEY (organization_id, day)
);

-- The friendbot's project used to be recorded as owned by the first organization that called it;
-- it belongs to none, so that nobody can issue credits under it.
UPDATE registry_projects p SET created_by_organization_id = NULL
WHERE p.full_name = 'Carbon Atlas Sandbox Project'
  AND NOT EXISTS (SELECT 1 FROM credit_batches b WHERE b.project_id = p.id AND b.ledger = 'live');
