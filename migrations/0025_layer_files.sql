-- The files uploaded into a layer (the page's `layers/files`, `layer/{id}/files`, `file/{file_id}`):
-- the original upload is kept in the blob store under `blob_key`, and imported by a job. Status, as
-- the page spells it (a string): processing, ready, failed.
CREATE TABLE layer_files (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id bigint NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  -- One of geojson, shp, gpkg, kml, kmz, csv: how the job reads it.
  format text NOT NULL CHECK (format IN ('geojson', 'shp', 'gpkg', 'kml', 'kmz', 'csv')),
  blob_key text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
  status_detail text,
  feature_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX layer_files_layer_idx ON layer_files (layer_id, created_at DESC);

-- Features remember the file they came from (null for generated layers such as grids).
ALTER TABLE layer_features ADD COLUMN file_id bigint REFERENCES layer_files (id) ON DELETE CASCADE;
CREATE INDEX layer_features_file_idx ON layer_features (file_id);
