import { detectVectorFormat, parseVectorUpload, VectorUploadError, type VectorLimits } from '../layers/parse/parse-vector-upload.js';

/**
 * Reads an uploaded area file into its geometries with the layers' own parser, so an AOI upload
 * takes every format a layer upload does: GeoJSON, a zipped Shapefile (reprojected from its .prj),
 * GeoPackage, KML, KMZ, CSV with WKT. Throws AreaFileError with a message for the person who sent
 * the file.
 */
export class AreaFileError extends Error {
  override name = 'AreaFileError';
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * A file sent without an extension the parser knows (some clients name it "blob") is taken by its
 * first byte: `{` GeoJSON, `<` KML; anything else is left to the parser to refuse by name.
 */
function nameForParser(name: string, bytes: Buffer): string {
  const extension = extensionOf(name);
  if (['geojson', 'json', 'zip', 'shp', 'gpkg', 'kml', 'kmz', 'csv', 'txt', 'wkt'].includes(extension)) return name;
  const head = bytes.subarray(0, 256).toString('utf8').trimStart();
  if (head.startsWith('{')) return `${name}.geojson`;
  if (head.startsWith('<')) return `${name}.kml`;
  return name;
}

/**
 * An area is parsed inside the request: what a small zip or KML may unfold into is bounded to what
 * an area may hold (AOI_MAX_VERTICES, with room for a verbose format), before any of it is parsed.
 */
const AREA_LIMITS: VectorLimits = { maxInflatedBytes: 16 * 1024 * 1024, maxPositions: 200_000 };

export async function parseAreaUpload(name: string, bytes: Buffer): Promise<unknown[]> {
  try {
    const upload = { name: nameForParser(name, bytes), bytes };
    const { features } = await parseVectorUpload(upload, detectVectorFormat(upload), AREA_LIMITS);
    return features.map((feature) => feature.geometry);
  } catch (error) {
    if (error instanceof VectorUploadError) throw new AreaFileError(error.message);
    throw error;
  }
}
