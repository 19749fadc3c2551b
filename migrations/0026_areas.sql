-- Areas of interest (the plume platform's `layers/aoi` pages) and administrative areas (its Common
-- `administrative-areas` pages), both usable as catalog filters (aoi_id, gadm_composite_id).

-- An AOI belongs to the organization it was created for and to the user who created it: visible to
-- that organization's members and keys, and to that user (see aoi-visibility in aois.queries.ts).
CREATE TABLE aois (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  name text CHECK (length(name) <= 512),
  description text CHECK (length(description) <= 10000),
  -- Always one valid MultiPolygon: what a client sent, unioned and made valid.
  geom geometry (MultiPolygon, 4326) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX aois_organization_idx ON aois (organization_id, created_at DESC);
CREATE INDEX aois_user_idx ON aois (user_id, created_at DESC);

-- Countries (level 0), their first- and second-level subdivisions, by GADM composite id
-- (USA, USA.44_1, USA.44.1_1). `source` says where a row came from: the boundaries shipped with the
-- server ('bundled', loaded after migrating) or an operator's own file ('imported', CLI); an
-- imported row is never overwritten by a later bundled load.
CREATE TABLE administrative_areas (
  gadm_composite_id text PRIMARY KEY CHECK (length(gadm_composite_id) BETWEEN 1 AND 64),
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 5),
  name text NOT NULL,
  -- The name with its parents', e.g. "Harris, Texas, United States of America": what a search answers.
  full_name text NOT NULL,
  source text NOT NULL CHECK (source IN ('bundled', 'imported')),
  geom geometry (MultiPolygon, 4326) NOT NULL,
  bbox double precision[] NOT NULL CHECK (cardinality(bbox) = 4)
);
CREATE INDEX administrative_areas_geom_idx ON administrative_areas USING gist (geom);

-- Search keys: the folded name (no accents, lower case, punctuation as spaces) from each word on.
-- Word 0 is the whole name (exact and prefix matches); word n > 0 lets "paulo" find "São Paulo".
-- One btree with text_pattern_ops answers all three kinds of match by prefix (LIKE 'term%').
CREATE TABLE administrative_area_keys (
  gadm_composite_id text NOT NULL REFERENCES administrative_areas (gadm_composite_id) ON DELETE CASCADE,
  word smallint NOT NULL,
  key text NOT NULL,
  PRIMARY KEY (gadm_composite_id, word)
);
CREATE INDEX administrative_area_keys_prefix_idx ON administrative_area_keys (key text_pattern_ops);

-- Which version of which data set is loaded, so start-up loads the bundled boundaries only once.
CREATE TABLE administrative_area_sources (
  source text PRIMARY KEY,
  version text NOT NULL,
  area_count integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
