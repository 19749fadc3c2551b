-- Each cluster's kept scene instants (scene_times, covering_times: sorted and distinct) get their
-- distinct UTC dates and, per instant, the index of its date (issue 21, decision 0036). A time
-- filter then takes a cluster's scene dates as one slice of these, found by binary search, instead
-- of converting and sorting every instant of every cluster it reads.
--
-- A trigger derives them from the instants on every write, so no writer can store instants without
-- their dates (a process still running the previous version during an upgrade included).
-- The new columns are filled by a rebuild, which the state row asks for here; until it has run,
-- readers cluster on demand (exact, slower). A refresh running beside the upgrade holds this lock.
LOCK TABLE source_cluster_state IN EXCLUSIVE MODE;
UPDATE source_cluster_state SET rebuild = true;

ALTER TABLE source_clusters
  ADD COLUMN scene_days text[],
  ADD COLUMN scene_day_of integer[],
  ADD COLUMN covering_days text[],
  ADD COLUMN covering_day_of integer[];

-- The distinct UTC dates of sorted instants (as the catalog writes a date: ::date::text), in date
-- order, and for each instant the 1-based index of its date. NULL instants give NULL.
CREATE FUNCTION source_instant_days(times timestamptz[], OUT days text[], OUT day_of integer[]) LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN times IS NOT NULL THEN ARRAY(
           SELECT d::text FROM (SELECT DISTINCT (t AT TIME ZONE 'UTC')::date AS d FROM unnest(times) t) u ORDER BY d) END,
         CASE WHEN times IS NOT NULL THEN ARRAY(
           SELECT (dense_rank() OVER (ORDER BY (t AT TIME ZONE 'UTC')::date))::integer
           FROM unnest(times) WITH ORDINALITY AS u(t, i) ORDER BY i) END
$$;

CREATE FUNCTION source_clusters_date_instants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.days, d.day_of INTO NEW.scene_days, NEW.scene_day_of FROM source_instant_days(NEW.scene_times) d;
  SELECT d.days, d.day_of INTO NEW.covering_days, NEW.covering_day_of FROM source_instant_days(NEW.covering_times) d;
  RETURN NEW;
END
$$;

CREATE TRIGGER source_clusters_date_instants BEFORE INSERT OR UPDATE OF scene_times, covering_times ON source_clusters
  FOR EACH ROW EXECUTE FUNCTION source_clusters_date_instants();
