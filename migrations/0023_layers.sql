-- Uploaded vector layers (the plume platform's Geospatial Services `layers/*` pages). The page
-- addresses layers and their files by integer id. Status, as the page's `statuses` filter uses it:
-- 0 ready (the default list), 1 processing (what a fresh upload answers), 2 failed.
CREATE TABLE layers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 6 AND 512 AND name ~ '^[a-zA-Z0-9_-]+$'),
  verbose_name text CHECK (length(verbose_name) <= 512),
  description text CHECK (length(description) <= 10000),
  status smallint NOT NULL DEFAULT 1 CHECK (status IN (0, 1, 2)),
  -- Why a failed layer failed, in words a person can act on.
  status_detail text,
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- Property names and their JSON types, derived from the features: {"name": "string", ...}.
  schema jsonb NOT NULL DEFAULT '{}',
  -- [west, south, east, north] of all features, null while empty.
  bounds double precision[] CHECK (bounds IS NULL OR cardinality(bounds) = 4),
  metadata jsonb NOT NULL DEFAULT '{}',
  feature_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX layers_name_key ON layers (lower(name));
CREATE INDEX layers_organization_idx ON layers (organization_id);

CREATE TABLE layer_features (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id bigint NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
  geom geometry (Geometry, 4326) NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX layer_features_layer_idx ON layer_features (layer_id);
CREATE INDEX layer_features_geom_idx ON layer_features USING gist (geom);
