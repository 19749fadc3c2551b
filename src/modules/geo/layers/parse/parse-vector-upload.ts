import type { Geometry } from 'geojson';
import { normalizeGeometry, type ToWgs84 } from './geometry.js';
import { readCsv } from './csv.js';
import { readGeojson } from './geojson.js';
import { isSqlite, readGeoPackage } from './geopackage.js';
import { readKml, readKmz } from './kml.js';
import { readShapefileZip } from './shapefile.js';
import { VectorUploadError, featureError } from './vector-upload-error.js';
import { extensionOf, isZip } from './zip.js';

export { VectorUploadError } from './vector-upload-error.js';

export type VectorFormat = 'geojson' | 'shp' | 'gpkg' | 'kml' | 'kmz' | 'csv';

/** An uploaded file: its name (the extension decides the format) and its bytes. */
export interface VectorUpload {
  name: string;
  bytes: Uint8Array;
}

/** A feature as imported: a checked 2D WGS 84 geometry and its properties. */
export interface VectorFeature {
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/** What a format reader yields: features as found, and how to bring their positions to WGS 84. */
export interface RawFeature {
  geometry: unknown;
  properties: Record<string, unknown>;
}
export interface SourceFeatures {
  toWgs84: ToWgs84 | undefined;
  features: RawFeature[];
}

export const MAX_FEATURES = 250_000;
export const MAX_PROPERTIES_BYTES = 64 * 1024;

const EXTENSIONS: Record<string, VectorFormat> = {
  geojson: 'geojson', json: 'geojson', zip: 'shp', shp: 'shp', gpkg: 'gpkg', kml: 'kml', kmz: 'kmz', csv: 'csv', txt: 'csv', wkt: 'csv',
};

/**
 * The format of an upload from its file name, checked against its first bytes, so that a wrong or
 * damaged file is refused while the uploader waits (422 naming the problem), not later by the job.
 */
export function detectVectorFormat(upload: VectorUpload): VectorFormat {
  const extension = extensionOf(upload.name);
  const format = EXTENSIONS[extension];
  if (!format) {
    throw new VectorUploadError(`Unsupported file type ".${extension}" (${upload.name}): upload GeoJSON (.geojson, .json), a zipped Shapefile (.zip), a GeoPackage (.gpkg), KML (.kml), KMZ (.kmz) or CSV (.csv).`);
  }
  if (upload.bytes.length === 0) throw new VectorUploadError(`${upload.name} is empty.`);
  if (extension === 'shp') throw new VectorUploadError('Upload a Shapefile as a zip of its .shp, .shx, .dbf and .prj files, not the .shp alone.');
  if ((format === 'shp' || format === 'kmz') && !isZip(upload.bytes)) throw new VectorUploadError(`${upload.name} is not a zip archive.`);
  if (format === 'gpkg' && !isSqlite(upload.bytes)) throw new VectorUploadError(`${upload.name} is not a GeoPackage (not an SQLite database).`);
  return format;
}

/**
 * Bounds for what an upload may unfold into before its features are checked: zips inflate, KML
 * spells positions out in text. Layer uploads parse in the import job with the defaults
 * (MAX_UNZIPPED_BYTES; a KML's positions are checked per geometry after parsing); areas of interest,
 * parsed inside the request, pass tighter ones.
 */
export interface VectorLimits {
  maxInflatedBytes?: number;
  /** Positions a KML document may spell out in all, counted in its text before it is parsed. */
  maxPositions?: number;
}

function read(format: VectorFormat, bytes: Uint8Array, limits?: VectorLimits): SourceFeatures[] | Promise<SourceFeatures[]> {
  switch (format) {
    case 'geojson':
      return readGeojson(bytes);
    case 'shp':
      return readShapefileZip(bytes, limits?.maxInflatedBytes);
    case 'gpkg':
      return readGeoPackage(bytes);
    case 'kml':
      return readKml(bytes, undefined, limits);
    case 'kmz':
      return readKmz(bytes, limits);
    case 'csv':
      return readCsv(bytes);
  }
}

/**
 * Reads an uploaded vector file into GeoJSON features in WGS 84: GeoJSON, a zipped Shapefile (its
 * .prj reprojected), a GeoPackage, KML, KMZ or CSV (WKT or longitude/latitude columns). Each geometry
 * is checked (finite positions within longitude/latitude range, closed rings, …) and a bad one is
 * refused with its feature number; anything unreadable is a VectorUploadError (422) saying why.
 * Shared by uploaded layers and areas of interest.
 */
export async function parseVectorUpload(upload: VectorUpload, format = detectVectorFormat(upload), limits?: VectorLimits): Promise<{ format: VectorFormat; features: VectorFeature[] }> {
  const sources = await read(format, upload.bytes, limits);
  const total = sources.reduce((sum, source) => sum + source.features.length, 0);
  if (total === 0) throw new VectorUploadError(`${upload.name} holds no features.`);
  if (total > MAX_FEATURES) throw new VectorUploadError(`${upload.name} holds ${total} features; a layer holds at most ${MAX_FEATURES}.`);
  const features: VectorFeature[] = [];
  for (const source of sources) {
    for (const raw of source.features) {
      const index = features.length;
      // A large file is checked in slices: other requests are answered in between.
      if (index % 2000 === 1999) await new Promise((resolve) => setImmediate(resolve));
      const geometry = normalizeGeometry(raw.geometry, index, source.toWgs84);
      const properties = plainProperties(raw.properties);
      if (JSON.stringify(properties).length > MAX_PROPERTIES_BYTES) throw featureError(index, `its properties exceed ${MAX_PROPERTIES_BYTES} bytes as JSON.`);
      features.push({ geometry, properties });
    }
  }
  return { format, features };
}

/** Properties as JSON values: dates as ISO text, non-finite numbers as null. */
function plainProperties(properties: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(properties ?? {}, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value))) as Record<string, unknown>;
}

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null' | 'mixed';

/**
 * A layer's schema: each property name with its JSON type over all features (integer and number
 * together are number; null alongside a type is that type; anything else together is mixed).
 */
export function deriveSchema(features: { properties: Record<string, unknown> }[], start: Record<string, string> = {}): Record<string, PropertyType> {
  const schema = { ...start } as Record<string, PropertyType>;
  for (const { properties } of features) {
    for (const [name, value] of Object.entries(properties)) schema[name] = mergeTypes(schema[name], typeOf(value));
  }
  return schema;
}

function typeOf(value: unknown): PropertyType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as PropertyType;
  return 'string';
}

function mergeTypes(known: PropertyType | undefined, seen: PropertyType): PropertyType {
  if (!known || known === seen || known === 'null') return seen;
  if (seen === 'null') return known;
  if ((known === 'integer' && seen === 'number') || (known === 'number' && seen === 'integer')) return 'number';
  return 'mixed';
}
