import initSqlJs from 'sql.js';
import wkx from 'wkx';
import { VectorUploadError, featureError } from './vector-upload-error.js';
import { toWgs84From } from './projection.js';
import { MAX_FEATURES, type SourceFeatures } from './parse-vector-upload.js';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export function isSqlite(bytes: Uint8Array) {
  return new TextDecoder().decode(bytes.subarray(0, 16)) === SQLITE_MAGIC;
}

/** Envelope sizes by the flags' envelope indicator (GeoPackage 1.3, 2.1.3.1.1). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/** The WKB inside GeoPackage binary, or null for an empty geometry. */
export function wkbOfGpkgGeometry(blob: Uint8Array): Uint8Array | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new Error('not GeoPackage binary');
  const flags = blob[3]!;
  if (flags & 0b0001_0000) return null;
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 0b111];
  if (envelope === undefined) throw new Error('bad envelope indicator');
  return blob.subarray(8 + envelope);
}

/**
 * A GeoPackage's feature tables (each listed in gpkg_geometry_columns), read with SQLite compiled to
 * WebAssembly (sql.js): geometries are GeoPackage binary (header + WKB, read with wkx), every other
 * column but the primary key a property. Each table's SRS is reprojected to WGS 84.
 */
export async function readGeoPackage(bytes: Uint8Array): Promise<SourceFeatures[]> {
  if (!isSqlite(bytes)) throw new VectorUploadError('The file is not a GeoPackage (not an SQLite database).');
  const SQL = await initSqlJs();
  let db: InstanceType<typeof SQL.Database>;
  try {
    db = new SQL.Database(bytes);
  } catch {
    throw new VectorUploadError('The GeoPackage cannot be opened.');
  }
  try {
    let tables: { table: string; column: string; srsId: number; organization: string; code: number; definition: string }[];
    try {
      const result = db.exec(`SELECT g.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.definition
        FROM gpkg_geometry_columns g JOIN gpkg_contents c ON c.table_name = g.table_name AND c.data_type = 'features'
        JOIN sqlite_master m ON m.name = g.table_name AND m.type = 'table'
        LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id ORDER BY g.table_name`);
      tables = (result[0]?.values ?? []).map(([table, column, srsId, organization, code, definition]) => ({
        table: String(table), column: String(column), srsId: Number(srsId), organization: String(organization ?? ''), code: Number(code), definition: String(definition ?? ''),
      }));
    } catch {
      throw new VectorUploadError('The file is an SQLite database but not a GeoPackage (no gpkg_geometry_columns / gpkg_contents).');
    }
    if (tables.length === 0) throw new VectorUploadError('The GeoPackage holds no feature table.');
    let offset = 0;
    return tables.map(({ table, column, srsId, organization, code, definition }) => {
      const where = `the GeoPackage SRS ${srsId} of table ${table}`;
      const toWgs84 =
        srsId === 0 || srsId === -1 || srsId === 4326
          ? undefined
          : organization.toUpperCase() === 'EPSG' && Number.isInteger(code) && code > 0
            ? tryEither(() => toWgs84From(`EPSG:${code}`, where), () => toWgs84From(definition, where))
            : toWgs84From(definition, where);
      // Only stored tables are read (a view is a query of the uploader's that could run forever on
      // this thread), and no more rows than an upload may hold, plus one to tell it is too many.
      const statement = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}" LIMIT ${MAX_FEATURES + 1}`);
      const features = [];
      try {
        while (statement.step()) {
          const row = statement.getAsObject();
          const index = offset + features.length;
          const blob = row[column];
          let geometry: unknown = null;
          if (blob instanceof Uint8Array) {
            try {
              const wkb = wkbOfGpkgGeometry(blob);
              geometry = wkb ? wkx.Geometry.parse(Buffer.from(wkb)).toGeoJSON() : null;
            } catch {
              throw featureError(index, `its geometry in table ${table} is not readable GeoPackage binary.`);
            }
          }
          const properties = Object.fromEntries(
            Object.entries(row).filter(([name, value]) => name !== column && name !== 'fid' && !(value instanceof Uint8Array)),
          );
          features.push({ geometry, properties });
        }
      } finally {
        statement.free();
      }
      offset += features.length;
      return { toWgs84, features };
    });
  } finally {
    db.close();
  }
}

function tryEither<T>(first: () => T, second: () => T): T {
  try {
    return first();
  } catch {
    return second();
  }
}
