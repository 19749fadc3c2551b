import { describe, expect, it } from 'vitest';
import { countKmlPositions } from './kml.js';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { convertFixture, fixtureBytes, shapefileZip } from '../fixtures/fixtures.js';
import { deriveSchema, detectVectorFormat, parseVectorUpload } from './parse-vector-upload.js';

const parse = (name: string, bytes: Uint8Array) => parseVectorUpload({ name, bytes });
const first = (features: { geometry: { type: string; coordinates?: unknown } }[]) => features[0]!.geometry as { type: string; coordinates: number[] };

describe('parseVectorUpload', () => {
  it('counts the positions a KML spells out without parsing it (coordinates tuples and gx:coord)', () => {
    expect(countKmlPositions('<kml:coordinates>1,2,0 3,4\n\t5,6 </kml:coordinates><coordinates> 7,8</coordinates><gx:coord>1 2 3</gx:coord>')).toBe(5);
    expect(countKmlPositions('<Point><coordinates></coordinates></Point>')).toBe(0);
  });

  it('reads GeoJSON with its properties, in file order', async () => {
    const { format, features } = await parse('sites.geojson', fixtureBytes('sites.geojson'));
    expect(format).toBe('geojson');
    expect(features.map((f) => f.properties.name)).toEqual(['well A', 'well B', 'pad C']);
    expect(first(features)).toEqual({ type: 'Point', coordinates: [-103.5, 31.9] });
  });

  it('reads a zipped Shapefile and reprojects it from its .prj (UTM 13N) to WGS 84', async () => {
    const { features } = await parse('sites.zip', shapefileZip('points.geojson', 'EPSG:32613'));
    expect(features).toHaveLength(3);
    const [lon, lat] = first(features).coordinates;
    expect(lon).toBeCloseTo(-103.5, 6);
    expect(lat).toBeCloseTo(31.9, 6);
    expect(features[1]!.properties).toMatchObject({ name: 'well B', flow: 7 });
  });

  it('reads a GeoPackage in another SRS (Web Mercator) back to WGS 84', async () => {
    const { features } = await parse('sites.gpkg', convertFixture('sites.geojson', 'GPKG', 'gpkg', { srs: 'EPSG:3857' }));
    expect(features.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'Polygon']);
    expect(first(features).coordinates[1]).toBeCloseTo(31.9, 6);
    expect(features[2]!.properties).toEqual({ name: 'pad C', flow: 3, ratio: 2 });
  });

  it('reads KML and KMZ placemarks', async () => {
    const kml = convertFixture('sites.geojson', 'KML', 'kml');
    const fromKml = await parse('sites.kml', kml);
    expect(fromKml.features).toHaveLength(3);
    expect(fromKml.features[0]!.properties.name).toBe('well A');
    const fromKmz = await parse('sites.kmz', zipSync({ 'doc.kml': new Uint8Array(kml) }));
    expect(fromKmz.features.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'Polygon']);
  });

  it('reads CSV by WKT column or by longitude/latitude columns', async () => {
    const wkt = await parse('a.csv', strToU8('name,WKT\none,"POINT (1 2)"\ntwo,"LINESTRING (0 0, 1 1)"\n'));
    expect(wkt.features.map((f) => f.geometry.type)).toEqual(['Point', 'LineString']);
    expect(wkt.features[0]!.properties).toEqual({ name: 'one' });
    const lonLat = await parse('b.csv', strToU8('id,Longitude,Latitude\n7,-103.5,31.9\n'));
    expect(lonLat.features[0]).toEqual({ geometry: { type: 'Point', coordinates: [-103.5, 31.9] }, properties: { id: '7' } });
  });

  it('closes an open polygon ring and drops Z', async () => {
    const open = { type: 'Polygon', coordinates: [[[0, 0, 5], [1, 0, 5], [1, 1, 5]]] };
    const { features } = await parse('a.geojson', strToU8(JSON.stringify(open)));
    expect(features[0]!.geometry).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });

  describe('refuses a bad upload naming the problem', () => {
    const cases: [string, string, Uint8Array, RegExp][] = [
      ['an unknown extension', 'a.docx', strToU8('x'), /Unsupported file type "\.docx"/],
      ['a .zip that is not a zip', 'a.zip', strToU8('not a zip'), /is not a zip archive/],
      ['a zip without a .shp', 'a.zip', zipSync({ 'readme.txt': strToU8('hello') }), /The zip holds no \.shp file/],
      ['a .gpkg that is not SQLite', 'a.gpkg', strToU8('nope'), /not a GeoPackage/],
      ['JSON that does not parse', 'a.geojson', strToU8('{"type":'), /not valid JSON/],
      ['a position out of range, by feature number', 'a.geojson', strToU8(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }, { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [500000, 4649776] } }] })), /^Feature 2: position 500000, 4649776 is outside/],
      ['a feature without geometry', 'a.geojson', strToU8(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] })), /^Feature 1: it has no geometry/],
      ['a CSV without geometry columns', 'a.csv', strToU8('name,value\na,1\n'), /neither a WKT column/],
      ['bad WKT', 'a.csv', strToU8('wkt\n"POINT (1 2)"\n"PINT (1 2)"\n'), /^Feature 2: "PINT \(1 2\)" is not WKT/],
      ['KML that is not XML', 'a.kml', strToU8('<kml><Placemark>'), /not well-formed XML/],
      ['an empty collection', 'a.geojson', strToU8('{"type":"FeatureCollection","features":[]}'), /holds no features/],
    ];
    it.each(cases)('%s', async (_what, name, bytes, message) => {
      await expect(parse(name, bytes)).rejects.toThrow(message);
    });

    it('an unknown projection in the .prj', async () => {
      const zip = zipSync({ 'a.shp': shapefileMembers().shp, 'a.prj': strToU8('PROJCS["x",GEOGCS["y"],PROJECTION["No_Such_Projection"]]') });
      await expect(parse('a.zip', zip)).rejects.toThrow(/Unknown projection in a\.prj/);
    });
  });

  it('detects formats from the extension and checks the first bytes', () => {
    expect(detectVectorFormat({ name: 'X.GeoJSON', bytes: strToU8('{}') })).toBe('geojson');
    expect(() => detectVectorFormat({ name: 'x.kmz', bytes: strToU8('<kml/>') })).toThrow(/not a zip/);
    expect(() => detectVectorFormat({ name: 'x.shp', bytes: strToU8('x') })).toThrow(/as a zip/);
  });
});

