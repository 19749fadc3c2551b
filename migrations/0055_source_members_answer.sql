-- Source members keep what a source answers of each plume and what the common filters test (issue
-- 21, decision 0035): a box, a time or publication interval, gas, sector and emission range are then
-- answered from the members alone, without joining the plumes (at a million plumes that join cost
-- ~300 ms of a basin's answer with a time filter). The writers' triggers already mark a published
-- plume dirty when any of these fields changes, so the refresh keeps them current. Emission figures
-- are stored as an anonymous viewer reads them (NULL where hidden), as the clusters' answers are.
--
-- The new columns are filled by a rebuild, which the state row asks for here.
-- A refresh running beside the upgrade holds this lock while it writes members: wait for it.
LOCK TABLE source_cluster_state IN EXCLUSIVE MODE;
DELETE FROM source_members;
DELETE FROM source_clusters;
UPDATE source_cluster_state SET rebuild = true;

ALTER TABLE source_members
  ADD COLUMN plume_id text NOT NULL,
  ADD COLUMN geometry geometry(Point, 4326) NOT NULL,
  ADD COLUMN "datetime" timestamptz NOT NULL,
  ADD COLUMN published_at timestamptz,
  ADD COLUMN emission_auto double precision,
  ADD COLUMN emission_uncertainty_auto double precision;

CREATE INDEX source_members_geometry_idx ON source_members USING gist (geometry);

-- A filter that cuts a cluster re-clusters its matching members, whose centre is then new: its scene
-- dates were a spatial search over every scene (at a basin, ~330 footprints per centre, ~0.9 ms
-- each). Every such centre lies in the members' extent, so each cluster keeps the instants of the
-- visible scenes whose footprint covers its extent (they cover any such centre) and the ids of
-- those that only cross it: only these few are tested against the new centre. `scene_reach` is the
-- extent widened by 1e-6° (a centroid's rounding), the box those tests use.
ALTER TABLE source_clusters
  ADD COLUMN covering_times timestamptz[],
  ADD COLUMN edge_scenes uuid[],
  ADD COLUMN scene_reach geometry(Polygon, 4326) NOT NULL;
CREATE INDEX source_clusters_scene_reach_idx ON source_clusters USING gist (scene_reach);
