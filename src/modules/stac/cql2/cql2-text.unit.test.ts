import { describe, expect, it } from 'vitest';
import { parseCql2Text } from './cql2-text.js';
import { CqlError } from './cql2-error.js';
import { parseWkt } from './wkt.js';

const p = (property: string) => ({ property });

/** Examples of OGC 21-065 (CQL2), the STAC API filter extension and their expected CQL2 JSON. */
const EXAMPLES: [string, unknown][] = [
  ["landsat:scene_id = 'LC82030282019133LGN00'", { op: '=', args: [p('landsat:scene_id'), 'LC82030282019133LGN00'] }],
  ['eo:cloud_cover < 10', { op: '<', args: [p('eo:cloud_cover'), 10] }],
  ["beamMode='ScanSAR Narrow'", { op: '=', args: [p('beamMode'), 'ScanSAR Narrow'] }],
  ["swathDirection<>'ascending'", { op: '<>', args: [p('swathDirection'), 'ascending'] }],
  ['floors>5', { op: '>', args: [p('floors'), 5] }],
  ['taxes <= 500', { op: '<=', args: [p('taxes'), 500] }],
  ['value >= -1.5e2', { op: '>=', args: [p('value'), -150] }],
  ["owner LIKE '%Jones%'", { op: 'like', args: [p('owner'), '%Jones%'] }],
  ["owner NOT LIKE 'Mike%'", { op: 'not', args: [{ op: 'like', args: [p('owner'), 'Mike%'] }] }],
  ['swimming_pool=true', { op: '=', args: [p('swimming_pool'), true] }],
  ["name = 'O''Brien'", { op: '=', args: [p('name'), "O'Brien"] }],
  ['depth BETWEEN 100.0 and 150.0', { op: 'between', args: [p('depth'), 100, 150] }],
  ['depth NOT BETWEEN 1 AND 2', { op: 'not', args: [{ op: 'between', args: [p('depth'), 1, 2] }] }],
  ["cityName IN ('Toronto', 'Frankfurt', 'Tokyo', 'New York')", { op: 'in', args: [p('cityName'), ['Toronto', 'Frankfurt', 'Tokyo', 'New York']] }],
  ['category NOT IN (1, 2, 3)', { op: 'not', args: [{ op: 'in', args: [p('category'), [1, 2, 3]] }] }],
  ['geometry IS NULL', { op: 'isNull', args: [p('geometry')] }],
  ['geometry IS NOT NULL', { op: 'not', args: [{ op: 'isNull', args: [p('geometry')] }] }],
  ["updated >= DATE('1970-01-01')", { op: '>=', args: [p('updated'), { date: '1970-01-01' }] }],
  ["built > TIMESTAMP('2012-06-05T00:00:00Z')", { op: '>', args: [p('built'), { timestamp: '2012-06-05T00:00:00Z' }] }],
  ['S_INTERSECTS(geometry,POINT(36.319836 32.288087))', { op: 's_intersects', args: [p('geometry'), { type: 'Point', coordinates: [36.319836, 32.288087] }] }],
  [
    'S_CROSSES(road,POLYGON((43.7286 -79.2986, 43.7311 -79.2996, 43.7323 -79.2972, 43.7286 -79.2986)))',
    { op: 's_crosses', args: [p('road'), { type: 'Polygon', coordinates: [[[43.7286, -79.2986], [43.7311, -79.2996], [43.7323, -79.2972], [43.7286, -79.2986]]] }] },
  ],
  ['S_WITHIN(location,BBOX(-118,33.8,-117.9,34))', { op: 's_within', args: [p('location'), { bbox: [-118, 33.8, -117.9, 34] }] }],
  [
    "T_INTERSECTS(event_time, INTERVAL('1969-07-16T05:32:00Z', '1969-07-24T16:50:35Z'))",
    { op: 't_intersects', args: [p('event_time'), { interval: ['1969-07-16T05:32:00Z', '1969-07-24T16:50:35Z'] }] },
  ],
  ["T_AFTER(built, DATE('2015-01-01'))", { op: 't_after', args: [p('built'), { date: '2015-01-01' }] }],
  ["t_intersects(datetime, interval('2020-01-01T00:00:00Z', '..'))", { op: 't_intersects', args: [p('datetime'), { interval: ['2020-01-01T00:00:00Z', '..'] }] }],
  [
    "CASEI(road_class) IN (CASEI('Οδος'), CASEI('Straße'))",
    { op: 'in', args: [{ op: 'casei', args: [p('road_class')] }, [{ op: 'casei', args: ['Οδος'] }, { op: 'casei', args: ['Straße'] }]] },
  ],
  ['"quoted name" = 1', { op: '=', args: [p('quoted name'), 1] }],
  // Precedence: NOT binds tighter than AND, AND tighter than OR; BETWEEN takes its own AND.
  [
    'a = 1 OR b = 2 AND NOT c = 3',
    { op: 'or', args: [{ op: '=', args: [p('a'), 1] }, { op: 'and', args: [{ op: '=', args: [p('b'), 2] }, { op: 'not', args: [{ op: '=', args: [p('c'), 3] }] }] }] },
  ],
  ['a = 1 and e between 1 and 2', { op: 'and', args: [{ op: '=', args: [p('a'), 1] }, { op: 'between', args: [p('e'), 1, 2] }] }],
  ['(a = 1 OR b = 2) AND c = 3', { op: 'and', args: [{ op: 'or', args: [{ op: '=', args: [p('a'), 1] }, { op: '=', args: [p('b'), 2] }] }, { op: '=', args: [p('c'), 3] }] }],
  ['cm:emission > 100 AND cm:gas = \'CH4\'', { op: 'and', args: [{ op: '>', args: [p('cm:emission'), 100] }, { op: '=', args: [p('cm:gas'), 'CH4'] }] }],
  ['cm:phme_candidate', p('cm:phme_candidate')],
  ['TRUE', true],
];

