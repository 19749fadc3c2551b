import type { Database } from '../../../platform/db/database.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import { sceneRasterKey, storeSceneRasterPixels, transformBetween, writeGeoTiff, type GeoTiffPixels } from '../../geo/raster/scene-rasters.service.js';
import { registerAssets } from '../assets.queries.js';
import { setPlumeTifs } from './demo-rasters.queries.js';
import { random, type GeneratedBatch } from './generator.js';

/** Scenes of the demo that get rasters: few and small, so that `npm run demo` still starts in seconds. */
export const DEMO_RASTER_SCENES = 4;
/** The longer side of a scene raster, px. */
const SCENE_EDGE = 256;
/** A plume's own GeoTIFF (plume_tif): this many px over this many metres around its source. */
const PLUME_EDGE = 128;
const PLUME_SPAN_M = 3000;
const NODATA = -9999;

type Plume = GeneratedBatch['plumes'][number];

/** The WGS 84 UTM zone of a point, as an EPSG code. */
export function utmZone(lon: number, lat: number): number {
  const zone = Math.min(60, Math.floor((lon + 180) / 6) + 1);
  return (lat >= 0 ? 32600 : 32700) + zone;
}

function gaussian(next: () => number) {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Value noise on a lattice, smoothly interpolated, summed over octaves: 0..1. */
function terrainNoise(seed: number) {
  const hash = (i: number, j: number) => {
    let h = (i * 374761393 + j * 668265263 + seed * 1442695041) | 0;
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
  };
  const smooth = (t: number) => t * t * (3 - 2 * t);
  const noise = (x: number, y: number) => {
    const i = Math.floor(x), j = Math.floor(y);
    const u = smooth(x - i), v = smooth(y - j);
    const a = hash(i, j), b = hash(i + 1, j), c = hash(i, j + 1), d = hash(i + 1, j + 1);
    return (a * (1 - u) + b * u) * (1 - v) + (c * (1 - u) + d * u) * v;
  };
  return (x: number, y: number) => {
    let sum = 0, amplitude = 0.5, frequency = 1;
    for (let octave = 0; octave < 4; octave++) {
      sum += amplitude * noise(x * frequency, y * frequency);
      amplitude /= 2;
      frequency *= 2;
    }
    return sum / 0.94;
  };
}

/** Soil, scrub and vegetation by height, shaded by slope: land as a 3-band RGB image reads it. */
const PALETTE: [number, [number, number, number]][] = [
  [0.0, [176, 160, 122]],
  [0.35, [196, 178, 138]],
  [0.5, [150, 150, 104]],
  [0.65, [108, 124, 78]],
  [1.0, [78, 98, 62]],
];
function landColour(height: number, shade: number): [number, number, number] {
  let k = 1;
  while (k < PALETTE.length - 1 && height > PALETTE[k]![0]) k++;
  const [h0, c0] = PALETTE[k - 1]!;
  const [h1, c1] = PALETTE[k]!;
  const t = Math.min(1, Math.max(0, (height - h0) / (h1 - h0)));
  return [0, 1, 2].map((i) => Math.max(1, Math.min(255, Math.round((c0[i]! * (1 - t) + c1[i]! * t) * shade)))) as [number, number, number];
}

/** Whether a UTM point lies in the footprint's quadrilateral (its corners taken to UTM: no projection per pixel). */
function footprintTest(epsg: number, box: [number, number, number, number]) {
  const toUtm = transformBetween(4326, epsg);
  const quad = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]].map((p) => toUtm.forward(p as [number, number]));
  return (x: number, y: number) => {
    for (let i = 0; i < 4; i++) {
      const [ax, ay] = quad[i]!;
      const [bx, by] = quad[(i + 1) % 4]!;
      if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) return false;
    }
    return true;
  };
}

interface Grid {
  epsg: number;
  originX: number;
  originY: number;
  pixelSize: number;
  width: number;
  height: number;
}

/** A UTM grid over a WGS 84 box, its longer side `edge` px. */
function gridOver(box: [number, number, number, number], edge: number): Grid {
  const epsg = utmZone((box[0] + box[2]) / 2, (box[1] + box[3]) / 2);
  const toUtm = transformBetween(4326, epsg);
  const corners = [[box[0], box[1]], [box[0], box[3]], [box[2], box[1]], [box[2], box[3]]].map((p) => toUtm.forward(p as [number, number]));
  const minX = Math.min(...corners.map((c) => c[0])), maxX = Math.max(...corners.map((c) => c[0]));
  const minY = Math.min(...corners.map((c) => c[1])), maxY = Math.max(...corners.map((c) => c[1]));
  const pixelSize = Math.max(maxX - minX, maxY - minY) / edge;
  return { epsg, originX: minX, originY: maxY, pixelSize, width: Math.ceil((maxX - minX) / pixelSize), height: Math.ceil((maxY - minY) / pixelSize) };
}

/**
 * A methane (or CO2) enhancement field, ppm·m: a noise floor, and each plume as a Gaussian plume
 * from its source along its wind (downwind of the direction the wind comes from), widening and
 * fading downwind, its strength following its emission rate. Outside `footprint`: nodata.
 */
