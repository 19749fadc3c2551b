import proj4 from 'proj4';
import { VectorUploadError } from './vector-upload-error.js';
import type { ToWgs84 } from './geometry.js';

const WGS84_CODES = new Set(['4326', 'CRS84', '4979']);

/** True for the definitions that need no transform: WGS 84 longitude/latitude. */
function isWgs84(definition: string) {
  return /^(EPSG:|urn:ogc:def:crs:EPSG::|urn:ogc:def:crs:OGC:1\.3:|urn:ogc:def:crs:OGC::)?(4326|CRS84|4979)$/i.test(definition.trim());
}

/**
 * A transform into WGS 84 from a projection given as WKT (a shapefile's .prj, a GeoPackage's SRS
 * definition), a proj string, or an EPSG code proj4 knows ("EPSG:3857", "urn:ogc:def:crs:EPSG::3857").
 * Undefined for WGS 84 itself. A projection proj4 cannot read is refused: guessing would place the
 * features somewhere else on Earth.
 */
export function toWgs84From(definition: string, where: string): ToWgs84 | undefined {
  const text = definition.trim();
  if (isWgs84(text)) return undefined;
  const code = /^(?:EPSG:|urn:ogc:def:crs:EPSG::)(\d+)$/i.exec(text)?.[1];
  if (code && WGS84_CODES.has(code)) return undefined;
  let converter: proj4.Converter | undefined;
  try {
    converter = proj4(code ? `EPSG:${code}` : text, 'EPSG:4326');
  } catch {
    converter = undefined;
  }
  if (!converter || typeof converter.forward !== 'function') {
    throw new VectorUploadError(`Unknown projection in ${where}: ${text.slice(0, 120)}${text.length > 120 ? '…' : ''}. Reproject the file to WGS 84 (EPSG:4326) or to a projection given as WKT.`);
  }
  const { forward } = converter;
  return (position) => forward(position);
}
