import { parse } from 'csv-parse/sync';
import wkx from 'wkx';
import { VectorUploadError, featureError } from './vector-upload-error.js';
import { toWgs84From } from './projection.js';
import type { RawFeature, SourceFeatures } from './parse-vector-upload.js';

const LONGITUDE = ['longitude', 'lon', 'lng', 'long', 'x'];
const LATITUDE = ['latitude', 'lat', 'y'];
const WKT = ['wkt', 'geometry', 'geom', 'the_geom', 'wkt_geom', 'shape'];

/**
 * CSV with a header: a WKT (or EWKT, `SRID=3857;POINT(…)`) column named wkt, geometry, geom, the_geom,
 * wkt_geom or shape, or else longitude/latitude columns (longitude|lon|lng|long|x and latitude|lat|y),
 * any case. Other columns become string properties, as GDAL reads a CSV.
 */
export function readCsv(bytes: Uint8Array): SourceFeatures[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(Buffer.from(bytes), { columns: true, bom: true, skip_empty_lines: true, trim: true, max_record_size: 1024 * 1024 }) as Record<string, string>[];
  } catch (error) {
    throw new VectorUploadError(`The CSV cannot be read: ${error instanceof Error ? error.message.slice(0, 200) : 'invalid CSV'}.`);
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const find = (names: string[]) => header.find((column) => names.includes(column.toLowerCase()));
  const wkt = find(WKT);
  const [lon, lat] = [find(LONGITUDE), find(LATITUDE)];
  if (rows.length > 0 && !wkt && !(lon && lat)) {
    throw new VectorUploadError(`The CSV has neither a WKT column (${WKT.join(', ')}) nor longitude and latitude columns (${LONGITUDE.join('|')} and ${LATITUDE.join('|')}).`);
  }
  const features: RawFeature[] = rows.map((row, i) => {
    const properties: Record<string, unknown> = Object.fromEntries(Object.entries(row).filter(([column]) => column !== wkt && column !== lon && column !== lat));
    if (wkt) return { geometry: wktGeometry(row[wkt] ?? '', i), properties };
    const [x, y] = [Number(row[lon!]), Number(row[lat!])];
    if (row[lon!] === '' || row[lat!] === '' || !Number.isFinite(x) || !Number.isFinite(y)) throw featureError(i, `longitude "${row[lon!]}" / latitude "${row[lat!]}" are not numbers.`);
    return { geometry: { type: 'Point', coordinates: [x, y] }, properties };
  });
  return [{ toWgs84: undefined, features }];
}

function wktGeometry(text: string, index: number): unknown {
  let geometry: wkx.Geometry;
  try {
    geometry = wkx.Geometry.parse(text);
  } catch {
    throw featureError(index, `"${text.slice(0, 60)}" is not WKT.`);
  }
  const json = geometry.toGeoJSON() as { type: string; coordinates?: unknown };
  const srid = geometry.srid;
  const toWgs84 = srid && srid !== 4326 ? toWgs84From(`EPSG:${srid}`, `feature ${index + 1}'s SRID`) : undefined;
  if (!toWgs84) return json;
  const project = (node: unknown): unknown =>
    Array.isArray(node) && typeof node[0] === 'number' ? toWgs84([node[0] as number, node[1] as number]) : Array.isArray(node) ? node.map(project) : node;
  return json.type === 'GeometryCollection'
    ? { ...json, geometries: (json as unknown as { geometries: { coordinates: unknown }[] }).geometries.map((g) => ({ ...g, coordinates: project(g.coordinates) })) }
    : { ...json, coordinates: project(json.coordinates) };
}