describe('deriveSchema', () => {
  it('gives each property its JSON type, widening integer to number and conflicts to mixed', () => {
    const schema = deriveSchema([
      { properties: { a: 1, b: 'x', c: null, d: true } },
      { properties: { a: 1.5, b: 2, c: 'y', e: [1] } },
    ]);
    expect(schema).toEqual({ a: 'number', b: 'mixed', c: 'string', d: 'boolean', e: 'array' });
  });
});

function shapefileMembers() {
  const zip = shapefileZip('points.geojson');
  const files = unzipSync(zip);
  return { shp: files['sites.shp']! };
}

describe('GeoPackage uploads run none of the uploader\'s SQL', () => {
  it('refuses a feature "table" that is a view (a query that could run forever on this thread)', async () => {
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '', '');
      CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT);
      INSERT INTO gpkg_contents VALUES ('spin', 'features', 'spin');
      CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
      INSERT INTO gpkg_geometry_columns VALUES ('spin', 'geom', 'POINT', 4326, 0, 0);
      CREATE VIEW spin AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT NULL AS geom FROM c WHERE x < 0;`);
    const bytes = db.export();
    db.close();
    // Refused without running the view: running it would take minutes, past the test's timeout.
    await expect(parseVectorUpload({ name: 'spin.gpkg', bytes })).rejects.toThrow('no feature table');
  });
});
