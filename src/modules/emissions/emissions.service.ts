import type { Readable } from 'node:stream';
import { csvRecord } from '../../platform/http/csv.js';
import { pullStream } from '../../platform/http/streaming.js';
import type { Database, Queryable } from '../../platform/db/database.js';
import * as webhooks from './webhooks/webhooks.service.js';
import { randomId, toGram } from './quantities.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { parseDate, parseInstant, requireInstant } from '../../platform/http/date-time.js';
import * as queries from './emissions.queries.js';
import type { CursorCodec } from './cursor.js';
import type { ListEmissionsQuery, NewEmissionBody } from './emissions.schemas.js';

const KG_PER_UNIT: Record<string, number> = { kgCO2e: 1, tCO2e: 1000, gCO2e: 0.001 };
const DAY_MS = 86_400_000;

export function newEmissionId(): string {
  return randomId('em');
}

/** kgCO2e for a value in any accepted unit, rounded to the gram to keep sums exact in practice. */
export function toKilograms(value: number, unit: string): number {
  return toGram(value * KG_PER_UNIT[unit]!);
}

/** ISO 8601 in UTC, without milliseconds when there are none, as the page writes instants. */
function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function view(row: queries.EmissionRow) {
  return {
    id: row.id,
    facility_id: row.facility_id,
    scope: row.scope,
    category: row.category,
    value: row.value_kg,
    unit: 'kgCO2e' as const,
    timestamp: isoInstant(row.occurred_ms),
    metadata: row.metadata,
    reported: { value: row.reported_value, unit: row.reported_unit as 'kgCO2e' },
    source: row.source,
    external_id: row.external_id,
    voided: row.voided_ms !== null,
    voided_at: row.voided_ms === null ? null : isoInstant(row.voided_ms),
    void_reason: row.void_reason,
    created_at: isoInstant(row.created_ms),
    co2e_biomass: row.co2e_biomass_kg,
    consumption_id: row.consumption_id,
    factor: row.factor_id ? { id: row.factor_id, version: row.factor_version ?? '' } : null,
    calculation: row.calculation,
  };
}

/** A submitted record as stored: a new id, the value in kgCO2e, the reported value kept. */
export function toNewEmission(body: NewEmissionBody): queries.NewEmission {
  const unit = body.unit ?? 'kgCO2e';
  return {
    id: newEmissionId(),
    facilityId: body.facility_id,
    scope: body.scope,
    category: body.category ?? null,
    valueKg: toKilograms(body.value, unit),
    reportedValue: body.value,
    reportedUnit: unit,
    occurredAt: requireInstant(body.timestamp, 'timestamp'),
    metadata: body.metadata ?? {},
    externalId: body.external_id ?? null,
  };
}

/** Stores a record and, in the same transaction, queues its webhooks (emission.created, threshold.exceeded). */
export async function recordEmission(db: Database, organizationId: string, body: NewEmissionBody) {
  return db.transaction(async (tx) => {
    const { row, created } = await queries.insertEmission(tx, organizationId, toNewEmission(body));
    const emission = view(row);
    if (created) {
      await webhooks.emit(tx, organizationId, 'emission.created', emission);
      await webhooks.checkThreshold(tx, organizationId, emission);
    }
    return { emission, created };
  });
}

export async function getEmission(db: Queryable, organizationId: string, id: string) {
  const row = await queries.selectEmission(db, organizationId, id);
  if (!row) throw new NotFoundError(`Emission ${id} not found.`);
  return view(row);
}

function instant(text: string, endOfDay: boolean, field: string): Date {
  const day = parseDate(text);
  if (day) return endOfDay ? new Date(day.getTime() + DAY_MS) : day;
  const at = parseInstant(text);
  if (!at) throw new BadRequestError(`${field} is not a valid ISO 8601 date.`);
  return at;
}

/** Pages in insertion order; the cursor is bound to the organization and the filters it was made for. */
/** The list's filters, shared by the list and its CSV export. */
function emissionFilter(query: Omit<ListEmissionsQuery, 'limit' | 'cursor'>): queries.EmissionFilter {
  return {
    from: query.start_date ? instant(query.start_date, false, 'start_date') : undefined,
    // A date-only end_date includes that whole day; a date-time is exclusive.
    until: query.end_date ? instant(query.end_date, true, 'end_date') : undefined,
    scopes: query.scope ? [...new Set(query.scope.split(',').map(Number))] : undefined,
    facilityId: query.facility_id,
    category: query.category,
    includeVoided: query.include_voided ?? false,
  };
}

export async function listEmissions(db: Queryable, codec: CursorCodec, organizationId: string, query: ListEmissionsQuery) {
  const filter = emissionFilter(query);
  const context = `${organizationId}|${JSON.stringify({ ...filter, limit: undefined })}`;
  const after = query.cursor === undefined ? 0 : codec.decode(query.cursor, context);
  if (after === undefined) throw new BadRequestError('cursor is invalid, or was made for other filters.');
  const rows = await queries.selectEmissionPage(db, organizationId, filter, after, query.limit);
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return {
    data: page.map(view),
    pagination: { next_cursor: hasMore ? codec.encode(Number(page.at(-1)!.seq), context) : null, has_more: hasMore },
  };
}

/** Corrections never delete: the record stays, marked void with its reason. */
export async function voidEmission(db: Queryable, organizationId: string, id: string, reason: string) {
  const existing = await queries.selectEmission(db, organizationId, id);
  if (!existing) throw new NotFoundError(`Emission ${id} not found.`);
  if (existing.source === 'calculated') throw new ConflictError('Calculated emissions change with their consumption data, not through this API.');
  return view((await queries.voidEmission(db, organizationId, id, reason))!);
}

export const EMISSION_CSV_COLUMNS = [
  'id', 'facility_id', 'scope', 'category', 'value', 'unit', 'timestamp', 'reported_value', 'reported_unit', 'source', 'external_id',
  'voided', 'voided_at', 'void_reason', 'created_at', 'co2e_biomass', 'consumption_id', 'factor_id', 'factor_version', 'metadata',
] as const;
const EXPORT_CHUNK = 2000;

function csvValues(record: ReturnType<typeof view>): unknown[] {
  const { reported, factor, ...rest } = record;
  const flat: Record<string, unknown> = { ...rest, reported_value: reported.value, reported_unit: reported.unit, factor_id: factor?.id, factor_version: factor?.version };
  return EMISSION_CSV_COLUMNS.map((column) => flat[column]);
}

/**
 * Every record matching the list's filters as CSV in insertion order, a chunk at a time as the client
 * reads (keyset on the insertion sequence: records added meanwhile land after, never in between).
 */
export async function emissionsCsv(db: Queryable, organizationId: string, query: Omit<ListEmissionsQuery, 'limit' | 'cursor'>): Promise<Readable> {
  const filter = emissionFilter(query);
  // The first chunk is read before answering: a failing query is an error answer, not a cut download.
  let rows = await queries.selectEmissionPage(db, organizationId, filter, 0, EXPORT_CHUNK);
  let header = true;
  return pullStream(async () => {
    if (header) {
      header = false;
      return csvRecord(EMISSION_CSV_COLUMNS);
    }
    if (rows.length === 0) return null;
    const page = rows.slice(0, EXPORT_CHUNK);
    const more = rows.length > EXPORT_CHUNK;
    const text = page.map((row) => csvRecord(csvValues(view(row)))).join('');
    rows = more ? await queries.selectEmissionPage(db, organizationId, filter, Number(page.at(-1)!.seq), EXPORT_CHUNK) : [];
    return text;
  });
}
