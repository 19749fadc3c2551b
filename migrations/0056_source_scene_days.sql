-- Each cluster's kept scene instants (scene_times, covering_times: sorted and distinct) get their
-- distinct UTC dates and, per instant, the index of its date (issue 21, decision 0036). A time
-- filter then takes a cluster's scene dates as one slice of these, found by binary search, instead
-- of converting and sorting every instant of every cluster it reads.
--
-- The new columns are filled by a rebuild, which the state row asks for here; until it has run,
-- readers cluster on demand (exact, slower). A refresh running beside the upgrade holds this lock.
LOCK TABLE source_cluster_state IN EXCLUSIVE MODE;
UPDATE source_cluster_state SET rebuild = true;

ALTER TABLE source_clusters
  ADD COLUMN scene_days text[],
  ADD COLUMN scene_day_of integer[],
  ADD COLUMN covering_days text[],
  ADD COLUMN covering_day_of integer[];