function enhancement(grid: Grid, plumes: Plume[], seed: number, footprint?: [number, number, number, number]): Float32Array {
  const next = random(seed);
  const toUtm = transformBetween(4326, grid.epsg);
  const inside = footprint ? footprintTest(grid.epsg, footprint) : () => true;
  const co2 = plumes[0]?.gas === 'CO2';
  const sources = plumes.map((plume) => {
    const [x, y] = toUtm.forward([plume.longitude, plume.latitude]);
    const to = (((plume.wind_direction_avg_auto ?? 0) + 180) * Math.PI) / 180;
    const emission = plume.emission_auto ?? 300;
    return { x, y, dx: Math.sin(to), dy: Math.cos(to), amplitude: co2 ? Math.min(4000, emission / 150) : Math.min(3000, 300 + emission), length: 600 + 250 * (plume.wind_speed_avg_auto ?? 3) };
  });
  const floor = co2 ? 25 : 15;
  const values = new Float32Array(grid.width * grid.height);
  for (let row = 0; row < grid.height; row++) {
    for (let col = 0; col < grid.width; col++) {
      const px = grid.originX + (col + 0.5) * grid.pixelSize;
      const py = grid.originY - (row + 0.5) * grid.pixelSize;
      if (!inside(px, py)) {
        values[row * grid.width + col] = NODATA;
        continue;
      }
      let value = gaussian(next) * floor;
      for (const s of sources) {
        const along = (px - s.x) * s.dx + (py - s.y) * s.dy;
        const across = (px - s.x) * s.dy - (py - s.y) * s.dx;
        if (along < -150 || along > 6 * s.length) continue;
        const spread = 30 + 0.22 * Math.max(0, along);
        const upwind = along < 0 ? Math.exp(-(along * along) / (2 * 40 * 40)) : 1;
        value += s.amplitude * (25 / spread) * Math.exp(-(across * across) / (2 * spread * spread)) * Math.exp(-Math.max(0, along) / s.length) * upwind;
      }
      values[row * grid.width + col] = value;
    }
  }
  return values;
}

/** A plausible RGB image of the land under the scene (and nodata 0 outside its footprint). */
function landImage(grid: Grid, seed: number, footprint: [number, number, number, number]): Uint8Array[] {
  const noise = terrainNoise(seed);
  const inside = footprintTest(grid.epsg, footprint);
  const bands = [0, 1, 2].map(() => new Uint8Array(grid.width * grid.height));
  const scale = 1 / 80;
  for (let row = 0; row < grid.height; row++) {
    for (let col = 0; col < grid.width; col++) {
      if (!inside(grid.originX + (col + 0.5) * grid.pixelSize, grid.originY - (row + 0.5) * grid.pixelSize)) continue;
      const height = noise(col * scale, row * scale);
      const slope = noise((col + 1) * scale, row * scale) - noise(col * scale, (row + 1) * scale);
      const road = Math.abs(((col + row * 0.3) % 97) - 48) < 0.8 || Math.abs(((row - col * 0.15) % 131) - 65) < 0.6;
      const [r, g, b] = road ? [140, 136, 128] : landColour(height, 1 + slope * 6);
      bands[0]![row * grid.width + col] = r;
      bands[1]![row * grid.width + col] = g;
      bands[2]![row * grid.width + col] = b;
    }
  }
  return bands;
}

/**
 * Rasters for the first few demo scenes that hold a published plume: the scene's concentration
 * product and RGB image (scene tiles), and each published plume's own GeoTIFF as its plume_tif
 * (asset tiles). Scenes that already have them are skipped, so re-seeding costs nothing.
 */
export async function writeDemoRasters(db: Database, store: BlobStore, organizationId: string, batches: GeneratedBatch[]) {
  let scenes = 0;
  for (const { scene, plumes } of batches) {
    const product = plumes[0]?.gas === 'CO2' ? 'co2' : 'ch4';
    const seed = Number.parseInt(scene.id.slice(0, 8), 16);
    if (!(await sceneRasterKey(db, scene.id, product))) {
      const grid = gridOver(scene.footprint, SCENE_EDGE);
      const pixels = (bands: GeoTiffPixels['bands'], nodata: number): GeoTiffPixels => ({ ...grid, bands, nodata });
      await storeSceneRasterPixels({ db, store }, { sceneId: scene.id, product, organizationId, pixels: pixels([enhancement(grid, plumes, seed, scene.footprint)], NODATA) });
      await storeSceneRasterPixels({ db, store }, { sceneId: scene.id, product: 'rgb', organizationId, pixels: pixels(landImage(grid, seed, scene.footprint), 0) });
      scenes += 1;
    }
    // Named again on every seed: re-seeding rewrites the demo plumes' imported fields, plume_tif included.
    const named: { id: string; key: string }[] = [];
    for (const plume of plumes.filter((p) => p.status === 'published')) {
      const key = `${organizationId}/plumes/${plume.plume_id}.tif`;
      if (!(await store.stat(key))) {
        const half = PLUME_SPAN_M / 2 / 111_320;
        const wide = half / Math.cos((plume.latitude * Math.PI) / 180);
        const plumeGrid = gridOver([plume.longitude - wide, plume.latitude - half, plume.longitude + wide, plume.latitude + half], PLUME_EDGE);
        await store.put(key, writeGeoTiff({ ...plumeGrid, bands: [enhancement(plumeGrid, [plume], seed + 1)], nodata: NODATA }));
      }
      named.push({ id: plume.id!, key });
    }
    await registerAssets(db, named.map((n) => n.key), organizationId);
    await setPlumeTifs(db, named);
  }
  return scenes;
}
