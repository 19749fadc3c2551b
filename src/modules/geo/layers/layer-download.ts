import write from '@mapbox/shp-write/src/write.js';
import { zipSync, strToU8 } from 'fflate';
import type { Queryable } from '../../../platform/db/database.js';
import { buildGeoPackage, type GpkgColumn } from '../../../platform/formats/geopackage.js';
import * as queries from './layers.queries.js';
import type { DownloadFormat } from './layers.schemas.js';

type FeatureRow = Awaited<ReturnType<typeof queries.selectAllFeatures>>[number];
interface LayerInfo {
  id: number;
  name: string;
  schema: Record<string, string>;
}

export const DOWNLOAD_TYPES: Record<DownloadFormat, { type: string; extension: string }> = {
  geojson: { type: 'application/json', extension: 'geojson' },
  gpkg: { type: 'application/geopackage+sqlite3', extension: 'gpkg' },
  shp: { type: 'application/zip', extension: 'zip' },
  gml: { type: 'application/gml+xml; version=3.2', extension: 'gml' },
};

/**
 * A layer as a file GDAL and QGIS open: GeoJSON, a GeoPackage (sql.js), a zipped Shapefile (one
 * .shp per geometry family, written by @mapbox/shp-write's low-level writer) or GML 3.2. The rows are
 * read before anything is sent, so a slow client holds no database connection.
 */
export async function layerDownload(db: Queryable, layer: LayerInfo, format: DownloadFormat): Promise<Uint8Array | string> {
  const rows = await queries.selectAllFeatures(db, layer.id, format === 'gml');
  switch (format) {
    case 'geojson':
      return JSON.stringify({ type: 'FeatureCollection', name: layer.name, features: rows.map((row) => ({ type: 'Feature', id: Number(row.id), geometry: row.geometry, properties: row.properties })) });
    case 'gpkg':
      return geoPackage(layer, rows);
    case 'shp':
      return shapefileZip(layer, rows);
    case 'gml':
      return gml(layer, rows);
  }
}

/** Column names unique without regard to case, none of the reserved ones, at most `length` characters. */
export function columnNames(names: string[], length: number, reserved: string[] = []): Map<string, string> {
  const taken = new Set(reserved.map((name) => name.toLowerCase()));
  const out = new Map<string, string>();
  for (const name of names) {
    let column = name.slice(0, length) || 'field';
    for (let n = 1; taken.has(column.toLowerCase()); n += 1) column = `${name.slice(0, length - String(n).length - 1)}_${n}`;
    taken.add(column.toLowerCase());
    out.set(name, column);
  }
  return out;
}

const asText = (value: unknown) => (value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A property value as the schema's column type holds it. */
function cell(type: string | undefined, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (type === 'integer' || type === 'number') return typeof value === 'number' ? value : null;
  if (type === 'boolean') return typeof value === 'boolean' ? Number(value) : null;
  return asText(value);
}

function geoPackage(layer: LayerInfo, rows: FeatureRow[]) {
  const names = columnNames(Object.keys(layer.schema), 128, ['fid', 'geom']);
  const columns: GpkgColumn[] = [...names.entries()].map(([property, column]) => ({
    name: column,
    type: layer.schema[property] === 'integer' || layer.schema[property] === 'boolean' ? 'INTEGER' : layer.schema[property] === 'number' ? 'REAL' : 'TEXT',
  }));
  const features = rows.map((row) => ({
    wkb: row.wkb,
    envelope: [row.min_x, row.min_y, row.max_x, row.max_y] as [number, number, number, number],
    values: [...names.keys()].map((property) => cell(layer.schema[property], row.properties[property])),
  }));
  return buildGeoPackage(layer.name, columns, features, `Carbon Atlas layer ${layer.name}`);
}

type Family = 'POINT' | 'POLYLINE' | 'POLYGON';
type Position = number[];

/** A geometry's parts for one Shapefile family: points, lines, or polygon rings (exteriors clockwise). */
function partsOf(geometry: { type: string; coordinates?: unknown; geometries?: unknown[] }): { family: Family; parts: unknown } {
  switch (geometry.type) {
    case 'Point':
      return { family: 'POINT', parts: geometry.coordinates };
    case 'MultiPoint':
      // The writer has no MULTIPOINT type: a multipoint is written as its first point (documented).
      return { family: 'POINT', parts: (geometry.coordinates as Position[])[0] };
    case 'LineString':
      return { family: 'POLYLINE', parts: [geometry.coordinates] };
    case 'MultiLineString':
      return { family: 'POLYLINE', parts: geometry.coordinates };
    case 'Polygon':
      return { family: 'POLYGON', parts: orientRings(geometry.coordinates as Position[][]) };
    case 'MultiPolygon':
      return { family: 'POLYGON', parts: (geometry.coordinates as Position[][][]).flatMap(orientRings) };
    default: {
      // A collection (e.g. what ST_MakeValid made of a polygon): its highest-dimension members.
      const members = (geometry.geometries ?? []).map((member) => partsOf(member as typeof geometry));
      const family = (['POLYGON', 'POLYLINE', 'POINT'] as Family[]).find((f) => members.some((m) => m.family === f)) ?? 'POINT';
      const chosen = members.filter((m) => m.family === family);
      return family === 'POINT' ? { family, parts: chosen[0]?.parts ?? [0, 0] } : { family, parts: chosen.flatMap((m) => m.parts as unknown[]) };
    }
  }
}

const isClockwise = (ring: Position[]) => ring.reduce((sum, [x, y], i) => sum + (ring[(i + 1) % ring.length]![0]! - x!) * (ring[(i + 1) % ring.length]![1]! + y!), 0) > 0;

/** One polygon's rings as Shapefiles want them: the exterior clockwise, holes counter-clockwise. */
function orientRings(rings: Position[][]): Position[][] {
  return rings.map((ring, i) => (isClockwise(ring) === (i === 0) ? ring : [...ring].reverse()));
}

const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]';

