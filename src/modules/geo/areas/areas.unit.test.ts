import { describe, expect, it } from 'vitest';
import { parseAreaUpload, AreaFileError } from './area-upload.js';
import { areasOfFeatures, describeFeature } from './area-file-import.js';
import { countyIds, stateIds } from './gadm-ids.js';
import { PolygonError, toMultiPolygon } from './polygons.js';
import { foldName, searchKeys } from './search-key.js';

describe('search keys', () => {
  it('folds accents, case and punctuation alike for names and terms', () => {
    expect(foldName('São Paulo')).toBe('sao paulo');
    expect(foldName("Côte d'Ivoire")).toBe('cote d ivoire');
    expect(foldName('St-Barthélemy')).toBe('st barthelemy');
    expect(foldName('Åland')).toBe('aland');
    expect(foldName('Færøerne Straße')).toBe('faeroerne strasse');
    expect(foldName('  %_  ')).toBe('');
  });

  it('keys a name from each word on', () => {
    expect(searchKeys('Rio de Janeiro')).toEqual([
      { word: 0, key: 'rio de janeiro' },
      { word: 1, key: 'de janeiro' },
      { word: 2, key: 'janeiro' },
    ]);
  });
});

describe('GADM ids for US states and counties', () => {
  const states = [
    ['48', 'Texas'], ['11', 'District of Columbia'], ['01', 'Alabama'], ['72', 'Puerto Rico'], ['10', 'Delaware'], ['12', 'Florida'],
  ].map(([fips, name]) => ({ fips: fips!, name: name! }));

  it('numbers the states and DC alphabetically and leaves the territories out', () => {
    const ids = stateIds(states);
    expect(Object.fromEntries(ids)).toEqual({ '01': 'USA.1_1', '10': 'USA.2_1', '11': 'USA.3_1', '12': 'USA.4_1', '48': 'USA.5_1' });
  });

  it('numbers counties by name within their state, FIPS breaking ties (Virginia’s Fairfax county and city)', () => {
    const ids = countyIds(
      [
        { fips: '51600', name: 'Fairfax' },
        { fips: '51059', name: 'Fairfax' },
        { fips: '51001', name: 'Accomack' },
        { fips: '72001', name: 'Adjuntas' },
      ],
      new Map([['51', 'USA.47_1']]),
    );
    expect(Object.fromEntries(ids)).toEqual({ '51001': 'USA.47.1_1', '51059': 'USA.47.2_1', '51600': 'USA.47.3_1' });
  });
});

describe('polygons', () => {
  it('closes rings, drops repeated positions and degenerate rings, and keeps holes', () => {
    const multi = toMultiPolygon(
      [{ type: 'Polygon', coordinates: [[[0, 0], [0, 0], [4, 0], [4, 4], [0, 4]], [[1, 1], [2, 1], [2, 2], [1, 1]], [[3, 3], [3, 3], [3, 3], [3, 3]]] }],
      { maxVertices: 100 },
    );
    expect(multi).toEqual({ type: 'MultiPolygon', coordinates: [[[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]]] });
  });

  it('refuses points and lines, too many vertices, and coordinates outside WGS 84', () => {
    expect(() => toMultiPolygon([{ type: 'LineString', coordinates: [[0, 0], [1, 1]] }], { maxVertices: 10 })).toThrow(/This one is a LineString/);
    expect(() => toMultiPolygon([{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] }], { maxVertices: 4 })).toThrow(/at most 4/);
    expect(() => toMultiPolygon([{ type: 'Polygon', coordinates: [[[0, 0], [1, 95], [1, 1], [0, 0]]] }], { maxVertices: 10 })).toThrow(PolygonError);
    expect(() => toMultiPolygon([{ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] }], { maxVertices: 10 })).toThrow(/encloses no area/);
  });
});

describe('parseAreaUpload', () => {
  it('reads GeoJSON geometries, features and collections, and KML (also unnamed, by their first byte)', async () => {
    const polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    expect(await parseAreaUpload('a.geojson', Buffer.from(JSON.stringify(polygon)))).toEqual([polygon]);
    expect(await parseAreaUpload('a.json', Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: polygon }] })))).toEqual([polygon]);
    expect(await parseAreaUpload('blob', Buffer.from(JSON.stringify(polygon)))).toEqual([polygon]);
    const kml = '<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>';
    expect(await parseAreaUpload('a.kml', Buffer.from(kml))).toEqual([{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }]);
  });

  it('refuses what it cannot read, in words', async () => {
    await expect(parseAreaUpload('a.shp', Buffer.from([0, 0, 39, 10]))).rejects.toThrow(AreaFileError);
    await expect(parseAreaUpload('a.geojson', Buffer.from('{"type":"FeatureCollection","features":[]}'))).rejects.toThrow(/no features/);
    await expect(parseAreaUpload('a.gpkg', Buffer.from('not sqlite'))).rejects.toThrow(/not a GeoPackage/);
  });
});

describe('boundary files', () => {
  it('reads GADM levels: the deepest GID a feature has, with its parents’ names', () => {
    expect(describeFeature({ GID_0: 'USA', NAME_0: 'United States', GID_1: 'USA.44_1', NAME_1: 'Texas', GID_2: 'USA.44.101_1', NAME_2: 'Harris' })).toEqual({
      id: 'USA.44.101_1', level: 2, name: 'Harris', parents: ['Texas', 'United States'],
    });
    expect(describeFeature({ GID_0: 'BRA', COUNTRY: 'Brazil' })).toEqual({ id: 'BRA', level: 0, name: 'Brazil', parents: [] });
  });

  it('reads geoBoundaries: ADM0 by its ISO group, deeper levels by shapeISO or shapeID', () => {
    expect(describeFeature({ shapeGroup: 'BRA', shapeType: 'ADM1', shapeName: 'São Paulo', shapeISO: 'BR-SP', shapeID: 'x' })).toEqual({ id: 'BR-SP', level: 1, name: 'São Paulo', parents: ['Brazil'] });
    expect(describeFeature({ shapeGroup: 'BRA', shapeType: 'ADM2', shapeName: 'Campinas', shapeISO: '', shapeID: 'BRA-ADM2-1' })?.id).toBe('BRA-ADM2-1');
    expect(describeFeature({ shapeGroup: 'BRA', shapeType: 'ADM0', shapeName: 'Brazil' })?.id).toBe('BRA');
    expect(describeFeature({ name: 'x' })).toBeUndefined();
  });

  it('merges features of one id and counts what it skips', () => {
    const square = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 0]]] });
    const { areas, skipped } = areasOfFeatures([
      { properties: { GID_0: 'FJI', NAME_0: 'Fiji' }, geometry: square(0) },
      { properties: { GID_0: 'FJI', NAME_0: 'Fiji' }, geometry: square(2) },
      { properties: { other: 1 }, geometry: square(4) },
      { properties: { GID_0: 'XXX', NAME_0: 'Line' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } },
    ]);
    expect(skipped).toBe(2);
    expect(areas.map((a) => [a.id, JSON.parse(a.geojson).coordinates.length])).toEqual([['FJI', 2]]);
  });
});

describe('readBoundaryFile', () => {
  it('says so when the file does not exist', async () => {
    const { readBoundaryFile } = await import('./area-file-import.js');
    await expect(readBoundaryFile('/nonexistent/gadm.gpkg')).rejects.toThrow('Cannot read /nonexistent/gadm.gpkg: no such file, or not readable.');
  });
});
