-- Raster layers served as XYZ PNG tiles (layers/scene/... and layers/asset/...): what was read from
-- each GeoTIFF's header and samples, so a tile needs no pass over the file. A file is described once
-- per version: the sha256 of an uploaded file, or the store's own version of a plume asset read in
-- place (size and modification time of a file, the object's ETag); a new version is described anew
-- and the tile caches, keyed by it, never serve the old one.
CREATE TABLE rasters (
  key text PRIMARY KEY,
  version text NOT NULL,
  epsg integer NOT NULL,
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  bands smallint NOT NULL CHECK (bands > 0),
  floating boolean NOT NULL,
  nodata double precision,
  -- The 99th percentile of the first band's valid samples (from its coarsest level): the default v_max.
  p99 double precision,
  -- [west, south, east, north], WGS 84.
  bounds double precision[] NOT NULL CHECK (cardinality(bounds) = 4),
  described_at timestamptz NOT NULL DEFAULT now()
);

-- A scene's concentration products and RGB image, uploaded by the scene's owner. The file is stored
-- under a key holding its sha256, so re-uploading a product replaces the row and changes every cache key.
CREATE TABLE scene_rasters (
  scene_id uuid NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  product text NOT NULL CHECK (product IN ('ch4', 'co2', 'rgb')),
  key text NOT NULL REFERENCES rasters (key),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bigint NOT NULL,
  converted boolean NOT NULL DEFAULT false,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scene_id, product)
);
