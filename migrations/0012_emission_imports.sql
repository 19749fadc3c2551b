-- Large imports run as jobs: the upload is kept in the database (not on one host's disk), so any
-- server or `carbon-atlas worker` sharing the database can run it; its parts go when it ends.
CREATE TABLE emission_imports (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id text NOT NULL,
  format text NOT NULL CHECK (format IN ('ndjson', 'csv')),
  status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'queued', 'running', 'completed', 'failed')),
  bytes bigint NOT NULL DEFAULT 0,
  received integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  duplicates integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  failure text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX emission_imports_id_key ON emission_imports (id);

-- Uploads waiting for their job, of any module: 1 MiB parts, deleted by the job when it ends.
CREATE TABLE upload_parts (
  upload_id text NOT NULL,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, seq)
);
