-- Sources of the published plumes kept clustered (issue 21, decision 0034): DBSCAN with the
-- default parameters (eps 100 m, minpoints 1), in the on-demand query's metric (the plume's UTM
-- zone, per gas, sector and zone), over every plume with status 'published' — what an anonymous
-- viewer, and anyone outside the owning organization, can see. With minpoints 1 a cluster is a
-- connected component of "within eps", so the clusters of any narrower set of those plumes refine
-- these: each lies inside one of them. A read answers a cluster its filters keep whole from the
-- stored answer, and re-clusters only the clusters they cut.
--
-- Writers pay one row per changed published plume (source_dirty_plumes) or changed scene
-- footprint; no clustering happens in their transaction. The first reader that finds dirty rows
-- re-clusters the neighbourhood they can affect before it reads (one refresher at a time), so no
-- read ever answers from clusters that miss a committed change: the check and the read share one
-- snapshot.

CREATE TABLE source_clusters (
  id bigint PRIMARY KEY,
  gas text NOT NULL,
  sector text NOT NULL,
  srid integer NOT NULL,
  plume_count integer NOT NULL,
  -- The answer of the cluster, as `selectClusters` aggregates it: members in time order.
  plume_ids text[] NOT NULL,
  plume_uuids text[] NOT NULL,
  plume_days text[] NOT NULL,
  emissions double precision[] NOT NULL,
  uncertainties double precision[] NOT NULL,
  centre geometry(Point, 4326) NOT NULL,
  timestamp_min timestamptz NOT NULL,
  timestamp_max timestamptz NOT NULL,
  published_at_min timestamptz,
  published_at_max timestamptz,
  -- UTC dates of the scenes an anonymous viewer sees whose footprint covers the centre, and their
  -- instants (a time filter keeps those in its interval).
  scene_dates text[],
  scene_times timestamptz[],
  -- The members' extent: a box that holds it keeps the cluster whole.
  west double precision NOT NULL,
  south double precision NOT NULL,
  east double precision NOT NULL,
  north double precision NOT NULL,
  extent geometry(Geometry, 4326) NOT NULL
);
CREATE SEQUENCE source_clusters_id_seq OWNED BY source_clusters.id;
CREATE INDEX source_clusters_extent_idx ON source_clusters USING gist (extent);
CREATE INDEX source_clusters_centre_idx ON source_clusters USING gist (centre);
CREATE INDEX source_clusters_partition_idx ON source_clusters (gas, sector, srid);

CREATE TABLE source_members (
  plume uuid PRIMARY KEY,
  cluster bigint NOT NULL,
  gas text NOT NULL,
  sector text NOT NULL,
  srid integer NOT NULL,
  -- The plume in its zone's metres (no SRID: zones share coordinates, so neighbours match srid too).
  utm geometry(Point) NOT NULL
);
CREATE INDEX source_members_cluster_idx ON source_members (cluster);
CREATE INDEX source_members_utm_idx ON source_members USING gist (utm);

-- Published plumes changed since the last refresh (their scene too: a published plume makes a
-- 'valid' scene visible), and footprints of scenes changed since.
CREATE TABLE source_dirty_plumes (plume uuid NOT NULL, scene uuid);
CREATE TABLE source_dirty_footprints (footprint geometry NOT NULL);

-- One row. `rebuild`: cluster everything afresh (a new installation, TRUNCATE, a bulk change).
CREATE TABLE source_cluster_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  rebuild boolean NOT NULL
);
INSERT INTO source_cluster_state VALUES (true, true);

CREATE FUNCTION mark_source_plumes_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE source_cluster_state SET rebuild = true WHERE NOT rebuild;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO source_dirty_plumes SELECT id, scene_id FROM new_rows WHERE status = 'published';
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO source_dirty_plumes SELECT id, scene_id FROM old_rows WHERE status = 'published';
  ELSE
    -- Only what a source answers or groups by; a curation edit (notes, quality, wind) adds nothing.
    -- One row per plume; its scene only when its status or scene changed (what can change that
    -- scene's visibility), and the old scene too when it moved to another.
    INSERT INTO source_dirty_plumes
    SELECT x.id, x.scene_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES
        (n.id, CASE WHEN (n.status, n.scene_id) IS DISTINCT FROM (o.status, o.scene_id) THEN n.scene_id END),
        (CASE WHEN n.scene_id IS DISTINCT FROM o.scene_id THEN o.id END, o.scene_id)) x(id, scene_id)
    WHERE x.id IS NOT NULL AND (n.status = 'published' OR o.status = 'published')
      AND (n.status, n.geometry, n.gas, n.sector, n.plume_id, n."datetime", n.published_at, n.emission_auto, n.emission_uncertainty_auto, n.hide_emission, n.scene_id)
        IS DISTINCT FROM (o.status, o.geometry, o.gas, o.sector, o.plume_id, o."datetime", o.published_at, o.emission_auto, o.emission_uncertainty_auto, o.hide_emission, o.scene_id);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER plumes_sources_insert AFTER INSERT ON plumes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_plumes_dirty();
CREATE TRIGGER plumes_sources_update AFTER UPDATE ON plumes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_plumes_dirty();
CREATE TRIGGER plumes_sources_delete AFTER DELETE ON plumes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_plumes_dirty();
CREATE TRIGGER plumes_sources_truncate AFTER TRUNCATE ON plumes FOR EACH STATEMENT EXECUTE FUNCTION mark_source_plumes_dirty();

CREATE FUNCTION mark_source_footprints_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE source_cluster_state SET rebuild = true WHERE NOT rebuild;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO source_dirty_footprints SELECT footprint FROM new_rows WHERE footprint IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO source_dirty_footprints SELECT footprint FROM old_rows WHERE footprint IS NOT NULL;
  ELSE
    INSERT INTO source_dirty_footprints
    SELECT x.footprint FROM new_rows n JOIN old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.footprint), (o.footprint)) x(footprint)
    WHERE x.footprint IS NOT NULL
      AND (n.status, n.footprint, n."timestamp", n.instrument) IS DISTINCT FROM (o.status, o.footprint, o."timestamp", o.instrument);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER scenes_sources_insert AFTER INSERT ON scenes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_footprints_dirty();
CREATE TRIGGER scenes_sources_update AFTER UPDATE ON scenes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_footprints_dirty();
CREATE TRIGGER scenes_sources_delete AFTER DELETE ON scenes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_source_footprints_dirty();
CREATE TRIGGER scenes_sources_truncate AFTER TRUNCATE ON scenes FOR EACH STATEMENT EXECUTE FUNCTION mark_source_footprints_dirty();
