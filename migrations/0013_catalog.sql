-- The plume catalog: scenes (one acquisition of one instrument) and the plumes detected in them.
-- A plume repeats its scene's instrument, time and names so that the catalog's filters read one
-- table; the scene stays the authority (a scene's fields are never edited through a plume).
CREATE TABLE scenes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9]{3}[0-9]{8}t[0-9]{6}p[0-9]{4}$'),
  instrument text NOT NULL CHECK (instrument IN ('GAO', 'ang', 'av3', 'emi', 'tan', 'ssc')),
  platform text,
  provider text,
  mission_phase text,
  "timestamp" timestamptz NOT NULL,
  footprint geometry(Geometry, 4326),
  cloud_cover real CHECK (cloud_cover BETWEEN 0 AND 100),
  qa_flags text[] NOT NULL DEFAULT '{}',
  -- Published scenes are public; assessed ones were reviewed for plumes, so a scene without any is a null detection.
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('valid', 'published', 'hidden', 'deleted')),
  assessed boolean NOT NULL DEFAULT false,
  do_not_assess boolean NOT NULL DEFAULT false,
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scenes_timestamp_idx ON scenes ("timestamp");
CREATE INDEX scenes_footprint_idx ON scenes USING gist (footprint);
CREATE INDEX scenes_owner_idx ON scenes (organization_id);

CREATE TABLE plumes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plume_id text NOT NULL UNIQUE CHECK (plume_id ~ '^[A-Za-z0-9]{3}[0-9]{8}t[0-9]{6}p[0-9]{4}-[A-Z]{1,3}$'),
  scene_id uuid NOT NULL REFERENCES scenes (id),
  scene_name text NOT NULL,
  instrument text NOT NULL,
  platform text,
  provider text,
  mission_phase text,
  "datetime" timestamptz NOT NULL,
  -- Owner: the organization whose analysts curate it; unpublished plumes are visible to it alone.
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  gas text NOT NULL CHECK (gas IN ('CH4', 'CO2')),
  geometry geometry(Point, 4326) NOT NULL,
  bounds geometry(Polygon, 4326),
  sector text CHECK (sector IN ('1B2', '6A', '6B', '4B', '1B1a', '1A1', 'other', 'NA')),
  emission_auto double precision,
  emission_uncertainty_auto double precision,
  emission_cmf_type text,
  emission_version text,
  processing_software text,
  gsd double precision,
  sensitivity_mode text,
  off_nadir double precision,
  wind_speed_avg_auto double precision,
  wind_speed_std_auto double precision,
  wind_direction_avg_auto double precision,
  wind_direction_std_auto double precision,
  wind_source_auto text,
  quality text CHECK (quality IN ('good', 'questionable', 'bad')),
  quality_shape boolean,
  quality_artifacts boolean,
  quality_flare boolean,
  quality_background boolean,
  phme_candidate boolean,
  hide_emission boolean NOT NULL DEFAULT false,
  notes text,
  asset_id uuid,
  status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'publish_ready', 'publish_delayed', 'published', 'deleted', 'hidden')),
  plume_tif text,
  plume_png text,
  con_tif text,
  rgb_tif text,
  rgb_png text,
  is_offshore boolean NOT NULL DEFAULT false,
  collection text,
  published_at timestamptz,
  modified timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plumes_geometry_idx ON plumes USING gist (geometry);
CREATE INDEX plumes_bounds_idx ON plumes USING gist (bounds);
CREATE INDEX plumes_datetime_idx ON plumes ("datetime" DESC, plume_id DESC);
CREATE INDEX plumes_scene_idx ON plumes (scene_id);
CREATE INDEX plumes_owner_idx ON plumes (organization_id, status);

-- Plume CSV imports run as jobs (their upload in upload_parts until the job ends).
CREATE TABLE plume_imports (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id text NOT NULL,
  status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'queued', 'running', 'completed', 'failed')),
  bytes bigint NOT NULL DEFAULT 0,
  received integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX plume_imports_id_key ON plume_imports (id);

-- A CSV cell, as the plume exports write it: text a spreadsheet would run (starting with = + - @,
-- tab or CR, unless a plain number) gets a leading apostrophe; a cell with a comma, quote or line
-- break is quoted (RFC 4180). Plain SQL expressions, which the planner inlines.
CREATE FUNCTION csv_quote(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN value ~ '[",\r\n]' THEN '"' || replace(value, '"', '""') || '"' ELSE value END;
CREATE FUNCTION csv_cell(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN value IS NULL THEN ''
    WHEN value ~ '^[=+@\t\r-]' AND value !~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN csv_quote('''' || value)
    ELSE csv_quote(value)
  END;
