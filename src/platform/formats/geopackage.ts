import initSqlJs from 'sql.js';

/**
 * A GeoPackage 1.3 (OGC 12-128r18): an SQLite file with the gpkg_* tables and one feature table
 * whose geometries are GeoPackage binary (a "GP" header with SRS id and envelope, then WKB).
 * Built in memory with SQLite compiled to WebAssembly: no native code, the same on every host.
 */
export interface GpkgColumn {
  name: string;
  type: 'TEXT' | 'INTEGER' | 'REAL';
}

export interface GpkgFeature {
  /** Little-endian WKB, or null for no geometry. */
  wkb: Uint8Array | null;
  envelope: [number, number, number, number] | null;
  values: (string | number | null)[];
}

const APPLICATION_ID = 0x47504b47; // 'GPKG'
const USER_VERSION = 10300;

/** GeoPackage binary: magic, version 0, flags (little endian, [minx, maxx, miny, maxy] envelope), SRS id, envelope, WKB. */
export function gpkgGeometry(wkb: Uint8Array, envelope: [number, number, number, number], srsId: number): Uint8Array {
  const header = Buffer.alloc(8 + 32);
  header.write('GP', 0, 'ascii');
  header.writeUInt8(0, 2);
  header.writeUInt8(0b0000_0011, 3);
  header.writeInt32LE(srsId, 4);
  const [minX, minY, maxX, maxY] = envelope;
  [minX, maxX, minY, maxY].forEach((value, i) => header.writeDoubleLE(value, 8 + i * 8));
  return Buffer.concat([header, Buffer.from(wkb)]);
}

/** An SQLite identifier, quoted: column names may come from uploaded files. */
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * One feature table `table` (geometry column `geom`, EPSG:4326) with `columns`, and `description` in
 * gpkg_contents. Shared by the scene downloads (catalog) and the layer downloads (geo).
 */
export async function buildGeoPackage(table: string, columns: GpkgColumn[], features: GpkgFeature[], description = ''): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.run(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${USER_VERSION};`);
    db.run(`
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
      INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
      INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
        'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
    `);
    const columnSql = columns.map((c) => `, ${quote(c.name)} ${c.type}`).join('');
    db.run(`CREATE TABLE ${quote(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY${columnSql})`);
    // A loop, not Math.min(...all): a spread of a large layer's envelopes overflows the call stack.
    let extent: (number | null)[] = [null, null, null, null];
    for (const { envelope } of features) {
      if (!envelope) continue;
      const [minX, minY, maxX, maxY] = extent as number[];
      extent = extent[0] === null ? [...envelope] : [Math.min(minX!, envelope[0]), Math.min(minY!, envelope[1]), Math.max(maxX!, envelope[2]), Math.max(maxY!, envelope[3])];
    }
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 4326)', [
      table, 'features', table, description, ...extent,
    ]);
    db.run("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', 4326, 0, 0)", [table]);
    const insert = db.prepare(`INSERT INTO ${quote(table)} (geom${columns.map((c) => `, ${quote(c.name)}`).join('')}) VALUES (?${columns.map(() => ', ?').join('')})`);
    for (const feature of features) {
      const geometry = feature.wkb && feature.envelope ? gpkgGeometry(feature.wkb, feature.envelope, 4326) : null;
      insert.run([geometry, ...feature.values]);
    }
    insert.free();
    return db.export();
  } finally {
    db.close();
  }
}