function shapefileZip(layer: LayerInfo, rows: FeatureRow[]) {
  const names = columnNames(Object.keys(layer.schema), 10);
  const groups = new Map<Family, { rows: Record<string, string | number | boolean | null>[]; geometries: unknown[] }>();
  for (const row of rows) {
    const { family, parts } = partsOf(row.geometry as { type: string });
    const group = groups.get(family) ?? { rows: [], geometries: [] };
    groups.set(family, group);
    group.geometries.push(parts);
    group.rows.push(
      Object.fromEntries(
        [...names.entries()].map(([property, column]) => {
          const type = layer.schema[property];
          const value = row.properties[property];
          if (type === 'boolean') return [column, typeof value === 'boolean' ? value : null];
          const text = cell(type, value);
          return [column, typeof text === 'string' ? text.slice(0, 254) : text];
        }),
      ),
    );
  }
  const files: Record<string, Uint8Array> = {};
  for (const [family, group] of groups) {
    const base = `${layer.name}_${family.toLowerCase()}`;
    write(group.rows, family, group.geometries, (_error, out) => {
      files[`${base}.shp`] = new Uint8Array(out.shp.buffer, out.shp.byteOffset, out.shp.byteLength);
      files[`${base}.shx`] = new Uint8Array(out.shx.buffer, out.shx.byteOffset, out.shx.byteLength);
      files[`${base}.dbf`] = new Uint8Array(out.dbf.buffer, out.dbf.byteOffset, out.dbf.byteLength);
      files[`${base}.prj`] = strToU8(WGS84_PRJ);
      files[`${base}.cpg`] = strToU8('UTF-8');
    });
  }
  return zipSync(files);
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** An XML element name for a property: letters, digits, _ - . only, not starting with a digit. */
function xmlName(name: string) {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) && !/^xml/i.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** GML 3.2 simple features: one featureMember per feature, geometries from ST_AsGML (EPSG:4326, lat lon order). */
function gml(layer: LayerInfo, rows: FeatureRow[]) {
  const names = new Map([...columnNames(Object.keys(layer.schema).map(xmlName), 255, ['geometry', 'fid'])].map(([clean, column], i) => [Object.keys(layer.schema)[i]!, column || clean]));
  const members = rows.map((row) => {
    const properties = [...names.entries()]
      .map(([property, element]) => {
        const value = asText(row.properties[property]);
        return value === null ? '' : `<ca:${element}>${escapeXml(value)}</ca:${element}>`;
      })
      .join('');
    return `<gml:featureMember><ca:feature gml:id="f.${row.id}"><ca:fid>${row.id}</ca:fid><ca:geometry>${row.gml ?? ''}</ca:geometry>${properties}</ca:feature></gml:featureMember>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:ca="https://carbon-atlas.org/gml" gml:id="${escapeXml(xmlName(layer.name))}">${members.join('')}</gml:FeatureCollection>\n`;
}
