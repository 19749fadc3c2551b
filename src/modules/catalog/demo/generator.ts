import type { GeneratedScene, PlumeValues } from '../catalog-writes.queries.js';
import { plumeLetter } from '../plume-filter.js';
import type { Sector } from '../sectors.js';

/**
 * A deterministic demo catalog: persistent sources in real emitting regions (oil and gas basins,
 * landfills, coal mines, dairies, power plants), flown over again and again by airborne and
 * satellite instruments. A source shows in a scene it lies in with its own probability, so many
 * overpasses find nothing: null detections, which make persistence meaningful.
 */

interface Region {
  name: string;
  lat: number;
  lon: number;
  /** Half-width of the area its sources are spread over, degrees. */
  spread: number;
  sector: Sector;
  gas: 'CH4' | 'CO2';
  sources: number;
  /** Median emission rate of its sources, kg/h. */
  medianKgH: number;
}

const REGIONS: Region[] = [
  { name: 'Permian Basin', lat: 31.9, lon: -102.3, spread: 0.5, sector: '1B2', gas: 'CH4', sources: 320, medianKgH: 450 },
  { name: 'San Joaquin Valley oil fields', lat: 35.4, lon: -119.2, spread: 0.25, sector: '1B2', gas: 'CH4', sources: 160, medianKgH: 250 },
  { name: 'Marcellus', lat: 41.7, lon: -76.4, spread: 0.4, sector: '1B2', gas: 'CH4', sources: 120, medianKgH: 200 },
  { name: 'Turkmenistan Caspian coast', lat: 39.4, lon: 53.9, spread: 0.4, sector: '1B2', gas: 'CH4', sources: 120, medianKgH: 1800 },
  { name: 'Hassi Messaoud', lat: 31.7, lon: 6.1, spread: 0.3, sector: '1B2', gas: 'CH4', sources: 80, medianKgH: 1500 },
  { name: 'Greater New York landfills', lat: 40.6, lon: -74.2, spread: 0.2, sector: '6A', gas: 'CH4', sources: 40, medianKgH: 900 },
  { name: 'Los Angeles landfills', lat: 34.1, lon: -118.1, spread: 0.3, sector: '6A', gas: 'CH4', sources: 40, medianKgH: 700 },
  { name: 'Delhi landfills', lat: 28.6, lon: 77.2, spread: 0.15, sector: '6A', gas: 'CH4', sources: 20, medianKgH: 2500 },
  { name: 'Central Valley dairies', lat: 36.2, lon: -119.4, spread: 0.3, sector: '4B', gas: 'CH4', sources: 120, medianKgH: 300 },
  { name: 'Appalachian coal mines', lat: 37.5, lon: -81.6, spread: 0.3, sector: '1B1a', gas: 'CH4', sources: 60, medianKgH: 1100 },
  { name: 'Shanxi coal mines', lat: 37.8, lon: 112.5, spread: 0.4, sector: '1B1a', gas: 'CH4', sources: 100, medianKgH: 2000 },
  { name: 'Southern California wastewater', lat: 33.9, lon: -118.4, spread: 0.1, sector: '6B', gas: 'CH4', sources: 16, medianKgH: 150 },
  { name: 'US Gulf Coast power plants', lat: 29.8, lon: -95.2, spread: 0.5, sector: '1A1', gas: 'CO2', sources: 40, medianKgH: 350_000 },
  { name: 'Indian coal power plants', lat: 23.9, lon: 82.6, spread: 0.5, sector: '1A1', gas: 'CO2', sources: 40, medianKgH: 600_000 },
];

interface Instrument {
  code: 'GAO' | 'ang' | 'av3' | 'emi' | 'tan' | 'ssc';
  platform: string;
  provider: string;
  /** Swath width × length, degrees. */
  swath: [number, number];
  gsd: number;
  phase: string;
}

