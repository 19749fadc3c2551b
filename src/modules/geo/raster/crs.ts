import proj4 from 'proj4';

/**
 * The coordinate systems a raster may be in, by EPSG code, as proj4 definitions computed from the
 * code (no EPSG database to ship): geographic WGS 84, Web Mercator, and the UTM zones of WGS 84
 * (326zz north, 327zz south), NAD83 (269zz, zones 1–23) and ETRS89 (258zz, zones 28–38) — the
 * systems imaging spectrometer products are delivered in. Anything else is refused at import.
 */
export function proj4Definition(epsg: number): string | undefined {
  if (epsg === 4326) return '+proj=longlat +datum=WGS84 +no_defs';
  if (epsg === 3857) return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs';
  const zone = epsg % 100;
  if (epsg >= 32601 && epsg <= 32660) return `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`;
  if (epsg >= 32701 && epsg <= 32760) return `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`;
  if (epsg >= 26901 && epsg <= 26923) return `+proj=utm +zone=${zone} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
  if (epsg >= 25828 && epsg <= 25838) return `+proj=utm +zone=${zone} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
  return undefined;
}

export function isSupportedEpsg(epsg: number): boolean {
  return proj4Definition(epsg) !== undefined;
}

export type Point = [number, number];
export interface Transform {
  forward(point: Point): Point;
  inverse(point: Point): Point;
}

const converters = new Map<string, Transform>();

/** A converter between two supported systems (cached: building one parses its definitions). */
export function transformBetween(from: number, to: number): Transform {
  const id = `${from}>${to}`;
  let converter = converters.get(id);
  if (!converter) {
    const source = proj4Definition(from);
    const target = proj4Definition(to);
    if (!source || !target) throw new Error(`Unsupported CRS EPSG:${from} or EPSG:${to}`);
    const converted = proj4(source, target);
    converter = { forward: (p) => converted.forward(p) as Point, inverse: (p) => converted.inverse(p) as Point };
    converters.set(id, converter);
  }
  return converter;
}

/** Web Mercator's half extent, metres. */
export const MERCATOR_EXTENT = 20037508.342789244;

/** The tile's bounds in Web Mercator metres: [west, south, east, north]. */
export function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const size = (2 * MERCATOR_EXTENT) / 2 ** z;
  const west = -MERCATOR_EXTENT + x * size;
  const north = MERCATOR_EXTENT - y * size;
  return [west, north - size, west + size, north];
}
