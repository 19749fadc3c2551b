import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** A decoded MVT feature, as a test compares it. */
export interface DecodedFeature {
  id: number | undefined;
  type: number;
  properties: Record<string, unknown>;
  geometry: [number, number][][];
}

/** Every layer of an MVT, decoded with @mapbox/vector-tile (features in tile units). */
export function decodeTile(bytes: Uint8Array, gzipped = false): Record<string, { extent: number; version: number; features: DecodedFeature[] }> {
  const raw = gzipped ? gunzipSync(bytes) : bytes;
  const tile = new VectorTile(new PbfReader(raw));
  const layers: Record<string, { extent: number; version: number; features: DecodedFeature[] }> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i += 1) {
      const feature = layer.feature(i);
      features.push({ id: feature.id, type: feature.type, properties: { ...feature.properties }, geometry: feature.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number])) });
    }
    layers[name] = { extent: layer.extent, version: layer.version, features };
  }
  return layers;
}

/** A polygon ring without its closing point, rotated to start at its smallest vertex: ring start points differ between encoders. */
export function normalRing(ring: [number, number][]): string {
  const open = ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring.slice(0, -1) : ring;
  let start = 0;
  open.forEach(([x, y], i) => {
    const [sx, sy] = open[start]!;
    if (x < sx || (x === sx && y < sy)) start = i;
  });
  return JSON.stringify([...open.slice(start), ...open.slice(0, start)]);
}

/** Features sorted and with polygon rings normalised, for comparing two encoders' tiles. */
export function comparable(features: DecodedFeature[]) {
  return features
    .map((f) => ({ ...f, geometry: f.type === 3 ? f.geometry.map(normalRing).sort() : f.geometry.map((ring) => JSON.stringify(ring)) }))
    .sort((a, b) => JSON.stringify([a.id, a.properties]).localeCompare(JSON.stringify([b.id, b.properties])));
}

const R = 6378137;
const WORLD = Math.PI * R;

/** Where a lon/lat lands in tile z/x/y, in tile units (4096 a side), rounded to the grid. */
export function pixel(lon: number, lat: number, z: number, x: number, y: number): [number, number] {
  const size = (2 * WORLD) / 2 ** z;
  const mx = (lon * Math.PI * R) / 180;
  const my = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  return [Math.round(((mx - (-WORLD + size * x)) * 4096) / size), Math.round(((WORLD - size * y - my) * 4096) / size)];
}
