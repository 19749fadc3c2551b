import sql, { raw, type Sql } from 'sql-template-tag';
import type { Viewer } from './plume-filter.js';

/** Columns every reader gets as stored; the emission figures follow the hide_emission rule below. */
const STORED_COLUMNS = [
  'id', 'plume_id', 'scene_id', 'scene_name', 'instrument', 'platform', 'provider', 'mission_phase', '"datetime"', 'organization_id', 'gas',
  'geometry', 'bounds', 'sector', 'emission_cmf_type', 'emission_version', 'processing_software', 'gsd', 'sensitivity_mode', 'off_nadir',
  'wind_speed_avg_auto', 'wind_speed_std_auto', 'wind_direction_avg_auto', 'wind_direction_std_auto', 'wind_source_auto', 'quality',
  'quality_shape', 'quality_artifacts', 'quality_flare', 'quality_background', 'phme_candidate', 'hide_emission', 'notes', 'asset_id', 'status',
  'plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png', 'is_offshore', 'collection', 'published_at', 'modified', 'created_at',
].map((column) => `p.${column}`);

/**
 * The plumes a viewer may read, as a FROM item to alias `p`: published plumes, and every plume of
 * the viewer's own organization. Emission figures of a plume marked hide_emission are NULL for
 * everyone but its owner, so filters (emission_min/max), sorting, CSV cells and source figures all
 * see NULL there and cannot reveal them. Every catalog read selects from this; the planner inlines
 * it, so the plumes table's indexes still apply.
 */
export function visiblePlumes(viewer: Viewer): Sql {
  const own = viewer.organizationId ? sql`p.organization_id = ${viewer.organizationId}::uuid` : sql`false`;
  const shown = sql`(NOT p.hide_emission OR ${own})`;
  return sql`(
    SELECT ${raw(STORED_COLUMNS.join(', '))},
      CASE WHEN ${shown} THEN p.emission_auto END AS emission_auto,
      CASE WHEN ${shown} THEN p.emission_uncertainty_auto END AS emission_uncertainty_auto
    FROM plumes p WHERE p.status = 'published' OR ${own})`;
}
