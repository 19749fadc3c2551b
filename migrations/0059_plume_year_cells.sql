-- The time cells of migration 0050 summed per calendar year (UTC), so that a count over a year or
-- more reads one row per cell and dimension instead of twelve (decision 0044). Maintained from the
-- month cells themselves: every change to plume_time_cells adds its signed difference here, in the
-- same statement, so the two tables always agree (catalog-counts.test holds both to count(*)).
CREATE TABLE plume_year_cells (
  organization_id uuid,
  status text NOT NULL,
  year date NOT NULL,
  cell integer NOT NULL,
  sector text,
  gas text NOT NULL,
  instrument text NOT NULL,
  plumes bigint NOT NULL
);
CREATE UNIQUE INDEX plume_year_cells_key ON plume_year_cells (organization_id, status, year, cell, sector, gas, instrument) NULLS NOT DISTINCT;
CREATE INDEX plume_year_cells_sector ON plume_year_cells (status, sector, year) INCLUDE (cell, gas, instrument, organization_id, plumes);
CREATE INDEX plume_year_cells_year ON plume_year_cells (status, year) INCLUDE (cell, sector, gas, instrument, organization_id, plumes);
CREATE INDEX plume_year_cells_empty ON plume_year_cells (cell) WHERE plumes = 0;

-- No plume write may commit between the backfill and the triggers below (see 0047).
LOCK TABLE plumes IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE plume_time_cells IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO plume_year_cells
SELECT organization_id, status, date_trunc('year', month)::date, cell, sector, gas, instrument, sum(plumes)
FROM plume_time_cells GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Signed sums per key, changes that cancel out left out, empty rows deleted. Writers never deadlock
-- here: every plume write first queues on the catalog revision row (0024), whose trigger fires
-- before the month cells' (triggers fire by name), so one writer at a time reaches these rows.
CREATE FUNCTION apply_plume_year_cell_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM plume_year_cells;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO plume_year_cells AS t
    SELECT organization_id, status, date_trunc('year', month)::date, cell, sector, gas, instrument, sum(plumes)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(plumes) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, year, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO plume_year_cells AS t
    SELECT organization_id, status, date_trunc('year', month)::date, cell, sector, gas, instrument, -sum(plumes)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(plumes) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, year, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
  ELSE
    INSERT INTO plume_year_cells AS t
    SELECT organization_id, status, date_trunc('year', month)::date, cell, sector, gas, instrument, sum(plumes)
    FROM (SELECT organization_id, status, month, cell, sector, gas, instrument, plumes FROM new_rows
          UNION ALL
          SELECT organization_id, status, month, cell, sector, gas, instrument, -plumes FROM old_rows) changes
    GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(plumes) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, year, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
  END IF;
  DELETE FROM plume_year_cells WHERE plumes = 0;
  RETURN NULL;
END;
$$;

-- The month cells' upsert (INSERT … ON CONFLICT DO UPDATE) fires both the insert and the update trigger.
CREATE TRIGGER plume_time_cells_years_insert AFTER INSERT ON plume_time_cells REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_year_cell_changes();
CREATE TRIGGER plume_time_cells_years_update AFTER UPDATE ON plume_time_cells REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_year_cell_changes();
CREATE TRIGGER plume_time_cells_years_delete AFTER DELETE ON plume_time_cells REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_year_cell_changes();
CREATE TRIGGER plume_time_cells_years_truncate AFTER TRUNCATE ON plume_time_cells FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_year_cell_changes();

ANALYZE plume_year_cells;
