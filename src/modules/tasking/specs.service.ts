import type { Database, Queryable } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import { layersByName, type LayerSummary } from '../geo/layers/layer-areas.service.js';
import { specsEditable } from './deck-status.js';
import * as decks from './decks.queries.js';
import { layerViewerOf, type Owner } from './owner.js';
import * as queries from './specs.queries.js';
import type { AreasInput, SpecBody } from './tasking.schemas.js';

/** A deck holds at most this many specs, so that a deck (which embeds its specs) stays one bounded response. */
export const MAX_SPECS_PER_DECK = 100;

const notFound = (id: string): never => {
  throw new NotFoundError(`Target spec ${id} not found.`);
};

const issue = (path: (string | number)[], message: string): FieldIssue => ({ location: 'body', path, message, type: 'value_error' });

const EMPTY: queries.SpecValues = Object.fromEntries(queries.SPEC_FIELDS.map((f) => [f, null])) as queries.SpecValues;

/** The stored values with the body's changes applied (absent keys keep their value; null clears). */
export function mergeSpec(current: queries.SpecValues, body: SpecBody): queries.SpecValues {
  const next: Record<string, unknown> = { ...current };
  for (const field of queries.SPEC_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    next[field] = (field === 'start_time' || field === 'end_time') && value !== null ? new Date(value as string) : value;
  }
  return next as queries.SpecValues;
}

/** Cross-field rules: each min ≤ its max, start before end. */
export function specProblems(values: queries.SpecValues): FieldIssue[] {
  const problems: FieldIssue[] = [];
  for (const pair of ['off_nadir_angle', 'satellite_elevation_angle', 'solar_zenith_angle'] as const) {
    const min = values[`${pair}_min`];
    const max = values[`${pair}_max`];
    if (min !== null && max !== null && min > max) problems.push(issue([`${pair}_min`], `must not exceed ${pair}_max (${max}).`));
  }
  if (values.start_time && values.end_time && values.start_time >= values.end_time) problems.push(issue(['end_time'], 'must be after start_time.'));
  return problems;
}

async function checkLayerNames(db: Queryable, owner: Owner, names: string[]) {
  const found = new Set((await layersByName(db, layerViewerOf(owner), names)).map((layer) => layer.name.toLowerCase()));
  const unknown = names.map((name, i) => ({ name, i })).filter(({ name }) => !found.has(name.toLowerCase()));
  if (unknown.length) throw new ValidationError(unknown.map(({ name, i }) => issue(['input_layers_names', i], `No layer of your organization is named "${name}".`)));
}

/** Every [lon, lat(, z)] position in GeoJSON coordinates of any nesting. */
function positionsOf(coordinates: unknown): number[][] {
  if (!Array.isArray(coordinates)) return [];
  return typeof coordinates[0] === 'number' ? [coordinates as number[]] : coordinates.flatMap(positionsOf);
}

function areaRows(areas: AreasInput) {
  const problems: FieldIssue[] = [];
  const rows = areas.features.map((feature, i) => {
    const outside = positionsOf(feature.geometry.coordinates).some(([lon, lat]) => !(Math.abs(lon!) <= 180 && Math.abs(lat!) <= 90));
    const rings = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates : feature.geometry.type === 'MultiPolygon' ? feature.geometry.coordinates.flat() : [];
    const open = rings.some((ring) => ring[0]![0] !== ring.at(-1)![0] || ring[0]![1] !== ring.at(-1)![1]);
    if (open) problems.push(issue(['areas', 'features', i, 'geometry'], 'Each polygon ring must end at the position it starts from.'));
    if (outside) problems.push(issue(['areas', 'features', i, 'geometry'], 'Coordinates are longitude (−180…180), latitude (−90…90) in WGS 84.'));
    return { name: feature.properties?.name ?? null, geometry: JSON.stringify(feature.geometry) };
  });
  if (problems.length) throw new ValidationError(problems);
  return rows;
}

async function saveAreas(tx: Queryable, owner: Owner, specId: string, areas: AreasInput | null) {
  const invalid = await queries.replaceAreas(tx, owner.organizationId, specId, areas ? areaRows(areas) : []);
  if (invalid.length) throw new ValidationError(invalid.map((i) => issue(['areas', 'features', i, 'geometry'], 'The geometry is not valid (a ring crosses itself or is not closed).')));
}