const AIRBORNE: Instrument[] = [
  { code: 'GAO', platform: 'GAO', provider: 'CarbonMapper', swath: [0.08, 0.3], gsd: 4.5, phase: 'phase3' },
  { code: 'ang', platform: 'ANG', provider: 'JPL', swath: [0.05, 0.25], gsd: 3.5, phase: 'phase3' },
  { code: 'av3', platform: 'AV3', provider: 'JPL', swath: [0.06, 0.3], gsd: 5, phase: 'first_light' },
];
const SATELLITE: Instrument[] = [
  { code: 'emi', platform: 'EMIT', provider: 'NASA', swath: [0.75, 0.75], gsd: 60, phase: 'phase1' },
  { code: 'tan', platform: 'Tanager-1', provider: 'Planet', swath: [0.2, 0.4], gsd: 30, phase: 'first_light' },
  { code: 'ssc', platform: 'SSC', provider: 'CarbonMapper', swath: [0.25, 0.25], gsd: 30, phase: 'commissioning' },
];
const US_REGIONS = new Set(['San Joaquin Valley oil fields', 'Permian Basin', 'Marcellus', 'Greater New York landfills', 'Los Angeles landfills', 'Central Valley dairies', 'Appalachian coal mines', 'Southern California wastewater', 'US Gulf Coast power plants']);

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same catalog. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number) {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function uuidFrom(next: () => number) {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const SPAN_MS = 6 * 365 * 86_400_000;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', 't');

interface Source {
  lat: number;
  lon: number;
  kgH: number;
  persistence: number;
}

export interface GeneratedBatch {
  scene: GeneratedScene;
  plumes: Omit<PlumeValues, 'organization_id'>[];
}

/** Scenes with their plumes until `plumeCount` plumes have been made. */
export function* generateCatalog(plumeCount: number, seed = 42): Generator<GeneratedBatch> {
  const next = random(seed);
  const sources = REGIONS.map((region) =>
    Array.from({ length: region.sources }, (): Source => ({
      lat: region.lat + (next() * 2 - 1) * region.spread,
      lon: region.lon + (next() * 2 - 1) * region.spread,
      kgH: region.medianKgH * Math.exp(gaussian(next) * 0.8),
      persistence: 0.15 + next() * 0.75,
    })),
  );
  let made = 0;
  let at = Date.UTC(2019, 0, 1, 16, 0, 0);
  // Overpasses spread over six years whatever the size: about 8.5 plumes come of a scene on average.
  const step = SPAN_MS / Math.max(1, plumeCount / 8.5);
  while (made < plumeCount) {
    at += Math.max(1000, Math.round(step * (0.5 + next())));
    const regionIndex = Math.floor(next() * REGIONS.length);
    const region = REGIONS[regionIndex]!;
    const airborne = US_REGIONS.has(region.name) && next() < 0.7;
    const instruments = airborne ? AIRBORNE : SATELLITE;
    const instrument = instruments[Math.floor(next() * instruments.length)]!;
    const [width, length] = instrument.swath;
    const centerLat = region.lat + (next() * 2 - 1) * region.spread * 0.6;
    const centerLon = region.lon + (next() * 2 - 1) * region.spread * 0.6;
    const footprint: [number, number, number, number] = [round(centerLon - width / 2, 5), round(centerLat - length / 2, 5), round(centerLon + width / 2, 5), round(centerLat + length / 2, 5)];
    const when = new Date(at);
    const cloudCover = round(next() < 0.6 ? next() * 10 : next() * 100, 1);
    const scene: GeneratedScene = {
      id: uuidFrom(next),
      name: `${instrument.code}${stamp(when)}p${String(Math.floor(next() * 3)).padStart(4, '0')}`,
      instrument: instrument.code,
      platform: instrument.platform,
      provider: instrument.provider,
      mission_phase: instrument.phase,
      timestamp: when,
      footprint,
      cloud_cover: cloudCover,
      qa_flags: cloudCover > 50 ? ['cloudy'] : [],
      assessed: next() < 0.9,
    };
    const plumes: GeneratedBatch['plumes'] = [];
    const seen = cloudCover <= 80;
    for (const source of seen ? sources[regionIndex]! : []) {
      const inside = source.lon >= footprint[0] && source.lon <= footprint[2] && source.lat >= footprint[1] && source.lat <= footprint[3];
      if (!inside || next() > source.persistence || made + plumes.length >= plumeCount) continue;
      const emission = round(source.kgH * Math.exp(gaussian(next) * 0.35), 1);
      const lat = round(source.lat + gaussian(next) * 0.0002, 6);
      const lon = round(source.lon + gaussian(next) * 0.0002, 6);
      const size = 0.002 + next() * 0.006;
      const published = next() < 0.93;
      plumes.push({
        id: uuidFrom(next),
        plume_id: `${scene.name}-${plumeLetter(plumes.length)}`,
        scene_id: scene.id,
        scene_name: scene.name,
        instrument: instrument.code,
        platform: instrument.platform,
        provider: instrument.provider,
        mission_phase: instrument.phase,
        datetime: when,
        gas: region.gas,
        longitude: lon,
        latitude: lat,
        bounds: [round(lon - size, 6), round(lat - size, 6), round(lon + size, 6), round(lat + size, 6)],
        sector: region.sector,
        emission_auto: emission,
        emission_uncertainty_auto: round(emission * (0.15 + next() * 0.2), 1),
        emission_cmf_type: 'mfa',
        emission_version: 'v1',
        processing_software: 'carbon-atlas-demo 1.0',
        gsd: instrument.gsd,
        sensitivity_mode: airborne ? 'normal' : null,
        off_nadir: round(next() * 20, 1),
        wind_speed_avg_auto: round(1 + next() * 6, 2),
        wind_speed_std_auto: round(next() * 1.5, 2),
        wind_direction_avg_auto: round(next() * 360, 1),
        wind_direction_std_auto: round(next() * 40, 1),
        wind_source_auto: airborne ? 'hrrr' : 'era5',
        quality: next() < 0.85 ? 'good' : 'questionable',
        status: published ? 'published' : 'publish_ready',
        plume_tif: null,
        plume_png: null,
        con_tif: null,
        rgb_tif: null,
        rgb_png: null,
        published_at: published ? new Date(at + 7 * 86_400_000) : null,
        modified: new Date(at + 7 * 86_400_000),
      });
    }
    made += plumes.length;
    yield { scene, plumes };
  }
}
