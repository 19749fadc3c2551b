-- An organization's own emission factors (e.g. a supplier-specific electricity factor for
-- market-based scope 2). They take precedence over the shipped library where they apply.
CREATE TABLE organization_emission_factors (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id text NOT NULL CHECK (id ~ '^ef_[0-9a-z]{10,32}$'),
  activity text NOT NULL CHECK (length(activity) BETWEEN 1 AND 100),
  unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 20),
  region text NOT NULL CHECK (region ~ '^([A-Z]{2}|GLOBAL)$'),
  year integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  kg_co2e_per_unit double precision NOT NULL CHECK (kg_co2e_per_unit >= 0),
  co2_biogenic_per_unit double precision CHECK (co2_biogenic_per_unit >= 0),
  scope smallint NOT NULL CHECK (scope IN (1, 2, 3)),
  method text CHECK (method IN ('location-based', 'market-based')),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX organization_emission_factors_activity_idx ON organization_emission_factors (organization_id, activity, region, year);
