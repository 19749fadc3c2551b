-- Replacing an organization's factor makes a new version; earlier versions are kept, and the
-- emissions calculated with them are voided and recalculated (the voided records are the trail).
ALTER TABLE organization_emission_factors ADD COLUMN version integer NOT NULL DEFAULT 1;

CREATE TABLE organization_emission_factor_versions (
  organization_id uuid NOT NULL,
  factor_id text NOT NULL,
  version integer NOT NULL,
  kg_co2e_per_unit double precision NOT NULL,
  co2_biogenic_per_unit double precision,
  source text NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, factor_id, version),
  FOREIGN KEY (organization_id, factor_id) REFERENCES organization_emission_factors (organization_id, id) ON DELETE CASCADE
);
