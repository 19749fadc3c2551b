-- Tasking (the plume platform's `tasking/*` pages): an organization's target decks, the target specs
-- in them, the satellites (platforms, each with its two-line element set) that capture them, and the
-- captures with their reviews and rejections. Every row carries organization_id, the tenant key (the
-- distribution column on Citus), and every read and write filters on it.

CREATE TABLE tasking_platforms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- A two-line element set, validated (length, checksums, SGP4 initialisation) before it is stored.
  tle_line1 text NOT NULL CHECK (length(tle_line1) = 69),
  tle_line2 text NOT NULL CHECK (length(tle_line2) = 69),
  created_at timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tasking_platforms_name_key ON tasking_platforms (organization_id, lower(name));

-- Status workflow (see src/modules/tasking/deck-status.ts): DRAFT → SUBMITTED → ACTIVE ⇄ PAUSED →
-- COMPLETED, CANCELLED from any open state; REPLACED when another deck of the organization is
-- activated with replacement_method FULL_REPLACEMENT.
CREATE TABLE target_decks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$'),
  verbose_name text CHECK (length(verbose_name) <= 500),
  status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SUBMITTED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED', 'REPLACED')),
  replacement_method text CHECK (replacement_method IN ('FULL_REPLACEMENT', 'APPEND')),
  created_at timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX target_decks_name_key ON target_decks (organization_id, lower(name));

CREATE TABLE target_specs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  target_deck_id uuid NOT NULL REFERENCES target_decks (id) ON DELETE CASCADE,
  name text CHECK (length(name) <= 200),
  -- Names of the geo module's layers (resolved when read, through that module's visibility rule).
  input_layer_names text[] NOT NULL DEFAULT '{}' CHECK (cardinality(input_layer_names) <= 20),
  sensitivity_mode text CHECK (length(sensitivity_mode) <= 40),
  off_nadir_angle_min double precision CHECK (off_nadir_angle_min BETWEEN 0 AND 90),
  off_nadir_angle_max double precision CHECK (off_nadir_angle_max BETWEEN 0 AND 90),
  satellite_elevation_angle_min double precision CHECK (satellite_elevation_angle_min BETWEEN 0 AND 90),
  satellite_elevation_angle_max double precision CHECK (satellite_elevation_angle_max BETWEEN 0 AND 90),
  solar_zenith_angle_min double precision CHECK (solar_zenith_angle_min BETWEEN 0 AND 180),
  solar_zenith_angle_max double precision CHECK (solar_zenith_angle_max BETWEEN 0 AND 180),
  start_time timestamptz,
  end_time timestamptz,
  recurrence_frequency text CHECK (recurrence_frequency IN ('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY')),
  recurrence_interval integer CHECK (recurrence_interval BETWEEN 1 AND 1000),
  count integer CHECK (count BETWEEN 1 AND 10000),
  priority integer CHECK (priority BETWEEN 0 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now(),
  CHECK (off_nadir_angle_min <= off_nadir_angle_max),
  CHECK (satellite_elevation_angle_min <= satellite_elevation_angle_max),
  CHECK (solar_zenith_angle_min <= solar_zenith_angle_max),
  CHECK (start_time < end_time)
);
CREATE INDEX target_specs_deck_idx ON target_specs (target_deck_id);
CREATE INDEX target_specs_organization_idx ON target_specs (organization_id);

-- Target areas given directly as GeoJSON (points or polygons), beside or instead of input layers.
CREATE TABLE target_spec_areas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  target_spec_id uuid NOT NULL REFERENCES target_specs (id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  name text CHECK (length(name) <= 200),
  geom geometry(Geometry, 4326) NOT NULL,
  UNIQUE (target_spec_id, ordinal)
);

CREATE TABLE task_captures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  target_spec_id uuid NOT NULL REFERENCES target_specs (id) ON DELETE CASCADE,
  platform_id uuid REFERENCES tasking_platforms (id) ON DELETE SET NULL,
  captured_at timestamptz NOT NULL,
  -- The catalog scene the capture became, by name or id (the catalog owns scenes; no foreign key).
  scene text CHECK (length(scene) <= 100),
  notes text CHECK (length(notes) <= 5000),
  -- Follows its latest review: PENDING_REVIEW until one exists.
  status text NOT NULL DEFAULT 'PENDING_REVIEW' CHECK (status IN ('PENDING_REVIEW', 'ACCEPTED', 'REJECTED')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_captures_spec_idx ON task_captures (target_spec_id, captured_at);
CREATE INDEX task_captures_organization_idx ON task_captures (organization_id, created_at);

CREATE TABLE task_capture_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  task_capture_id uuid NOT NULL REFERENCES task_captures (id) ON DELETE CASCADE,
  decision text NOT NULL CHECK (decision IN ('ACCEPTED', 'REJECTED')),
  notes text CHECK (length(notes) <= 5000),
  reviewer text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX task_capture_reviews_capture_idx ON task_capture_reviews (task_capture_id, created_at);

-- A rejecting review's reasons (the page's `task_capture/{id}/rejection`).
CREATE TABLE task_capture_rejections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  review_id uuid NOT NULL UNIQUE REFERENCES task_capture_reviews (id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (reason IN ('CLOUD_COVER', 'HAZE', 'SUN_GLINT', 'OFF_TARGET', 'SATURATION', 'DATA_QUALITY', 'OTHER')),
  description text CHECK (length(description) <= 5000),
  notes text CHECK (length(notes) <= 5000),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
