import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import countries from 'i18n-iso-countries';
import type { Database } from '../../../platform/db/database.js';
import * as queries from './administrative-areas.queries.js';
import type { AreaRecord } from './administrative-areas.queries.js';
import { PolygonError, toMultiPolygon } from './polygons.js';
import { searchKeys } from './search-key.js';

/**
 * `carbon-atlas admin-areas import <file>`: an operator's own boundaries, from GADM
 * (columns GID_0/NAME_0 or COUNTRY, GID_1/NAME_1, GID_2/NAME_2 …: each feature is the deepest level
 * it has an id for) or geoBoundaries (shapeGroup, shapeType ADM0…, shapeName, shapeISO, shapeID).
 * GeoJSON is read directly; GeoPackage, Shapefile (.shp or zipped) and anything else GDAL reads go
 * through `ogr2ogr` (Debian: gdal-bin), every layer of the file. Imported areas replace areas of the
 * same id, bundled ones included, and are kept when the bundled areas are loaded again.
 */
const run = promisify(execFile);
const MAX_VERTICES = 5_000_000;
const BATCH = 100;
const OGR_OUTPUT_BYTES = 2 * 1024 * 1024 * 1024;

export class AreaImportError extends Error {
  override name = 'AreaImportError';
}

type Properties = Record<string, unknown>;
type Feature = { properties?: Properties | null; geometry?: unknown };

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** The id, level, name and parents' names of one feature, or undefined when it has none. */
export function describeFeature(properties: Properties): { id: string; level: number; name: string; parents: string[] } | undefined {
  if (text(properties.GID_0)) {
    let level = 0;
    while (level < 5 && text(properties[`GID_${level + 1}`])) level += 1;
    const nameAt = (l: number) => text(properties[`NAME_${l}`]) ?? (l === 0 ? text(properties.COUNTRY) : undefined) ?? text(properties[`GID_${l}`])!;
    const parents = Array.from({ length: level }, (_, i) => nameAt(level - 1 - i));
    return { id: text(properties[`GID_${level}`])!, level, name: nameAt(level), parents };
  }
  const type = text(properties.shapeType);
  const group = text(properties.shapeGroup);
  if (type && group && /^ADM\d$/.test(type)) {
    const level = Number(type.slice(3));
    const id = level === 0 ? group : (text(properties.shapeISO) ?? text(properties.shapeID));
    const name = text(properties.shapeName) ?? id;
    if (!id || !name) return undefined;
    return { id, level, name, parents: level === 0 ? [] : [countries.getName(group, 'en') ?? group] };
  }
  return undefined;
}

/** GADM or geoBoundaries features as areas; features of one id (split polygons) become one area. */
export function areasOfFeatures(features: Feature[]): { areas: AreaRecord[]; skipped: number } {
  const groups = new Map<string, { level: number; name: string; parents: string[]; geometries: unknown[] }>();
  let skipped = 0;
  for (const feature of features) {
    const described = feature.properties ? describeFeature(feature.properties) : undefined;
    if (!described || !feature.geometry || described.id.length > 64) {
      skipped += 1;
      continue;
    }
    const group = groups.get(described.id) ?? { ...described, geometries: [] };
    group.geometries.push(feature.geometry);
    groups.set(described.id, group);
  }
  const areas: AreaRecord[] = [];
  for (const [id, group] of groups) {
    try {
      const geojson = JSON.stringify(toMultiPolygon(group.geometries, { maxVertices: MAX_VERTICES }));
      areas.push({ id, level: group.level, name: group.name, fullName: [group.name, ...group.parents].join(', '), geojson, keys: searchKeys(group.name) });
    } catch (error) {
      if (!(error instanceof PolygonError)) throw error;
      skipped += 1;
    }
  }
  return { areas, skipped };
}

async function ogr(args: string[]): Promise<string> {
  try {
    return (await run(args[0]!, args.slice(1), { maxBuffer: OGR_OUTPUT_BYTES, encoding: 'utf8' })).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AreaImportError(`${args[0]} was not found: install GDAL (Debian: apt-get install gdal-bin) to import this file, or convert it to GeoJSON first.`);
    }
    const detail = ((error as { stderr?: string }).stderr ?? '').trim() || (error as Error).message;
    throw new AreaImportError(`${args[0]} could not read the file: ${detail}`);
  }
}

/** Every feature of the file, as GeoJSON in WGS 84. */
export async function readBoundaryFile(file: string): Promise<Feature[]> {
  await access(file).catch(() => {
    throw new AreaImportError(`Cannot read ${file}: no such file, or not readable.`);
  });
  const extension = path.extname(file).toLowerCase();
  if (extension === '.geojson' || extension === '.json') {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { type?: string; features?: Feature[] };
    if (parsed.type !== 'FeatureCollection' || !Array.isArray(parsed.features)) throw new AreaImportError('A GeoJSON file must be a FeatureCollection.');
    return parsed.features;
  }
  const source = extension === '.zip' ? `/vsizip/${file}` : file;
  const listing = await ogr(['ogrinfo', '-ro', '-q', source]);
  const layers = [...listing.matchAll(/^\s*\d+: (.+?)(?: \([^()]*\))?$/gm)].map((match) => match[1]!);
  if (!layers.length) throw new AreaImportError('The file holds no layer GDAL can read.');
  const features: Feature[] = [];
  for (const layer of layers) {
    const output = await ogr(['ogr2ogr', '-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'RFC7946=YES', '/vsistdout/', source, layer]);
    features.push(...((JSON.parse(output) as { features?: Feature[] }).features ?? []));
  }
  return features;
}

/** Imports the file's areas in one transaction; returns how many were stored and skipped. */
export async function importAdministrativeAreas(db: Database, file: string, progress: (message: string) => void = () => undefined) {
  const features = await readBoundaryFile(file);
  const { areas, skipped } = areasOfFeatures(features);
  if (!areas.length) throw new AreaImportError('No feature has GADM (GID_0, NAME_0 …) or geoBoundaries (shapeGroup, shapeType, shapeName) columns and a polygon geometry.');
  progress(`Read ${features.length} features: ${areas.length} areas${skipped ? `, ${skipped} skipped (no id, no name or no area)` : ''}.`);
  const stored = await db.transaction(async (tx) => {
    await queries.lockAreaLoads(tx);
    let count = 0;
    for (let start = 0; start < areas.length; start += BATCH) {
      count += (await queries.insertAreas(tx, areas.slice(start, start + BATCH), 'imported')).length;
      progress(`Stored ${count} of ${areas.length}.`);
    }
    await queries.recordSource(tx, `imported:${path.basename(file)}`, new Date().toISOString(), count);
    return count;
  });
  return { stored, skipped, levels: [...new Set(areas.map((a) => a.level))].sort() };
}
