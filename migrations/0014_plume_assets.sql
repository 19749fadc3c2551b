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
