import sql, { join, type Sql } from 'sql-template-tag';

/**
 * True where `column` intersects any of the areas (hex EWKB, SRID 4326), exactly — not by their
 * bounding boxes. Each geometry is one parameter, read once per statement; ST_Intersects lets the
 * planner use the column's GiST index for each.
 */
export function intersectsAnyArea(column: Sql, areas: readonly string[]): Sql {
  if (!areas.length) return sql`false`;
  return sql`(${join(
    areas.map((ewkb) => sql`ST_Intersects(${column}, ${ewkb}::geometry)`),
    ' OR ',
  )})`;
}
