-- Plumes per owner and status, maintained in the same transaction as every change to plumes
-- (decision 0018). The catalog's unfiltered pages report an exact total_count; counting 930,000
-- index entries for it took 270 ms at 1,000,000 plumes, summing these rows takes well under one.
-- A change that moves no plume between (owner, status) — a curation edit — touches no row here,
-- so only imports, publications and deletions queue on a counter row, once per statement.
-- No foreign key: an organization's deletion sets its plumes' owner to NULL, which this trigger
-- itself moves to the NULL owner's row.
CREATE TABLE plume_counts (
  organization_id uuid,
  status text NOT NULL,
  plumes bigint NOT NULL
);
CREATE UNIQUE INDEX plume_counts_key ON plume_counts (organization_id, status) NULLS NOT DISTINCT;

INSERT INTO plume_counts (organization_id, status, plumes)
SELECT organization_id, status, count(*) FROM plumes GROUP BY organization_id, status;

-- Changes are applied in key order, so that two writers needing the same counters queue rather
-- than deadlock. Each branch names only the transition tables its operation has.
CREATE FUNCTION count_plume_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM plume_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO plume_counts AS c (organization_id, status, plumes)
    SELECT organization_id, status, count(*) FROM new_rows GROUP BY organization_id, status ORDER BY organization_id, status
    ON CONFLICT (organization_id, status) DO UPDATE SET plumes = c.plumes + EXCLUDED.plumes;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE plume_counts c SET plumes = c.plumes - gone.plumes
    FROM (SELECT organization_id, status, count(*) AS plumes FROM old_rows GROUP BY organization_id, status) gone
    WHERE c.organization_id IS NOT DISTINCT FROM gone.organization_id AND c.status = gone.status;
  ELSE
    INSERT INTO plume_counts AS c (organization_id, status, plumes)
    SELECT organization_id, status, sum(delta) FROM (
      SELECT organization_id, status, 1 AS delta FROM new_rows
      UNION ALL
      SELECT organization_id, status, -1 FROM old_rows
    ) changes
    GROUP BY organization_id, status HAVING sum(delta) <> 0 ORDER BY organization_id, status
    ON CONFLICT (organization_id, status) DO UPDATE SET plumes = c.plumes + EXCLUDED.plumes;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER plumes_count_insert AFTER INSERT ON plumes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_plume_changes();
CREATE TRIGGER plumes_count_update AFTER UPDATE ON plumes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_plume_changes();
CREATE TRIGGER plumes_count_delete AFTER DELETE ON plumes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_plume_changes();
CREATE TRIGGER plumes_count_truncate AFTER TRUNCATE ON plumes FOR EACH STATEMENT EXECUTE FUNCTION count_plume_changes();
