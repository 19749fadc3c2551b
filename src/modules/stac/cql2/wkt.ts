import type { CqlGeometry } from '../../catalog/stac.service.js';
import { CqlError } from './cql2-error.js';

/** The geometry keywords of CQL2 text (WKT, 2D or with Z). */
export const WKT_KEYWORDS = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION'];

type Nested = number[] | Nested[];

/** Reads WKT into GeoJSON; `offset` is where the WKT starts in the filter, for error positions. */
export function parseWkt(text: string, offset = 0): CqlGeometry {
  let i = 0;
  const fail = (reason: string): never => {
    throw new CqlError(`invalid geometry: ${reason}`, offset + i);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
  };
  const word = () => {
    skip();
    const match = /^[A-Za-z]+/.exec(text.slice(i));
    if (!match) fail('expected a geometry type');
    i += match![0].length;
    return match![0].toUpperCase();
  };
  const expect = (char: string) => {
    skip();
    if (text[i] !== char) fail(`expected "${char}"`);
    i += 1;
  };
  const peek = () => {
    skip();
    return text[i];
  };
  const position = (): number[] => {
    const numbers: number[] = [];
    for (;;) {
      skip();
      const match = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) break;
      numbers.push(Number(match[0]));
      i += match[0].length;
    }
    if (numbers.length < 2 || numbers.length > 3) fail('a position has two or three numbers');
    return numbers;
  };
  // A list of `item`s in parentheses; MULTIPOINT also accepts its points without their own parentheses.
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const items = [item()];
    while (peek() === ',') {
      i += 1;
      items.push(item());
    }
    expect(')');
    return items;
  };
  const ring = () => list(position);
  const polygon = () => list(ring);
  const point = () => {
    if (peek() === '(') {
      const [only] = list(position);
      return only!;
    }
    return position();
  };
  const geometry = (): CqlGeometry => {
    const type = word();
    skip();
    if (/^Z\b/i.test(text.slice(i))) i += 1;
    if (/^EMPTY\b/i.test(text.slice(i).trimStart())) fail('empty geometries are not supported');
    switch (type) {
      case 'POINT': {
        const [only] = list(position);
        return { type: 'Point', coordinates: only! };
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: list(position) as Nested };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: polygon() as Nested };
      case 'MULTIPOINT':
        return { type: 'MultiPoint', coordinates: list(point) as Nested };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: list(ring) as Nested };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: list(polygon) as Nested };
      case 'GEOMETRYCOLLECTION':
        return { type: 'GeometryCollection', geometries: list(geometry) };
      default:
        return fail(`unknown geometry type ${type}`);
    }
  };
  const result = geometry();
  skip();
  if (i < text.length) fail('unexpected text after the geometry');
  return result;
}
