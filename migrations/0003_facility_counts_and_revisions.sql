-- A revision number per organization, bumped in the same transaction as any change to its
-- facilities: a list response computed at revision N is valid for as long as N is current.
CREATE TABLE facility_revisions (
  organization_id uuid PRIMARY KEY,
  revision bigint NOT NULL
);

-- Facility counts per organization, status, type and country, kept exact by statement-level
-- triggers in the same transaction as every change. Listing facilities needs `total` and `total2`
-- on every page; counting an organization's rows each time costs milliseconds at 10,000 sites,
-- summing these few groups costs microseconds. Derived data: no foreign key, so deleting an
-- organization (which cascades to its facilities) never trips over it.
CREATE TABLE facility_counts (
  organization_id uuid NOT NULL,
  status text NOT NULL,
  type text NOT NULL,
  country text NOT NULL,
  facilities integer NOT NULL,
  PRIMARY KEY (organization_id, status, type, country)
);

-- Lock order, the same for every writer: the organization's revision row first (so writers of
-- one organization queue there), then its count groups in key order in one statement. Transition
-- tables exist only for the operations that have them, hence one branch per operation.
CREATE FUNCTION facility_counts_after_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO facility_revisions AS r (organization_id, revision)
    SELECT DISTINCT organization_id, 1 FROM new_rows ORDER BY 1
    ON CONFLICT (organization_id) DO UPDATE SET revision = r.revision + 1;
    INSERT INTO facility_counts AS c (organization_id, status, type, country, facilities)
    SELECT organization_id, status, type, country, count(*) FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, status, type, country) DO UPDATE SET facilities = c.facilities + EXCLUDED.facilities;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO facility_revisions AS r (organization_id, revision)
    SELECT DISTINCT organization_id, 1 FROM old_rows ORDER BY 1
    ON CONFLICT (organization_id) DO UPDATE SET revision = r.revision + 1;
    INSERT INTO facility_counts AS c (organization_id, status, type, country, facilities)
    SELECT organization_id, status, type, country, -count(*) FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, status, type, country) DO UPDATE SET facilities = c.facilities + EXCLUDED.facilities;
  ELSE
    INSERT INTO facility_revisions AS r (organization_id, revision)
    SELECT organization_id, 1 FROM (SELECT organization_id FROM old_rows UNION SELECT organization_id FROM new_rows) AS changed ORDER BY 1
    ON CONFLICT (organization_id) DO UPDATE SET revision = r.revision + 1;
    INSERT INTO facility_counts AS c (organization_id, status, type, country, facilities)
    SELECT organization_id, status, type, country, sum(delta) FROM (
      SELECT organization_id, status, type, country, -1 AS delta FROM old_rows
      UNION ALL SELECT organization_id, status, type, country, 1 FROM new_rows
    ) AS changes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, status, type, country) DO UPDATE SET facilities = c.facilities + EXCLUDED.facilities;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER facility_counts_insert AFTER INSERT ON facilities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_counts_after_change();
CREATE TRIGGER facility_counts_update AFTER UPDATE ON facilities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_counts_after_change();
CREATE TRIGGER facility_counts_delete AFTER DELETE ON facilities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION facility_counts_after_change();

INSERT INTO facility_counts (organization_id, status, type, country, facilities)
SELECT organization_id, status, type, country, count(*) FROM facilities GROUP BY 1, 2, 3, 4;
INSERT INTO facility_revisions (organization_id, revision)
SELECT DISTINCT organization_id, 1 FROM facilities;
