-- Low-zoom plume tiles (z <= 6) draw cells, not plumes: per cell of a fixed Web Mercator grid and
-- per value of the dimensions the map filters on (owner, status, gas, sector, instrument), the
-- number of plumes, the sums of their emissions (all of them, and those shown to everyone, i.e.
-- not hide_emission) and of their positions (for the cells' centroid). A z3 tile over the Permian
-- reads a few hundred of these rows instead of picking 20,000 of a third of a million plumes.
-- Decision 0023; the tile query is src/modules/catalog/plume-cells.queries.ts.
--
-- The grid: 4096 x 4096 cells over the Web Mercator square, the tiles of zoom 12. A tile of zoom
-- z <= 6 groups them 2^(6-z) a side into 64 x 64 cells of 64 tile units (8 px of a 512 px tile).
-- Plumes beyond Mercator's latitudes are in no tile, so in no cell.
--
-- Kept in the same transaction as every change to plumes, by statement-level triggers (as
-- plume_counts, 0038), so a tile computed at a catalog revision reads the cells of that revision:
-- the tile cache's invalidation holds as it did. Sums of emissions are numeric, so that adding and
-- removing plumes over years never drifts from a sum computed afresh; positions are float8 metres
-- (a drift there is far below a tile unit). No foreign key: an organization's deletion sets its
-- plumes' owner to NULL, which these triggers move to the NULL owner's row.
CREATE TABLE plume_tile_cells (
  cx integer NOT NULL,
  cy integer NOT NULL,
  organization_id uuid,
  status text NOT NULL,
  gas text NOT NULL,
  sector text,
  instrument text NOT NULL,
  plumes bigint NOT NULL,
  emissions bigint NOT NULL,
  emission_sum numeric NOT NULL,
  public_emissions bigint NOT NULL,
  public_emission_sum numeric NOT NULL,
  sum_x double precision NOT NULL,
  sum_y double precision NOT NULL
);
CREATE UNIQUE INDEX plume_tile_cells_key ON plume_tile_cells (cx, cy, organization_id, status, gas, sector, instrument) NULLS NOT DISTINCT;
-- The tenant rule (every table with organization_id is indexed by it first): an organization's own
-- cells, e.g. its drafts at low zoom, without reading everyone's.
CREATE INDEX plume_tile_cells_organization ON plume_tile_cells (organization_id, cx, cy);

-- A plume as its cell's contribution: cell, dimensions, Web Mercator position, emissions (NULL when
-- it has none; public_emission NULL when hidden). Spherical Mercator as EPSG:3857 computes it.
CREATE FUNCTION plume_tile_cell_rows(geometry geometry, organization_id uuid, status text, gas text, sector text, instrument text, emission double precision, hide_emission boolean)
RETURNS TABLE (cx integer, cy integer, organization_id uuid, status text, gas text, sector text, instrument text, mx double precision, my double precision, emission numeric, public_emission numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT LEAST(4095, GREATEST(0, floor((m.x + 20037508.342789244) * 4096 / 40075016.685578488)))::int,
    LEAST(4095, GREATEST(0, floor((20037508.342789244 - m.y) * 4096 / 40075016.685578488)))::int,
    $2, $3, $4, $5, $6, m.x, m.y, $7::numeric, CASE WHEN NOT $8 THEN $7::numeric END
  FROM (SELECT ST_X($1) * 20037508.342789244 / 180 AS x, ln(tan(radians(90 + ST_Y($1)) / 2)) * 6378137 AS y) m
  WHERE abs(ST_Y($1)) <= 85.0511287798066 AND abs(ST_X($1)) <= 180
$$;

-- No plume write may commit between the backfill and the triggers below (an older instance still
-- running during a deploy): its change would never be counted, and a later delete would subtract it.
LOCK TABLE plumes IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO plume_tile_cells
SELECT c.cx, c.cy, c.organization_id, c.status, c.gas, c.sector, c.instrument, count(*), count(c.emission), COALESCE(sum(c.emission), 0),
  count(c.public_emission), COALESCE(sum(c.public_emission), 0), sum(c.mx), sum(c.my)
FROM plumes p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Every change arrives as signed contributions (+ what rows are now, - what they were) and is
-- added to its cell row in key order, so two writers needing the same cells queue rather than
-- deadlock. An update leaves out rows whose contribution did not change (EXCEPT ALL): a curation
-- edit (notes, quality, wind) touches no cell. Cells left with no plume are removed.
CREATE INDEX plume_tile_cells_empty ON plume_tile_cells (cx) WHERE plumes = 0;

CREATE FUNCTION apply_plume_tile_cell_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM plume_tile_cells;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO plume_tile_cells AS t
    SELECT c.cx, c.cy, c.organization_id, c.status, c.gas, c.sector, c.instrument, count(*), count(c.emission), COALESCE(sum(c.emission), 0),
      count(c.public_emission), COALESCE(sum(c.public_emission), 0), sum(c.mx), sum(c.my)
    FROM new_rows p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (cx, cy, organization_id, status, gas, sector, instrument) DO UPDATE SET
      plumes = t.plumes + EXCLUDED.plumes, emissions = t.emissions + EXCLUDED.emissions, emission_sum = t.emission_sum + EXCLUDED.emission_sum,
      public_emissions = t.public_emissions + EXCLUDED.public_emissions, public_emission_sum = t.public_emission_sum + EXCLUDED.public_emission_sum,
      sum_x = t.sum_x + EXCLUDED.sum_x, sum_y = t.sum_y + EXCLUDED.sum_y;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO plume_tile_cells AS t
    SELECT c.cx, c.cy, c.organization_id, c.status, c.gas, c.sector, c.instrument, -count(*), -count(c.emission), -COALESCE(sum(c.emission), 0),
      -count(c.public_emission), -COALESCE(sum(c.public_emission), 0), -sum(c.mx), -sum(c.my)
    FROM old_rows p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (cx, cy, organization_id, status, gas, sector, instrument) DO UPDATE SET
      plumes = t.plumes + EXCLUDED.plumes, emissions = t.emissions + EXCLUDED.emissions, emission_sum = t.emission_sum + EXCLUDED.emission_sum,
      public_emissions = t.public_emissions + EXCLUDED.public_emissions, public_emission_sum = t.public_emission_sum + EXCLUDED.public_emission_sum,
      sum_x = t.sum_x + EXCLUDED.sum_x, sum_y = t.sum_y + EXCLUDED.sum_y;
    DELETE FROM plume_tile_cells WHERE plumes = 0;
  ELSE
    WITH now_rows AS MATERIALIZED (
      SELECT c.* FROM new_rows p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
    ), then_rows AS MATERIALIZED (
      SELECT c.* FROM old_rows p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
    ), changes AS (
      SELECT 1 AS sign, a.* FROM (SELECT * FROM now_rows EXCEPT ALL SELECT * FROM then_rows) a
      UNION ALL
      SELECT -1, b.* FROM (SELECT * FROM then_rows EXCEPT ALL SELECT * FROM now_rows) b
    )
    INSERT INTO plume_tile_cells AS t
    SELECT c.cx, c.cy, c.organization_id, c.status, c.gas, c.sector, c.instrument, sum(c.sign), COALESCE(sum(c.sign) FILTER (WHERE c.emission IS NOT NULL), 0),
      COALESCE(sum(c.sign * c.emission), 0), COALESCE(sum(c.sign) FILTER (WHERE c.public_emission IS NOT NULL), 0), COALESCE(sum(c.sign * c.public_emission), 0),
      sum(c.sign * c.mx), sum(c.sign * c.my)
    FROM changes c
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (cx, cy, organization_id, status, gas, sector, instrument) DO UPDATE SET
      plumes = t.plumes + EXCLUDED.plumes, emissions = t.emissions + EXCLUDED.emissions, emission_sum = t.emission_sum + EXCLUDED.emission_sum,
      public_emissions = t.public_emissions + EXCLUDED.public_emissions, public_emission_sum = t.public_emission_sum + EXCLUDED.public_emission_sum,
      sum_x = t.sum_x + EXCLUDED.sum_x, sum_y = t.sum_y + EXCLUDED.sum_y;
    DELETE FROM plume_tile_cells WHERE plumes = 0;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER plumes_tile_cells_insert AFTER INSERT ON plumes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_tile_cell_changes();
CREATE TRIGGER plumes_tile_cells_update AFTER UPDATE ON plumes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_tile_cell_changes();
CREATE TRIGGER plumes_tile_cells_delete AFTER DELETE ON plumes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_tile_cell_changes();
CREATE TRIGGER plumes_tile_cells_truncate AFTER TRUNCATE ON plumes FOR EACH STATEMENT EXECUTE FUNCTION apply_plume_tile_cell_changes();