describe('CQL2 text', () => {
  it.each(EXAMPLES)('parses %s', (text, json) => {
    expect(parseCql2Text(text)).toEqual(json);
  });

  it('reads keywords in any case and ignores whitespace', () => {
    expect(parseCql2Text("  a   like  'x%'  and\nb  is  not  null ")).toEqual(parseCql2Text("a LIKE 'x%' AND b IS NOT NULL"));
  });

  const ERRORS: [string, number, RegExp][] = [
    ['a = = 1', 4, /expected a value/],
    ['x > 100 AND (', 13, /end of the filter/],
    ['foo bar', 4, /after a complete expression/],
    ["a = 'open", 4, /unterminated string/],
    ['a BETWEEN 1 OR 2', 12, /expected AND/],
    ['a IN ()', 6, /expected a value/],
    ['a = 1 $', 6, /unexpected character/],
    ['S_INTERSECTS(geometry, POLYGON((0 0, 1 1)', 23, /unterminated geometry/],
    ['', 0, /empty/],
  ];
  it.each(ERRORS)('refuses %s naming position %i', (text, position, reason) => {
    let error: unknown;
    try {
      parseCql2Text(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CqlError);
    expect((error as CqlError).position).toBe(position);
    expect((error as CqlError).message).toMatch(reason);
  });
});

describe('WKT', () => {
  it('reads every geometry type, with Z', () => {
    expect(parseWkt('MULTIPOINT((1 2), (3 4))')).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    expect(parseWkt('MULTIPOINT(1 2, 3 4)')).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    expect(parseWkt('LINESTRING Z (1 2 3, 4 5 6)')).toEqual({ type: 'LineString', coordinates: [[1, 2, 3], [4, 5, 6]] });
    expect(parseWkt('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))')).toEqual({ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] });
    expect(parseWkt('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))')).toEqual({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] });
    expect(parseWkt('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))')).toEqual({
      type: 'GeometryCollection',
      geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }],
    });
  });

  it('names the position of a malformed geometry within the filter', () => {
    expect(() => parseWkt('POINT(1)', 10)).toThrow(/at position 17/);
  });
});
