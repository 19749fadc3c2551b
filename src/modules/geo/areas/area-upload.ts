import { DOMParser } from '@xmldom/xmldom';
import { kml } from '@tmcw/togeojson';

/**
 * Reads an uploaded area file into its geometries. GeoJSON (a geometry, a Feature or a
 * FeatureCollection) and KML for now; the layers' upload parser (zipped Shapefile, GeoPackage, KMZ,
 * CSV with WKT) replaces this one function once both are merged. Throws AreaFileError with a
 * message for the person who sent the file.
 */
export class AreaFileError extends Error {
  override name = 'AreaFileError';
}

const SUPPORTED = 'Send a GeoJSON (.geojson, .json) or KML (.kml) file of polygons.';

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The geometries of a parsed GeoJSON object; features without geometry are skipped. */
function geojsonGeometries(value: unknown): unknown[] {
  if (!value || typeof value !== 'object') throw new AreaFileError('The file is not a GeoJSON object.');
  const object = value as { type?: unknown; features?: unknown; geometry?: unknown };
  if (object.type === 'FeatureCollection') {
    if (!Array.isArray(object.features)) throw new AreaFileError('A FeatureCollection needs a features array.');
    return object.features.flatMap((f) => geojsonGeometries(f));
  }
  if (object.type === 'Feature') return object.geometry ? [object.geometry] : [];
  return [object];
}

function parseGeojson(bytes: Buffer): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AreaFileError(`The file is not valid JSON. ${SUPPORTED}`);
  }
  return geojsonGeometries(parsed);
}

function parseKml(bytes: Buffer): unknown[] {
  const errors: string[] = [];
  let document: ReturnType<DOMParser['parseFromString']>;
  try {
    document = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(bytes.toString('utf8'), 'text/xml');
  } catch {
    throw new AreaFileError(`The file is not well-formed KML (XML). ${SUPPORTED}`);
  }
  if (errors.length || !document.documentElement) throw new AreaFileError(`The file is not well-formed KML (XML). ${SUPPORTED}`);
  return geojsonGeometries(kml(document as never));
}

export function parseAreaUpload(name: string, bytes: Buffer): unknown[] {
  const extension = extensionOf(name);
  const head = bytes.subarray(0, 256).toString('utf8').trimStart();
  let geometries: unknown[];
  if (extension === 'kml' || (extension !== 'json' && extension !== 'geojson' && head.startsWith('<'))) geometries = parseKml(bytes);
  else if (extension === 'geojson' || extension === 'json' || head.startsWith('{')) geometries = parseGeojson(bytes);
  else throw new AreaFileError(`Unsupported file ${JSON.stringify(name)}. ${SUPPORTED}`);
  if (!geometries.length) throw new AreaFileError('The file holds no geometry.');
  return geometries;
}
