-- The emissions ledger (/v2/emissions): every record of an organization's emissions, in kgCO2e.
-- Records are never deleted: a correction voids one with a reason.
CREATE TABLE emissions (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^em_[0-9a-z]{10,32}$'),
  -- Insertion order: the stable order of cursor pages, so records arriving meanwhile are never
  -- skipped or repeated (they come after every cursor already handed out).
  seq bigint GENERATED ALWAYS AS IDENTITY,
  facility_id text NOT NULL CHECK (length(facility_id) BETWEEN 1 AND 200),
  scope smallint NOT NULL CHECK (scope IN (1, 2, 3)),
  category text CHECK (length(category) <= 100),
  value_kg double precision NOT NULL CHECK (value_kg >= 0),
  reported_value double precision NOT NULL,
  reported_unit text NOT NULL CHECK (reported_unit IN ('kgCO2e', 'tCO2e', 'gCO2e')),
  occurred_at timestamptz NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'calculated')),
  external_id text CHECK (length(external_id) <= 200),
  voided_at timestamptz,
  void_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX emissions_page_idx ON emissions (organization_id, seq);
CREATE INDEX emissions_time_idx ON emissions (organization_id, occurred_at, seq);
CREATE UNIQUE INDEX emissions_external_id_key ON emissions (organization_id, external_id) WHERE external_id IS NOT NULL;