async function lockEditableDeck(tx: Queryable, owner: Owner, deckId: string) {
  const deck = isUuid(deckId) ? await decks.selectDeck(tx, owner.organizationId, deckId, true) : undefined;
  if (!deck) throw new NotFoundError(`Target deck ${deckId} not found.`);
  if (!specsEditable(deck.status)) throw new ConflictError(`Target deck ${deckId} is ${deck.status}: its specs change only while it is DRAFT or PAUSED.`);
  return deck;
}

/** The views of these specs, their layers and areas read in one go each. */
export async function specViews(db: Queryable, owner: Owner, rows: queries.SpecRow[]) {
  if (rows.length === 0) return [];
  const names = [...new Set(rows.flatMap((row) => row.input_layer_names))];
  const [layers, areas] = await Promise.all([layersByName(db, layerViewerOf(owner), names), queries.selectAreas(db, owner.organizationId, rows.map((r) => r.id))]);
  const layerOf = new Map<string, LayerSummary>(layers.map((layer) => [layer.name.toLowerCase(), layer]));
  return rows.map((row) => {
    const inputLayers = row.input_layer_names.map((name) => layerOf.get(name.toLowerCase())).filter((layer): layer is LayerSummary => layer !== undefined);
    const own = areas.filter((area) => area.target_spec_id === row.id);
    const values = Object.fromEntries(queries.SPEC_FIELDS.map((f) => [f, row[f] instanceof Date ? (row[f] as Date).toISOString() : row[f]]));
    return {
      id: row.id,
      target_deck: row.target_deck_id,
      input_layers: inputLayers,
      target_layer: inputLayers[0] ?? null,
      areas: own.length
        ? {
            type: 'FeatureCollection' as const,
            features: own.map((area) => ({ type: 'Feature' as const, id: Number(area.id), geometry: JSON.parse(area.geometry) as Record<string, unknown>, properties: { name: area.name } })),
          }
        : null,
      ...(values as Record<queries.SpecField, never>),
      created: row.created_at.toISOString(),
      modified: row.modified.toISOString(),
    };
  });
}

export async function specRow(db: Queryable, owner: Owner, id: string) {
  return (isUuid(id) ? await queries.selectSpec(db, owner.organizationId, id) : undefined) ?? notFound(id);
}

export async function getSpec(db: Queryable, owner: Owner, id: string) {
  return (await specViews(db, owner, [await specRow(db, owner, id)]))[0]!;
}

export async function createSpec(db: Database, owner: Owner, deckId: string, body: SpecBody) {
  const id = await db.transaction(async (tx) => {
    const deck = await lockEditableDeck(tx, owner, deckId);
    if ((await queries.countDeckSpecs(tx, deck.id)) >= MAX_SPECS_PER_DECK) throw new ConflictError(`A target deck holds at most ${MAX_SPECS_PER_DECK} target specs.`);
    const values = mergeSpec(EMPTY, body);
    const problems = specProblems(values);
    if (problems.length) throw new ValidationError(problems);
    const layerNames = body.input_layers_names ?? [];
    await checkLayerNames(tx, owner, layerNames);
    const specId = await queries.insertSpec(tx, owner.organizationId, deck.id, values, layerNames);
    await saveAreas(tx, owner, specId, body.areas ?? null);
    return specId;
  });
  return getSpec(db, owner, id);
}

export async function patchSpec(db: Database, owner: Owner, id: string, body: SpecBody) {
  await db.transaction(async (tx) => {
    const row = await specRow(tx, owner, id);
    await lockEditableDeck(tx, owner, row.target_deck_id);
    const values = mergeSpec(row, body);
    const problems = specProblems(values);
    if (problems.length) throw new ValidationError(problems);
    let layerNames = row.input_layer_names;
    if (body.input_layers_names !== undefined) {
      layerNames = body.input_layers_names ?? [];
      await checkLayerNames(tx, owner, layerNames);
    }
    await queries.updateSpec(tx, owner.organizationId, id, values, layerNames);
    if (body.areas !== undefined) await saveAreas(tx, owner, id, body.areas);
  });
  return getSpec(db, owner, id);
}

export async function deleteSpec(db: Database, owner: Owner, id: string) {
  await db.transaction(async (tx) => {
    const row = await specRow(tx, owner, id);
    await lockEditableDeck(tx, owner, row.target_deck_id);
    await queries.deleteSpec(tx, owner.organizationId, id);
  });
}
