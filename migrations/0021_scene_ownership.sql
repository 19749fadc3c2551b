-- Scenes belong to the organization whose import or seeder created them (NULL: the platform's
-- own), as plumes do since 0014. Names are unique per owner and among published scenes, not
-- across owners: an import finds or creates a scene of its own owner and never updates or joins
-- another owner's, so it can neither rewrite another organization's scene nor learn that it exists.
ALTER TABLE scenes DROP CONSTRAINT scenes_name_key;
CREATE UNIQUE INDEX scenes_owner_name_key ON scenes (organization_id, name) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX scenes_published_name_key ON scenes (name) WHERE status = 'published';
CREATE INDEX scenes_name_idx ON scenes (name);

-- A scene is created unpublished unless what created it is published; it is visible to others
-- once published or once it holds a published plume (the rule in visible-scenes.queries.ts).
ALTER TABLE scenes ALTER COLUMN status SET DEFAULT 'valid';

-- Scenes that an organization's import made public by the old default: published, but holding no
-- published plume and never assessed (an assessed scene is a reviewed null detection) — private again.
UPDATE scenes s SET status = 'valid', modified = now()
WHERE s.organization_id IS NOT NULL AND s.status = 'published' AND NOT s.assessed
  AND NOT EXISTS (SELECT 1 FROM plumes p WHERE p.scene_id = s.id AND p.status = 'published');

-- Plumes that another owner's import attached to such a scene move to a scene of their own owner,
-- described from the plume's own fields (nothing of the other owner's scene is copied but its
-- name and the time the name spells).
CREATE TEMPORARY TABLE stranded_plumes ON COMMIT DROP AS
SELECT p.id, p.organization_id, s.name, p.instrument, p.platform, p.provider, p.mission_phase, s."timestamp", p.created_at
FROM plumes p JOIN scenes s ON s.id = p.scene_id
WHERE p.organization_id IS DISTINCT FROM s.organization_id AND s.status = 'valid'
  AND NOT EXISTS (SELECT 1 FROM plumes o WHERE o.scene_id = s.id AND o.status = 'published');

INSERT INTO scenes (name, instrument, platform, provider, mission_phase, "timestamp", status, organization_id)
SELECT DISTINCT ON (organization_id, name) name, instrument, platform, provider, mission_phase, "timestamp", 'valid', organization_id
FROM stranded_plumes ORDER BY organization_id, name, created_at, id
ON CONFLICT DO NOTHING;

UPDATE plumes p SET scene_id = own.id
FROM stranded_plumes moved, scenes own
WHERE p.id = moved.id AND own.name = moved.name AND own.organization_id IS NOT DISTINCT FROM moved.organization_id;
