import type { PlumeRow } from './plumes.queries.js';
import type { Viewer } from './plume-filter.js';

/**
 * A plume as the page shows it. The row comes from visiblePlumes(viewer), which already withholds
 * the emission figures of a plume marked `hide_emission` from everyone but its owner.
 */
export function plumeView(row: PlumeRow, viewer: Viewer) {
  const owner = row.organization_id !== null && row.organization_id === viewer.organizationId;
  return {
    id: row.id,
    plume_id: row.plume_id,
    gas: row.gas,
    geometry_json: { type: 'Point' as const, coordinates: [row.longitude, row.latitude], bbox: [row.longitude, row.latitude, row.longitude, row.latitude] },
    scene_id: row.scene_id,
    scene_name: row.scene_name,
    scene_timestamp: row.datetime,
    instrument: row.instrument,
    mission_phase: row.mission_phase,
    platform: row.platform,
    provider: row.provider,
    emission_auto: row.emission_auto,
    emission_uncertainty_auto: row.emission_uncertainty_auto,
    emission_cmf_type: row.emission_cmf_type,
    gsd: row.gsd,
    sensitivity_mode: row.sensitivity_mode,
    off_nadir: row.off_nadir,
    plume_png: row.plume_png,
    plume_rgb_png: row.rgb_png,
    plume_tif: row.plume_tif,
    con_tif: row.con_tif,
    rgb_png: row.rgb_png,
    rgb_tif: row.rgb_tif,
    plume_bounds: row.west === null ? [] : [row.west, row.south!, row.east!, row.north!],
    plume_quality: row.quality,
    quality_shape: row.quality_shape,
    quality_artifacts: row.quality_artifacts,
    quality_flare: row.quality_flare,
    quality_background: row.quality_background,
    phme_candidate: row.phme_candidate,
    wind_speed_avg_auto: row.wind_speed_avg_auto,
    wind_speed_std_auto: row.wind_speed_std_auto,
    wind_direction_avg_auto: row.wind_direction_avg_auto,
    wind_direction_std_auto: row.wind_direction_std_auto,
    wind_source_auto: row.wind_source_auto,
    emission_version: row.emission_version,
    processing_software: row.processing_software,
    publication_sources: [],
    is_offshore: row.is_offshore,
    collection: row.collection,
    cmf_type: row.emission_cmf_type,
    sector: row.sector,
    status: row.status,
    hide_emission: row.hide_emission,
    notes: owner ? row.notes : null,
    asset_id: row.asset_id,
    published_at: row.published_at,
    modified: row.modified,
  };
}

export type PlumeView = ReturnType<typeof plumeView>;
