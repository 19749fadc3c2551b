import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { encodeLayer } from './mvt-encode.js';
import { checkedTile, MAX_LATITUDE, searchBox4326, tileBounds3857, WORLD } from './tile-math.js';

describe('tile math', () => {
  it('gives the Web Mercator bounds ST_TileEnvelope gives', () => {
    expect(tileBounds3857({ z: 0, x: 0, y: 0 })).toEqual([-WORLD, -WORLD, WORLD, WORLD]);
    // ST_TileEnvelope(2, 1, 1): POLYGON((-10018754.171394622 0, ... 0 10018754.171394622 ...))
    expect(tileBounds3857({ z: 2, x: 1, y: 1 })).toEqual([-10018754.171394622, 0, 0, 10018754.171394622]);
  });

  it('searches a lon/lat box wider than the tile by its buffer and a pixel, cut at Mercator’s latitudes, never wrapped', () => {
    const [west, south, east, north] = searchBox4326({ z: 2, x: 3, y: 0 });
    const margin = (90 * 65) / 4096;
    expect(west).toBeCloseTo(90 - margin, 9);
    expect(east).toBeCloseTo(180 + margin, 9);
    expect(north).toBeCloseTo(MAX_LATITUDE, 9);
    expect(south).toBeLessThan(66.51326044311186);
  });

  it('refuses tiles that do not exist with 400', () => {
    expect(checkedTile(3, 7, 7)).toEqual({ z: 3, x: 7, y: 7 });
    expect(() => checkedTile(3, 8, 0)).toThrow(/x and y go from 0 to 7/);
    expect(() => checkedTile(3, 0, 8)).toThrow(/does not exist/);
    expect(() => checkedTile(23, 0, 0)).toThrow(/zoom 0 to 22/);
  });
});

describe('the JavaScript MVT encoder', () => {
  it('writes features with their types, ids, properties (nulls left out, objects as JSON) and geometry, readable by @mapbox/vector-tile', () => {
    const bytes = encodeLayer('things', [
      { geom: '{"type":"Point","coordinates":[10,20]}', fid: '7', name: 'a', n: 1.5, gone: null },
      { geom: '{"type":"Polygon","coordinates":[[[0,0],[0,10],[10,10],[10,0],[0,0]]]}', properties: { kind: 'box', tags: ['x'], none: null } },
      { geom: null, name: 'outside' },
    ]);
    const layer = new VectorTile(new PbfReader(bytes)).layers.things!;
    expect(layer.length).toBe(2);
    expect(layer.extent).toBe(4096);
    const point = layer.feature(0);
    expect([point.type, point.id, point.properties]).toEqual([1, 7, { name: 'a', n: 1.5 }]);
    expect(point.loadGeometry()[0]![0]).toMatchObject({ x: 10, y: 20 });
    const box = layer.feature(1);
    expect([box.type, box.properties]).toEqual([3, { kind: 'box', tags: '["x"]' }]);
    // The closing point is implied by ClosePath; the decoder repeats it.
    expect(box.loadGeometry()[0]!.map((p) => [p.x, p.y])).toEqual([[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]);
  });

  it('gives no bytes for a tile without features, as ST_AsMVT does', () => {
    expect(encodeLayer('things', [{ geom: null }]).length).toBe(0);
  });
});
