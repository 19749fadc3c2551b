-- Exact catalog counts from maintained aggregates (decision 0025): per cell of a 1/8-degree grid,
-- per calendar month (UTC) and per value of the dimensions the map filters on (owner, status,
-- sector, gas, instrument), the number of plumes. `plumes/annotated` with bbox + datetime + sector
-- sums the cells wholly inside the box and the months wholly inside the interval, and counts only
-- the rest row by row: the cells the box's edges cut (through the index below), and the part of a
-- partly covered month (or its complement, whichever is shorter). Exact, like count(*).
--
-- The grid is 1/8 degree so that a cell's edges (k/8) and a point's cell (floor(x * 8)) are exact
-- in float8: a point of an interior cell lies inside the box without any rounding question.
-- The cell number packs both axes: (floor(lat * 8) + 720) * 4096 + (floor(lon * 8) + 1440).
-- PostGIS names are qualified: PostgreSQL 17 builds and maintains expression indexes with
-- search_path = pg_catalog (the embedded database is 17).
CREATE FUNCTION plume_count_cell(geometry geometry) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (floor(public.ST_Y($1) * 8)::int + 720) * 4096 + (floor(public.ST_X($1) * 8)::int + 1440)
$$;

CREATE TABLE plume_time_cells (
  organization_id uuid,
  status text NOT NULL,
  month date NOT NULL,
  cell integer NOT NULL,
  sector text,
  gas text NOT NULL,
  instrument text NOT NULL,
  plumes bigint NOT NULL
);
-- Tenant first (every table with organization_id is indexed by it first), and the upsert's key.
CREATE UNIQUE INDEX plume_time_cells_key ON plume_time_cells (organization_id, status, month, cell, sector, gas, instrument) NULLS NOT DISTINCT;
-- The public map's reads: published (or one status), a range of months, usually a sector.
CREATE INDEX plume_time_cells_sector ON plume_time_cells (status, sector, month) INCLUDE (cell, gas, instrument, organization_id, plumes);
CREATE INDEX plume_time_cells_month ON plume_time_cells (status, month) INCLUDE (cell, sector, gas, instrument, organization_id, plumes);
CREATE INDEX plume_time_cells_empty ON plume_time_cells (cell) WHERE plumes = 0;

-- The rows of the cells a box's edges cut, by cell and time, read from the index alone.
CREATE INDEX plumes_count_cell_idx ON plumes (status, plume_count_cell(geometry), "datetime") INCLUDE (geometry, sector, gas, instrument, organization_id);

-- No plume write may commit between the backfill and the triggers below (see 0047).
LOCK TABLE plumes IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO plume_time_cells
SELECT organization_id, status, date_trunc('month', "datetime" AT TIME ZONE 'UTC')::date, plume_count_cell(geometry), sector, gas, instrument, count(*)
FROM plumes GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Signed contributions added in key order (writers queue, never deadlock); an update leaves out
-- rows whose contribution did not change, so curation edits touch no cell; empty rows go.
CREATE FUNCTION apply_plume_time_cell_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM plume_time_cells;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO plume_time_cells AS t
    SELECT organization_id, status, date_trunc('month', "datetime" AT TIME ZONE 'UTC')::date, plume_count_cell(geometry), sector, gas, instrument, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, month, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO plume_time_cells AS t
    SELECT organization_id, status, date_trunc('month', "datetime" AT TIME ZONE 'UTC')::date, plume_count_cell(geometry), sector, gas, instrument, -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, month, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
  ELSE
    WITH now_rows AS MATERIALIZED (
      SELECT organization_id, status, date_trunc('month', "datetime" AT TIME ZONE 'UTC')::date AS month, plume_count_cell(geometry) AS cell, sector, gas, instrument FROM new_rows
    ), then_rows AS MATERIALIZED (
      SELECT organization_id, status, date_trunc('month', "datetime" AT TIME ZONE 'UTC')::date AS month, plume_count_cell(geometry) AS cell, sector, gas, instrument FROM old_rows
    ), changes AS (
      SELECT 1 AS sign, a.* FROM (SELECT * FROM now_rows EXCEPT ALL SELECT * FROM then_rows) a
      UNION ALL
      SELECT -1, b.* FROM (SELECT * FROM then_rows EXCEPT ALL SELECT * FROM now_rows) b
    )
    INSERT INTO plume_time_cells AS t
    SELECT c.organization_id, c.status, c.month, c.cell, c.sector, c.gas, c.instrument, sum(c.sign)
    FROM changes c GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (organization_id, status, month, cell, sector, gas, instrument) DO UPDATE SET plumes = t.plumes + EXCLUDED.plumes;
  END IF;
  DELETE FROM plume_time_cells WHERE plumes = 0;
  RETURN NULL;
END;
$$;

-- Named to fire after plumes_revision_* and plumes_tile_cells_* (triggers fire by name): writers
-- reach these rows already queued on the revision row, as for the tile cells.
CREATE TRIGGER plumes_time_cells_insert AFTER INSERT ON plumes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_time_cell_changes();
CREATE TRIGGER plumes_time_cells_update AFTER UPDATE ON plumes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_time_cell_changes();
CREATE TRIGGER plumes_time_cells_delete AFTER DELETE ON plumes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_time_cell_changes();
CREATE TRIGGER plumes_time_cells_truncate AFTER TRUNCATE ON plumes FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_time_cell_changes();

ANALYZE plume_time_cells;
