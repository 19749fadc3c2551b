import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import { feature, merge } from 'topojson-client';
import type { Database } from '../../../platform/db/database.js';
import { countyIds, isStateOrDc, stateIds } from './gadm-ids.js';
import * as queries from './administrative-areas.queries.js';
import type { AreaRecord } from './administrative-areas.queries.js';
import { searchKeys } from './search-key.js';
import { PolygonError, toMultiPolygon } from './polygons.js';

/**
 * The administrative areas shipped with the server: Natural Earth countries at 1:50m (world-atlas)
 * and US states and counties at 1:10m (us-atlas, Census Bureau cartographic boundaries), read from
 * their npm packages and stored once per database. `BUNDLE_VERSION` names the data and the id
 * rules; a database holding another version loads again (bundled rows only).
 */
const require = createRequire(import.meta.url);
const ID_RULES = 'gadm-ids-1';

type Props = { name: string };
/** More than any shipped area has (Canada, the largest, has about 60,000). */
const BUNDLED_MAX_VERTICES = 1_000_000;
/** What is read of a TopoJSON topology: named collections of geometries with an id and a name (the rest goes to topojson-client as is). */
type AtlasGeometry = { id?: string | number; properties: Props };
type Atlas = { type: 'Topology'; objects: Record<string, { type: 'GeometryCollection'; geometries: AtlasGeometry[] }> };

async function readAtlas(file: string): Promise<Atlas> {
  return JSON.parse(await readFile(require.resolve(file), 'utf8')) as Atlas;
}

function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

export const BUNDLE_VERSION = `world-atlas@${packageVersion('world-atlas')}+us-atlas@${packageVersion('us-atlas')}+${ID_RULES}`;

/**
 * Natural Earth features without an ISO 3166 numeric code: those GADM lists under a code of its
 * own, and Somaliland, which GADM counts as part of Somalia. The two others (Indian Ocean
 * Territories, Siachen Glacier) are not areas GADM has, and are left out.
 */
const UNCODED: Record<string, string> = { Kosovo: 'XKO', 'N. Cyprus': 'XNC', Somaliland: 'SOM' };

/** The area, or undefined when its geometry has no area left at this scale (a speck of an island). */
function area(id: string, level: number, name: string, parents: string[], geometry: unknown): AreaRecord | undefined {
  try {
    const multi = toMultiPolygon([geometry], { maxVertices: BUNDLED_MAX_VERTICES });
    return { id, level, name, fullName: [name, ...parents].join(', '), geojson: JSON.stringify(multi), keys: searchKeys(name) };
  } catch (error) {
    if (error instanceof PolygonError) return undefined;
    throw error;
  }
}

const present = <T>(value: T | undefined): value is T => value !== undefined;

/** Countries: features sharing an ISO code (Australia's islands, Somalia and Somaliland) become one. */
function countryAreas(world: Atlas): { areas: AreaRecord[]; names: Map<string, string> } {
  const groups = new Map<string, AtlasGeometry[]>();
  for (const geometry of world.objects.countries!.geometries) {
    const alpha3 = geometry.id !== undefined ? countries.numericToAlpha3(String(geometry.id)) : UNCODED[geometry.properties.name];
    if (!alpha3) continue;
    groups.set(alpha3, [...(groups.get(alpha3) ?? []), geometry]);
  }
  const names = new Map<string, string>();
  const areas = [...groups].map(([alpha3, parts]) => {
    // The ISO-coded feature names the country (Somalia, not Somaliland).
    const name = (parts.find((p) => p.id !== undefined) ?? parts[0]!).properties.name;
    names.set(alpha3, name);
    return area(alpha3, 0, name, [], merge(world as never, parts as never));
  });
  return { areas: areas.filter(present), names };
}

function usAreas(us: Atlas, usaName: string): AreaRecord[] {
  const states = us.objects.states!.geometries;
  const counties = us.objects.counties!.geometries;
  const stateId = stateIds(states.map((s) => ({ fips: String(s.id), name: s.properties.name })));
  const countyId = countyIds(counties.map((c) => ({ fips: String(c.id), name: c.properties.name })), stateId);
  const stateName = new Map(states.map((s) => [String(s.id), s.properties.name]));
  const records: (AreaRecord | undefined)[] = [];
  for (const state of states) {
    const id = stateId.get(String(state.id));
    if (id && isStateOrDc(String(state.id))) records.push(area(id, 1, state.properties.name, [usaName], feature(us as never, state as never).geometry));
  }
  for (const county of counties) {
    const id = countyId.get(String(county.id));
    const parent = stateName.get(String(county.id).slice(0, 2));
    if (id && parent) records.push(area(id, 2, county.properties.name, [parent, usaName], feature(us as never, county as never).geometry));
  }
  return records.filter(present);
}

/** Every bundled area, computed from the packages (about 3,500 areas). */
export async function bundledAreas(): Promise<AreaRecord[]> {
  const [world, us] = await Promise.all([readAtlas('world-atlas/countries-50m.json'), readAtlas('us-atlas/counties-10m.json')]);
  const { areas, names } = countryAreas(world);
  return [...areas, ...usAreas(us, names.get('USA') ?? 'United States of America')];
}

const BATCH = 250;

/**
 * Loads the bundled areas unless this database already holds this version of them: call it after
 * `migrate` (serve, migrate, worker, test set-up). Replaces only bundled rows, in one transaction;
 * an operator's imported areas stay. Returns how many areas were loaded (0 when already there).
 */
export async function loadBundledAdministrativeAreas(db: Database): Promise<{ loaded: number; version: string }> {
  const current = await queries.selectSourceVersion(db, 'bundled');
  if (current?.version === BUNDLE_VERSION) return { loaded: 0, version: BUNDLE_VERSION };
  const areas = await bundledAreas();
  const loaded = await db.transaction(async (tx) => {
    await queries.lockAreaLoads(tx);
    // Another process may have loaded them while this one read the files.
    if ((await queries.selectSourceVersion(tx, 'bundled'))?.version === BUNDLE_VERSION) return 0;
    await queries.deleteAreasOf(tx, 'bundled');
    let stored = 0;
    for (let start = 0; start < areas.length; start += BATCH) stored += (await queries.insertAreas(tx, areas.slice(start, start + BATCH), 'bundled')).length;
    await queries.recordSource(tx, 'bundled', BUNDLE_VERSION, stored);
    return stored;
  });
  return { loaded, version: BUNDLE_VERSION };
}
