-- Plume assets (files in the asset store) belong to the organization whose import first named
-- them (NULL: the platform's own, imported without an organization). A key is never shared
-- across owners, and an asset is served only through a visible plume of its owner, so naming
-- another organization's file in a plume does not expose it.
CREATE TABLE plume_assets (
  key text PRIMARY KEY,
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plume_assets_owner_idx ON plume_assets (organization_id);

-- Keys already named: the earliest plume naming a key makes its owner the key's owner.
INSERT INTO plume_assets (key, organization_id)
SELECT DISTINCT ON (named.key) named.key, named.organization_id
FROM (
  SELECT unnest(ARRAY[plume_tif, plume_png, con_tif, rgb_tif, rgb_png]) AS key, organization_id, created_at, id FROM plumes
) named
WHERE named.key IS NOT NULL
ORDER BY named.key, named.created_at, named.id;

-- Colloquial plume names (<scene>-<letter>) are unique among published plumes and within each
-- owner, not across owners' unpublished plumes: an organization's letters are counted among the
-- plumes it may see, so they never reveal another organization's unpublished ones, and an import
-- of a name another organization keeps unpublished creates the importer's own plume. A name
-- already published elsewhere is given the next free letter when its plume is published.
ALTER TABLE plumes DROP CONSTRAINT plumes_plume_id_key;
CREATE UNIQUE INDEX plumes_owner_name_key ON plumes (organization_id, plume_id) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX plumes_published_name_key ON plumes (plume_id) WHERE status = 'published';
CREATE INDEX plumes_name_idx ON plumes (plume_id);
