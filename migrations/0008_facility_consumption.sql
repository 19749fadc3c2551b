-- Facility consumption (activity data) and the emissions calculated from it. A calculated emission
-- names the factor and version that produced it; a recalculation voids the old record (the audit
-- trail) and writes a new one.
ALTER TABLE emissions
  ADD COLUMN co2e_biomass_kg double precision NOT NULL DEFAULT 0 CHECK (co2e_biomass_kg >= 0),
  ADD COLUMN consumption_id uuid,
  ADD COLUMN factor_id text,
  ADD COLUMN factor_version text,
  ADD COLUMN calculation jsonb;
CREATE INDEX emissions_consumption_idx ON emissions (organization_id, consumption_id) WHERE consumption_id IS NOT NULL;
CREATE INDEX emissions_facility_idx ON emissions (organization_id, facility_id);

CREATE TABLE facility_consumption (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  facility_id uuid NOT NULL,
  category text NOT NULL CHECK (category IN ('electricity', 'heat', 'water', 'recharge')),
  activity text NOT NULL CHECK (length(activity) BETWEEN 1 AND 100),
  quantity double precision NOT NULL CHECK (quantity >= 0),
  unit text NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end >= period_start),
  cups text,
  supplier_factor double precision CHECK (supplier_factor >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX facility_consumption_facility_idx ON facility_consumption (organization_id, facility_id, period_start);
