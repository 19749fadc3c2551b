import { parseDbf, parseShp } from 'shpjs';
import { VectorUploadError } from './vector-upload-error.js';
import { toWgs84From } from './projection.js';
import { extensionOf, unzipMembers } from './zip.js';
import type { SourceFeatures } from './parse-vector-upload.js';

const MEMBERS = new Set(['shp', 'dbf', 'prj', 'cpg']);

/**
 * A zipped Shapefile: every .shp in the archive with its .dbf (attributes), .cpg (encoding) and .prj
 * (projection, reprojected to WGS 84 with proj4). shpjs reads the shapes, without its own reprojection
 * (it silently ignores a projection it cannot read; here that is refused).
 */
export function readShapefileZip(bytes: Uint8Array, maxInflatedBytes?: number): SourceFeatures[] {
  const members = unzipMembers(bytes, 'Shapefile upload', (name) => MEMBERS.has(extensionOf(name)), maxInflatedBytes);
  const byBase = new Map<string, Partial<Record<string, Uint8Array>>>();
  for (const [name, data] of Object.entries(members)) {
    const base = name.slice(0, name.lastIndexOf('.'));
    byBase.set(base, { ...byBase.get(base), [extensionOf(name)]: data });
  }
  const layers = [...byBase.entries()].filter(([, files]) => files.shp);
  if (layers.length === 0) throw new VectorUploadError('The zip holds no .shp file: a Shapefile upload is a zip of the .shp with its .shx, .dbf and .prj.');
  return layers.map(([base, files]) => {
    const where = `${base}.prj`;
    const toWgs84 = files.prj ? toWgs84From(new TextDecoder().decode(files.prj), where) : undefined;
    let shapes: unknown[];
    let rows: Record<string, unknown>[] = [];
    try {
      shapes = parseShp(files.shp!) as unknown[];
      if (files.dbf) rows = parseDbf(files.dbf, files.cpg ? new TextDecoder().decode(files.cpg) : undefined) as Record<string, unknown>[];
    } catch {
      throw new VectorUploadError(`${base}.shp is not a readable Shapefile.`);
    }
    return { toWgs84, features: shapes.map((geometry, i) => ({ geometry, properties: rows[i] ?? {} })) };
  });
}
