import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itemDocument } from './documents.js';

/*
 * Item documents as bytes, held to what the code before decision 0038 wrote for the same rows
 * (item-documents.golden.json, made by that code): each kind's properties are now one object
 * literal, and a common field without a value is undefined (left out) where it was deleted.
 */
const BASE = 'https://atlas.example';
const at = new Date('2024-05-10T16:00:00.123Z');
const common = { uid: '00000000-0000-4000-8000-000000000001', created: new Date('2024-05-11T08:00:00Z'), updated: new Date('2024-05-12T09:30:00Z'), organization_id: null, asset_keys: null, owned_keys: null, keys: [] as string[] };
/** A plume with a null platform and sector, no gsd, an unpublished one (published_at null). */
const PLUME = { ...common, kind: 'plume' as const, item_id: 'ang20240510t160000p0000-A', collection: 'l3a-ch4-mfa-v1', datetime: at, published_at: null, geometry: '{"type":"Point","coordinates":[-103.5,31.9]}', bbox: [-103.5, 31.9, -103.5, 31.9],
  props: { plume_uuid: '11111111-1111-4111-8111-111111111111', gas: 'CH4', sector: null, emission: 50.5, emission_uncertainty: 10, instrument: 'ang', platform: null, status: 'valid', cmf_type: 'mfa', version: 'v1', quality: null, scene_name: 'ang20240510t160000', scene_id: '22222222-2222-4222-8222-222222222222', provider: 'JPL', mission_phase: null, processing_software: null, off_nadir: 3.5, sensitivity_mode: null, wind_speed_avg: 2.1, wind_speed_std: null, wind_direction_avg: null, wind_direction_std: null, wind_source: 'hrrr', phme_candidate: false, is_offshore: false, plume_longitude: -103.5, plume_latitude: 31.9, gsd: null, raster_nodata: null },
  assets: { plume_tif: 'plumes/a.tif', plume_png: 'plumes/a.png', rgb_tif: 'plumes/rgb.tif' } };
/** A published plume with every common field. */
const PUBLISHED = { ...PLUME, item_id: 'GAO20230628t191011p0000-A', published_at: new Date('2024-06-01T00:00:00Z'), props: { ...PLUME.props, platform: 'GAO', sector: '1B2', gsd: 4.2, raster_nodata: -1 } };
/** A scene with cloud cover and QA. */
const SCENE = { ...common, kind: 'scene' as const, item_id: 'GAO20220301t100000p0000', collection: 'l1b-rgb-v1', datetime: at, published_at: null, geometry: '{"type":"Polygon","coordinates":[[[-100,30],[-99,30],[-99,31],[-100,31],[-100,30]]]}', bbox: [-100, 30, -99, 31],
  props: { instrument: 'GAO', platform: 'GAO', status: 'published', provider: 'CM', mission_phase: 'operational', assessed: true, qa_flags: 'ok', scene_id: '33333333-3333-4333-8333-333333333333', cloud_cover: 12.5, gsd: 3 },
  assets: { rgb_png: 'scenes/q.png' } };
/** An L2B concentration item with its raster's grid. */
const L2B = { ...SCENE, kind: 'l2b-ch4' as const, collection: 'l2b-ch4-mfa-v1', props: { ...SCENE.props, product: 'ch4', raster_epsg: 32613, raster_height: 512, raster_width: 640, raster_nodata: -9999, cloud_cover: 40 }, assets: { ch4_tif: 'scenes/ch4.tif', rgb_tif: 'scenes/rgb.tif' } };
const ROWS = { PLUME, PUBLISHED, SCENE, L2B };
const hrefs = (row: { assets: Record<string, string> }) => Object.fromEntries(Object.keys(row.assets).map((name) => [name, `${BASE}/api/v1/catalog/asset/${row.assets[name]}?expires=1&signature=s`]));

const GOLDEN = JSON.parse(readFileSync(new URL('./item-documents.golden.json', import.meta.url), 'utf8')) as Record<keyof typeof ROWS, string>;

describe('itemDocument', () => {
  it.each(Object.keys(ROWS) as (keyof typeof ROWS)[])('writes the same bytes as before for %s', (name) => {
    const row = ROWS[name];
    expect(JSON.stringify(itemDocument(BASE, row as never, hrefs(row)))).toBe(GOLDEN[name]);
  });

  it('leaves out common fields without a value and says null for cm: fields', () => {
    const text = JSON.stringify(itemDocument(BASE, PLUME as never, hrefs(PLUME)));
    for (const field of ['platform', 'gsd']) expect(text).not.toContain(`"${field}":`);
    expect(text).toContain('"cm:platform":null');
    expect(text).toContain('"cm:published_at":null');
  });
});
