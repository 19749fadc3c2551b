-- Tenant data: organization_id leads every key so each organization's rows sit together and the
-- table can be distributed by organization_id on Citus.
CREATE TABLE facilities (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  type text NOT NULL,
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  address text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  logistic_factor double precision NOT NULL DEFAULT 0.8 CHECK (logistic_factor BETWEEN 0 AND 1),
  categories text[] NOT NULL DEFAULT '{}',
  cups_list text[] NOT NULL DEFAULT '{}',
  facility_purpose_type text NOT NULL DEFAULT 'facilities',
  co2e double precision NOT NULL DEFAULT 0,
  co2e_biomass double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
-- The list order (newest first, id as tie-breaker) and the per-status counts.
CREATE INDEX facilities_listing_idx ON facilities (organization_id, created_at DESC, id DESC);
CREATE INDEX facilities_status_idx ON facilities (organization_id, status);

-- A supply point (CUPS, compared without its optional 2-character border-point suffix) may belong
-- to one active facility per organization: the primary key enforces it under any concurrency.
CREATE TABLE facility_active_cups (
  organization_id uuid NOT NULL,
  supply_point text NOT NULL,
  facility_id uuid NOT NULL,
  PRIMARY KEY (organization_id, supply_point),
  FOREIGN KEY (organization_id, facility_id) REFERENCES facilities (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX facility_active_cups_facility_idx ON facility_active_cups (organization_id, facility_id);
