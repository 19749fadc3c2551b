-- Each maintained cluster keeps its answer as the lists send it (issue 21, decision 0046): the
-- sources.geojson Feature as its serializer writes it, and the name and figures the lists sort by
-- and sources/aggregate sums. A read answers a cluster it takes whole with these, instead of its
-- per-plume arrays: at a million plumes everything was ~27 MB of arrays parsed, described and
-- serialized again on every request.
--
-- The refresh writes them, in its own transaction, for every cluster that has none (written in
-- JavaScript, by the functions that describe a cluster read on demand). An update that does not
-- write the answer itself drops it (the trigger below), so no answer outlives the row it describes;
-- so does one that sets answer_json to NULL (the way to make every answer be written anew). A
-- reader finds a cluster without one stale and refreshes, or describes it from its arrays.
ALTER TABLE source_clusters
  ADD COLUMN answer_json text,
  ADD COLUMN answer_name text,
  ADD COLUMN answer_emission double precision,
  ADD COLUMN answer_uncertainty double precision,
  ADD COLUMN answer_persistence double precision;

-- The version of the code that wrote them (source-answers.ts: ANSWER_VERSION, derived from the
-- Feature's schema and a number bumped when the figures change). A refresh by code of another
-- version rewrites every answer, and readers of that version find the clusters stale until then.
ALTER TABLE source_cluster_state ADD COLUMN answer_version text;

-- Read whole, never searched: uncompressed, so a read of everything does not inflate ~27 MB.
ALTER TABLE source_clusters ALTER COLUMN answer_json SET STORAGE EXTERNAL;

-- What readers test before every read (clustersStale): a handful of rows at most, found at once.
CREATE INDEX source_clusters_unanswered_idx ON source_clusters (id) WHERE answer_json IS NULL;

CREATE FUNCTION source_clusters_answer_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.answer_json IS NULL OR NEW.answer_json IS NOT DISTINCT FROM OLD.answer_json THEN
    NEW.answer_json := NULL;
    NEW.answer_name := NULL;
    NEW.answer_emission := NULL;
    NEW.answer_uncertainty := NULL;
    NEW.answer_persistence := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER source_clusters_answer_stale BEFORE UPDATE ON source_clusters
  FOR EACH ROW EXECUTE FUNCTION source_clusters_answer_stale();
