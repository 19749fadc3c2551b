-- Each maintained cluster keeps its answer as the lists send it (issue 21, decision 0046): the
-- sources.geojson Feature as its serializer writes it, and the name and figures the lists sort by
-- and sources/aggregate sums. A read answers a cluster it takes whole with these, instead of its
-- per-plume arrays: at a million plumes everything was ~27 MB of arrays parsed, described and
-- serialized again on every request.
--
-- The refresh writes them, in the transaction that writes the clusters, for every cluster that has
-- none (in JavaScript, by the functions that describe a cluster read on demand). An update that
-- does not write the answer itself drops it (the trigger below), so no answer outlives the row it
-- describes; so does one that sets answer_json to NULL. A reader describes a cluster without one
-- from its arrays; a missing answer never makes it refresh.
ALTER TABLE source_clusters
  ADD COLUMN answer_json text,
  ADD COLUMN answer_name text,
  ADD COLUMN answer_emission double precision,
  ADD COLUMN answer_uncertainty double precision,
  ADD COLUMN answer_persistence double precision;

-- The version of the code that wrote them (source-answers.ts: ANSWER_VERSION, a number bumped when
-- what a source answers changes, and the schemas' hash). Readers of another version take no stored
-- answer; a refresh of another version off the requests' path rewrites them all.
ALTER TABLE source_cluster_state ADD COLUMN answer_version text;

-- Read whole, never searched: uncompressed, so a read of everything does not inflate ~27 MB.
ALTER TABLE source_clusters ALTER COLUMN answer_json SET STORAGE EXTERNAL;

-- What every refresh looks for once it has written the clusters: a handful of rows, found at once.
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
